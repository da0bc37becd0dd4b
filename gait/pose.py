"""Pose estimation with MediaPipe Pose (the model bundled in the mediapipe 0.10.21 wheel).

This is the only module that imports mediapipe. A fresh tracker is made for every run over frames, since
the tracker keeps state between frames. Frames are decoded in a thread a frame or two ahead of the tracker.

The pose pass (:func:`run_pose_pass`) can use several cores: the frames are split into consecutive
segments, each tracked by its own MediaPipe in its own process (a fresh Python interpreter, never a fork:
MediaPipe is not fork-safe). A segment after the first starts its tracker :data:`WARMUP_FRAMES` before
its first kept frame and drops those warm-up frames, so that the tracker has found the runner and its
landmark filter has settled before the frames that count. The warm-up frames double as a check of the
seek: their :func:`~gait.video_io.fingerprint` must equal those the segment before decoded for the same
frames; if not (a file whose timestamps mislead the seek), the segment is run again, decoding from the
start of the file.
``workers=1`` runs one tracker over all frames in this process, exactly as a single-core pass.

A tracker keeps something of where it started for as long as it runs: after the warm-up, a segment's
landmarks are within a median 0.1 px of one tracker's over the whole clip, but in frames where the model
hesitates (crossing legs) the two can differ by several pixels, hundreds of frames after the seam. The
measures average such differences out over a long clip's many steps; over a short clip's few they need
not (on the side sample split in two, angles moved by up to 0.75 deg; starting the same clip one to three
frames later moves them by up to 3 deg: docs/speed.md). Only clips of at least two
:data:`MIN_SEGMENT_FRAMES` are split, where the time gained is large and the steps many.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import pickle
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any, Callable, Iterator, Protocol, Sequence

import cv2
import numpy as np

from gait.landmarks import NAMES, PoseSeries
from gait.video_io import FINGERPRINT_GRID, VideoInfo, fingerprint, iter_frames

ProgressCallback = Callable[[int, int], None]  # (frames done, frames total)


# What is used of MediaPipe's Pose solution, which ships no type information.
class _Landmark(Protocol):
    x: float  # of the image width
    y: float  # of the image height
    z: float  # depth, on the scale of x
    visibility: float


class _Landmarks(Protocol):
    landmark: Sequence[_Landmark]


class _PoseResult(Protocol):
    pose_landmarks: _Landmarks | None  # None: nobody found


class PoseTracker(Protocol):
    """``mediapipe.solutions.pose.Pose``: finds one person per frame (keeping state between frames unless
    made for still images); a context manager that closes it."""

    def process(self, image: np.ndarray) -> _PoseResult: ...

    def close(self) -> None: ...

    def __enter__(self) -> PoseTracker: ...

    def __exit__(self, *exc_info: object) -> None: ...

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# The tracker's settings (model complexity 1: the one that ships in the wheel). Part of the pose cache's
# key (:func:`pose_settings`): landmarks found with other settings are never reused.
TRACKER_SETTINGS: dict[str, object] = {"model_complexity": 1, "smooth_landmarks": True,
                                       "min_detection_confidence": 0.5, "min_tracking_confidence": 0.5}

WORKERS_ENV = "GAIT_POSE_WORKERS"  # the number of pose processes, overriding the default
MAX_WORKERS = 4  # each process holds its own MediaPipe (about 250 MB)
WARMUP_FRAMES = 60  # a later segment's tracker starts this many frames before its first kept frame
MIN_SEGMENT_FRAMES = 600  # a clip is split only into segments of at least this many frames
PROGRESS_EVERY = 8  # frames between a worker's progress messages
READ_AHEAD = 1  # frames decoded ahead of the tracker (and one more held by the reader)


@contextlib.contextmanager
def native_logs_silenced() -> Iterator[None]:
    """Send what native code writes to file descriptor 2 to /dev/null, keep Python's ``sys.stderr``.

    MediaPipe's C++ logging writes straight to descriptor 2; the CLI's own messages and progress bar go
    through ``sys.stderr``, which is re-pointed at a copy of the original descriptor meanwhile.
    """
    try:
        sys.stderr.flush()
        original_fd = os.dup(2)
    except (OSError, ValueError, io.UnsupportedOperation):  # no usable descriptor 2 (embedded use)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved_stderr = sys.stderr
    sys.stderr = io.TextIOWrapper(os.fdopen(os.dup(original_fd), "wb", buffering=0),
                                  encoding="utf-8", errors="replace", line_buffering=True)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = saved_stderr
        os.dup2(original_fd, 2)
        os.close(original_fd)
        os.close(devnull)


def new_tracker(still_images: bool = False, segmentation: bool = False) -> PoseTracker:
    """A fresh MediaPipe Pose tracker (:data:`TRACKER_SETTINGS`); with ``still_images`` every frame is
    searched afresh, nothing carried over from the one before; with ``segmentation`` each result also
    holds the person mask (``segmentation_mask``, the landmarks unchanged)."""
    import mediapipe as mp

    return mp.solutions.pose.Pose(static_image_mode=still_images, enable_segmentation=segmentation,
                                  **TRACKER_SETTINGS)


def landmarks_of_frame(tracker: PoseTracker, frame_bgr: np.ndarray) -> np.ndarray | None:
    """(33, 4) array of x_px, y_px, depth_px, visibility for one frame, or None if nobody is found."""
    return _landmarks(tracker, cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB))


def _landmarks(tracker: PoseTracker, frame_rgb: np.ndarray) -> np.ndarray | None:
    return _found(tracker, frame_rgb)[0]


def _found(tracker: PoseTracker, frame_rgb: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The landmarks (as :func:`landmarks_of_frame`) and the person mask ((h, w) float32, 0-1; None when
    the tracker makes none or nobody is found)."""
    h, w = frame_rgb.shape[:2]
    result = tracker.process(frame_rgb)
    if result.pose_landmarks is None:
        return None, None
    mask = getattr(result, "segmentation_mask", None)
    return np.array([(p.x * w, p.y * h, p.z * w, p.visibility)
                     for p in result.pose_landmarks.landmark], dtype=float), mask


