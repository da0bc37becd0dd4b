"""End to end on a side view: render a synthetic clip, analyse it, compare with its truth.

Tolerances: cadence within 1 spm; initial contacts within 1 frame at 60 fps; knee flexion and shank angle
at contact within 5 deg of the truth (what a perfect 2D analyser sees through the same camera).
scripts/validate.py prints the same over a sweep of conditions.

The rendered run lands as the sample clips do (swing-leg retraction 14 deg, the foot's lowest point
coming down at 1 m/s): the feet's vertical motion shows a landing in most steps, as on every real side
clip but one (docs/accuracy.md, real clips), so contacts are timed by the foot rule that users' clips get
(gait.events), not by the typical delay. On the renders that rule lands a few ms early, and reads the
near foot's contact up to 13 ms long (docs/accuracy.md, rendered runner; every side set-up's contact
times: tests/test_sweep_contact_time.py). The set-ups are scripts/validate.py's (gait.synth.sweep).
"""

from __future__ import annotations

import pytest

from gait.synth.compare import compare_analysis
from gait.synth.sweep import SIDE_CONDITIONS, SWEEP_SECONDS, Condition

BASE_60_FPS = SIDE_CONDITIONS[0]


def rendered(condition: Condition, folder, seconds: float = SWEEP_SECONDS) -> tuple[str, dict]:  # noqa: ANN001
    """``condition`` rendered for ``seconds`` into ``folder``: the clip's path and its truth."""
    path = folder / "side.mp4"
    return str(path), condition.render(path, seconds)


@pytest.fixture(scope="module")
def result(tmp_path_factory):  # noqa: ANN001, ANN201
    pytest.importorskip("mediapipe")
    from gait.pipeline import analyze

    path, truth = rendered(BASE_60_FPS, tmp_path_factory.mktemp("validation"))
    analysis = analyze(path)
    assert analysis.detection.contact_timing == "foot"  # see the module notes
    errors, contacts = compare_analysis(analysis, truth)
    return errors, contacts, truth


def test_cadence_within_1_spm(result) -> None:  # noqa: ANN001
    errors, _, _ = result
    assert abs(errors["cadence_spm_error"]) <= 1.0


def test_every_contact_found(result) -> None:  # noqa: ANN001
    _, contacts, _ = result
    assert len(contacts) >= 10 and contacts["detected_s"].notna().all()


def test_initial_contacts_within_1_frame_at_60fps(result) -> None:  # noqa: ANN001
    _, contacts, _ = result
    assert contacts["error_frames"].abs().max() <= 1.0


def test_knee_flexion_at_contact_within_5_deg(result) -> None:  # noqa: ANN001
    errors, _, _ = result
    assert abs(errors["knee_flexion_at_contact_deg_error"]) <= 5.0


def test_shank_angle_at_contact_within_5_deg(result) -> None:  # noqa: ANN001
    errors, _, _ = result
    assert abs(errors["shank_angle_at_contact_deg_error"]) <= 5.0


@pytest.mark.parametrize("metric, bound", [("flight_time_ms", 10.0), ("duty_factor_pct", 1.5),
                                           ("peak_knee_flexion_stance_deg", 3.0), ("foot_strike_angle_deg", 6.0),
                                           ("trunk_lean_deg", 3.0), ("vertical_oscillation_pct_leg", 2.5)])
def test_the_measures_judged_by_their_sweep_error_read_near_the_truth(result, metric, bound) -> None:  # noqa: ANN001
    """The six measures whose measured error (the history's smallest detectable change) comes from the sweep's
    new columns (docs/accuracy.md: base set-up -8.2 ms, +1.2 %, -0.3 (-5.2 before the far leg's peak was
    corrected), +4.4, -1.6 deg, -1.1 % leg) are measured here against the renderer's truth, not just
    carried: each within its bound."""
    errors, _, _ = result
    print(f"{metric}: {errors[f'{metric}_error']:+.2f}")
    assert abs(errors[f"{metric}_error"]) <= bound


def each_side_within_10_ms_timed_by_the_foot_rule(analysis, truth: dict) -> None:  # noqa: ANN001
    assert analysis.detection.contact_timing == "foot"
    measured = analysis.metrics["ground_contact_time_ms"]
    true = truth["metrics"]["ground_contact_time_ms"]
    for side in ("left", "right"):
        assert measured[side] == pytest.approx(true[side], abs=10.0), side
    assert measured["left"] - measured["right"] == pytest.approx(true["left"] - true["right"], abs=10.0)


def test_a_120_fps_clip_is_tracked_every_second_frame_and_times_each_side_within_10_ms(tmp_path, monkeypatch):
    """Issue 13's 120 fps set-up: tracked in every frame (MediaPipe's filters then smooth over four times the
    real time they are set for) the near foot read 13.2 ms long; the pose model now sees every second frame,
    as a 60 fps clip's (gait.pose.tracker.frame_step), and the frames between are filled in."""
    pytest.importorskip("mediapipe")
    from gait.pipeline import analyze
    from gait.pose import tracker

    seen = []
    found = tracker._found
    monkeypatch.setattr(tracker, "_found", lambda t, rgb: seen.append(1) or found(t, rgb))
    path, truth = rendered(next(c for c in SIDE_CONDITIONS if c.name == "120 fps"), tmp_path)
    analysis = analyze(path, workers=1)
    assert analysis.pose.n_frames == 600 and len(seen) <= 300 + 5 + 10  # + the other-person check, the glimpse
    each_side_within_10_ms_timed_by_the_foot_rule(analysis, truth)
    # and its two knees' peaks in stance read alike, the far one's corrected (docs/accuracy.md: -1.3 deg)
    peak = analysis.metrics["peak_knee_flexion_stance_deg"]
    assert abs(peak["left"] - peak["right"]) <= 3.0


def test_the_held_out_set_ups_are_side_views_the_sweep_does_not_hold() -> None:
    """A rule chosen on the sweep is checked on set-ups it was not chosen on (scripts/validate.py --held-out)."""
    from dataclasses import replace

    from gait.synth.sweep import CONDITIONS, HELD_OUT

    sweep = {replace(c, name="") for c in CONDITIONS}  # the set-ups, whatever their names
    assert len({c.name for c in HELD_OUT}) == len(HELD_OUT)
    for c in HELD_OUT:
        assert c.camera.view == "side", c.name
        assert replace(c, name="") not in sweep, c.name
