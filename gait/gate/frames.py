"""The trust gate, what the frames hold: the legs in view, and files that stop decoding part way."""

from __future__ import annotations

import numpy as np

from gait import errors as E
from gait.errors import GaitInputError, GaitWarning
from gait.landmarks import INDEX, PoseSeries
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

# The picture is turned when the body's axis (mid-shoulder to mid-ankle) lies this far from the image's
# downward vertical in the median frame: the side sample turned a quarter turn read 85 and 95 deg, upright 5
# (a sprinter in the blocks reads about 60-70, but only in the first frames of a clip).
TURNED_MIN_DEG = 60.0
UPSIDE_DOWN_MIN_DEG = 120.0


def refuse_if_picture_turned(raw: PoseSeries, name: str) -> None:
    """Refuse a clip whose runner lies on their side (or stands on their head) in the picture: a video that
    plays turned, which would otherwise be refused as walking or as no running, with which way to turn it."""
    shoulders = raw.xy_px[:, [INDEX["left_shoulder"], INDEX["right_shoulder"]]].mean(axis=1)  # NaN: not found
    ankles = raw.xy_px[:, [INDEX["left_ankle"], INDEX["right_ankle"]]].mean(axis=1)
    axis = ankles - shoulders
    found = np.isfinite(axis).all(axis=1)
    if not found.any():
        return
    axis = axis[found]
    from_upright = float(np.median(np.degrees(np.arctan2(np.abs(axis[:, 0]), axis[:, 1]))))
    if from_upright < TURNED_MIN_DEG:
        return
    if from_upright >= UPSIDE_DOWN_MIN_DEG:
        how = "upside down: the video plays turned half a turn. Turn it half a turn"
    else:
        head_left = float(np.median(axis[:, 0])) > 0  # the ankles right of the shoulders
        how = (f"on their side, head to the {'left' if head_left else 'right'}: the video plays turned a quarter "
               f"turn. Turn it a quarter turn {'clockwise' if head_left else 'anticlockwise'}")
    raise GaitInputError(
        f"the runner lies {how} (the phone's photo editor can rotate it), then analyse it again; {name!r} is "
        "not analysed as it is.", E.PICTURE_TURNED)


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
