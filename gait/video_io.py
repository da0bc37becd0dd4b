"""Reading and writing video, one frame at a time.

Frames are streamed: nothing here holds more than one decoded frame, so memory does not grow with the
length of the clip. Frames come out upright (a phone's rotation tag is applied), an HDR clip's as SDR
(:mod:`gait.hdr`), in BGR order.
"""

from __future__ import annotations

import os
import queue
import re
import struct
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Generator, Iterable, Iterator, TypeVar

import cv2
import numpy as np

from gait.errors import (
    DAMAGED_FILE,
    EMPTY_FILE,
    FRAME_RATE_TOO_LOW,
    NO_FRAME_RATE,
    NO_SUCH_FILE,
    NOT_A_VIDEO,
    TOO_LARGE,
    TOO_SHORT,
    UNREADABLE_CODEC,
    GaitInputError,
    capture_rate_request,
)
from gait.hdr import ToneMap, tone_map
from gait.per_file import read_once_per_file, sound_only, video_stream

T = TypeVar("T")
U = TypeVar("U")

VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".webm", ".mkv", ".m4v")
MIN_FRAMES = 15
# below this a foot's quarter of a second on the ground is 4 frames or fewer: the side sample resampled to
# 20 fps already reads the knee at landing 11 deg more bent, the foot 5 % of leg length less far ahead and
# contact 21 ms shorter than at 60 fps (docs/accuracy.md, "Frame rate"; at 15-10 fps, before the landing
# rule of 4 Dec 2026, the knee 15-17 deg more bent)
MIN_FPS = 20.0
MAX_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class VideoInfo:
    """What is known about a clip before its frames are read.

    ``fps`` is the capture rate used for every time in the analysis; ``file_fps`` is the playback rate
    written in the file. They differ for slow-motion footage, where the user gives the capture rate. A
    clip recorded at a variable frame rate is read on its capture clock (:class:`Timeline`): ``file_fps``
    is its typical rate, ``frame_count`` counts the clock's frames and ``missing_frames`` those of them
    the phone did not record.
    """

    path: str
    file_fps: float
    fps: float
    frame_count: int
    width: int
    height: int
    missing_frames: int = 0  # frames of the capture clock the phone did not record (:class:`Timeline`)
    copied_from: str | None = None  # the clip's own path when ``path`` is its H.264 copy (:mod:`gait.h264_copy`)

    @property
    def source_path(self) -> str:
        """The clip's own path: ``path``, or the clip's that ``path`` is a copy of."""
        return self.copied_from or self.path

    @property
    def name(self) -> str:
        """The clip's file name, as shown to the user and written in the outputs."""
        return Path(self.path).name

    @property
    def duration_s(self) -> float:
        """Length of the clip in capture time."""
        return self.frame_count / self.fps

    @property
    def slow_motion_factor(self) -> float:
        return self.fps / self.file_fps


# clockwise rotation that the file's orientation tag asks for -> the cv2.rotate code that applies it
_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def decoder_threads(side_by_side: int) -> int | None:
    """The threads of each of ``side_by_side`` decoders run at once, one per core (the pose pass's
    segments): 1, since the cores are busy anyway; None (OpenCV's choice, one per core) for a decoder alone.
    A decoder's own threads each hold frames: two 1080x1920 decoders with one thread held 85 MB against
    95-101 with two, and took 6.0 ms of CPU a frame against 6.3; the 65 s benchmark clip's annotated video
    in two parts peaked at 442 MB against 469-471, in the same time (28.3-29.8 s against 29.9-30.6). The
    annotated video's decoder has one thread, in a thread of its own beside the drawing
    (:func:`gait.rendering.write_annotated`)."""
    return 1 if side_by_side > 1 else None


@dataclass(frozen=True)
class _Picture:
    """How a decoded frame is shown: an HDR clip's tone-mapped to SDR (:mod:`gait.hdr`), then turned upright
    by the cv2.rotate code ``rotation`` (None: as decoded)."""

    rotation: int | None
    tone: ToneMap | None

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if self.tone is not None:
            frame = self.tone(frame)
        return frame if self.rotation is None else cv2.rotate(frame, self.rotation)


