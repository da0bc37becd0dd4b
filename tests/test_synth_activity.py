"""The rendered people who are not running (gait.synth.activity): exact walking and on-the-spot cases."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gait.synth import Camera, truth_path
from gait.synth.activity import InPlaceModel, InPlaceParams, WalkerModel, WalkerParams, render_activity
from gait.synth.model import SIDES

STEPS = 400


def times(model: WalkerModel) -> np.ndarray:
    return np.linspace(0.0, 2 * model.stride_s, 2 * STEPS, endpoint=False)


@pytest.fixture(scope="module")
def walker() -> WalkerModel:
    return WalkerModel(WalkerParams())


def test_walking_has_double_support_and_no_flight(walker):
    ts = times(walker)
    stance = np.array([[walker.in_stance(s, t) for s in SIDES] for t in ts])
    assert np.mean(stance, axis=0) == pytest.approx([0.62, 0.62], abs=0.01)  # duty factor over 50 %
    assert np.mean(stance.all(axis=1)) == pytest.approx(0.24, abs=0.01)  # both feet down twice per stride
    assert stance.any(axis=1).all()  # never both feet in the air: no flight


def test_walking_feet_are_on_the_belt_in_stance_and_above_it_in_swing(walker):
    for t in times(walker):
        for side in SIDES:
            low = walker.lowest_foot_z(side, t)
            if walker.in_stance(side, t):
                assert low == pytest.approx(0.0, abs=1e-9)
            else:
                assert low >= -1e-9


def test_walking_stance_foot_moves_with_the_belt(walker):
    h = 1e-4
    for t in times(walker)[::7]:
        for side in SIDES:
            if walker.in_stance(side, t) and walker.in_stance(side, t + h):
                a, b = walker.leg(side, t), walker.leg(side, t + h)
                point = "heel" if a["heel"][2] < 1e-9 and b["heel"][2] < 1e-9 else "toe"
                assert (b[point][0] - a[point][0]) / h == pytest.approx(-walker.speed_ms, rel=1e-3)


def test_walking_body_is_highest_at_mid_stance_and_lowest_in_double_support(walker):
    ts = np.linspace(0.0, walker.stride_s, STEPS, endpoint=False)
    z = np.array([walker.pelvis(t)[0][2] for t in ts])
    both = np.array([all(walker.in_stance(s, t) for s in SIDES) for t in ts])
    mid = [walker._time_of_side_phase(s, walker.duty / 2) % walker.stride_s for s in SIDES]
    for t_mid in mid:
        assert walker.pelvis(t_mid)[0][2] == pytest.approx(z.max(), abs=1e-6)
    assert z[both].min() == pytest.approx(z.min(), abs=1e-6) and z[both].max() < z[~both].max()
    assert 3.0 < walker.vertical_oscillation_cm < 8.0


def test_walking_legs_stay_within_reach_and_move_smoothly(walker):
    reach = walker.a.thigh + walker.a.shank
    ts = np.linspace(0.0, walker.stride_s, 2000)
    previous = None
    for t in ts:
        j = walker.joints(t)
        for side in SIDES:
            assert np.linalg.norm(j[f"{side}_ankle"] - j[f"{side}_hip"]) <= reach + 1e-9
        if previous is not None:
            step = max(np.linalg.norm(j[k] - previous[k]) for k in j if k.endswith(("knee", "ankle", "heel",
                                                                                         "foot_index", "wrist")))
            assert step < 0.01  # metres per half millisecond: no jump
        previous = j


def test_walking_events_match_the_stance():
    walker = WalkerModel(WalkerParams(cadence_spm=100, duty_factor_pct=65))
    events = walker.events(0.0, 3.0)
    assert {e["type"] for e in events} == {"initial_contact", "toe_off"}
    for e in events:
        before, after = walker.in_stance(e["side"], e["time_s"] - 1e-6), walker.in_stance(e["side"], e["time_s"] + 1e-6)
        assert (before, after) == ((False, True) if e["type"] == "initial_contact" else (True, False))


def test_walker_params_refuse_a_flight_phase():
    with pytest.raises(ValueError):
        WalkerParams(duty_factor_pct=45.0)


@pytest.mark.parametrize("activity", ["standing", "squats", "arm_curls", "lunges"])
def test_on_the_spot_both_feet_stay_down(activity):
    model = InPlaceModel(InPlaceParams(activity))
    for t in np.linspace(0.0, 6.0, 241):
        lows = [model.lowest_foot_z(s, t) for s in SIDES]
        assert min(lows) == pytest.approx(0.0, abs=1e-9)
        if activity != "lunges":
            assert max(lows) == pytest.approx(0.0, abs=1e-9) and all(model.in_stance(s, t) for s in SIDES)


def test_standing_barely_moves():
    model = InPlaceModel(InPlaceParams("standing"))
    points = np.array([[p for k, p in model.joints(t).items() if np.shape(p) == (3,) and "pitch" not in k]
                       for t in np.linspace(0.0, 6.0, 61)])
    assert np.ptp(points, axis=0).max() < 0.015  # metres: postural sway only


def test_jumping_both_feet_land_and_take_off_together_lowest_at_mid_stance():
    model = InPlaceModel(InPlaceParams("jumping"))
    ts = np.linspace(0.0, model.period_s, 400, endpoint=False)
    stance = np.array([[model.in_stance(s, t) for s in SIDES] for t in ts])
    assert (stance[:, 0] == stance[:, 1]).all() and 0.5 < stance[:, 0].mean() < 0.7
    z = np.array([model.pelvis(t)[0][2] for t in ts])
    assert not stance[np.argmax(z), 0] and stance[np.argmin(z), 0]  # highest in the air, lowest on the ground
    ics = [e for e in model.events(0.0, 3.0) if e["type"] == "initial_contact"]
    assert len(ics) % 2 == 0 and all(a["time_s"] == b["time_s"] for a, b in zip(ics[::2], ics[1::2], strict=True))


def test_render_writes_the_clip_and_its_truth(tmp_path):
    from gait.video_io import probe

    clip = tmp_path / "walk.mp4"
    truth = render_activity(WalkerModel(), Camera(view="side"), clip, fps=30, duration_s=1.0, width=120,
                            height=214)
    info = probe(clip)
    assert info.frame_count == 30 and (info.width, info.height) == (120, 214)
    saved = json.loads(truth_path(clip).read_text())
    assert saved["activity"] == truth["activity"] == "walking" and saved["duty_factor_pct"] == 62.0
    assert len(saved["frames"]["joints_px"]["left_ankle"]) == 30
    assert saved["double_support_fraction"] == pytest.approx(0.24, abs=0.05)
