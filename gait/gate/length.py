"""The trust gate, how long a clip must be: one rule per view, counted in steps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.metrics import MIN_STEPS_PER_SIDE
from gait.view import VIEW_WORDS

TYPICAL_CADENCE_SPM = 170.0
MIN_STEADY_STEPS = 3  # fewer regular steps than this: refused, whatever the view
ADVISED_STEPS_PER_SIDE = MIN_STEPS_PER_SIDE  # averaged per side for reliable measures (Dingenen 2018)


@dataclass(frozen=True)
class LengthRule:
    """How many steps a clip of one view must hold: refused under ``min_steady_steps`` regular steps;
    ``advised_steps_per_side`` per side are asked for (a warning below), shown in seconds at the clip's
    cadence."""

    view: str
    min_steady_steps: int
    advised_steps_per_side: int
    needs: str  # what the camera must see in this view

    @property
    def advised_steps(self) -> int:
        return 2 * self.advised_steps_per_side

    def seconds(self, steps: int, cadence_spm: float | None) -> float:
        return 60.0 * steps / (cadence_spm or TYPICAL_CADENCE_SPM)

    def ask(self, cadence_spm: float | None = None) -> str:
        """What to film, e.g. "Film at least 14 steady steps (7 per side) from behind: about 5 s at its
        cadence of 172 steps/min, ..."."""
        if cadence_spm is not None and np.isfinite(cadence_spm) and cadence_spm > 0:
            cadence, whose = float(cadence_spm), "the cadence measured"
        else:
            cadence, whose = TYPICAL_CADENCE_SPM, "a typical cadence"
        return (f"Film at least {self.advised_steps} steady steps ({self.advised_steps_per_side} per side) "
                f"{VIEW_WORDS.get(self.view, 'from the side')}: about "
                f"{self.seconds(self.advised_steps, cadence):.0f} s at {whose} of {cadence:.0f} steps/min, "
                f"{self.needs}.")


LENGTH_RULES = {
    "side": LengthRule("side", MIN_STEADY_STEPS, ADVISED_STEPS_PER_SIDE,
                       "with the camera at hip height square to the running direction and the whole body, "
                       "feet included, in view"),
    "rear": LengthRule("rear", MIN_STEADY_STEPS, ADVISED_STEPS_PER_SIDE,
                       "with the camera square behind the runner at hip height and the pelvis and both feet "
                       "in view"),
    "front": LengthRule("front", MIN_STEADY_STEPS, ADVISED_STEPS_PER_SIDE,
                        "with the camera square in front of the runner at hip height and the pelvis and both "
                        "feet in view"),
}


def length_rule(view: str) -> LengthRule:
    return LENGTH_RULES.get(view, LENGTH_RULES["side"])
