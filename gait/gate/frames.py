"""The trust gate, what the frames hold: the legs in view, and files that stop decoding part way."""

from __future__ import annotations

import numpy as np

from gait import errors as E
from gait.errors import GaitInputError, GaitWarning
from gait.landmarks import PoseSeries
from gait.video_io import MIN_FRAMES, VideoInfo

# A frame shows the legs when at least LEG_POINTS_NEEDED of the hips, knees and ankles are inside the frame
# with MediaPipe visibility >= LEG_VISIBILITY. On the shared clips that are analysed, the legs were in view
# in 96-100 % of the frames where a person was found (the far leg of a sprinter is often below 0.5, hence 4
# of 6); on a face close-up (640x480, nothing below the neck) in none: MediaPipe places the legs below the
# frame edge.
LEG_INDICES = (23, 24, 25, 26, 27, 28)  # left/right hip, knee, ankle
LEG_VISIBILITY = 0.5
LEG_POINTS_NEEDED = 4
MIN_LEGS_FRACTION = 0.5  # of the frames where a person was found

# A file is damaged when it stops decoding more than this many frames (or this share) before its end.
DAMAGE_TOLERANCE_FRAMES = 3
DAMAGE_TOLERANCE_FRACTION = 0.02


def legs_in_view(raw: PoseSeries) -> np.ndarray:
    """Per frame: True where the legs are in the frame and visible (see ``LEG_*``)."""
    xy = raw.xy_px[:, LEG_INDICES, :]
    inside = ((xy[..., 0] >= 0) & (xy[..., 0] < raw.width) & (xy[..., 1] >= 0) & (xy[..., 1] < raw.height))
    visible = inside & (np.nan_to_num(raw.visibility[:, LEG_INDICES]) >= LEG_VISIBILITY)
    return np.asarray(visible.sum(axis=1) >= LEG_POINTS_NEEDED)


def refuse_if_legs_not_in_view(raw: PoseSeries, name: str) -> None:
    """Refuse a clip whose person is found but whose legs are out of frame in most frames (a face or an
    upper body close-up): no step can be measured from it."""
    found = np.isfinite(raw.xy_px[:, 0, 0])
    if not found.any():
        return
    fraction = float(np.mean(legs_in_view(raw)[found]))
    if fraction < MIN_LEGS_FRACTION:
        raise GaitInputError(
            f"the legs are out of the frame or hidden in {100 * (1 - fraction):.0f} % of the frames of {name!r} "
            "where a person was found: only the upper body is in view. Film the whole runner, head to feet, "
            "from 3-5 m away.", E.LEGS_NOT_IN_VIEW)


def decoded_end(info: VideoInfo, start: int, end: int, decoded: np.ndarray) -> int | None:
    """The frame index where a damaged file stops decoding, or None when [start, end) decoded whole.

    ``decoded`` holds the file frame indices that decoded."""
    last = int(decoded.max()) + 1 if len(decoded) else start
    missing = end - last
    if missing <= max(DAMAGE_TOLERANCE_FRAMES, DAMAGE_TOLERANCE_FRACTION * (end - start)):
        return None
    return last


def damage_message(info: VideoInfo, stop: int) -> str:
    return (f"the file is damaged after {stop / info.fps:.1f} s: only {stop} of the {info.frame_count} frames "
            f"its header promises ({info.duration_s:.1f} s) could be read")


def check_decoded(info: VideoInfo, start: int, end: int, decoded: np.ndarray) -> GaitWarning | None:
    """A warning when the file stops decoding part way; a refusal (``damaged_file``) when less than 1 s
    (or :data:`MIN_FRAMES` frames) of the chosen segment decodes."""
    stop = decoded_end(info, start, end, decoded)
    if stop is None:
        return None
    if stop - start < max(MIN_FRAMES, info.fps):
        raise GaitInputError(
            f"{info.name!r}: {damage_message(info, stop)}, too little to analyse. The copy is incomplete or "
            "corrupt: copy the video again from the camera or phone.", E.DAMAGED_FILE)
    return GaitWarning(E.FILE_DAMAGED_PART_WAY,
                       f"{damage_message(info, stop)}: only the frames before that were analysed. Copy the "
                       "video again from the camera or phone for a complete analysis.")
