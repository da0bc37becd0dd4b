"""Issue 13's bar on every side set-up of the validation sweep (gait.synth.sweep): each side's mean contact
time within 10 ms of the truth and left minus right within 10 ms of the truth's, timed by the feet's
vertical motion.

The clips are 10 s (14 strides): the rendered runner is exactly periodic, and a 5 s clip's 7 strides put
its frames at few phases of the stride, which moved a set-up's reading by up to 8.5 ms against its 15 s
clip (docs/accuracy.md, 15 s clips). The set-ups that miss the bar are strict expected failures with their
figures: the near (right) foot reads long, its landing early and, with the camera high, its toe-off late
in MediaPipe's points.
"""

from __future__ import annotations

import pytest

from gait.synth.sweep import SIDE_CONDITIONS
from tests.test_validation import each_side_within_10_ms_timed_by_the_foot_rule, rendered

SECONDS = 10.0
NOT_MET = {  # measured 4 Dec 2026, left / right contact time minus the truth's
    "base 60 fps": "right +10.2 ms (left +7.7)",
    "camera low (0.5 m)": "right +11.8 ms (left +6.6)",
    "camera high (1.5 m)": "right +13.1 ms (left -0.4), left minus right -13.4 ms",
    "no overstride (shank 0 deg)": "right +11.8 ms (left +8.9)",
}


@pytest.mark.parametrize("condition", [
    pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=NOT_MET[c.name])] if c.name in NOT_MET
                 else []) for c in SIDE_CONDITIONS])
def test_each_side_contact_time_within_10_ms_timed_by_the_foot_rule(condition, tmp_path) -> None:  # noqa: ANN001
    pytest.importorskip("mediapipe")
    from gait.pipeline import analyze

    path, truth = rendered(condition, tmp_path, SECONDS)
    analysis = analyze(path, workers=1)
    each_side_within_10_ms_timed_by_the_foot_rule(analysis, truth)

