"""Issue 13's bar on every side set-up of the validation sweep (gait.synth.sweep): each side's mean contact
time within 10 ms of the truth and left minus right within 10 ms of the truth's, timed by the feet's
vertical motion.

The clips are 10 s (14 strides): the rendered runner is exactly periodic, and a 5 s clip's 7 strides put
its frames at few phases of the stride, which moved a set-up's reading by up to 8.5 ms against its 15 s
clip (docs/accuracy.md, 15 s clips). Each side is within 10 ms since the landings are timed for MediaPipe's
points (gait.events.LANDING_TIME_FRACTION; 10 of 14 set-ups before), and left minus right in every set-up
since the toe-offs are read from the knee as well as the foot (gait.events: with the camera high the near
foot's toe-off read late in 3 of 13 steps, left minus right -13.4 ms; both 5 Dec 2026).
"""

from __future__ import annotations

import pytest

from gait.synth.sweep import SIDE_CONDITIONS
from tests.test_validation import each_side_within_10_ms_timed_by_the_foot_rule, rendered

SECONDS = 10.0


@pytest.mark.parametrize("condition", SIDE_CONDITIONS, ids=[c.name for c in SIDE_CONDITIONS])
def test_each_side_contact_time_within_10_ms_timed_by_the_foot_rule(condition, tmp_path) -> None:  # noqa: ANN001
    pytest.importorskip("mediapipe")
    from gait.pipeline import analyze

    path, truth = rendered(condition, tmp_path, SECONDS)
    analysis = analyze(path, workers=1)
    each_side_within_10_ms_timed_by_the_foot_rule(analysis, truth)

