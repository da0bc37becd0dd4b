"""Pose estimation with MediaPipe Pose (the model bundled in the mediapipe 0.10.21 wheel).

This is the only module that imports mediapipe. A fresh tracker is made for every clip, since the tracker
keeps state between frames.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import Callable, Iterator, Protocol, Sequence

import cv2
import numpy as np

from gait.landmarks import NAMES, PoseSeries
from gait.video_io import VideoInfo, iter_frames

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


def new_tracker(still_images: bool = False) -> PoseTracker:
    """A fresh MediaPipe Pose tracker (model complexity 1: the one that ships in the wheel); with
    ``still_images`` every frame is searched afresh, nothing carried over from the one before."""
    import mediapipe as mp

    return mp.solutions.pose.Pose(static_image_mode=still_images, model_complexity=1, smooth_landmarks=True,
                                  min_detection_confidence=0.5, min_tracking_confidence=0.5)


def landmarks_of_frame(tracker: PoseTracker, frame_bgr: np.ndarray) -> np.ndarray | None:
    """(33, 4) array of x_px, y_px, depth_px, visibility for one frame, or None if nobody is found."""
    h, w = frame_bgr.shape[:2]
    result = tracker.process(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB))
    if result.pose_landmarks is None:
        return None
    return np.array([(p.x * w, p.y * h, p.z * w, p.visibility)
                     for p in result.pose_landmarks.landmark], dtype=float)


class OtherPersonCheck:
    """Looks for a second person in a few frames spread over the clip, during the pose pass.

    In each checked frame the runner (the pose just found) is covered, box and margin, with the frame's
    mean colour, and MediaPipe looks again in still-image mode; a person found there with a mean
    visibility above ``MIN_VISIBILITY`` and at least ``MIN_HEIGHT`` of the runner's height counts.
    MediaPipe Pose follows one person only, so a second one is otherwise never seen. No warning on the 21
    shared real clips and samples that are analysed (one runner each); 5 of 5 frames on two runners side
    by side.
    """

    SAMPLES = 5
    MIN_VISIBILITY = 0.5
    MIN_HEIGHT = 0.5
    MARGIN = 0.2  # of the runner's height, around the box of its points

    def __init__(self, start_frame: int, end_frame: int):
        span = end_frame - start_frame
        self.frames = {int(start_frame + span * f) for f in np.linspace(0.1, 0.9, self.SAMPLES)}
        self.checked = 0
        self.found = 0
        self._detector: PoseTracker | None = None

    def __call__(self, index: int, frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> None:
        if index not in self.frames or landmarks is None:
            return
        if self._detector is None:
            self._detector = new_tracker(still_images=True)
        (x0, y0), (x1, y1) = landmarks[:, :2].min(axis=0), landmarks[:, :2].max(axis=0)
        pad = self.MARGIN * (y1 - y0)
        h, w = frame_bgr.shape[:2]
        covered = frame_bgr.copy()
        covered[max(0, int(y0 - pad)):min(h, int(y1 + pad)), max(0, int(x0 - pad)):min(w, int(x1 + pad))] = \
            frame_bgr.reshape(-1, 3).mean(axis=0)
        other = landmarks_of_frame(self._detector, covered)
        self.checked += 1
        if other is not None and other[:, 3].mean() > self.MIN_VISIBILITY \
                and np.ptp(other[:, 1]) >= self.MIN_HEIGHT * (y1 - y0):
            self.found += 1

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()
            self._detector = None

    @property
    def another_person(self) -> bool:
        """A second person in most of the frames checked."""
        return self.checked > 0 and self.found > self.checked / 2


def estimate_pose(info: VideoInfo, start_frame: int = 0, end_frame: int | None = None,
                  progress: ProgressCallback | None = None,
                  on_frame: Callable[[int, np.ndarray, np.ndarray | None], None] | None = None) -> PoseSeries:
    """Run MediaPipe Pose on frames ``start_frame <= i < end_frame`` of the clip, streaming them.

    ``on_frame(index, frame_bgr, landmarks)`` sees every frame with what was found in it (None: nobody),
    e.g. an :class:`OtherPersonCheck`."""
    end = info.frame_count if end_frame is None else min(end_frame, info.frame_count)
    total = max(end - start_frame, 0)
    n_lm = len(NAMES)
    rows: list[np.ndarray] = []
    indices: list[int] = []
    empty = np.full((n_lm, 4), np.nan)
    empty[:, 3] = 0.0
    with new_tracker() as tracker:
        for done, (index, frame) in enumerate(iter_frames(info.path, start_frame, end), start=1):
            found = landmarks_of_frame(tracker, frame)
            if on_frame is not None:
                on_frame(index, frame, found)
            rows.append(empty if found is None else found)
            indices.append(index)
            if progress is not None:
                progress(done, total)
    data = np.stack(rows) if rows else np.zeros((0, n_lm, 4))
    return PoseSeries(xy_px=data[:, :, :2].copy(), depth_px=data[:, :, 2].copy(),
                      visibility=data[:, :, 3].copy(), frame_index=np.asarray(indices, dtype=int),
                      fps=info.fps, width=info.width, height=info.height)
