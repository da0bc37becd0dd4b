"""Whether the camera was level: how far the room's upright lines (door and window frames, walls' corners,
cabinets, curtains' folds), which gravity makes vertical, lean in the picture where the runner is.

Every angle and distance the analysis reads against the image's upright or horizontal turns with the
camera: trunk lean, the shin and foot angles at landing, overstride (from the side), and the line between
the PSIS stickers (pelvic drop, from behind: each side's by as much, one up, one down). A pose model cannot
tell a tilted runner from a tilted camera; the room can. The lines are found in the frames the pose pass
keeps for the other-person check (:func:`gait.pose.check_kept`), outside the runner, so the check costs no
decoding. A camera turned (rolled) leans them all alike; one tipped up or down (pitched) makes them
converge, leaning more the further across the picture they stand, so :func:`camera_roll_deg` fits their
lean against their place across and reads it at the runner's hips: what the runner's own upright leans
by. (The shared treadmill clip's cabinets, most of them on one side, lean -4.7 deg; at the runner its
uprights lean -0.8.) It is checked against the level lines' (a slanted object taken for an upright
disagrees with the room's level lines). The analysis then measures on the pose's points turned back by it
(:func:`levelled`), and warns from :data:`ROLL_WARN_DEG`.

Sign: + the picture turned clockwise (a vertical line's top leans right; image y down).
"""

from __future__ import annotations

import cv2
import numpy as np

from gait.landmarks import INDEX, PoseSeries

FAMILY_TOL_DEG = 15.0  # a line this near the image's vertical (or horizontal) counts as the room's upright (level)
MIN_LINE_OF_LONG_SIDE = 0.06  # shortest line kept, of the frame's long side
BORDER_OF_LONG_SIDE = 0.02  # lines touching the frame's edge band are left out (black bars, the edge itself)
RUNNER_MARGIN = 0.05  # of the runner's height, around the box of its points: lines mostly inside are the runner's
DETECT_LONG_SIDE_PX = 720  # the line detector's image size (long side); lines are given at the frame's size
MAX_LINES = 32  # per frame and family, the longest (the pose cache keeps them)
KERNEL_DEG = 0.75  # spread of each line's vote for a common tilt
CLUSTER_DEG = 1.5  # lines this near the most shared tilt make it
MIN_CLUSTER_LINES = 8  # fewer lines sharing a tilt: no verdict (an outdoor clip, a plain wall)
MIN_CLUSTER_SHARE = 0.4  # of the family's total length
AGREE_DEG = 3.0  # the level lines' common tilt, when they have one, must be this near the uprights'
# a camera pitched up or down makes the room's uprights converge: their tilt changes across the picture, by
# about this much from one side to the other at a 20 deg pitch (a phone's field of view); more is not a pitch
# (curtains' folds fanning out, a slanted object)
MAX_SLOPE_DEG = 20.0
MIN_SPREAD = 0.05  # of the frame's width (height): lines closer together than this fit no slope
MIN_SIDE_SHARE = 0.15  # of the fitting lines' length on each side of the runner's hips: read between them
ONE_SIDED_SLOPE_DEG = 4.0  # lines on one side of the hips are carried over to them only changing less across
# a phone's main camera filming video sees about 67 deg across the long side of the picture: its focal length
# in pixels is this times the long side (26 mm equivalent; 2x zoom doubles it)
PHONE_FOCAL_OF_LONG_SIDE = 0.755
PITCH_WARN_DEG = 8.0  # a warning from this tipping up or down (the shared clips: within 3 deg but one, 12 deg up)
ROLL_WARN_DEG = 3.0  # a warning from this roll (the side sample turned 5 deg moved overstride by 5-10 % of leg)
SETTINGS = [FAMILY_TOL_DEG, MIN_LINE_OF_LONG_SIDE, BORDER_OF_LONG_SIDE, RUNNER_MARGIN, DETECT_LONG_SIDE_PX,
            MAX_LINES, "both families", "places from the hips"]  # what the pose pass's stored lines depend on
NAME = "room_lines"  # the pose pass's per-frame array: (n_frames, 2 x MAX_LINES, COLUMNS), NaN rows where none
COLUMNS = 5  # tilt (deg), length (px), family, the middle's place across and down from the runner's hips
UPRIGHT, LEVEL = 0.0, 1.0  # the family column
ACROSS, DOWN = 3, 4  # the place columns: of the frame's width and height, from the hips (the frame's centre)