def _open(path: str, threads: int | None = None) -> tuple[cv2.VideoCapture, _Picture]:
    """Open a clip with a decoder of ``threads`` threads (:func:`decoder_threads`); return the capture and
    what makes its frames as shown (:class:`_Picture`).

    OpenCV's own automatic rotation is switched off and the tag applied here, so that it happens exactly
    once whatever the OpenCV build does.
    """
    cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG, [] if threads is None else [cv2.CAP_PROP_N_THREADS, threads])
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    degrees = int(round(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0)) % 360
    return cap, _Picture(_ROTATIONS.get(degrees), tone_map(path) if cap.isOpened() else None)


def probe(path: str | os.PathLike, capture_fps: float | None = None) -> VideoInfo:
    """Check that ``path`` is a readable video and describe it.

    Raises
    ------
    GaitInputError
        When the file is missing, is not a video, cannot be decoded, or is too short to analyse.
    """
    path = str(path)
    name = Path(path).name
    if os.path.isdir(path):
        raise GaitInputError(f"{path!r} is a folder, not a video. Give the video file inside it (gait batch "
                             "analyses a folder of clips).", NO_SUCH_FILE)
    if not os.path.isfile(path):
        raise GaitInputError(f"no such file: {path!r}. Check the path and try again.", NO_SUCH_FILE)
    if os.path.getsize(path) == 0:
        raise GaitInputError(f"{name!r} is empty (0 bytes). Copy the video again from the phone.", EMPTY_FILE)
    cap, picture = _open(path)
    try:
        ok, frame = cap.read() if cap.isOpened() else (False, None)
        if not ok or frame is None:
            _refuse_picture(path)
            if _index_cut_off(path):
                raise GaitInputError(
                    f"{name!r} is cut short: it ends before the index a phone writes at the end of a recording, "
                    "so none of it can be read. The copy or upload stopped early: copy the video again from the "
                    "phone.", DAMAGED_FILE
                )
            codec = _codec_only_ffmpeg_reads(path)
            if codec is not None:
                raise GaitInputError(
                    f"{name!r} is {codec} video, which this tool's video decoder cannot read. Re-export it as "
                    "H.264 or HEVC (H.265) in a video editor or converter, or set the phone camera to record "
                    "H.264 or HEVC, and try again.", UNREADABLE_CODEC
                )
            if sound_only(path):
                raise GaitInputError(f"{name!r} holds sound only, no picture. Give the video of the run (mp4, mov, "
                                     "avi, webm or mkv) as the camera saved it.", NOT_A_VIDEO)
            raise GaitInputError(
                f"{name!r} could not be read as a video. Use an mp4, mov, avi, webm or mkv file "
                "straight from the camera, or re-export it from a video editor.", NOT_A_VIDEO
            )
        file_fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        frame_count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        height, width = picture(frame).shape[:2]
    finally:
        cap.release()
    if frame_count <= 0:  # some containers (webm, mkv) do not store it: count by decoding
        frame_count = sum(1 for _ in iter_frames(path))
    clock = uneven_timeline(path)
    missing = 0
    if clock is not None:
        file_fps, frame_count, missing = clock.fps, clock.n_slots, clock.missing
    if not (1.0 <= file_fps <= 1000.0):
        if capture_fps is None:
            raise GaitInputError(
                f"{name!r} does not say its frame rate. {capture_rate_request(60).capitalize()}.",
                NO_FRAME_RATE
            )
        file_fps = capture_fps
    if width * height > MAX_PIXELS:
        raise GaitInputError(
            f"{name!r} is {width}x{height}, larger than 4096x4096. Export it at 1080p or 4K and try again.", TOO_LARGE
        )
    fps = float(capture_fps) if capture_fps else file_fps
    if frame_count <= 1:
        _refuse_picture(path)
    if frame_count < MIN_FRAMES or frame_count / fps < 1.0:
        from gait.gate.length import length_rule  # the trust gate imports this module

        raise GaitInputError(
            f"{name!r} has only {frame_count} frame(s) ({frame_count / fps:.2f} s), too short for any "
            f"measure. {length_rule('side').ask()} Or the same from behind or the front.", TOO_SHORT
        )
    if fps < MIN_FPS:
        raise GaitInputError(
            f"{name!r} has {fps:.0f} frames a second, too few to find the landings: a foot is on the ground for "
            f"about a quarter of a second, {0.25 * fps:.0f} frames at this rate. Film at 60 frames a second (30 "
            "at the least), set in the phone camera's video format. If the clip is slow motion saved at a low "
            f"rate, {capture_rate_request(120)}.", FRAME_RATE_TOO_LOW
        )
    return VideoInfo(path=path, file_fps=file_fps, fps=fps, frame_count=frame_count,
                     width=int(width), height=int(height), missing_frames=missing)


