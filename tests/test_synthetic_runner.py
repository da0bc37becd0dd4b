"""The side-view pipeline on synthetic landmarks with exactly known events and angles."""

import numpy as np
import pytest

from gait.analysis import analyze_pose
from gait.landmarks import INDEX
from gait.video_io import VideoInfo
from tests.landmark_runner import Runner, make_pose


def run(r: Runner):
    pose, truth = make_pose(r)
    info = VideoInfo(path="synthetic.mp4", file_fps=r.fps, fps=r.fps, frame_count=pose.n_frames,
                     width=1000, height=1000)
    return analyze_pose(info, pose), truth


def nearest_errors_s(found, truth, side, type_):
    times = [e.time_s for e in found if e.side == side and e.type == type_]
    true = [t for s, ty, t in truth["events"] if s == side and ty == type_]
    inner = [t for t in true if min(times, default=1e9) - 0.2 < t < max(times, default=-1e9) + 0.2]
    return np.array([min(abs(t - f) for f in times) for t in inner]), len(true)


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
@pytest.mark.parametrize("direction", [1, -1])
def test_clean_runner_cadence_events_and_sides(fps, direction):
    r = Runner(fps=fps, direction=direction, cadence_spm=172.0)
    a, truth = run(r)
    assert a.view == "side" and a.direction == direction
    assert a.detection.contact_timing == "foot"  # clean feet: every landing seen
    assert a.metrics["cadence_spm"]["value"] == pytest.approx(172.0, abs=1.0)
    contacts = [e for e in a.detection.events if e.type == "initial_contact"]
    assert a.steps["step"].tolist() == list(range(1, len(contacts) + 1))  # numbered as counted
    for side in ("left", "right"):
        err, n_true = nearest_errors_s(a.detection.events, truth, side, "initial_contact")
        assert len(err) >= n_true - 2
        assert np.max(err) <= 1.0 / fps + 1e-9, f"{side} contacts off by {err.max() * fps:.2f} frames"


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_noise_dropouts_and_swaps(fps):
    r = Runner(fps=fps, cadence_spm=165.0, noise_px=2.0, dropout_fraction=0.03, swap_fraction=0.15, seed=3)
    a, truth = run(r)
    assert a.metrics["cadence_spm"]["value"] == pytest.approx(165.0, abs=1.0)
    steps = a.steps[a.steps["steady"]]
    assert len(steps) >= 0.8 * 12.0 * 165.0 / 60.0
    for side in ("left", "right"):
        err, _ = nearest_errors_s(a.detection.events, truth, side, "initial_contact")
        assert np.median(err) <= 1.0 / fps + 1e-9
        # the knee angle at contact follows the landing leg, not a swapped label
        knee = steps.loc[steps["side"] == side, "knee_flexion_at_contact_deg"].median()
        assert knee == pytest.approx(truth["knee_at_contact"][side], abs=5.0)


@pytest.mark.parametrize("ahead", [0.1, 0.25, 0.4])
def test_overstride_follows_landing_position(ahead):
    a, _ = run(Runner(landing_ahead_leg=ahead, fps=60.0))
    assert a.metrics["overstride_pct_leg"]["value"] == pytest.approx(100 * ahead, abs=3.0)


def test_contact_time_and_flight():
    r = Runner(fps=120.0, duty_factor=0.35, cadence_spm=170.0)
    a, _ = run(r)
    true_contact_ms = 1000 * 0.35 * r.stride_s
    assert a.metrics["ground_contact_time_ms"]["value"] == pytest.approx(true_contact_ms, abs=25.0)
    assert a.metrics["flight_time_ms"]["value"] > 0


