"""End to end on a side view: render a synthetic clip, analyse it, compare with its truth.

Tolerances: cadence within 1 spm; initial contacts within 1 frame at 60 fps; knee flexion and shank angle
at contact within 5 deg of the truth (what a perfect 2D analyser sees through the same camera).
scripts/validate.py prints the same over a sweep of conditions.

The rendered run lands as the sample clips do (swing-leg retraction 14 deg, the foot's lowest point
coming down at 1 m/s): the feet's vertical motion shows a landing in most steps, as on every real side
clip but one (docs/accuracy.md, real clips), so contacts are timed by the foot rule that users' clips get
(gait.events), not by the typical delay. That rule lands a few ms late on the renders (docs/accuracy.md,
rendered runner).
"""

from __future__ import annotations

import pytest

from gait.synth import FIRM_LANDING, Camera, RunnerParams, render
from gait.synth.compare import compare_analysis

PARAMS = RunnerParams(cadence_spm=168.0, speed_kmh=11.0, duty_factor_pct=36.0, knee_flexion_at_contact_deg=18.0,
                      shank_angle_at_contact_deg=7.0, foot_strike="rearfoot", start_phase=0.13, **FIRM_LANDING)


@pytest.fixture(scope="module")
def result(tmp_path_factory):  # noqa: ANN001, ANN201
    pytest.importorskip("mediapipe")
    from gait.pipeline import analyze

    path = tmp_path_factory.mktemp("validation") / "side_60fps.mp4"
    truth = render(PARAMS, Camera(view="side", direction=1), path, fps=60.0, duration_s=5.0, width=360,
                   height=640)
    analysis = analyze(str(path))
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


def _each_side_within_10_ms_timed_by_the_foot_rule(analysis, truth: dict) -> None:  # noqa: ANN001
    assert analysis.detection.contact_timing == "foot"
    measured = analysis.metrics["ground_contact_time_ms"]
    true = truth["metrics"]["ground_contact_time_ms"]
    for side in ("left", "right"):
        assert measured[side] == pytest.approx(true[side], abs=10.0), side
    assert measured["left"] - measured["right"] == pytest.approx(true["left"] - true["right"], abs=10.0)


@pytest.mark.parametrize("camera", [Camera(view="side", direction=1, distance_m=6.0),
                                    Camera(view="side", direction=-1)], ids=["camera far", "facing left"])
def test_each_side_contact_time_within_10_ms_timed_by_the_foot_rule(camera, tmp_path) -> None:  # noqa: ANN001
    """Issue 13: each side's mean contact time within 10 ms of the truth and left minus right within 10 ms
    of the truth's, timed by the feet's vertical motion. Before the feet's landing signal was filtered at
    gait.cleaning.LANDING_CUTOFF_HZ (10 Hz, as every landmark), the far camera read the far foot 10.9 ms
    short and facing left was timed by the typical delay (scripts/validate.py, docs/accuracy.md)."""
    pytest.importorskip("mediapipe")
    from gait.pipeline import analyze

    path = tmp_path / "side.mp4"
    truth = render(PARAMS, camera, path, fps=60.0, duration_s=5.0, width=360, height=640)
    analysis = analyze(str(path), workers=1)
    _each_side_within_10_ms_timed_by_the_foot_rule(analysis, truth)


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
    path = tmp_path / "side_120fps.mp4"
    truth = render(PARAMS, Camera(view="side", direction=1), path, fps=120.0, duration_s=5.0, width=360, height=640)
    analysis = analyze(str(path), workers=1)
    assert analysis.pose.n_frames == 600 and len(seen) <= 300 + 5 + 10  # + the other-person check, the glimpse
    _each_side_within_10_ms_timed_by_the_foot_rule(analysis, truth)
    # and its two knees' peaks in stance read alike, the far one's corrected (docs/accuracy.md: -1.3 deg)
    peak = analysis.metrics["peak_knee_flexion_stance_deg"]
    assert abs(peak["left"] - peak["right"]) <= 3.0