def _refuse_picture(path: str) -> None:
    """Refuse (``not_a_video``) a still picture (a photo given instead of the video), saying so."""
    stream = video_stream(path)
    if stream is not None and stream.picture:
        kind = {"mjpeg": "JPEG", "webp": "WebP"}.get(stream.coding, stream.coding.upper())
        raise GaitInputError(
            f"{Path(path).name!r} is a photo ({kind}), not a video. Give the video of the run (mp4, mov, avi, webm "
            "or mkv), filmed at 60 frames a second if the phone offers it.", NOT_A_VIDEO
        )


# codings OpenCV's FFmpeg reads (checked: H.264, HEVC 8- and 10-bit, VP9, ProRes): one of them unread is damaged
_READ_BY_OPENCV = frozenset({"h264", "hevc", "vp8", "vp9", "prores", "mpeg4", "mjpeg"})


def _codec_only_ffmpeg_reads(path: str) -> str | None:
    """The coding of the file's video (e.g. "AV1") when it is one that the FFmpeg that ships with imageio-ffmpeg
    describes but OpenCV's does not read (OpenCV's has no software AV1 decoder); None when FFmpeg finds no
    video, or when OpenCV's reads that coding (damaged)."""
    stream = video_stream(path)
    if stream is None or stream.coding in _READ_BY_OPENCV:
        return None
    return stream.coding.upper()  # FFmpeg's name for it, as users write it: "av1" -> "AV1"