def room_lines(frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> np.ndarray:
    """(2 x MAX_LINES, :data:`COLUMNS`) array of the frame's lines outside the runner near the image's vertical
    (family :data:`UPRIGHT`) and horizontal (:data:`LEVEL`): each one's tilt in degrees (+ clockwise, as the
    module says), length in pixels, family, and its middle's place across and down from the runner's hips (of
    the frame's width and height; from the frame's centre without the runner); each family's longest first,
    NaN rows after its last. ``landmarks``: the runner's (33, >=2) points in pixels, or None."""
    h, w = frame_bgr.shape[:2]
    scale = DETECT_LONG_SIDE_PX / max(h, w)
    small = cv2.resize(frame_bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    found = cv2.createLineSegmentDetector().detect(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))[0]
    out = np.full((2 * MAX_LINES, COLUMNS), np.nan, dtype=np.float32)
    if found is None:
        return out
    ends = found[:, 0, :].astype(float) / scale  # x1, y1, x2, y2 at the frame's size
    dx, dy = ends[:, 2] - ends[:, 0], ends[:, 3] - ends[:, 1]
    length = np.hypot(dx, dy)
    level = (np.degrees(np.arctan2(dy, dx)) + 90.0) % 180.0 - 90.0  # from the horizontal; + right end lower
    upright = (level % 180.0) - 90.0  # from the vertical; + the top leaning right
    band = BORDER_OF_LONG_SIDE * max(h, w)
    keep = length >= MIN_LINE_OF_LONG_SIDE * max(h, w)
    for x, y in ((ends[:, 0], ends[:, 1]), (ends[:, 2], ends[:, 3])):
        keep &= (x > band) & (x < w - band) & (y > band) & (y < h - band)
    hips = np.array([w / 2, h / 2])
    if landmarks is not None and np.isfinite(landmarks[:, :2]).all():
        hips = landmarks[[INDEX["left_hip"], INDEX["right_hip"]], :2].mean(axis=0)
        (x0, y0), (x1, y1) = landmarks[:, :2].min(axis=0), landmarks[:, :2].max(axis=0)
        pad = RUNNER_MARGIN * (y1 - y0)
        t = np.linspace(0.0, 1.0, 9)[None, :]
        px = ends[:, :1] + t * dx[:, None]
        py = ends[:, 1:2] + t * dy[:, None]
        inside = (px > x0 - pad) & (px < x1 + pad) & (py > y0 - pad) & (py < y1 + pad)
        keep &= inside.mean(axis=1) < 0.5
    for k, (family, tilt) in enumerate(((UPRIGHT, upright), (LEVEL, level))):
        mine = keep & (np.abs(tilt) < FAMILY_TOL_DEG)
        order = np.argsort(-length[mine])[:MAX_LINES]
        rows = slice(k * MAX_LINES, k * MAX_LINES + len(order))
        across = ((ends[:, 0] + ends[:, 2]) / 2 - hips[0]) / w
        down = ((ends[:, 1] + ends[:, 3]) / 2 - hips[1]) / h
        out[rows] = np.column_stack([tilt[mine][order], length[mine][order], np.full(len(order), family),
                                     across[mine][order], down[mine][order]])
    return out


def _common_tilt(rows: np.ndarray, place: int) -> tuple[float, float] | None:
    """The tilt most of the lines' length shares at the runner's hips (place 0) and its change from one side
    of the frame to the other (degrees a frame's width or height), as a tilt that may change
    linearly with the lines' place (column ``place``: a pitched camera's uprights converge, leaning more the
    further across they stand; a camera off square's level lines, the further up or down). Starts from the
    lines within :data:`CLUSTER_DEG` of the tilt and change across the frame (in whole degrees up to
    :data:`MAX_SLOPE_DEG`) most of their length votes for (each line a Gaussian vote of :data:`KERNEL_DEG`),
    then fits tilt against place over the lines within :data:`CLUSTER_DEG` of the fit (weighted by length)
    until they stay the same. None when fewer than :data:`MIN_CLUSTER_LINES` lines, or
    less than :data:`MIN_CLUSTER_SHARE` of their length, fit, the tilt changes more than
    :data:`MAX_SLOPE_DEG` across the frame, or, when less than :data:`MIN_SIDE_SHARE` of the fitting lines'
    length lies on either side of the hips, more than :data:`ONE_SIDED_SLOPE_DEG`: a tilt changing fast is
    read between lines, not carried beyond them (curtains' folds on one side of a runner, fanning out, read
    -3.5 deg there and, carried over to the runner, +1.2, where the room's level lines read -0.6)."""
    if len(rows) < MIN_CLUSTER_LINES:
        return None
    tilt, length, at = rows[:, 0], rows[:, 1], rows[:, place]
    grid = np.arange(-FAMILY_TOL_DEG, FAMILY_TOL_DEG + 1e-9, 0.05)
    most, intercept, slope = -1.0, 0.0, 0.0
    for change in np.arange(-MAX_SLOPE_DEG, MAX_SLOPE_DEG + 1e-9, 1.0):  # one change at a time: 1.5 MB, not 60
        at_hips = tilt - change * at  # each line's tilt carried to the hips
        votes = (length * np.exp(-0.5 * ((grid[:, None] - at_hips[None, :]) / KERNEL_DEG) ** 2)).sum(axis=1)
        if votes.max() > most:
            most, intercept, slope = float(votes.max()), float(grid[np.argmax(votes)]), float(change)
    fits = np.abs(tilt - (intercept + slope * at)) < CLUSTER_DEG
    for _ in range(20):
        if fits.sum() < MIN_CLUSTER_LINES:
            return None
        weight = length[fits]
        mean_at = np.average(at[fits], weights=weight)
        spread = np.sqrt(np.average((at[fits] - mean_at) ** 2, weights=weight))
        if spread >= MIN_SPREAD:
            slope, intercept = np.polyfit(at[fits], tilt[fits], 1, w=np.sqrt(weight))
        else:
            slope, intercept = 0.0, float(np.average(tilt[fits], weights=weight))
        again = np.abs(tilt - (intercept + slope * at)) < CLUSTER_DEG
        if np.array_equal(again, fits):
            break
        fits = again
    sides = min(length[fits & (at < 0)].sum(), length[fits & (at > 0)].sum())
    if (fits.sum() < MIN_CLUSTER_LINES or length[fits].sum() < MIN_CLUSTER_SHARE * length.sum()
            or abs(slope) > (MAX_SLOPE_DEG if sides >= MIN_SIDE_SHARE * length[fits].sum() else ONE_SIDED_SLOPE_DEG)):
        return None
    return float(intercept), float(slope)


def camera_roll_deg(lines: np.ndarray | None) -> float | None:
    """How far the room's uprights lean where the runner is, in degrees (+ clockwise), from the pose pass's
    :data:`NAME` array (any shape ending in :data:`COLUMNS`, as :func:`room_lines`), or None: the camera's
    roll, and, when it is pitched up or down, the uprights' convergence at the runner's place across the
    frame (:func:`_common_tilt` at the hips), what the runner's own upright leans by in the picture. Unless
    the level lines' tilt at the hips' height (the camera's roll: a camera off square makes them converge
    towards its horizon, at about the hips' height for a phone at hip height) is more than
    :data:`AGREE_DEG` from the uprights' (a slanted object, such as a treadmill's posts, taken for the room's
    uprights). The level lines alone give no verdict. None also when the pass kept no lines (landmarks
    alone, a pose cache of an earlier version)."""
    uprights = room_uprights(lines)
    return None if uprights is None else uprights[0]


def room_uprights(lines: np.ndarray | None) -> tuple[float, float] | None:
    """The room's uprights' tilt at the runner's hips and its change across the frame (:func:`_common_tilt`),
    when they give a verdict (:func:`camera_roll_deg`): the roll and what :func:`pitch_deg` reads."""
    if lines is None:
        return None
    rows = np.asarray(lines, dtype=float).reshape(-1, COLUMNS)
    rows = rows[np.isfinite(rows).all(axis=1)]
    uprights = _common_tilt(rows[rows[:, 2] == UPRIGHT], ACROSS)
    level = _common_tilt(rows[rows[:, 2] == LEVEL], DOWN)
    if uprights is None or (level is not None and abs(level[0] - uprights[0]) > AGREE_DEG):
        return None
    return uprights


def camera_pitch_deg(lines: np.ndarray | None, width: int, height: int) -> float | None:
    """How far the camera was tipped down (+) or up (-) from level, in degrees, from the pose pass's lines
    (:func:`pitch_deg` of their :func:`room_uprights`)."""
    return pitch_deg(room_uprights(lines), width, height)


def pitch_deg(uprights: tuple[float, float] | None, width: int, height: int) -> float | None:
    """How far the camera was tipped down (+) or up (-) from level, in degrees, read from how the room's
    uprights converge (:func:`room_uprights`): a camera tipped by p leans an upright standing x across the
    picture from its middle by about atan(x tan(p) / f), so their lean changes across a frame ``width`` wide by
    ``width`` tan(p) / f radians. The focal length f is taken as a phone's main camera's
    (:data:`PHONE_FOCAL_OF_LONG_SIDE`): zoomed in, the camera was tipped more than this reads. None when the
    uprights give no verdict."""
    if uprights is None:
        return None
    focal_px = PHONE_FOCAL_OF_LONG_SIDE * max(width, height)
    return float(np.degrees(np.arctan(np.radians(uprights[1]) * focal_px / width)))


def turned_back(xy: np.ndarray, roll_deg: float | None, centre: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Points or vectors ``xy`` (..., 2) in pixels, image y down, turned back by the picture's roll
    ``roll_deg`` (+ clockwise) about ``centre``: the room's upright becomes their vertical. Unchanged when
    ``roll_deg`` is None (no verdict) or 0."""
    if not roll_deg:
        return xy
    c, s = np.cos(np.radians(roll_deg)), np.sin(np.radians(roll_deg))
    d = xy - np.asarray(centre)
    return np.stack([c * d[..., 0] + s * d[..., 1], c * d[..., 1] - s * d[..., 0]], axis=-1) + np.asarray(centre)


def levelled(pose: PoseSeries, roll_deg: float | None) -> PoseSeries:
    """``pose`` with its points turned back by the picture's roll about the frame's centre
    (:func:`turned_back`): what the analysis measures angles and distances against the vertical and the
    horizontal on. Its points are no longer the image's: the drawing and every look into the frames keep
    the pose as found."""
    if not roll_deg:
        return pose
    return pose.replace(xy_px=turned_back(pose.xy_px, roll_deg, (pose.width / 2, pose.height / 2)))


def turn_words(roll_deg: float) -> str:
    """'3.5° clockwise' / '3.5° anticlockwise'."""
    return f"{abs(roll_deg):.1f}° {'clockwise' if roll_deg > 0 else 'anticlockwise'}"
