"""Markerless frontal measures from MediaPipe's person segmentation mask (rear and front clips).

From behind or in front, MediaPipe's ankle points sit about 55-60 % as far apart as the true ones on the
rendered runners and its hips about 75-85 %, so step width from them is off by up to 25 % of hip width.
The person mask shows the legs' outlines: :class:`MaskWork` runs in the pose pass (:mod:`gait.pose`, a
frame work that wants the mask) and keeps, per frame and leg, a few numbers read off the mask along the
leg that MediaPipe's points locate; nothing of the mask itself is kept. The legs are the image-left and
image-right ones (by their hip points), as :func:`gait.view.to_runner_sides` assigns the runner's sides
from behind and in front.

Per leg and frame (``mask_*`` arrays of the pose pass, shape (n, 2, ...), leg 0 on the image left):

- ``mask_ankle_x``: the middle of the leg's run across the mask on the rows 10-25 % of the shank's length
  above MediaPipe's ankle point (the narrow lower shank, above the shoe), median over those rows; the run
  is found by its place (of the runs near both legs, the outermost on the leg's side: MediaPipe's ankle
  can sit on the other leg); NaN when the two legs' runs merge there;
- ``mask_thigh_x_at_hip``: the thigh's middle line (the runs' middles on the rows 50-95 % of the way from
  MediaPipe's hip point to its knee point, where the thighs are apart) extended up to the height of the
  hip point: where the thigh's axis meets the hip line (the hip width for step width, in place of
  MediaPipe's hips);
- ``mask_valgus_deg``: knee valgus, the angle at the knee between MediaPipe's hip point and the line
  fitted to the middles of the shank's runs (20-75 % of the way from the knee to the ankle, rows where the
  two legs' runs merge left out), the knee and the ankle taken on that line at their points' heights;
- ``mask_shank_x``: that line's x at the knee's and at the ankle's height (the points the valgus is the
  angle at, which the key frames draw);

and, only in the validation's pass (``MaskWork(outlines=True)``, scripts/validate_frontal_mask.py; the
analysis reads the three above):

- ``mask_knee_x``: as ``mask_ankle_x`` at the knee (rows within 8 % of the shank's length of MediaPipe's
  knee point);
- ``mask_fppa_deg``: knee valgus (frontal plane projection angle) per :data:`OUTLINES`, positive when the
  knee lies medial (as :class:`gait.kinematics.FrontalAngles`): ``lateral``, ``medial`` and ``middle``
  the angle between lines fitted to the thigh's and the shank's (20-75 % of the way from the knee to the
  ankle) outer edges, inner edges or middles; ``centres`` the angle at the knee middle between the hip
  point above and the ankle middle. A row whose run holds both legs is left out, but for the outer edges
  (a merged run's ends are the two legs' outer edges); a line needs :data:`MIN_ROWS` rows.

The analysis (:func:`apply_mask`) takes step width from the mask, the feet read where they landed
(:func:`_landing_x`; errors up to 6.2 % of hip width on two builds x three clothings at 1080x1920, within
the 10 % bar, against 29 % from the pose model's points: docs/markers.md) and knee
valgus (``mask_valgus_deg``: the angle at the knee between the pose model's hip point and the shank's
middle line, the knee and the ankle on it; it follows a change in valgus on both builds, slopes 0.75 and
1.07, where the pose model's points read 0.59 and 0.45); crossover stays the pose model's
(docs/markers.md, scripts/validate_frontal_mask.py).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gait.cleaning import interpolate_gaps
from gait.kinematics import FrontalAngles, frontal_angles
from gait.landmarks import INDEX, SIDES, PoseSeries, side_index
from gait.level import levelled

if TYPE_CHECKING:
    from gait.results import Analysis

OUTLINES = ("lateral", "medial", "middle", "centres")  # measured per frame in the validation's pose pass
METHODS = (*OUTLINES, "joints")  # and from the pose model's hips with the mask's knee and ankle middles
THIGH_ROWS = (0.5, 0.95)  # of the way hip -> knee
SHANK_ROWS = (0.20, 0.75)  # of the way knee -> ankle
ANKLE_ROWS = (0.10, 0.25)  # of the shank's length above the ankle point
KNEE_ROWS = 0.08  # of the shank's length above and below the knee point
REACH = 0.3  # of the shank's length: how far beside the legs' points their runs are looked for
MIN_RUN_PX = 2.0  # narrower runs are noise
ROWS = 9  # rows sampled along each stretch
MIN_ROWS = 4  # rows a line needs
THRESHOLD = 0.5  # the mask's person / background boundary
# MediaPipe's indices of the hip, knee and ankle of its left and right leg
LEG_POINTS = tuple(tuple(side_index(side, joint) for joint in ("hip", "knee", "ankle")) for side in SIDES)


def runs(row: np.ndarray) -> np.ndarray:
    """(k, 2) sub-pixel left and right edges (pixel centres at integers) of the runs of a mask row above
    :data:`THRESHOLD`, the edges where the mask crosses it."""
    inside = row > THRESHOLD
    if not inside.any():
        return np.zeros((0, 2))
    change = np.flatnonzero(np.diff(inside.astype(np.int8)))
    starts = change[inside[change + 1]] + 1  # first pixel inside
    ends = change[~inside[change + 1]]  # last pixel inside
    if inside[0]:
        starts = np.r_[0, starts]
    if inside[-1]:
        ends = np.r_[ends, len(row) - 1]

    def crossing(a: np.ndarray) -> np.ndarray:  # between pixel a and a + 1
        lo, hi = row[a], row[a + 1]
        return a + (THRESHOLD - lo) / np.where(hi != lo, hi - lo, 1.0)

    left = np.where(starts > 0, crossing(np.maximum(starts - 1, 0)), starts - 0.5)
    right = np.where(ends < len(row) - 1, crossing(np.minimum(ends, len(row) - 2)), ends + 0.5)
    return np.stack([left, right], axis=1)


def _leg_run(mask: np.ndarray, y: float, x: float, other_x: float, side: int = 0,
             reach: float = 0.0) -> tuple[np.ndarray, bool] | None:
    """The run on row ``y`` that holds ``x`` (or the nearest within its own width), and whether it holds
    ``other_x`` too (the two legs merged); None when there is none. With ``side`` (-1 for the image-left
    leg, +1 for the image-right one) the leg's run is found by its place instead, the pose model's points
    only saying where the legs are (they can sit on the other leg): of the runs within ``reach`` of both
    legs' points, the outermost on that side; a single one is this leg's only if nearer to ``x``."""
    r = int(round(y))
    if not 0 <= r < mask.shape[0] or not np.isfinite(x):
        return None
    found = runs(mask[r])
    found = found[found[:, 1] - found[:, 0] >= MIN_RUN_PX]
    if len(found) == 0:
        return None
    if side and np.isfinite(other_x):
        lo, hi = min(x, other_x) - reach, max(x, other_x) + reach
        near = found[(found[:, 1] >= lo) & (found[:, 0] <= hi)]
        if len(near) >= 2:
            return (near[0] if side < 0 else near[-1]), False
        if len(near) == 0:
            return None
        run = near[0]
        if run[0] <= x <= run[1] and run[0] <= other_x <= run[1]:
            return run, True
        middle = (run[0] + run[1]) / 2
        return (run, False) if abs(middle - x) <= abs(middle - other_x) else None
    gap = np.maximum(found[:, 0] - x, x - found[:, 1]).clip(min=0.0)
    best = found[int(np.argmin(gap))]
    if gap.min() > best[1] - best[0]:
        return None
    return best, bool(np.isfinite(other_x) and best[0] <= other_x <= best[1])


def _stretch(mask: np.ndarray, top: np.ndarray, bottom: np.ndarray, other_top: np.ndarray,
             other_bottom: np.ndarray, span: tuple[float, float], side: int = 0, reach: float = 0.0) -> np.ndarray:
    """(ROWS, 4) y, left and right edge of the leg's runs along ``top -> bottom`` over ``span`` of the way,
    and 1 where the run holds the other leg too, else 0 (NaN rows where not found); the other leg's points
    say where it is."""
    out = np.full((ROWS, 4), np.nan)
    for i, f in enumerate(np.linspace(*span, ROWS)):
        y = top[1] + f * (bottom[1] - top[1])
        x = top[0] + f * (bottom[0] - top[0])
        t_other = (y - other_top[1]) / (other_bottom[1] - other_top[1]) if other_bottom[1] != other_top[1] else np.nan
        other_x = other_top[0] + t_other * (other_bottom[0] - other_top[0])
        found = _leg_run(mask, y, x, other_x, side, reach)
        if found is not None:
            out[i] = (y, found[0][0], found[0][1], float(found[1]))
    return out


def _edges(stretch: np.ndarray, columns: tuple[int, ...], merged_too: bool) -> np.ndarray:
    """The mean of the edge ``columns`` per row; rows of merged runs left out unless ``merged_too``."""
    x = stretch[:, list(columns)].mean(axis=1)
    return x if merged_too else np.where(stretch[:, 3] == 0, x, np.nan)


def _slope(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """x = a + b y fitted over the finite rows: (a, b), NaN with fewer than :data:`MIN_ROWS`."""
    ok = np.isfinite(y) & np.isfinite(x)
    if ok.sum() < MIN_ROWS:
        return np.nan, np.nan
    b, a = np.polyfit(y[ok], x[ok], 1)
    return float(a), float(b)


def leg_measures(mask: np.ndarray, landmarks: np.ndarray, outlines: bool = False) -> dict[str, np.ndarray]:
    """One frame's per-leg numbers (module docstring), legs ordered image-left, image-right: the ankle
    middles, the thighs' middle lines at the hip and knee valgus from the shank's middle line (what the
    analysis reads) and, with ``outlines``, the knee middles and the knee valgus of each of :data:`OUTLINES`
    (scripts/validate_frontal_mask.py)."""
    points = [landmarks[list(idx), :2] for idx in LEG_POINTS]
    order = np.argsort([p[0, 0] for p in points]) if all(np.isfinite(p[0, 0]) for p in points) else [0, 1]
    legs = [points[int(k)] for k in order]
    mid_x = (legs[0][0, 0] + legs[1][0, 0]) / 2
    ankle_x = np.full(2, np.nan)
    thigh_x = np.full(2, np.nan)
    knee_x = np.full(2, np.nan)
    valgus = np.full(2, np.nan)
    shank_x = np.full((2, 2), np.nan)
    fppa = np.full((2, len(OUTLINES)), np.nan)
    for k, (hip, knee, ankle) in enumerate(legs):
        o_hip, o_knee, o_ankle = legs[1 - k]
        lateral = 1.0 if hip[0] > mid_x else -1.0  # image +x points away from the mid-line
        length = ankle[1] - knee[1]
        thigh = _stretch(mask, hip, knee, o_hip, o_knee, THIGH_ROWS)
        low = _stretch(mask, ankle - [0.0, ANKLE_ROWS[1] * length], ankle - [0.0, ANKLE_ROWS[0] * length],
                       o_ankle - [0.0, ANKLE_ROWS[1] * length], o_ankle - [0.0, ANKLE_ROWS[0] * length], (0.0, 1.0),
                       int(lateral), REACH * length)
        ankle_x[k] = _median_middle(low)
        a, b = _slope(thigh[:, 0], _edges(thigh, (1, 2), merged_too=False))  # the thigh's middle line
        thigh_x[k] = a + b * hip[1]
        shank = _stretch(mask, knee, ankle, o_knee, o_ankle, SHANK_ROWS, int(lateral), REACH * length)
        a_s, b_s = _slope(shank[:, 0], _edges(shank, (1, 2), merged_too=False))  # the shank's middle line
        knee_on, ankle_on = (np.array([a_s + b_s * y, y]) for y in (knee[1], ankle[1]))
        valgus[k] = _fppa_deg(hip, knee_on, ankle_on, lateral)
        shank_x[k] = knee_on[0], ankle_on[0]
        if not outlines:
            continue
        knee_rows = _stretch(mask, knee - [0.0, KNEE_ROWS * length], knee + [0.0, KNEE_ROWS * length],
                             o_knee - [0.0, KNEE_ROWS * length], o_knee + [0.0, KNEE_ROWS * length], (0.0, 1.0),
                             int(lateral), REACH * length)
        knee_x[k] = _median_middle(knee_rows)
        outer, inner = (2, 1) if lateral > 0 else (1, 2)
        for j, columns in enumerate(((outer,), (inner,), (1, 2))):
            b_thigh = b if columns == (1, 2) else _slope(thigh[:, 0], _edges(thigh, columns, merged_too=j == 0))[1]
            _, b_shank = _slope(shank[:, 0], _edges(shank, columns, merged_too=j == 0))
            fppa[k, j] = lateral * np.degrees(np.arctan(b_shank) - np.arctan(b_thigh))
        centres = np.array([[thigh_x[k], hip[1]], [knee_x[k], knee[1]],
                            [ankle_x[k], ankle[1] - np.mean(ANKLE_ROWS) * length]])
        fppa[k, OUTLINES.index("centres")] = _fppa_deg(centres[0], centres[1], centres[2], lateral)
    found = {"mask_ankle_x": ankle_x, "mask_thigh_x_at_hip": thigh_x, "mask_valgus_deg": valgus,
             "mask_shank_x": shank_x}
    return {**found, "mask_knee_x": knee_x, "mask_fppa_deg": fppa} if outlines else found


def _median_middle(stretch: np.ndarray) -> float:
    """The median middle of a stretch's unmerged runs, NaN with fewer than :data:`MIN_ROWS`."""
    middles = _edges(stretch, (1, 2), merged_too=False)
    return float(np.nanmedian(middles)) if np.isfinite(middles).sum() >= MIN_ROWS else np.nan


