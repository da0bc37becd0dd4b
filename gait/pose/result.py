"""What a pose pass found (:class:`PosePass`) and what it depends on besides the video file
(:func:`pose_settings`, the pose cache's key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from typing import Sequence

import numpy as np

from gait import hdr, level
from gait.landmarks import PoseSeries
from gait.pose.others import OtherPersonCheck, OtherPersons
from gait.pose.tracker import TRACKER_SETTINGS, FrameWork, wants_mask
from gait.video_io import FINGERPRINT_GRID, VideoInfo


def pose_settings(works: Sequence[FrameWork] = (), step: int = 1) -> dict[str, object]:
    """Everything besides the video file that the pose pass's output depends on: the pose cache's key. With
    frame works, their kinds and settings (a work's ``settings()``, when it has one) and, when one of them
    wants the mask, ``segmentation``; with none, the same as before frame works were cached. ``step``: the
    pass's :func:`~gait.pose.tracker.frame_step` (1, every frame, adds nothing)."""
    settings: dict[str, object] = {
        "mediapipe": metadata.version("mediapipe"), **TRACKER_SETTINGS,
        "other_person": [OtherPersonCheck.SAMPLES, OtherPersonCheck.MIN_VISIBILITY, OtherPersonCheck.MIN_HEIGHT,
                         OtherPersonCheck.MARGIN],
        "fingerprint_grid": FINGERPRINT_GRID, level.NAME: level.SETTINGS, "hdr_to_sdr": hdr.SETTINGS}
    if any(wants_mask(work) for work in works):
        settings["segmentation"] = True
    if step > 1:
        settings["frame_step"] = step
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
        seek into the clip), ``other_person`` (:class:`OtherPersonCheck`), ``room_lines``
        (:func:`gait.level.room_lines`, in the other-person check's frames) and those of any other
        :class:`FrameWork` run in the pass.
    workers : int
        The trackers (segments) it ran in (1: one tracker over all frames).
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

    @cached_property
    def room_uprights(self) -> tuple[float, float] | None:
        """The room's uprights' lean at the runner and its change across the frame
        (:func:`gait.level.room_uprights`, about 15 ms: read once), or None."""
        return level.room_uprights(self.frames.get(level.NAME))

    @property
    def camera_roll_deg(self) -> float | None:
        """How far the room's uprights lean where the runner is (:func:`gait.level.camera_roll_deg`), or None."""
        return None if self.room_uprights is None else self.room_uprights[0]

    def within(self, start: int, end: int) -> PosePass:
        """The rows of frames ``start <= i < end`` (a segment inside the one analysed)."""
        keep = (self.frame_index >= start) & (self.frame_index < end)
        return PosePass(start=start, end=end, frame_index=self.frame_index[keep], landmarks=self.landmarks[keep],
                        frames={name: values[keep] for name, values in self.frames.items()}, workers=self.workers)

