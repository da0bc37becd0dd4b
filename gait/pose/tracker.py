"""One MediaPipe Pose tracker over frames, in this process (:mod:`gait.pose`): the tracker and its settings,
the frame works run on each analysed frame, and :func:`track_segment`, which tracks a run of frames decoded
in a thread :data:`READ_AHEAD` frames ahead.

This is the only module that imports mediapipe. A fresh tracker is made for every run over frames, since
the tracker keeps state between frames. A tracker that makes no person mask loads MediaPipe's landmark
model without it (:mod:`gait.pose.model`): the same landmarks, a third less of the model's time.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.machinery
import importlib.util
import io
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence

import cv2
import numpy as np

from gait.landmarks import NAMES
from gait.pose.model import SOURCE, without_mask
from gait.video_io import FINGERPRINT_GRID, fingerprint, iter_frames, read_ahead, uneven_timeline

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

READ_AHEAD = 1  # frames decoded ahead of the tracker

# The pose model sees at most this many frames a second of the clip's time. MediaPipe's solution API stamps
# each frame 1/30 s after the one before, so its landmark filters smooth over more real time the faster the
# clip was filmed: on the rendered runner 120 and 240 fps read contact times worse than 60 (each side within
# 10 ms in 8 and 7 of 12 set-ups, against 10 of 12), and with every second or fourth frame seen better (10
# and 8 of 12; docs/accuracy.md#faster-than-60-fps).
MAX_TRACKED_FPS = 60.0


def frame_step(fps: float, works: Sequence[object] = ()) -> int:
    """Every how many frames the pose model sees, for a clip filmed at ``fps``: 1 up to
    :data:`MAX_TRACKED_FPS` (and 119.88 fps counts as 120), 2 at 120 fps, 4 at 240. The frames between are
    filled in (:func:`fill_unseen`). With frame works (a rear or front view's person mask, stickers) every
    frame is seen: they measure each frame from its own landmarks."""
    return 1 if works else max(1, int(fps / MAX_TRACKED_FPS + 0.05))


def seen(frame_index: Any, step: int) -> Any:
    """Whether the pose model sees a frame (int or array of frame indices) in a pass of ``step``: its index is a
    multiple of the step, whatever the segment or range, so that every segment sees the same frames."""
    return frame_index % step == 0


def seen_frame_near(frame: int, step: int, start: int) -> int:
    """The frame the pose model sees at or before ``frame``, or the next one when that is before ``start``."""
    before = frame - frame % step
    return before if before >= start else before + step


def fill_unseen(frame_index: np.ndarray, landmarks: np.ndarray, step: int) -> np.ndarray:
    """The landmarks with the rows of frames the pose model did not see (:func:`seen`) filled linearly
    (points and visibility) between the seen frames on either side, when both are the neighbouring seen
    frames and someone was found in both; NaN (visibility 0: nobody found) otherwise (:func:`fill_missing`)."""
    if step == 1:
        return landmarks
    return fill_missing(frame_index, landmarks, frozenset(frame_index[~seen(frame_index, step)].tolist()))


def fill_missing(frame_index: np.ndarray, landmarks: np.ndarray, missing: frozenset[int]) -> np.ndarray:
    """The landmarks with the rows of ``missing`` frames (not tracked: unseen at a frame step, or slots of a
    capture clock the phone did not record) filled linearly between the tracked frames on either side, when
    every frame between those two is a row and someone was found in both; else left as they are (NaN)."""
    gone = np.isin(frame_index, list(missing))
    if not gone.any():
        return landmarks
    out = landmarks.copy()
    kept, rows = np.flatnonzero(~gone), np.flatnonzero(gone)
    after = np.searchsorted(kept, rows)
    inside = (after > 0) & (after < len(kept))
    rows, before_row, after_row = rows[inside], kept[after[inside] - 1], kept[after[inside]]
    ok = (np.isfinite(landmarks[before_row, 0, 0]) & np.isfinite(landmarks[after_row, 0, 0])
          & (after_row - before_row == frame_index[after_row] - frame_index[before_row]))
    rows, before_row, after_row = rows[ok], before_row[ok], after_row[ok]
    w = ((frame_index[rows] - frame_index[before_row]) / (frame_index[after_row] - frame_index[before_row]))
    out[rows] = (1 - w[:, None, None]) * landmarks[before_row] + w[:, None, None] * landmarks[after_row]
    return out


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
    holds the person mask (``segmentation_mask``, the landmarks unchanged). Without it, the tracker's model
    is the one without the mask (:mod:`gait.pose.model`): the same landmarks in two thirds of the time."""
    pose = _pose_solution()
    settings = {"static_image_mode": still_images, "enable_segmentation": segmentation, **TRACKER_SETTINGS}
    model = None if segmentation else _maskless_model()
    if model is None:
        return pose.Pose(**settings)
    return _maskless_pose(pose)(str(model), **settings)


def stock_tracker() -> PoseTracker:
    """MediaPipe's Pose as it ships (:data:`TRACKER_SETTINGS`, the model's every output worked out): the
    benchmark's reference."""
    return _pose_solution().Pose(**TRACKER_SETTINGS)


MODELS_FOLDER = "models"  # in the pose cache's folder
_maskless_models: dict[Path, Path | None] = {}


def _maskless_model() -> Path | None:
    """The landmark model without its mask, made in the pose cache's folder unless it is there (None when it
    cannot be made: the tracker then uses MediaPipe's own)."""
    from gait.pose_cache import default_folder  # not at the top: gait.pose_cache imports gait.pose

    folder = default_folder() / MODELS_FOLDER
    model = _maskless_models.get(folder)
    # made once a folder: a copy that could not be made is not tried again for every tracker (each try reads
    # and hashes the 6.4 MB model); one removed since (the cache emptied) is made again
    if folder not in _maskless_models or (model is not None and not model.is_file()):
        model = _maskless_models[folder] = without_mask(_mediapipe_root().parent / SOURCE, folder)
    return model


@functools.cache
def _maskless_pose(pose: Any) -> type:
    """A subclass of ``pose.Pose`` made with the path of the landmark model its graph loads."""
    from mediapipe.calculators.core import constant_side_packet_calculator_pb2 as constant

    class MasklessPose(pose.Pose):  # type: ignore[misc, name-defined]
        def __init__(self, model: str, **settings: object):
            self._model = model
            super().__init__(**settings)

        def _modify_calculator_options(self, config: Any, calculator_params: Any) -> None:
            # MediaPipe's SolutionBase calls this on the graph, its subgraphs expanded, before starting it:
            # the one constant that names the model of complexity 1 is pointed at the copy
            paths = [packet for node in config.node if node.calculator == "ConstantSidePacketCalculator"
                     for packet in node.options.Extensions[constant.ConstantSidePacketCalculatorOptions.ext].packet
                     if packet.string_value == SOURCE]
            if len(paths) != 1:
                raise RuntimeError(f"MediaPipe's pose graph names {SOURCE} {len(paths)} times, not once")
            paths[0].string_value = self._model
            super()._modify_calculator_options(config, calculator_params)

    return MasklessPose


_IMPORTING = threading.Lock()  # the segments' threads make their trackers at once


def _pose_solution() -> Any:
    """``mediapipe.solutions.pose``, imported without what ``import mediapipe`` also loads (every other
    solution, matplotlib's pyplot for their drawing, the tasks API): 0.1 s and about 35 MB instead of 0.9 s
    and 70 MB. Where mediapipe is imported already, its own. Safe to call from several threads at once."""
    with _IMPORTING:
        return _import_pose_solution()


def _import_pose_solution() -> Any:
    name = "mediapipe.python.solutions.pose"
    if "mediapipe" in sys.modules:  # imported already, whole or as below
        return importlib.import_module(name)
    root = _mediapipe_root()
    # the two packages whose __init__ imports everything, as empty packages; the modules under them load
    # as they would (mediapipe.python's own __init__, the framework bindings, runs)
    packages = {"mediapipe": root, "mediapipe.python.solutions": root / "python" / "solutions"}
    for package, folder in packages.items():
        module = importlib.util.module_from_spec(importlib.machinery.ModuleSpec(package, None, is_package=True))
        module.__path__ = [str(folder)]
        sys.modules[package] = module
    pose = importlib.import_module(name)
    vars(sys.modules["mediapipe"])["solutions"] = sys.modules["mediapipe.python.solutions"]  # mp.solutions.pose
    return pose


def _mediapipe_root() -> Path:
    """The folder of the mediapipe package (found without importing it, unless it is imported)."""
    if "mediapipe" in sys.modules:  # its spec names no origin when imported as :func:`_import_pose_solution` does
        return Path(list(sys.modules["mediapipe"].__path__)[0])
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or spec.origin is None:
        raise ImportError("mediapipe is not installed: run make install")
    return Path(spec.origin).parent


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
    """Work done on each analysed frame during the pose pass, by the segment's thread that decoded it, while
    the frame is in memory (e.g. a person mask, or stickers found near the landmarks).

    It is called once per analysed frame, in frame order within a segment, and each segment is given its
    own copy, pickled, before it is called (so it must hold no open resource until its first call). ``result()``
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
class Segment:
    """Frames ``keep_from <= i < end`` of one tracker, started at ``decode_from``; ``seek``: jump
    to ``decode_from`` rather than decode every frame before it; ``decoder_threads``: its decoder's
    (:func:`gait.video_io.decoder_threads`)."""

    number: int
    decode_from: int
    keep_from: int
    end: int
    seek: bool
    decoder_threads: int | None = None


class CallbackWork:
    """A plain ``on_frame`` callable as a :class:`FrameWork` with no result."""

    def __init__(self, call: Callable[[int, np.ndarray, np.ndarray | None], None]):
        self.call = call

    def __call__(self, index: int, frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> None:
        self.call(index, frame_bgr, landmarks)

    def result(self) -> dict[str, np.ndarray]:
        return {}

    def close(self) -> None:
        pass


def track_segment(path: str, segment: Segment, works: Sequence[FrameWork],
                  report: Callable[[int], None] | None = None, keep: frozenset[int] = frozenset(), step: int = 1
                  ) -> dict:
    """One tracker over a segment's frames: its kept rows (landmarks, fingerprints, the works' results),
    the fingerprints of its warm-up frames, and the frames ``keep`` where a person was found (PNG).
    ``report(kept frames done)`` after each kept frame. ``step``: the tracker is given only the frames it has
    :func:`seen` (:func:`frame_step`; with no works), the others' rows are NaN until :func:`fill_unseen`. A
    clip recorded at a variable frame rate: the slots of its capture clock the phone did not record (their
    frame a copy of the one before) are not tracked but filled between the frames on either side of them in
    the segment (:func:`fill_missing`)."""
    clock = uneven_timeline(path)
    absent = frozenset() if clock is None else frozenset(clock.missing_slots.tolist())
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
            found, mask = _found(tracker, frame_rgb) if seen(index, step) and index not in absent else (None, None)
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
    frame_index = np.asarray(indices, dtype=np.int64)
    return {"frame_index": frame_index, "landmarks": fill_missing(frame_index, _stack(rows, (n_lm, 4), float), absent),
            "frames": frames, "warm_index": np.asarray(warm_indices, dtype=np.int64),
            "warm_fingerprint": _stack(warm_prints, (FINGERPRINT_GRID, FINGERPRINT_GRID, 3), np.uint8), "kept": kept}


def _decoded(path: str, segment: Segment, keep: frozenset[int] = frozenset(), bgr_too: bool = True
             ) -> Iterator[tuple[int, Any, np.ndarray, np.ndarray, bytes | None]]:
    """``(index, frame_bgr, frame_rgb, fingerprint, png)`` of the segment's frames, decoded and converted in
    a thread :data:`READ_AHEAD` frames ahead while the tracker works on the frame before
    (:func:`~gait.video_io.read_ahead`; decoding one, 5-6 ms, takes a quarter of tracking one). The same
    frames in the same order as :func:`~gait.video_io.iter_frames`. ``png``: the frame, losslessly, when it
    is one of ``keep``; ``frame_bgr`` is None unless ``bgr_too`` (the frame is then converted in place: one
    copy of each frame in flight, not two)."""

    def converted(decoded: tuple[int, np.ndarray]) -> tuple[int, Any, np.ndarray, np.ndarray, bytes | None]:
        index, frame = decoded
        png = cv2.imencode(".png", frame, [cv2.IMWRITE_PNG_COMPRESSION, 1])[1].tobytes() if index in keep else None
        print_ = fingerprint(frame)
        bgr = frame if bgr_too else None
        return index, bgr, cv2.cvtColor(frame, cv2.COLOR_BGR2RGB, dst=None if bgr_too else frame), print_, png

    return read_ahead(lambda: iter_frames(path, segment.decode_from, segment.end, seek=segment.seek,
                                          threads=segment.decoder_threads),
                      READ_AHEAD, "gait-pose-reader", converted)


def _stack(rows: list[np.ndarray], shape: tuple[int, ...], dtype: type) -> np.ndarray:
    return np.stack(rows).astype(dtype, copy=False) if rows else np.zeros((0, *shape), dtype)