def _index_cut_off(path: str) -> bool:
    """True when ``path`` is an MP4/MOV file (ISO base media: a sequence of boxes, ``ftyp`` first) whose
    ``moov`` box (the index of its frames) is cut off, or missing with the box before it running past the end of
    the file: a recording copied only in part, its index written at its end as phones do."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        offset, first = 0, True
        while offset + 8 <= size:
            f.seek(offset)
            box_size, kind = struct.unpack(">I4s", f.read(8))
            if first and kind != b"ftyp":
                return False
            if box_size == 1 and offset + 16 <= size:  # a 64-bit size follows
                box_size = struct.unpack(">Q", f.read(8))[0]
            if box_size < 8:  # not boxes of this format (0: the last box, to the end of the file)
                return False
            if kind == b"moov":  # the index: whole, or cut off itself
                return offset + box_size > size
            offset, first = offset + box_size, False
    return offset > size


def iter_frames(path: str, start_frame: int = 0, end_frame: int | None = None, seek: bool = False,
                threads: int | None = None) -> Generator[tuple[int, np.ndarray], None, None]:
    """Yield ``(frame_index, frame_bgr)`` for frames ``start_frame <= i < end_frame`` of the file.

    The frames before ``start_frame`` are decoded and dropped, so that the indices count the frames as
    they decode. With ``seek``, the reader jumps to ``start_frame`` instead (the demuxer's seek, by
    time): much faster far into a long clip, but a file with irregular timestamps can land a few frames
    off, so the caller checks what it got (:func:`fingerprint`). A truncated file ends the iteration
    early rather than raising. ``threads``: the decoder's (:func:`decoder_threads`).

    A clip recorded at a variable frame rate is read on its capture clock (:func:`uneven_timeline`): the
    indices count the clock's frames, and a frame the phone did not record is a copy of the one before.
    """
    clock = uneven_timeline(path)
    if clock is not None:
        yield from _clock_frames(path, clock, start_frame, end_frame, seek, threads)
        return
    cap, picture = _open(path, threads)
    try:
        index = 0
        if seek and start_frame > 0:
            cap.set(cv2.CAP_PROP_POS_FRAMES, start_frame)
            index = start_frame
        while end_frame is None or index < end_frame:
            if index < start_frame:
                if not cap.grab():
                    return
                index += 1
                continue
            ok, frame = cap.read()
            if not ok:
                return
            yield index, picture(frame)
            index += 1
    finally:
        cap.release()


# A variable frame rate, against the average frame rate the analysis would otherwise count frames by: the
# clock is kept when counting would put a frame this many frames from its timestamp. Phones drop frames in
# low light; the side sample with a second of every other frame dropped read 161 steps/min and 272 ms of
# contact counted at its average rate, 168 and 259 on its clock (the sample itself: 168 and 258;
# tests/test_video_io.py).
UNEVEN_FRAMES = 1.0


@dataclass(frozen=True)
class Timeline:
    """When a clip's frames were recorded, on the capture clock: each decoded frame's ``slot``, the number of
    typical intervals (1 / ``fps``) after the first frame, or -1 for a frame recorded in a slot already taken
    (left out). ``n_slots``: the clock's frames; ``missing``: slots with no frame of their own. ``times_s``:
    each frame's time after the first; ``first_ms``: the first frame's time as OpenCV's reader gives it."""

    slots: np.ndarray
    fps: float
    times_s: np.ndarray
    first_ms: float = 0.0

    @property
    def n_slots(self) -> int:
        return int(self.slots.max()) + 1

    @property
    def missing(self) -> int:
        return len(self.missing_slots)

    @property
    def missing_slots(self) -> np.ndarray:
        return np.setdiff1d(np.arange(self.n_slots), self.slots[self.slots >= 0])


def timeline(times_s: np.ndarray) -> Timeline:
    """The capture clock of frames recorded at ``times_s`` (presentation times, in order): the typical
    interval is the mean of those within a quarter of the median (not across a gap, nor a frame recorded
    twice), refined by a least-squares fit of the times on their slots."""
    t = np.asarray(times_s, dtype=float) - times_s[0]
    step = np.diff(t)
    interval = float(step[np.abs(step - np.median(step)) <= 0.25 * np.median(step)].mean())
    for _ in range(3):
        slots = np.round(t / interval)
        interval = float((slots * t).sum() / max((slots * slots).sum(), 1.0))
    slots = np.round(t / interval).astype(np.int64)
    taken = np.r_[False, slots[1:] <= np.maximum.accumulate(slots)[:-1]]
    return Timeline(np.where(taken, -1, slots), 1.0 / interval, t)


@read_once_per_file
def uneven_timeline(path: str) -> Timeline | None:
    """The capture clock of a clip recorded at a variable frame rate, where counting its frames at its
    average rate would time a frame more than :data:`UNEVEN_FRAMES` off; None for an even one (or a file
    whose timestamps cannot be read, counted as before)."""
    import subprocess

    import imageio_ffmpeg

    try:  # the packets' timestamps, read without decoding (about 0.1 s for a minute at 1080x1920)
        listing = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", path,
                                  "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"],
                                 capture_output=True, text=True, timeout=120, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    base = re.search(r"^#tb 0: (\d+)/(\d+)", listing, re.MULTILINE)
    pts = [line.split(",")[2] for line in listing.splitlines() if line and not line.startswith("#")]
    if base is None or len(pts) < 3 or not all(p.strip().lstrip("-").isdigit() for p in pts):
        return None
    times = np.sort(np.array(pts, dtype=float)) * int(base[1]) / int(base[2])
    if not np.median(np.diff(times)) > 0:  # no usable timestamps
        return None
    clock = timeline(times)
    by_count = np.arange(len(times)) * (times[-1] - times[0]) / (len(times) - 1)  # at the average rate
    if np.abs(by_count - (times - times[0])).max() * clock.fps <= UNEVEN_FRAMES:
        return None
    cap, _ = _open(path)
    try:
        counted = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        first_ms = float(cap.get(cv2.CAP_PROP_POS_MSEC)) if cap.grab() else 0.0
    finally:
        cap.release()
    if counted and counted != len(times):  # not the frames OpenCV decodes: count them as it does
        return None
    return replace(clock, first_ms=first_ms)


