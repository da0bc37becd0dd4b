"""A look at a few frames before the pose pass: the view seen there (side, rear or front), which decides
whether the pass needs the person mask only a frontal view uses; the analysis decides the view again from
all frames (:func:`gait.view.estimate_view`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gait.catalogue import VIEWS
from gait.cleaning import mask_low_visibility
from gait.pose import PosePass, landmarks_of_frame, native_logs_silenced, new_tracker, pose_settings
from gait.video_io import VideoInfo, iter_frames
from gait.view import (
    FRONTAL_MAX_KNEE_BEND,
    FRONTAL_MIN_HIP_RATIO,
    SIDE_MAX_HIP_RATIO,
    SIDE_MIN_KNEE_BEND,
    estimate_view,
)

if TYPE_CHECKING:
    from gait.pose_cache import PoseCache

GLIMPSE_FRAMES = 8  # frames, spread over 1 s in the middle of the clip, looked at before the pose pass
GLIMPSE_MIN_FOUND = 4  # of them with a person in, else the view is not told


def glimpse_view(info: VideoInfo, start: int, end: int) -> str | None:
    """The view (:func:`estimate_view`) seen in :data:`GLIMPSE_FRAMES` frames spread over 1 s in the middle
    of frames [start, end), each searched afresh by MediaPipe (about 0.5 s on a 1080x1920 clip); None when
    fewer than :data:`GLIMPSE_MIN_FOUND` show a person. Used before the pose pass, to leave out work only a
    frontal view needs; the analysis decides the view again from all frames."""
    window = max(GLIMPSE_FRAMES, int(round(info.file_fps)))
    first = max(start, (start + end - window) // 2)
    step = max(1, window // GLIMPSE_FRAMES)
    rows, indices = [], []
    with native_logs_silenced(), new_tracker(still_images=True) as tracker:
        for index, frame in iter_frames(info.path, first, min(end, first + window), seek=True):
            if (index - first) % step == 0 and (found := landmarks_of_frame(tracker, frame)) is not None:
                rows.append(found)
                indices.append(index)
    if len(rows) < GLIMPSE_MIN_FOUND:
        return None
    pose = PosePass(first, first + window, np.asarray(indices), np.stack(rows)).series(info)
    return estimate_view(mask_low_visibility(pose)).view


def glimpse_settings() -> dict[str, object]:
    """What :func:`glimpse_view`'s verdict depends on besides the clip and the frames: the pose model's
    settings, the glimpse's and the view's thresholds."""
    return {"pose": pose_settings(), "frames": GLIMPSE_FRAMES, "min_found": GLIMPSE_MIN_FOUND,
            "view": [FRONTAL_MIN_HIP_RATIO, SIDE_MIN_KNEE_BEND, SIDE_MAX_HIP_RATIO, FRONTAL_MAX_KNEE_BEND]}


def seen_view(info: VideoInfo, start: int, end: int, cache: PoseCache | None = None) -> str | None:
    """:func:`glimpse_view` of frames [start, end), its verdict kept in ``cache`` beside the clip's pose
    (:meth:`gait.pose_cache.PoseCache.remember`): a clip glimpsed once is not looked at again, whatever pose
    passes of it the cache holds, so what is done before the pass never depends on them."""
    key = {**glimpse_settings(), "start": start, "end": end}
    kept = cache.recall(info, "view", key) if cache is not None else None
    if kept is not None and (kept.get("view") is None or kept.get("view") in VIEWS):
        return kept.get("view")
    view = glimpse_view(info, start, end)
    if cache is not None:
        cache.remember(info, "view", key, {"view": view})
    return view