def test_contacts_from_the_prior_delay_when_the_feet_show_no_landing():
    """Feet that slide at a constant height (no vertical signal): each contact falls the prior delay after
    the foot's most forward point, which the synthetic runner reaches 15 % of the swing before contact."""
    from gait.events import LANDING_DELAY_PRIOR_S

    r = Runner(fps=60.0, cadence_spm=170.0)
    pose, truth = make_pose(r)
    xy = pose.xy_px.copy()
    for side in ("left", "right"):
        for joint in ("heel", "foot_index"):
            xy[:, INDEX[f"{side}_{joint}"], 1] = 900.0
    flat = pose.replace(xy_px=xy)
    info = VideoInfo(path="synthetic.mp4", file_fps=r.fps, fps=r.fps, frame_count=flat.n_frames,
                     width=1000, height=1000)
    a = analyze_pose(info, flat)
    assert a.detection.contact_timing == "typical delay"
    assert any("typical 45 ms" in w for w in a.warnings)
    apex_before_contact_s = 0.15 * (1 - r.duty_factor) * r.stride_s
    for side in ("left", "right"):
        found = [e.time_s for e in a.detection.of(side, "initial_contact")]
        true = [t for s, ty, t in truth["events"] if s == side and ty == "initial_contact"]
        assert len(found) >= 10
        expected = np.array([t - apex_before_contact_s + LANDING_DELAY_PRIOR_S for t in true])
        err = np.array([np.min(np.abs(expected - f)) for f in found])
        assert np.max(err) <= 0.5 / r.fps, f"{side}: {err.max() * r.fps:.2f} frames from apex + prior"


def test_slowed_footage_is_analysed_at_a_running_rate_without_its_times():
    """Phone slow motion with no capture rate given: a runner filmed at 240 fps at 168 steps/min, in a file
    that plays at 30 fps, steps 21 times a minute as it plays. It is analysed as filmed at 240 fps (its angles
    the same as with the capture rate given); its times, and the cadence cue and targets built on them, are
    not given, and a warning asks for the capture rate."""
    from dataclasses import replace

    from gait import errors as E
    from gait.analysis import REAL_TIME_COLUMNS, REAL_TIME_METRICS
    from gait.cues import cues_from_metrics

    r = Runner(fps=240.0, cadence_spm=168.0, duration_s=10.0)
    pose, _ = make_pose(r)
    info = VideoInfo(path="slowed.mp4", file_fps=30.0, fps=30.0, frame_count=pose.n_frames, width=1000, height=1000)
    slowed = analyze_pose(info, pose.replace(fps=30.0))
    given = analyze_pose(replace(info, fps=240.0), pose)
    assert given.metrics["cadence_spm"]["value"] == pytest.approx(168.0, abs=1.0)
    assert slowed.info.fps == 240.0 and slowed.warnings[0].code == E.SLOWED_FOOTAGE
    assert "the steps come at 21 a minute" in slowed.warnings[0] and "--fps 240" in slowed.warnings[0]
    assert all(slowed.metrics[key]["value"] is None for key in REAL_TIME_METRICS)
    assert slowed.steps[list(REAL_TIME_COLUMNS)].isna().all().all()
    for key in ("knee_flexion_at_contact_deg", "peak_knee_flexion_stance_deg", "overstride_pct_leg", "duty_factor_pct"):
        assert slowed.metrics[key]["value"] == pytest.approx(given.metrics[key]["value"], abs=1e-9)
    assert "cadence" in [c.id for c in cues_from_metrics(given.metrics)]
    assert "cadence" not in [c.id for c in cues_from_metrics(slowed.metrics)]


def test_a_slow_runner_in_real_time_keeps_the_times():
    """130 steps/min is slow for running but not slowed footage: the times are given, with the warning that
    asks about slow motion."""
    from gait import errors as E

    a, _ = run(Runner(fps=60.0, cadence_spm=130.0))
    assert a.metrics["cadence_spm"]["value"] == pytest.approx(130.0, abs=1.0)
    assert a.metrics["ground_contact_time_ms"]["value"] > 0
    assert [w.code for w in a.warnings if w.code in (E.LOW_CADENCE, E.SLOWED_FOOTAGE)] == [E.LOW_CADENCE]