def _clock_frames(path: str, clock: Timeline, start_frame: int, end_frame: int | None, seek: bool,
                  threads: int | None) -> Generator[tuple[int, np.ndarray], None, None]:
    """:func:`iter_frames` of an uneven clip: each decoded frame in its slot on the capture clock and in the
    missing slots up to the next frame's (copies: a consumer may convert a frame in place). With ``seek`` the
    reader jumps to a frame before ``start_frame`` (:func:`_clock_seek`), else decodes from the start."""
    end = clock.n_slots if end_frame is None else min(end_frame, clock.n_slots)
    kept = np.flatnonzero(clock.slots >= 0)
    until = dict(zip(kept.tolist(), np.r_[clock.slots[kept][1:], clock.n_slots].tolist(), strict=True))
    slots = clock.slots.tolist()
    cap, picture = _open(path, threads)
    try:
        first, frame = 0, None
        if seek and start_frame > 0:
            found = _clock_seek(cap, clock, int(kept[clock.slots[kept] <= start_frame][-1]))
            if found is None:  # decoded from the start after all
                cap.release()
                cap, picture = _open(path, threads)
            else:
                first, frame = found
        for i in range(first, len(slots)):
            slot = slots[i]
            if slot >= end:
                return
            wanted = slot >= 0 and until[i] > start_frame  # else left out, or shown only before the frames asked for
            if frame is None:
                if not wanted:
                    if not cap.grab():
                        return
                    continue
                ok, frame = cap.read()
                if not ok:
                    return
            if wanted:
                upright = picture(frame)
                shown = range(max(slot, start_frame), min(until[i], end))
                for k in shown:
                    yield k, upright if k == shown[-1] else upright.copy()
            frame = None
    finally:
        cap.release()


def _clock_seek(cap: cv2.VideoCapture, clock: Timeline, frame: int) -> tuple[int, np.ndarray] | None:
    """Seek ``cap`` to at most the decoded frame ``frame`` of an uneven clip: the demuxer's seek by time
    lands by the file's average rate, so it aims earlier and earlier until the frame it lands on (known by
    its timestamp) is not after ``frame``; that frame's index and pixels, or None."""
    times_ms = clock.times_s * 1000.0 + clock.first_ms
    tolerance_ms = 250.0 / clock.fps  # a quarter of a frame
    for early_s in (0.5, 2.0, 8.0):
        cap.set(cv2.CAP_PROP_POS_MSEC, max(times_ms[frame] - 1000.0 * early_s, 0.0))
        ok, pixels = cap.read()
        if not ok:
            return None
        at = float(cap.get(cv2.CAP_PROP_POS_MSEC))
        landed = int(np.argmin(np.abs(times_ms - at)))
        if abs(times_ms[landed] - at) > tolerance_ms:
            return None
        if landed <= frame:
            return landed, pixels
    return None


FINGERPRINT_GRID = 16  # pixels sampled across and down


def fingerprint(frame: np.ndarray) -> np.ndarray:
    """(16, 16, channels) pixels sampled on a regular grid: equal for two decodes of the same frame of a
    file, different for any two frames of a moving scene; used to check where a seek landed."""
    h, w = frame.shape[:2]
    ys = ((np.arange(FINGERPRINT_GRID) + 0.5) * h / FINGERPRINT_GRID).astype(int)
    xs = ((np.arange(FINGERPRINT_GRID) + 0.5) * w / FINGERPRINT_GRID).astype(int)
    return frame[np.ix_(ys, xs)]


