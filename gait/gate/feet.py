"""The trust gate, the feet in view: foot measures only from steps whose foot is in the frame and seen."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait import errors as E
from gait.errors import GaitInputError, GaitWarning
from gait.gate.length import length_rule
from gait.landmarks import INDEX, PoseSeries

# ---- the feet in view --------------------------------------------------------------------------------
#
# MediaPipe places the feet even when they are out of the frame, and says they are visible (a rendered
# runner with the feet below the frame edge: foot visibility 0.7-0.8 at landing), so a foot counts only
# where its points are inside the frame. A step's foot is in view when, in every frame from its landing to
# its toe-off, the ankle, heel and toe points are inside the frame by FOOT_MARGIN_LEG leg lengths (the shoe
# reaches ~2 cm beyond MediaPipe's heel and toe points), with visibility >= FOOT_VISIBILITY in at least
# MIN_SEEN_FRACTION of those frames. On the shared running clips every such point inside the frame in the
# steady steps' stances had visibility >= 0.59 (0.5th percentile of 3049 frames; 1st percentile 0.65),
# while feet hidden or leaving the frame (the ends of the sprint clips) drop to 0.0: 0.5 keeps every step
# whose feet are in the frame.

FOOT_POINTS = ("ankle", "heel", "foot_index")
FOOT_VISIBILITY = 0.5
FOOT_MARGIN_LEG = 0.025
MIN_TRACKED_FRACTION = 0.5  # of a stance's frames: fewer with the foot tracked, the foot is not in view
# of a stance's tracked frames with the foot's points visible: a one-frame dropout, filled by the cleaning,
# does not hide a foot (the landmark runner's 3 % dropouts left a knee angle in no step at 60 and 120 fps)
MIN_SEEN_FRACTION = 0.8
# the measures taken from the feet: at landing, over the stance, or timed by the feet
FOOT_MEASURES = {
    "side": ("ground_contact_time_ms", "flight_time_ms", "duty_factor_pct", "knee_flexion_at_contact_deg",
             "peak_knee_flexion_stance_deg", "shank_angle_at_contact_deg", "overstride_pct_leg",
             "foot_strike_angle_deg", "foot_strike_pattern"),
    "frontal": ("step_width_pct_hip", "crossover"),
}
FOOT_WORDS = {"side": "contact and flight times, duty factor, knee angles at landing and in stance, shank angle, "
                      "overstride and foot strike",
              "frontal": "step width and crossover"}


def feet_in_view(pose: PoseSeries, steps: pd.DataFrame, leg_px: float) -> np.ndarray:
    """Per step: True when its foot's ankle, heel and toe points are inside the frame and visible from its
    landing to its toe-off (module notes above)."""
    margin = FOOT_MARGIN_LEG * leg_px if np.isfinite(leg_px) else 0.0
    out = np.zeros(len(steps), bool)
    for k, (side, ic, to) in enumerate(zip(steps["side"], steps["ic_time_s"], steps["toe_off_time_s"],
                                           strict=True)):
        first = ic * pose.fps - pose.frame_index[0]
        last = to * pose.fps - pose.frame_index[0] if np.isfinite(to) else first
        lo, hi = max(int(np.floor(first)), 0), min(int(np.ceil(last)) + 1, pose.n_frames)
        if hi <= lo:
            continue
        idx = [INDEX[f"{side}_{j}"] for j in FOOT_POINTS]
        xy, vis = pose.xy_px[lo:hi, idx], pose.visibility[lo:hi, idx]
        tracked = np.isfinite(xy).all(axis=(1, 2))
        with np.errstate(invalid="ignore"):
            in_frame = ((xy[..., 0] >= margin) & (xy[..., 0] <= pose.width - margin) & (xy[..., 1] >= margin)
                        & (xy[..., 1] <= pose.height - margin)).all(axis=1)
        seen = (vis >= FOOT_VISIBILITY).all(axis=1)
        out[k] = (tracked.mean() >= MIN_TRACKED_FRACTION and bool(in_frame[tracked].all())
                  and seen[tracked].mean() >= MIN_SEEN_FRACTION)
    return out


def keep_feet_in_view(pose: PoseSeries, steps: pd.DataFrame, view: str, leg_px: float, name: str
                      ) -> tuple[pd.DataFrame, GaitWarning | None]:
    """The step table with the foot measures (``FOOT_MEASURES``) left out of the steps whose foot is not in
    view, and a warning; all of them left out when more than half the steady steps lack their foot
    (``feet_out_of_view``). A side view none of whose steady steps has its foot in view is refused
    (``feet_not_in_view``): its contacts, which divide the run into steps, are then all guesses."""
    kind = "side" if view == "side" else "frontal"
    in_view = feet_in_view(pose, steps, leg_px)
    steady = steps["steady"].to_numpy(bool)
    n_steady, lacking = int(steady.sum()), int((steady & ~in_view).sum())
    if n_steady == 0 or lacking == 0:
        return steps, None
    where = f"out of the frame or hidden in {lacking} of the {n_steady} steady steps"
    if kind == "side" and lacking == n_steady:
        raise GaitInputError(
            f"the feet of {name!r} are {where}, from landing to toe-off (seen from the side): the contacts "
            "cannot be timed, so nothing can be measured. " + length_rule(view).ask(), E.FEET_NOT_IN_VIEW)
    most = lacking > 0.5 * n_steady
    steps = leave_out_foot_measures(steps, kind, ~in_view, most,
                                    "feet out of view in most steps" if most else "foot out of view")
    if most:
        return steps, GaitWarning(E.FEET_OUT_OF_VIEW, (
            f"the feet were {where}: {FOOT_WORDS[kind]} are not given. Film with both feet in the frame, "
            "with some room below them."))
    return steps, GaitWarning(E.FEET_PARTLY_OUT_OF_VIEW, (
        f"the feet were {where}: those steps are left out of the {FOOT_WORDS[kind]}."))


def leave_out_foot_measures(steps: pd.DataFrame, kind: str, rows: np.ndarray, every_step: bool, reason: str
                            ) -> pd.DataFrame:
    """The step table with the foot measures of a ``kind`` of view ("side" or "frontal", ``FOOT_MEASURES``)
    left out (None) of the steps where ``rows`` is True, or of every step when ``every_step``, and ``reason``
    in their ``left_out`` column (where no earlier check gave one): the rule of the trust gate's checks that
    find a step's foot unusable, which leave every foot measure out once more than half the steady steps are."""
    columns = [c for c in FOOT_MEASURES[kind] if c in steps]
    steps = steps.astype({c: object for c in columns if steps[c].dtype == bool})  # a flag becomes None
    chosen = np.ones(len(steps), bool) if every_step else np.asarray(rows, bool)
    steps.loc[chosen, columns] = None
    steps.loc[chosen & (steps["left_out"] == "").to_numpy(), "left_out"] = reason
    return steps
