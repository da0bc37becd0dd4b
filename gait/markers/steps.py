"""Marker mode's step table: the frontal measures of each step from the stickers' tracks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait.kinematics import at_index
from gait.landmarks import PoseSeries, other_side
from gait.markers.track import MarkerTracks
from gait.metrics import row_at_time

SITES_OF = {  # the stickers each measure needs, of the stance side (own) and of the other side
    "knee_valgus_fppa_deg": (("thigh", "knee", "achilles"), ()),
    "pelvic_drop_deg": (("psis",), ("psis",)),
    "hip_adduction_deg": (("psis", "thigh", "knee"), ("psis",)),
    "rearfoot_eversion_deg": (("calf", "achilles", "heel_top", "heel_bottom"), ()),
    "step_width_pct_hip": (("heel_top", "heel_bottom"), ()),
    "crossover_pct": (("heel_top", "heel_bottom"), ("psis",)),
}
MARKER_COVERAGE = 0.6  # of a stance's frames in which a measure's stickers must have been seen


def marker_step_table(pose: PoseSeries, steps: pd.DataFrame, tracks: MarkerTracks,
                      hip_width_px: float | None = None) -> tuple[pd.DataFrame, dict[str, int], dict[str, np.ndarray]]:
    """Marker mode (rear view): the frontal columns of a frontal step table (``steps``: its timing is
    kept) measured from the stickers' tracks (:class:`gait.markers.MarkerTracks`), plus
    ``rearfoot_eversion_deg``.

    Peaks over the stance (IC to toe-off) as in :func:`gait.metrics.frontal_step_table`; a step's measure is left out
    (NaN) when the stickers it needs (:data:`SITES_OF`) were seen in less than
    :data:`MARKER_COVERAGE` of the stance's frames. Step width: the sideways distance between the middle of
    this foot's heel pair at its contact and the other foot's at its previous contact, % of
    ``hip_width_px`` (NaN without it); crossover: the heel pair lands beyond the PSIS midpoint. Returns the
    table, the number of steady steps left out per measure, and each side's stance frames (bool per row).
    """
    table = steps.copy()
    p, seen, angles = tracks.points, tracks.seen, tracks.angles
    series = {"knee_valgus_fppa_deg": angles.fppa_deg, "pelvic_drop_deg": angles.pelvic_drop_deg,
              "hip_adduction_deg": angles.hip_adduction_deg, "rearfoot_eversion_deg": angles.rearfoot_eversion_deg}
    heel_x = {s: (p[f"{s}_heel_top"][:, 0] + p[f"{s}_heel_bottom"][:, 0]) / 2 for s in ("left", "right")}
    mid_x = (p["left_psis"][:, 0] + p["right_psis"][:, 0]) / 2
    stance = {s: np.zeros(pose.n_frames, bool) for s in ("left", "right")}
    missing = dict.fromkeys((*series, "step_width_pct_hip"), 0)
    values: dict[str, list[float]] = {k: [] for k in (*series, "step_width_pct_hip", "crossover")}
    last_heel_x: dict[str, float] = {}

    def coverage(measure: str, side: str, other: str, lo: int, hi: int) -> float:
        own, theirs = SITES_OF[measure]
        masks = [seen[f"{side}_{s}"][lo:hi] for s in own] + [seen[f"{other}_{s}"][lo:hi] for s in theirs]
        return float(np.mean(np.logical_and.reduce(masks))) if hi > lo else 0.0

    for _, row in table.iterrows():
        side = row["side"]
        other = other_side(side)
        r_ic = row_at_time(pose, row["ic_time_s"])
        outward = tracks.left_outward if side == "left" else -tracks.left_outward
        lo = hi = 0
        if np.isfinite(row["toe_off_time_s"]):
            lo, hi = max(int(np.floor(r_ic)), 0), int(np.ceil(row_at_time(pose, row["toe_off_time_s"]))) + 1
            stance[side][lo:hi] = True
        for measure, per_side in series.items():
            window = per_side[side][lo:hi]
            if hi > lo and coverage(measure, side, other, lo, hi) >= MARKER_COVERAGE and np.isfinite(window).any():
                values[measure].append(float(np.nanmax(window)))
            else:
                values[measure].append(np.nan)
                missing[measure] += int(bool(row["steady"]))
        i0 = int(np.floor(r_ic))
        around = slice(max(i0 - 1, 0), i0 + 3)
        heel_seen = coverage("step_width_pct_hip", side, other, around.start, around.stop) >= 0.5
        x = at_index(heel_x[side], r_ic) if heel_seen else np.nan
        width = np.nan
        if other in last_heel_x and hip_width_px:
            width = 100.0 * outward * (x - last_heel_x[other]) / hip_width_px
            if not np.isfinite(width):  # this heel pair or the other's, at its contact, not seen
                missing["step_width_pct_hip"] += int(bool(row["steady"]))
        last_heel_x[side] = x
        values["step_width_pct_hip"].append(width)
        middle = at_index(mid_x, r_ic)
        values["crossover"].append(bool(outward * (x - middle) < 0) if np.isfinite(x) and np.isfinite(middle)
                                   else np.nan)
    for column, vals in values.items():
        table[column] = pd.Series(vals, index=table.index, dtype=object if column == "crossover" else float)
    return table, missing, stance