def iter_frames_checked(path: str, start_frame: int, end_frame: int, fingerprints: np.ndarray | None,
                        first_index: int = 0, threads: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """:func:`iter_frames` of frames ``start_frame <= i < end_frame``: by a checked seek
    (:func:`seek_checked`) when it lands where the fingerprints say, else decoded from the start."""
    frames = seek_checked(path, start_frame, end_frame, fingerprints, first_index, threads)
    yield from iter_frames(path, start_frame, end_frame, threads=threads) if frames is None else frames


def seek_checked(path: str, start_frame: int, end_frame: int, fingerprints: np.ndarray | None,
                 first_index: int = 0, threads: int | None = None) -> Iterator[tuple[int, np.ndarray]] | None:
    """The frames ``start_frame <= i < end_frame`` read by seeking to the first one, or ``None`` when the
    seek cannot be trusted: the first :data:`SEEK_CHECK_FRAMES` frames read must match the fingerprints of
    the frames as the pose pass decoded them (``fingerprints[i - first_index]`` for frame ``i``), and
    without fingerprints for them nothing is read. From frame 0 there is no seek: the frames as decoded."""
    if start_frame == 0:
        return iter_frames(path, 0, end_frame, threads=threads)
    count = min(SEEK_CHECK_FRAMES, end_frame - start_frame)
    rows = np.arange(start_frame, start_frame + count) - first_index
    if fingerprints is None or count <= 0 or rows[0] < 0 or rows[-1] >= len(fingerprints):
        return None
    frames = iter_frames(path, start_frame, end_frame, seek=True, threads=threads)
    try:
        first = [item for _, item in zip(range(count), frames, strict=False)]
        if len(first) == count and all(np.array_equal(fingerprint(frame), fingerprints[row])
                                       for (_, frame), row in zip(first, rows, strict=True)):
            return _chained(first, frames)
    except BaseException:
        frames.close()  # the file is let go of whatever goes wrong
        raise
    frames.close()
    return None


def _chained(first: list[tuple[int, np.ndarray]], rest: Generator[tuple[int, np.ndarray], None, None]
             ) -> Generator[tuple[int, np.ndarray], None, None]:
    try:
        yield from first
        yield from rest
    finally:
        rest.close()


_END = object()


def read_ahead(items: Callable[[], Iterator[T]], ahead: int, name: str,
               work: Callable[[T], U] | None = None) -> Generator[U, None, None]:
    """The items of ``items()`` (frames), each passed through ``work`` (when given), produced in a thread
    named ``name`` ``ahead`` items ahead of the consumer, while it works on the one before (OpenCV and
    MediaPipe release the GIL). An item is produced only once the consumer has asked for the one before, so
    that no more than ``ahead + 1`` are held (a 1080x1920 frame is 6 MB). An error in the thread is raised
    here; closing this generator (or leaving it by an error) stops the thread and waits for it to end."""
    ready: queue.Queue = queue.Queue()
    free = threading.Semaphore(ahead + 1)  # items that may be held: ahead, and the consumer's
    stop = threading.Event()

    def produce() -> None:
        source: Iterator[T] | None = None
        try:
            source = items()
            while True:
                while not free.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                item = next(source, _END)
                if item is _END:
                    break
                ready.put(item if work is None else work(item))  # type: ignore[arg-type]
                del item  # not held here while the next one waits its turn
            ready.put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            ready.put(exc)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    producer = threading.Thread(target=produce, name=name, daemon=True)
    producer.start()
    try:
        while True:
            produced = ready.get()
            if produced is _END:
                return
            if isinstance(produced, BaseException):
                raise produced
            yield produced
            del produced
            free.release()  # the consumer is done with the item before
    finally:
        stop.set()
        producer.join()


SEEK_CHECK_FRAMES = 3
# what one seek decodes, on average: from the keyframe before its frame, half a keyframe interval, which is
# about a second (30-60 frames) in a phone's clips and can be 250 frames in x264's (the renderer's)
SEEK_COST_FRAMES = 30


def frames_at(path: str, frame_index: np.ndarray, rows: Iterable[int], fingerprints: np.ndarray | None
              ) -> dict[int, np.ndarray]:
    """Some pose rows' frames (row ``r`` is the file's frame ``frame_index[r]``), read the cheaper way: one
    decoding pass up to the last when it decodes no more frames than a seek per frame (:data:`SEEK_COST_FRAMES`
    each) would, else each by a seek checked as :func:`seek_checked` checks (``fingerprints``: one per pose
    row), with one decoding pass after all at the first seek that lands elsewhere, or without fingerprints."""
    wanted = {int(frame_index[r]): r for r in rows}
    if not wanted:
        return {}
    last = max(wanted)
    if fingerprints is not None and last + 1 > SEEK_COST_FRAMES * len(wanted):
        sought = _sought(path, sorted(wanted), fingerprints, int(frame_index[0]))
        if sought is not None:
            return {wanted[index]: frame for index, frame in sought.items()}
    return {wanted[index]: frame for index, frame in iter_frames(path, min(wanted), last + 1) if index in wanted}


def _sought(path: str, wanted: list[int], fingerprints: np.ndarray, first_index: int) -> dict[int, np.ndarray] | None:
    """Each wanted frame by a checked seek of its own; None at the first seek that lands elsewhere."""
    out = {}
    for index in wanted:
        frames = seek_checked(path, index, index + 1, fingerprints, first_index)
        got = None if frames is None else next(frames, None)
        if got is None:
            return None
        out[index] = got[1]
    return out


def concat_mp4(parts: list[Path], out: str | os.PathLike) -> None:
    """Join mp4 files of the same encoding settings into ``out`` without re-encoding (moov atom first)."""
    import subprocess

    import imageio_ffmpeg

    listing = Path(out).with_suffix(".parts.txt")
    listing.write_text("".join("file '{}'\n".format(str(Path(p).resolve()).replace("'", "'\\''")) for p in parts))
    try:
        subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "concat", "-safe", "0",
                        "-i", str(listing), "-c", "copy", "-movflags", "+faststart", str(out)],
                       check=True, capture_output=True)
    finally:
        listing.unlink(missing_ok=True)


