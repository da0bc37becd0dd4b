"""The trust gate, the leg at landing: foot measures only from steps whose landing leg the pose model kept."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait import errors as E
from gait.errors import GaitWarning
from gait.gate.feet import FOOT_WORDS, leave_out_foot_measures

# ---- the leg at landing ------------------------------------------------------------------------------
#
# At a landing the foot is on the ground below the knee, so the shin is within some tens of degrees of
# upright: on the shared clips from +25 deg (an overstride) to -49 (a sprint start's first steps, the shin
# leaning far forward over the foot), on the rendered runners within +-20. Beyond LANDING_SHANK_LIMIT_DEG the
# ankle would sit less than half the shin's length below the knee, which no landing has: the pose model
# has put that leg's points on something else. On treadmill_side_lab_slowed.mp4 it put the far leg's knee,
# ankle and foot on the treadmill's handrail at two of nine landings (the shin read 77.6 and 110.5 deg from
# upright); the landings around them read -27 to +5. Such a step's foot measures are left out, as a foot
# out of view is (gait.gate.feet): its landing, toe-off and angles were read from points that were not on
# the leg.
LANDING_SHANK_LIMIT_DEG = 60.0


def legs_lost_at_landing(steps: pd.DataFrame) -> np.ndarray:
    """Per step (side view's step table): True when its shin read more than ``LANDING_SHANK_LIMIT_DEG`` from
    upright at its landing; a step with no shin angle is not known to be lost."""
    if "shank_angle_at_contact_deg" not in steps:
        return np.zeros(len(steps), bool)
    shank = pd.to_numeric(steps["shank_angle_at_contact_deg"], errors="coerce").to_numpy(float)
    with np.errstate(invalid="ignore"):
        return np.abs(shank) > LANDING_SHANK_LIMIT_DEG


def keep_legs_found_at_landing(steps: pd.DataFrame, file_fps: float) -> tuple[pd.DataFrame, GaitWarning | None]:
    """The step table with the foot measures left out of the steps whose leg was lost at landing
    (:func:`legs_lost_at_landing`), and a warning (``legs_partly_lost_at_landing``) that gives their landings'
    times in the video as a player shows them (the file played at ``file_fps``); all of them left out when
    more than half the steady steps lost it (``legs_lost_at_landing``)."""
    lost = legs_lost_at_landing(steps)
    steady = steps["steady"].to_numpy(bool)
    n_steady, n_lost = int(steady.sum()), int((steady & lost).sum())
    if n_steady == 0 or not lost.any():
        return steps, None
    most = n_lost > 0.5 * n_steady
    steps = leave_out_foot_measures(steps, "side", lost, most,
                                    "legs lost at most landings" if most else "leg lost at landing")
    where = (f"the pose model lost the landing leg in {n_lost} of the {n_steady} steady steps (its shin read "
             f"more than {LANDING_SHANK_LIMIT_DEG:.0f}° from upright at landing, which no landing has: the leg's "
             "points were on something else)")
    if most:
        return steps, GaitWarning(E.LEGS_LOST_AT_LANDING, (
            f"{where}: {FOOT_WORDS['side']} are not given. Film with nothing beside or in front of the legs "
            "(a handrail, a frame), close enough that the legs are large, in good light."))
    times = [f"{frame / file_fps:.2f}" for frame in steps.loc[lost & steady, "ic_frame"]]
    listed = times[-1] if len(times) == 1 else f"{', '.join(times[:-1])} and {times[-1]}"
    which, verb = ("that step", "is") if len(times) == 1 else ("those steps", "are")
    return steps, GaitWarning(E.LEGS_PARTLY_LOST_AT_LANDING, (
        f"{where}: {which}, landing at {listed} s into the video, {verb} left out of the {FOOT_WORDS['side']}."))