def _fppa_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, lateral: float) -> float:
    """180 minus the hip-knee-ankle angle, positive when the knee lies medial of the hip-ankle line."""
    if not (np.isfinite(hip).all() and np.isfinite(knee).all() and np.isfinite(ankle).all()):
        return np.nan
    a, b = knee - hip, ankle - knee
    angle = np.degrees(np.arctan2(a[0] * b[1] - a[1] * b[0], float(np.dot(a, b))))
    return float(-lateral * angle)


class MaskWork:
    """The pose pass's frame work (:class:`gait.pose.FrameWork` that wants the mask): per frame, the
    :func:`leg_measures` of the mask along MediaPipe's legs (NaN where nobody or no leg points were found).
    The analysis's reads the ankle middles and the thighs' middle lines only; with ``outlines`` (only
    scripts/validate_frontal_mask.py asks for them) the knee middles and every outline's knee valgus too,
    cached under a key of their own (:meth:`settings`).
    """

    WANTS_MASK = True
    ANALYSIS_SHAPES = {"mask_ankle_x": (2,), "mask_thigh_x_at_hip": (2,), "mask_valgus_deg": (2,),
                       "mask_shank_x": (2, 2)}
    OUTLINE_SHAPES = {"mask_knee_x": (2,), "mask_fppa_deg": (2, len(OUTLINES))}

    def __init__(self, outlines: bool = False) -> None:
        self.outlines = outlines
        self.shapes = {**self.ANALYSIS_SHAPES, **(self.OUTLINE_SHAPES if outlines else {})}
        self._rows: dict[str, list[np.ndarray]] = {}

    def settings(self) -> dict[str, object]:
        """What its results depend on, for the pose cache's key (a cached pass made with other settings or
        arrays is never taken for this one's: the analysis's pass, without the outlines, is not the
        validation's, with them, nor the other way round)."""
        found: dict[str, object] = {"thigh": THIGH_ROWS, "ankle": ANKLE_ROWS, "shank": SHANK_ROWS, "reach": REACH,
                                    "min_run_px": MIN_RUN_PX, "rows": ROWS, "min_rows": MIN_ROWS,
                                    "threshold": THRESHOLD, "arrays": sorted(self.shapes)}
        if self.outlines:
            found.update(knee=KNEE_ROWS, outlines=OUTLINES)
        return found

    def __call__(self, index: int, frame_bgr: np.ndarray | None, landmarks: np.ndarray | None,
                 mask: np.ndarray | None = None) -> None:
        if mask is None or landmarks is None:
            found = {name: np.full(shape, np.nan) for name, shape in self.shapes.items()}
        else:
            found = leg_measures(np.asarray(mask, dtype=np.float32), landmarks, self.outlines)
        for name, values in found.items():
            self._rows.setdefault(name, []).append(values)

    def result(self) -> dict[str, np.ndarray]:
        return {name: np.asarray(self._rows[name], dtype=float) if self._rows.get(name)
                else np.zeros((0, *shape)) for name, shape in self.shapes.items()}

    def close(self) -> None:
        pass


