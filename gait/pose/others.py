"""The other-person check of the pose pass (:mod:`gait.pose`): a second person looked for in a few frames
spread over the clip, which MediaPipe Pose, following one person, never reports on its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

import cv2
import numpy as np

from gait import level
from gait.pose.tracker import PoseTracker, landmarks_of_frame, new_tracker


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
    by side. The pose pass keeps those frames (losslessly) and checks each segment's once the segment's
    tracker is closed (:func:`check_kept`); its result is ``other_person``, per frame -1 (not checked), 0 or 1.
    """

    SAMPLES = 5
    MIN_VISIBILITY = 0.5
    MIN_HEIGHT = 0.5
    MARGIN = 0.2  # of the runner's height, around the box of its points
    NAME = "other_person"

    def __init__(self, start_frame: int, end_frame: int):
        span = end_frame - start_frame
        self.frames = {int(start_frame + span * f) for f in np.linspace(0.1, 0.9, self.SAMPLES)}
        self._detector: PoseTracker | None = None

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

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()
            self._detector = None



def check_kept(result: dict, frames: Collection[int]) -> dict:
    """A segment's result (as :func:`gait.pose.tracker.track_segment`'s) with the other-person check of its
    kept frames (``result["kept"]``, PNG, of ``frames``): ``frames["other_person"]`` per row, the room's
    lines in them (``frames["room_lines"]``: :func:`gait.level.room_lines`, for the camera's roll), and the
    PNGs dropped. Run by the segment's thread once its tracker is closed and its memory given back, so that
    its still-image tracker takes the place of the segment's (checked by each segment's thread before its
    tracker was closed, two more trackers were open at once: 676 MB at that moment against 493 during the
    pass, on the benchmark's 65 s 1080x1920 clip)."""
    check = OtherPersonCheck(0, 0)
    check.frames = set(frames)
    flags = np.full(len(result["frame_index"]), -1, dtype=np.int8)
    lines = np.full((len(flags), 2 * level.MAX_LINES, level.COLUMNS), np.nan, dtype=np.float32)
    kept: dict[int, bytes] = result.get("kept", {})
    try:
        for row, index in enumerate(result["frame_index"]):
            if int(index) in kept:
                frame = cv2.imdecode(np.frombuffer(kept[int(index)], np.uint8), cv2.IMREAD_COLOR)
                flags[row] = check.check(int(index), frame, result["landmarks"][row])
                lines[row] = level.room_lines(frame, result["landmarks"][row])
    finally:
        check.close()
    return {**result, "frames": {**result["frames"], OtherPersonCheck.NAME: flags, level.NAME: lines}, "kept": {}}