class FrameWork(Protocol):
    """Work done on each analysed frame during the pose pass, in the process that decoded it, while the
    frame is in memory (e.g. a person mask, or stickers found near the landmarks).

    It is called once per analysed frame, in frame order within a segment, and is pickled to each worker
    process before it is called (so it must hold no open resource until its first call). ``result()``
    gives named arrays with one row per call: the pass joins the segments' rows in frame order and keeps
    them with the landmarks (:attr:`PosePass.frames`) and in the pose cache. ``close()`` frees what the
    calls opened.
    """

    def __call__(self, index: int, frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> None: ...

    def result(self) -> dict[str, np.ndarray]: ...

    def close(self) -> None: ...


def wants_mask(work: object) -> bool:
    """A :class:`FrameWork` with ``WANTS_MASK = True`` is also given MediaPipe's person segmentation mask of
    each frame, as ``work(index, frame_bgr, landmarks, mask)`` (``mask``: (h, w) float32, 0-1, or None
    where nobody was found). The pass then runs its trackers with segmentation on (the landmarks are the
    same) and its cache key says so (:func:`pose_settings`)."""
    return bool(getattr(work, "WANTS_MASK", False))


@dataclass(frozen=True)
class OtherPersons:
    """What :class:`OtherPersonCheck` saw: frames checked, and those with a second person."""

    checked: int
    found: int

    @classmethod
    def of(cls, flags: np.ndarray) -> OtherPersons:
        """From the per-frame flags of :meth:`OtherPersonCheck.result` (-1 not checked, 0 nobody else, 1
        another person)."""
        flags = np.asarray(flags)
        return cls(checked=int(np.sum(flags >= 0)), found=int(np.sum(flags == 1)))

    @property
    def another_person(self) -> bool:
        """A second person in most of the frames checked."""
        return self.checked > 0 and self.found > self.checked / 2


class OtherPersonCheck:
    """Looks for a second person in a few frames spread over the clip (:attr:`frames`).

    In each checked frame the runner (the pose found there) is covered, box and margin, with the frame's
    mean colour, and MediaPipe looks again in still-image mode; a person found there with a mean
    visibility above ``MIN_VISIBILITY`` and at least ``MIN_HEIGHT`` of the runner's height counts.
    MediaPipe Pose follows one person only, so a second one is otherwise never seen. No warning on the 21
    shared real clips and samples that are analysed (one runner each); 5 of 5 frames on two runners side
    by side. The pose pass keeps those frames (losslessly) and checks them once its trackers are closed, so
    that no pose process holds a second MediaPipe graph; its result is ``other_person``, per frame -1 (not
    checked), 0 or 1. Called on every frame (``on_frame`` of :func:`estimate_pose`), it checks as it goes.
    """

    SAMPLES = 5
    MIN_VISIBILITY = 0.5
    MIN_HEIGHT = 0.5
    MARGIN = 0.2  # of the runner's height, around the box of its points
    NAME = "other_person"

    def __init__(self, start_frame: int, end_frame: int):
        span = end_frame - start_frame
        self.frames = {int(start_frame + span * f) for f in np.linspace(0.1, 0.9, self.SAMPLES)}
        self._flags: list[int] = []
        self._detector: PoseTracker | None = None

    def __call__(self, index: int, frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> None:
        self._flags.append(self.check(index, frame_bgr, landmarks))

    def check(self, index: int, frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> int:
        """1 when another person is in frame ``index``, 0 when not, -1 when it is not checked (not one of
        :attr:`frames`, or nobody found)."""
        if index not in self.frames or landmarks is None:
            return -1
        if self._detector is None:
            self._detector = new_tracker(still_images=True)
        (x0, y0), (x1, y1) = landmarks[:, :2].min(axis=0), landmarks[:, :2].max(axis=0)
        pad = self.MARGIN * (y1 - y0)
        h, w = frame_bgr.shape[:2]
        covered = frame_bgr.copy()
        covered[max(0, int(y0 - pad)):min(h, int(y1 + pad)), max(0, int(x0 - pad)):min(w, int(x1 + pad))] = \
            frame_bgr.reshape(-1, 3).mean(axis=0)
        other = landmarks_of_frame(self._detector, covered)
        return int(other is not None and other[:, 3].mean() > self.MIN_VISIBILITY
                   and np.ptp(other[:, 1]) >= self.MIN_HEIGHT * (y1 - y0))

    def result(self) -> dict[str, np.ndarray]:
        return {self.NAME: np.asarray(self._flags, dtype=np.int8)}

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()
            self._detector = None

    @property
    def checked(self) -> int:
        return OtherPersons.of(self.result()[self.NAME]).checked

    @property
    def found(self) -> int:
        return OtherPersons.of(self.result()[self.NAME]).found

    @property
    def another_person(self) -> bool:
        """A second person in most of the frames checked."""
        return OtherPersons.of(self.result()[self.NAME]).another_person


def pose_settings(works: Sequence[FrameWork] = ()) -> dict[str, object]:
    """Everything besides the video file that the pose pass's output depends on: the pose cache's key. With
    frame works, their kinds and settings (a work's ``settings()``, when it has one) and, when one of them
    wants the mask, ``segmentation``; with none, the same as before frame works were cached."""
    settings: dict[str, object] = {
        "mediapipe": metadata.version("mediapipe"), **TRACKER_SETTINGS,
        "other_person": [OtherPersonCheck.SAMPLES, OtherPersonCheck.MIN_VISIBILITY, OtherPersonCheck.MIN_HEIGHT,
                         OtherPersonCheck.MARGIN],
        "fingerprint_grid": FINGERPRINT_GRID}
    if any(wants_mask(work) for work in works):
        settings["segmentation"] = True
    if works:
        settings["works"] = [[type(work).__qualname__, getattr(work, "settings", dict)()] for work in works]
    return settings


@dataclass(frozen=True)
class PosePass:
    """What the pose pass found in frames ``start <= i < end`` of a clip, one row per decoded frame.

    Attributes
    ----------
    start, end : int
        The frames asked for; a damaged file decodes fewer (``frame_index`` says which).
    frame_index : (n,) int array
        The file frame index of each row.
    landmarks : (n, 33, 4) float array
        x_px, y_px, depth_px, visibility per landmark; NaN (visibility 0) where nobody was found.
    frames : dict of (n, ...) arrays
        Per-frame results by name: ``fingerprint`` (:func:`gait.video_io.fingerprint`, which checks a later
        seek into the clip), ``other_person`` (:class:`OtherPersonCheck`) and those of any other
        :class:`FrameWork` run in the pass.
    workers : int
        The processes it ran in (1: one tracker over all frames).
    """

    start: int
    end: int
    frame_index: np.ndarray
    landmarks: np.ndarray
    frames: dict[str, np.ndarray] = field(default_factory=dict)
    workers: int = 1

    @property
    def n_frames(self) -> int:
        return len(self.frame_index)

    def series(self, info: VideoInfo) -> PoseSeries:
        """The landmarks as a :class:`PoseSeries` of the clip ``info`` (its capture frame rate)."""
        data = self.landmarks
        return PoseSeries(xy_px=data[:, :, :2].copy(), depth_px=data[:, :, 2].copy(),
                          visibility=data[:, :, 3].copy(), frame_index=np.asarray(self.frame_index, dtype=int),
                          fps=info.fps, width=info.width, height=info.height)

    @property
    def other_persons(self) -> OtherPersons:
        flags = self.frames.get(OtherPersonCheck.NAME)
        return OtherPersons.of(np.zeros(0) if flags is None else flags)

    def within(self, start: int, end: int) -> PosePass:
        """The rows of frames ``start <= i < end`` (a segment inside the one analysed)."""
        keep = (self.frame_index >= start) & (self.frame_index < end)
        return PosePass(start=start, end=end, frame_index=self.frame_index[keep], landmarks=self.landmarks[keep],
                        frames={name: values[keep] for name, values in self.frames.items()}, workers=self.workers)


# ---- the pass, in one process or split into segments -------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    """Frames ``keep_from <= i < end`` of one worker, its tracker started at ``decode_from``; ``seek``: jump
    to ``decode_from`` rather than decode every frame before it."""

    number: int
    decode_from: int
    keep_from: int
    end: int
    seek: bool


def default_workers() -> int:
    """Pose processes to use: ``$GAIT_POSE_WORKERS`` if set; 1 inside a daemon process (a Dask or
    multiprocessing-pool worker, which may not start processes of its own); else the cores this process
    may use, at most :data:`MAX_WORKERS`."""
    asked = os.environ.get(WORKERS_ENV, "").strip()
    if asked:
        return max(1, int(asked))
    if multiprocessing.current_process().daemon:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def plan_segments(start: int, end: int, workers: int) -> list[_Segment]:
    """Split frames [start, end) into at most ``workers`` segments of at least :data:`MIN_SEGMENT_FRAMES`,
    each after the first with :data:`WARMUP_FRAMES` of warm-up (inside the segment before).

    Only long clips are split: a seam leaves the later segment's landmarks a little off the ones of one
    tracker for some seconds (see the module docstring), which on a long clip touches few of its many
    steps; a short one has little time to gain."""
    n = max(1, min(workers, (end - start) // max(MIN_SEGMENT_FRAMES, 2 * WARMUP_FRAMES)))
    bounds = [start + round(k * (end - start) / n) for k in range(n + 1)]
    return [_Segment(k, bounds[k] - (WARMUP_FRAMES if k else 0), bounds[k], bounds[k + 1], seek=k > 0)
            for k in range(n)]


class _Callback:
    """A plain ``on_frame`` callable as a :class:`FrameWork` with no result."""

    def __init__(self, call: Callable[[int, np.ndarray, np.ndarray | None], None]):
        self.call = call

    def __call__(self, index: int, frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> None:
        self.call(index, frame_bgr, landmarks)

    def result(self) -> dict[str, np.ndarray]:
        return {}

    def close(self) -> None:
        pass


def _track(path: str, segment: _Segment, works: Sequence[FrameWork],
           report: Callable[[int], None] | None = None, keep: frozenset[int] = frozenset()) -> dict:
    """One tracker over a segment's frames: its kept rows (landmarks, fingerprints, the works' results),
    the fingerprints of its warm-up frames, and the frames ``keep`` where a person was found (PNG).
    ``report(kept frames done)`` after each kept frame."""
    n_lm = len(NAMES)
    empty = np.full((n_lm, 4), np.nan)
    empty[:, 3] = 0.0
    rows: list[np.ndarray] = []
    indices: list[int] = []
    prints: list[np.ndarray] = []
    warm_indices: list[int] = []
    warm_prints: list[np.ndarray] = []
    kept: dict[int, bytes] = {}
    with new_tracker(segmentation=any(wants_mask(work) for work in works)) as tracker:
        for index, frame, frame_rgb, print_, png in _decoded(path, segment, keep, bgr_too=bool(works)):
            found, mask = _found(tracker, frame_rgb)
            if index < segment.keep_from:
                warm_indices.append(index)
                warm_prints.append(print_)
                continue
            for work in works:
                if wants_mask(work):
                    work(index, frame, found, mask)  # type: ignore[call-arg]
                else:
                    work(index, frame, found)
            if png is not None and found is not None:
                kept[index] = png
            rows.append(empty if found is None else found)
            indices.append(index)
            prints.append(print_)
            if report is not None:
                report(len(indices))
    frames: dict[str, np.ndarray] = {"fingerprint": _stack(prints, (FINGERPRINT_GRID, FINGERPRINT_GRID, 3), np.uint8)}
    for work in works:
        frames.update(work.result())
    return {"frame_index": np.asarray(indices, dtype=np.int64), "landmarks": _stack(rows, (n_lm, 4), float),
            "frames": frames, "warm_index": np.asarray(warm_indices, dtype=np.int64),
            "warm_fingerprint": _stack(warm_prints, (FINGERPRINT_GRID, FINGERPRINT_GRID, 3), np.uint8), "kept": kept}


_END = object()


def _decoded(path: str, segment: _Segment, keep: frozenset[int] = frozenset(), bgr_too: bool = True
             ) -> Iterator[tuple[int, Any, np.ndarray, np.ndarray, bytes | None]]:
    """``(index, frame_bgr, frame_rgb, fingerprint, png)`` of the segment's frames, decoded and converted in
    a thread :data:`READ_AHEAD` frames ahead, while the tracker works on the frame before (OpenCV and
    MediaPipe release the GIL). The same frames in the same order as :func:`~gait.video_io.iter_frames`.
    ``png``: the frame, losslessly, when it is one of ``keep``; ``frame_bgr`` is None unless ``bgr_too``
    (the frame is then converted in place: one copy of each frame in flight, not two)."""
    ready: queue.Queue = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        frames = iter_frames(path, segment.decode_from, segment.end, seek=segment.seek)
        try:
            for index, frame in frames:
                print_ = fingerprint(frame)
                png = cv2.imencode(".png", frame, [cv2.IMWRITE_PNG_COMPRESSION, 1])[1].tobytes() \
                    if index in keep else None
                bgr = frame if bgr_too else None
                rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB, dst=None if bgr_too else frame)
                if not put((index, bgr, rgb, print_, png)):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(exc)
        finally:
            frames.close()

    reader = threading.Thread(target=read, name="gait-pose-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = ready.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _stack(rows: list[np.ndarray], shape: tuple[int, ...], dtype: type) -> np.ndarray:
    return np.stack(rows).astype(dtype, copy=False) if rows else np.zeros((0, *shape), dtype)


WORKER_COMMAND = "from gait.pose import _worker_main; _worker_main()"


def _worker_main() -> None:
    """A pose worker process (``python -c`` :data:`WORKER_COMMAND`): reads ``(path, segment, pickled frame
    works, keep)`` pickled on its stdin, tracks the segment, and writes length-prefixed pickled messages on
    its stdout: ``("progress", done)`` now and then, then ``("done", result)`` or ``("error", words)``."""
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else writes to stdout cannot break the messages

    def send(message: tuple) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        channel.write(len(data).to_bytes(8, "little") + data)
        channel.flush()

    try:
        path, segment, blank, keep = pickle.load(sys.stdin.buffer)
        works: list[FrameWork] = pickle.loads(blank)
        with native_logs_silenced():
            try:
                result = _track(path, segment, works,
                                lambda done: send(("progress", done)) if done % PROGRESS_EVERY == 0 else None, keep)
            finally:
                for work in works:
                    work.close()
        send(("done", result))
    except BaseException as exc:  # reported to the parent, which runs the segment itself
        send(("error", f"{type(exc).__name__}: {exc}"))


def _start_worker(path: str, segment: _Segment, blank: bytes, keep: frozenset[int],
                  messages: queue.Queue) -> subprocess.Popen:
    """A fresh Python process tracking ``segment`` (never forked: MediaPipe is not fork-safe; and it does
    not run the caller's main module again, as multiprocessing's spawn would); a thread puts its messages,
    as ``(kind, segment number, payload)``, on ``messages``, and ``("eof", number, None)`` when it ends."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # this process's imports
    process = subprocess.Popen([sys.executable, "-c", WORKER_COMMAND], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdin is not None and process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        try:
            while len(header := stdout.read(8)) == 8:
                kind, payload = pickle.loads(stdout.read(int.from_bytes(header, "little")))
                messages.put((kind, segment.number, payload))
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            pass
        finally:
            stdout.close()
        messages.put(("eof", segment.number, None))

    threading.Thread(target=read, name=f"gait-pose-worker-{segment.number}", daemon=True).start()
    try:
        process.stdin.write(pickle.dumps((path, segment, blank, keep)))
        process.stdin.close()
    except OSError:  # it ended at once: its reader reports it
        pass
    return process


def estimate_pose(info: VideoInfo, start_frame: int = 0, end_frame: int | None = None,
                  progress: ProgressCallback | None = None,
                  on_frame: Callable[[int, np.ndarray, np.ndarray | None], None] | None = None) -> PoseSeries:
    """Run MediaPipe Pose on frames ``start_frame <= i < end_frame`` of the clip in this process, streaming
    them (one tracker over all frames).

    ``on_frame(index, frame_bgr, landmarks)`` sees every frame with what was found in it (None: nobody)."""
    end = info.frame_count if end_frame is None else min(end_frame, info.frame_count)
    total = max(end - start_frame, 0)
    works: list[FrameWork] = [] if on_frame is None else [_Callback(on_frame)]
    report = None if progress is None else (lambda done: progress(done, total))
    found = _track(info.path, _Segment(0, start_frame, start_frame, end, seek=False), works, report)
    return PosePass(start_frame, end, found["frame_index"], found["landmarks"], found["frames"]).series(info)


def run_pose_pass(info: VideoInfo, start_frame: int = 0, end_frame: int | None = None,
                  progress: ProgressCallback | None = None, workers: int = 1,
                  works: Sequence[FrameWork] = ()) -> PosePass:
    """The pose of frames ``start_frame <= i < end_frame`` of the clip, in up to ``workers`` processes.

    Each frame's fingerprint is kept, ``works`` run on the analysed frames, and the :class:`OtherPersonCheck`
    on its frames once the trackers are done. The first segment runs in this process, the others each in a
    worker process (see the module docstring); memory stays flat in the clip's length in each (frames are
    streamed). ``progress(done, total)`` counts the analysed frames of all segments.
    """
    end = info.frame_count if end_frame is None else min(end_frame, info.frame_count)
    total = max(end - start_frame, 0)
    blank = pickle.dumps(list(works))  # each segment works on its own copy
    others = OtherPersonCheck(start_frame, end)
    keep = frozenset(others.frames)
    segments = plan_segments(start_frame, end, workers)
    done = [0] * len(segments)

    def report(number: int, count: int) -> None:
        done[number] = count
        if progress is not None:
            progress(sum(done), total)

    def track_here(segment: _Segment, also: Callable[[], None] | None = None) -> dict:
        """Track ``segment`` in this process; ``also()`` now and then meanwhile."""
        own: list[FrameWork] = pickle.loads(blank)

        def progress_here(count: int) -> None:
            report(segment.number, count)
            if also is not None and count % PROGRESS_EVERY == 0:
                also()

        try:
            return _track(info.path, segment, own, progress_here, keep)
        finally:
            for work in own:
                work.close()

    if len(segments) == 1:
        results = {0: track_here(segments[0])}
    else:
        results = _run_segments(info.path, segments, blank, keep, track_here, report)
    found, kept = _joined(segments, results, track_here)
    flags = np.full(found.n_frames, -1, dtype=np.int8)
    try:
        for row, index in enumerate(found.frame_index):
            if int(index) in kept:
                frame = cv2.imdecode(np.frombuffer(kept[int(index)], np.uint8), cv2.IMREAD_COLOR)
                flags[row] = others.check(int(index), frame, found.landmarks[row])
    finally:
        others.close()
    return replace(found, frames={**found.frames, OtherPersonCheck.NAME: flags})


def _run_segments(path: str, segments: list[_Segment], blank: bytes, keep: frozenset[int],
                  track_here: Callable[[_Segment, Callable[[], None]], dict],
                  report: Callable[[int, int], None]) -> dict[int, dict]:
    """Segment 0 in this process (``track_here``), the others in worker processes (:func:`_start_worker`),
    each given the pickled frame works ``blank``; a segment whose process failed is missing from the
    result."""
    messages: queue.Queue = queue.Queue()
    results: dict[int, dict] = {}
    ended: set[int] = set()

    def take(message: tuple) -> None:
        kind, number, payload = message
        if kind == "progress":
            report(number, payload)
        elif kind == "done":
            results[number] = payload
        else:  # "error" or "eof"
            ended.add(number)

    def drain() -> None:
        while True:
            try:
                take(messages.get_nowait())
            except queue.Empty:
                return

    processes: dict[int, subprocess.Popen] = {}
    try:
        try:
            for segment in segments[1:]:
                processes[segment.number] = _start_worker(path, segment, blank, keep, messages)
        except OSError:  # no more processes could be started: the segments left run here
            pass
        results[0] = track_here(segments[0], drain)
        while any(n not in results and n not in ended for n in processes):
            take(messages.get())
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
            process.wait()
    return results


def _joined(segments: list[_Segment], results: dict[int, dict],
            track_here: Callable[[_Segment], dict]) -> tuple[PosePass, dict[int, bytes]]:
    """The segments' rows in frame order. A segment after one that stopped early (a damaged file: a
    single pass stops there too) is left out. A segment whose process failed is run here; one whose
    warm-up frames are not those the segment before decoded (its seek landed elsewhere) is run again
    here, decoding from the start of the file."""
    kept: list[dict] = []
    for segment in segments:
        result = results.get(segment.number)
        if result is None:
            result = track_here(segment)
        if kept:
            before = kept[-1]
            if len(before["frame_index"]) == 0 or before["frame_index"][-1] < segment.keep_from - 1:
                break  # the segment before stopped early
            if not _seam_matches(before, result, segment):
                result = track_here(replace(segment, seek=False))
        kept.append(result)
    names = kept[0]["frames"].keys()
    joined = PosePass(start=segments[0].keep_from, end=segments[-1].end,
                      frame_index=np.concatenate([k["frame_index"] for k in kept]),
                      landmarks=np.concatenate([k["landmarks"] for k in kept]),
                      frames={name: np.concatenate([k["frames"][name] for k in kept]) for name in names},
                      workers=len(segments))
    return joined, {index: png for k in kept for index, png in k.get("kept", {}).items()}


def _seam_matches(before: dict, result: dict, segment: _Segment) -> bool:
    """The segment's warm-up frames decoded as the frames ``decode_from..keep_from-1`` that the segment
    before decoded."""
    wanted = np.arange(segment.decode_from, segment.keep_from)
    if not np.array_equal(result["warm_index"], wanted):
        return False
    rows = np.searchsorted(before["frame_index"], wanted)
    if rows[-1] >= len(before["frame_index"]) or not np.array_equal(before["frame_index"][rows], wanted):
        return False
    return bool(np.array_equal(before["frames"]["fingerprint"][rows], result["warm_fingerprint"]))