# ---- per step, on an analysis of a rear or front clip -------------------------------------------------
GAP_S = 0.1  # a leg's mask numbers missing for up to this long are filled from the frames around
SMOOTH_S = 0.07  # running median of the per-frame knee valgus (and ankle middle) before its peak is taken
LANDING_S = 0.08  # how long before the analysis's contact step width looks for where the foot landed


def _running_median(values: np.ndarray, fps: float) -> np.ndarray:
    half = max(1, int(round(SMOOTH_S * fps / 2)))
    padded = np.pad(values.astype(float), half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    ok = np.isfinite(windows).sum(axis=1) > half
    out = np.full(len(values), np.nan)
    if ok.any():
        out[ok] = np.nanmedian(windows[ok], axis=1)
    return out


def _landing_x(ankle_x: np.ndarray, fps: float, far: float) -> np.ndarray:
    """Per frame, where the foot landed if it landed within the last :data:`LANDING_S`: the extreme of its
    ankle middle (a running median) in that time towards ``far`` (+1: image +x), the way a foot on the belt
    looks when farthest from the camera.

    On a treadmill the stance foot is carried towards a camera behind (away from one in front) and, in
    perspective, spreads outward (inward) as it goes; it is farthest at the landing, the end of the swing.
    From behind the pelvis times contacts 22-90 ms late on the renders, when the feet look up to 9 % of hip
    width further apart than where they landed: the most medial place in the :data:`LANDING_S` before the
    contact is the landing's. The foot is farthest a little before it lands (the swing's last backward
    sweep), so a longer look back reads too narrow: :data:`LANDING_S` is the one without a bias over the
    rendered runners (docs/markers.md)."""
    frames = max(1, int(round(LANDING_S * fps))) + 1  # this one and those LANDING_S before it
    farthest = pd.Series(far * _running_median(ankle_x, fps)).rolling(frames, min_periods=1).max()
    return far * farthest.to_numpy()


def runner_series(frames: dict[str, np.ndarray], frame_index: np.ndarray, rows_index: np.ndarray, fps: float,
                  view: str, mirrored: bool, outline: str | None = None) -> dict[str, dict[str, np.ndarray]]:
    """The pose pass's ``mask_*`` arrays (rows ``frame_index``) on the analysis's rows (``rows_index``), by
    the runner's side (the image-left leg is the runner's left from behind, right in front, the other way
    round in mirrored footage): ``ankle_x`` and ``thigh_x_at_hip`` (gaps filled), ``landing_x`` (where the
    foot landed, :func:`_landing_x`, for step width), ``valgus_deg`` (the
    shank's middle line's knee valgus, a running median), ``shank_x`` (rows, 2: that line's x at the knee
    and at the ankle, as found) and, from a pass with the outlines
    (:class:`MaskWork`), ``knee_x`` (gaps filled) and ``fppa_deg`` (``outline``, a running median)."""
    where = np.searchsorted(frame_index, rows_index)
    where = np.clip(where, 0, max(len(frame_index) - 1, 0))
    found = frame_index[where] == rows_index if len(frame_index) else np.zeros(len(rows_index), bool)
    left_slot = 0 if (view == "rear") != mirrored else 1
    out: dict[str, dict[str, np.ndarray]] = {"ankle_x": {}, "landing_x": {}, "knee_x": {}, "thigh_x_at_hip": {},
                                             "fppa_deg": {}, "valgus_deg": {}, "shank_x": {}}
    for side, slot in (("left", left_slot), ("right", 1 - left_slot)):
        for name in ("ankle_x", "knee_x", "thigh_x_at_hip"):
            if f"mask_{name}" not in frames:
                continue
            values = np.where(found, frames[f"mask_{name}"][where, slot], np.nan)
            out[name][side] = interpolate_gaps(values, int(GAP_S * fps + 1e-9))  # gaps of GAP_S or less
        if side in out["ankle_x"]:
            medial = 1.0 if slot == 0 else -1.0  # image +x points from the image-left leg to the other
            out["landing_x"][side] = _landing_x(out["ankle_x"][side], fps, medial if view == "rear" else -medial)
        if "mask_valgus_deg" in frames:
            valgus = np.where(found, frames["mask_valgus_deg"][where, slot], np.nan)
            out["valgus_deg"][side] = _running_median(valgus, fps)
        if "mask_shank_x" in frames:
            out["shank_x"][side] = np.where(found[:, None], frames["mask_shank_x"][where, slot], np.nan)
        if outline in OUTLINES:
            fppa = np.where(found, frames["mask_fppa_deg"][where, slot, OUTLINES.index(outline)], np.nan)
            out["fppa_deg"][side] = _running_median(fppa, fps)
    return out


# the measures the analysis takes from the mask (docs/markers.md): step width, and knee valgus from the
# shank's middle line, which follows the truth on every build (slopes 0.75 and 1.07 on the 1080x1920
# renders, against 0.59 and 0.45 for the pose model's points; SD of error 2.4 against 3.0 deg); crossover
# stays the pose model's: against the thighs' midpoint the mask read 3 of the rear sample's 24 steps as
# crossing (none does; the pose model's points: none)
MASK_MEASURED = ("step_width_pct_hip", "knee_valgus_fppa_deg")


def mask_step_table(analysis: Analysis, outline: str | None = None,
                    series: dict[str, dict[str, np.ndarray]] | None = None) -> pd.DataFrame:
    """The analysis's step table (rear or front clip, its steps and timing kept) with step width and knee
    valgus measured from the mask (:func:`runner_series`): knee valgus the peak over the stance of the
    angle at the knee between the pose model's hip point and the shank's middle line (``valgus_deg``) or,
    with an ``outline`` (one of :data:`METHODS`, scripts/validate_frontal_mask.py), that method's; step
    width between the legs' ankle middles where they landed (``landing_x``) as
    :func:`gait.metrics.frontal_step_table` does at the contacts, over the hip width where the thighs'
    middle lines meet the hip line. A step keeps no value where the analysis had none (e.g. its foot not
    in view). ``series``: the clip's :func:`runner_series` for ``outline``, when the
    caller has them."""
    pose, found = analysis.pose, analysis.pose_pass
    if found is None or "mask_ankle_x" not in found.frames:
        raise ValueError("the pose pass ran without the mask")
    if outline is not None and "mask_fppa_deg" not in found.frames:
        raise ValueError("the pose pass ran without the mask's outlines (MaskWork(outlines=True))")
    if series is None:
        series = runner_series(found.frames, found.frame_index, pose.frame_index, pose.fps, analysis.view,
                               analysis.options.mirrored, outline)
    if outline == "joints":  # the pose model's hips, the mask's knee and ankle middles
        middles = pose.xy_px.copy()
        for side in SIDES:
            middles[:, INDEX[f"{side}_ankle"], 0] = series["ankle_x"][side]
            middles[:, INDEX[f"{side}_knee"], 0] = series["knee_x"][side]
        joints = frontal_angles(pose.replace(xy_px=middles)).fppa_deg
        series["fppa_deg"] = {side: _running_median(joints[side], pose.fps) for side in SIDES}
    xy = pose.xy_px.copy()
    rows = np.arange(pose.n_frames)
    for side in SIDES:
        xy[:, INDEX[f"{side}_ankle"], 0] = series["landing_x"][side]  # step width: where each foot landed
        hip_x = series["thigh_x_at_hip"][side]
        ok = np.isfinite(hip_x)
        xy[:, INDEX[f"{side}_hip"], 0] = np.interp(rows, rows[ok], hip_x[ok]) if ok.sum() >= MIN_HIP_FRAMES else np.nan
    assert isinstance(analysis.angles, FrontalAngles)
    fppa = series["fppa_deg"] if outline is not None else series["valgus_deg"]
    angles = FrontalAngles(fppa_deg=fppa, hip_adduction_deg=analysis.angles.hip_adduction_deg,
                           pelvic_drop_deg=analysis.angles.pelvic_drop_deg)
    return restated(analysis, levelled(pose.replace(xy_px=xy), analysis.camera_roll_deg), angles)


def keypoint_step_table(analysis: Analysis) -> pd.DataFrame:
    """The analysis's step table with knee valgus, step width and crossover from the pose model's points
    (what a rear or front clip gives without the mask), and what the analysis does not give, for
    comparison: pelvic drop from its hip points (:func:`gait.kinematics.frontal_angles`:
    scripts/validate_frontal_mask.py measures why) and the contact times its pelvis-timed toe-offs end
    (:func:`gait.metrics.without_contact_times`)."""
    from gait.metrics import CONTACT_COLUMNS

    pose = analysis.level_pose
    return restated(analysis, pose, frontal_angles(pose), also=("pelvic_drop_deg", *CONTACT_COLUMNS))


def restated(analysis: Analysis, pose: PoseSeries, angles: FrontalAngles, also: tuple[str, ...] = ()) -> pd.DataFrame:
    """The analysis's steps with the :data:`MASK_MEASURED` columns of
    :func:`gait.metrics.frontal_step_table` on ``pose`` and ``angles``, matched by contact time; a step
    keeps no value where the analysis had none. ``also``: columns the analysis does not give, restated on
    every step."""
    from gait.metrics import frontal_step_table

    table = frontal_step_table(pose, analysis.detection, angles, analysis.options.speed_kmh)
    by_time = table.set_index("ic_time_s")
    steps = analysis.steps.copy()
    for column in (*MASK_MEASURED, *also):
        measured = steps["ic_time_s"].map(by_time[column])
        steps[column] = (measured.where(steps[column].notna(), np.nan) if column in MASK_MEASURED
                         else measured).astype(float)
    return steps


MIN_STEP_SHARE = 0.5  # of the steady steps with a value the mask must give one in, else the pose model's is kept
NOT_APART_NOTE = ("Step width is from the pose model's points in this clip: the feet were too "
                  "close together for the person mask to show them apart in most steps.")
SHANKS_NOT_SEEN_NOTE = ("Knee valgus is from the pose model's points in this clip: the person mask did not "
                        "show the lower legs apart in most steps.")
NOT_TAKEN_NOTES = {"step_width_pct_hip": NOT_APART_NOTE, "knee_valgus_fppa_deg": SHANKS_NOT_SEEN_NOTE}
HIPS_NOT_SEEN_NOTE = ("Step width is from the pose model's points in this clip: the person mask did not show "
                      "the thighs apart, which give the hip width.")
MIN_HIP_FRAMES = 2  # frames a leg's thigh line at the hip needs for the mask's hip width


def _hips_seen(series: dict[str, dict[str, np.ndarray]]) -> bool:
    """Whether both thighs' middle lines were found at the hip in enough frames for a hip width."""
    return all(np.isfinite(series["thigh_x_at_hip"][side]).sum() >= MIN_HIP_FRAMES for side in SIDES)


def _shank_line_points(pose: PoseSeries, series: dict[str, dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per side the points the mask's knee valgus is the angle at (:attr:`FrontalAngles.fppa_points_px`):
    the pose model's hip, and the knee and the ankle on the shank's middle line at their points' heights."""
    points = {}
    for side in SIDES:
        hip, knee, ankle = (pose.joint(f"{side}_{j}") for j in ("hip", "knee", "ankle"))
        on_line = series["shank_x"][side]
        points[side] = np.stack([hip, np.column_stack([on_line[:, 0], knee[:, 1]]),
                                 np.column_stack([on_line[:, 1], ankle[:, 1]])], 1)
    return points


def apply_mask(analysis: Analysis) -> Analysis:
    """A rear or front clip's analysis with step width and knee valgus from the person mask
    (:func:`mask_step_table`, :data:`MASK_MEASURED`; the per-frame knee valgus too, which the key frames and
    the cycle plots show) and ``mask_measured`` naming them, what report.json's ``frontal_method`` reads;
    pelvic drop, hip adduction and crossover stay the pose model's. Unchanged when the pose pass ran
    without the mask; a measure the mask gave in fewer than :data:`MIN_STEP_SHARE` of the steady steps
    stays the pose model's, with a note."""
    from gait.metrics import summarise

    found = analysis.pose_pass
    if analysis.view == "side" or found is None or "mask_ankle_x" not in found.frames:
        return analysis
    pose = analysis.pose
    series = runner_series(found.frames, found.frame_index, pose.frame_index, pose.fps, analysis.view,
                           analysis.options.mirrored)
    masked = mask_step_table(analysis, series=series)
    steady = masked["steady"].astype(bool)
    steps = analysis.steps.copy()
    taken: list[str] = []
    notes: list[str] = []
    for measure in MASK_MEASURED:
        had = analysis.steps.loc[steady, measure].notna().sum()
        if masked.loc[steady, measure].notna().sum() >= MIN_STEP_SHARE * had:
            steps[measure] = masked[measure]
            taken.append(measure)
        elif measure == "step_width_pct_hip" and not _hips_seen(series):
            notes.append(HIPS_NOT_SEEN_NOTE)
        else:
            notes.append(NOT_TAKEN_NOTES[measure])
    if not taken:
        return replace(analysis, notes=[*analysis.notes, *notes])
    metrics = summarise(steps)
    metrics["cadence_spm"] = analysis.metrics["cadence_spm"]
    angles = analysis.angles
    if "knee_valgus_fppa_deg" in taken and isinstance(angles, FrontalAngles):
        angles = replace(angles, fppa_deg=series["valgus_deg"], fppa_points_px=_shank_line_points(pose, series))
    return replace(analysis, steps=steps, metrics=metrics, angles=angles, mask_measured=tuple(taken),
                   notes=[*analysis.notes, *notes])