class H264Writer:
    """Write BGR frames to an H.264 mp4 that browsers play (yuv420p, moov atom first).

    Uses the ffmpeg binary shipped in the ``imageio-ffmpeg`` wheel; OpenCV's own wheels cannot encode
    H.264. Odd frame sizes are padded by one pixel, as yuv420p needs even sizes. ``preset`` and ``crf``
    are x264's speed preset and quality (lower is better, 23 its default). ``convert_here``: convert each
    frame to yuv420p with OpenCV in this process and pipe that (half the bytes; ffmpeg's own converter from
    BGR costs about 1.2 ms of CPU more a frame at 720x1280), at the price of slightly different rounding.
    ``threads``: x264's threads (default: its own choice, about 1.5 a core); one costs about 10 % less CPU
    where several encoders run at once.
    """

    def __init__(self, path: str | os.PathLike, width: int, height: int, fps: float, preset: str = "veryfast",
                 crf: int = 23, convert_here: bool = False, threads: int | None = None):
        import imageio_ffmpeg

        self.size = (width + width % 2, height + height % 2)
        self.convert_here = convert_here
        self._gen = imageio_ffmpeg.write_frames(
            str(path), self.size, pix_fmt_in="yuv420p" if convert_here else "bgr24", fps=fps, codec="libx264",
            quality=None, macro_block_size=1, ffmpeg_log_level="error",
            output_params=["-crf", str(crf), "-preset", preset, *(["-threads", str(threads)] if threads else []),
                           "-movflags", "+faststart"],
        )
        self._gen.send(None)

    def write(self, frame_bgr: np.ndarray) -> None:
        h, w = frame_bgr.shape[:2]
        if (w, h) != self.size:
            frame_bgr = cv2.copyMakeBorder(frame_bgr, 0, self.size[1] - h, 0, self.size[0] - w,
                                           cv2.BORDER_CONSTANT)
        if self.convert_here:
            self._gen.send(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2YUV_I420))
        else:
            self._gen.send(np.ascontiguousarray(frame_bgr))

    def close(self) -> None:
        self._gen.close()

    def __enter__(self) -> "H264Writer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
