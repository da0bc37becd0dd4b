"""Tests of the synthetic runner generator: exact model kinematics, truth metrics, MediaPipe detection."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gait.synth import Camera, Projector, RunnerModel, RunnerParams, SideScale, build_truth, render, truth_path

PARAM_SETS = [
    RunnerParams(),
    RunnerParams(foot_strike="forefoot", cadence_spm=180, speed_kmh=14, duty_factor_pct=30),
    RunnerParams(foot_strike="midfoot", shank_angle_at_contact_deg=11, knee_flexion_at_contact_deg=25),
    RunnerParams(speed_kmh=8, cadence_spm=160, duty_factor_pct=42, height_m=1.6,
                 left=SideScale(knee_flexion_at_contact=1.3, contact_time=1.05), right=SideScale(knee_valgus=2)),
]


def _truth(params: RunnerParams, view: str = "side", direction: int = 1, seconds: float = 3.0) -> dict:
    model = RunnerModel(params)
    cam = Camera(view=view, direction=direction)
    return build_truth(model, cam, Projector(cam, 540, 960, params.height_m), 60.0, int(60 * seconds))


def _ics(model: RunnerModel, seconds: float = 3.0) -> list[dict]:
    return [e for e in model.events(0, seconds) if e["type"] == "initial_contact"]


@pytest.mark.parametrize("params", PARAM_SETS)
def test_foot_touches_belt_exactly_at_the_events(params: RunnerParams) -> None:
    m = RunnerModel(params)
    events = m.events(0.0, 3.0)
    assert len(events) >= 14
    for e in events:
        side, t = e["side"], e["time_s"]
        assert abs(m.lowest_foot_z(side, t)) < 1e-9
        if e["type"] == "initial_contact":
            assert m.lowest_foot_z(side, t - 2e-3) > 0  # in the air just before
            assert abs(m.lowest_foot_z(side, t + 2e-3)) < 1e-9
        else:
            assert m.lowest_foot_z(side, t + 2e-3) > 0  # in the air just after
            assert abs(m.lowest_foot_z(side, t - 2e-3)) < 1e-9


@pytest.mark.parametrize("params", PARAM_SETS)
def test_stance_foot_rolls_on_the_belt_without_slip(params: RunnerParams) -> None:
    m = RunnerModel(params)
    h = 1e-4
    for side in ("left", "right"):
        ic = next(e["time_s"] for e in _ics(m) if e["side"] == side)
        tc = m.contact_s(side)
        n_checked = 0
        for t in np.linspace(ic, ic + tc - h, 80):
            a, b = m.leg(side, t), m.leg(side, t + h)
            assert min(a["heel"][2], a["toe"][2]) == pytest.approx(0.0, abs=1e-9)
            assert min(a["heel"][2], a["toe"][2]) >= -1e-12 and a["ankle"][2] > 0
            for k in ("heel", "toe"):
                if abs(a[k][2]) < 1e-12 and abs(b[k][2]) < 1e-12:  # this point is on the belt at both instants
                    v = (b[k] - a[k]) / h
                    assert v[0] == pytest.approx(-m.speed_ms, rel=1e-6)
                    assert abs(v[1]) < 1e-9 and abs(v[2]) < 1e-9
                    n_checked += 1
        assert n_checked >= 80


@pytest.mark.parametrize("params", PARAM_SETS)
def test_swing_foot_stays_above_the_belt(params: RunnerParams) -> None:
    m = RunnerModel(params)
    for side in ("left", "right"):
        ts = np.linspace(0, m.stride_s, 1500)
        z = [m.lowest_foot_z(side, t) for t in ts if not m.in_stance(side, t)]
        phases = [m.side_phase(side, t) for t in ts if not m.in_stance(side, t)]
        inner = [zz for zz, ph in zip(z, phases, strict=False) if m.stance_frac[side] + 0.01 < ph < 0.99]
        assert min(inner) > 0.0


@pytest.mark.parametrize("params", PARAM_SETS)
def test_cadence_and_contact_times_from_events(params: RunnerParams) -> None:
    m = RunnerModel(params)
    ev = m.events(0.0, 6.0)
    ics = np.array([e["time_s"] for e in ev if e["type"] == "initial_contact"])
    assert 60.0 / np.mean(np.diff(ics)) == pytest.approx(params.cadence_spm, rel=1e-9)
    sides = [e["side"] for e in ev if e["type"] == "initial_contact"]
    assert all(a != b for a, b in zip(sides, sides[1:], strict=False))  # alternate
    t = _truth(params)
    for side in ("left", "right"):
        dfp = params.duty_factor_pct * params.side(side).contact_time
        assert t["metrics"]["duty_factor_pct"][side] == pytest.approx(dfp, rel=1e-9)


@pytest.mark.parametrize("params", PARAM_SETS)
def test_knee_flexion_at_contact_equals_the_parameter(params: RunnerParams) -> None:
    m = RunnerModel(params)
    t = _truth(params)
    for side in ("left", "right"):
        want = params.knee_flexion_at_contact_deg * params.side(side).knee_flexion_at_contact
        assert t["metrics_3d"]["knee_flexion_at_contact_deg"][side] == pytest.approx(want, abs=1e-6)
        assert t["metrics"]["knee_flexion_at_contact_deg"][side] == pytest.approx(want, abs=2.5)  # side view
    assert t["metrics_3d"]["foot_strike_angle_deg"]["mean"] == pytest.approx(params.strike_angle_deg, abs=1e-6)
    assert m.leg_length_m == pytest.approx(0.491 * params.height_m)


def _metric(params: RunnerParams, name: str, view: str = "side") -> float:
    return _truth(params, view=view)["metrics"][name]["mean"]


def test_metrics_move_the_right_way() -> None:
    base = RunnerParams()
    r = base.replace
    assert _metric(r(shank_angle_at_contact_deg=12), "overstride_pct_leg") > \
        _metric(r(shank_angle_at_contact_deg=2), "overstride_pct_leg") + 5
    assert _metric(r(shank_angle_at_contact_deg=12), "shank_angle_at_contact_deg") > \
        _metric(r(shank_angle_at_contact_deg=2), "shank_angle_at_contact_deg") + 8
    assert _metric(r(trunk_lean_deg=12), "trunk_lean_deg") > _metric(r(trunk_lean_deg=2), "trunk_lean_deg") + 8
    fsa = [_metric(r(foot_strike=k), "foot_strike_angle_deg") for k in ("forefoot", "midfoot", "rearfoot")]
    assert fsa[0] < 0 < fsa[2] and fsa[0] < fsa[1] < fsa[2]
    assert _metric(r(vertical_oscillation_cm=11), "vertical_oscillation_pct_leg") > \
        _metric(r(vertical_oscillation_cm=5), "vertical_oscillation_pct_leg") + 2
    assert _metric(r(duty_factor_pct=42), "ground_contact_time_ms") > \
        _metric(r(duty_factor_pct=30), "ground_contact_time_ms")
    for view in ("rear", "front"):
        assert _metric(r(knee_valgus_deg=12), "knee_valgus_fppa_deg", view) > \
            _metric(r(knee_valgus_deg=0), "knee_valgus_fppa_deg", view) + 2
        assert _metric(r(pelvic_drop_deg=8), "pelvic_drop_deg", view) > \
            _metric(r(pelvic_drop_deg=1), "pelvic_drop_deg", view) + 5
        assert _metric(r(hip_adduction_deg=7), "step_width_pct_hip", view) < \
            _metric(r(hip_adduction_deg=0), "step_width_pct_hip", view) - 10
        assert _metric(r(hip_adduction_deg=7), "hip_adduction_deg", view) > \
            _metric(r(hip_adduction_deg=0), "hip_adduction_deg", view) + 3
    asym = _truth(r(left=SideScale(knee_flexion_at_contact=1.5)))["metrics"]["knee_flexion_at_contact_deg"]
    assert asym["left"] > asym["right"] + 6


def test_pelvis_lowest_at_mid_stance() -> None:
    m = RunnerModel(RunnerParams())
    ic = next(e["time_s"] for e in _ics(m) if e["side"] == "right")
    ts = ic + np.linspace(0, m.stride_s / 2, 2001)
    z = [m.pelvis(t)[0][2] for t in ts]
    assert ts[int(np.argmin(z))] - ic == pytest.approx(m.contact_s("right") / 2, abs=1e-3)


@pytest.mark.parametrize("params", PARAM_SETS)
def test_pelvis_free_falls_in_flight_and_descends_fastest_at_contact(params: RunnerParams) -> None:
    m = RunnerModel(params)
    z = lambda t: m.pelvis(t)[0][2]  # noqa: E731
    h = 1e-3
    ev = m.events(0.0, 3.0)
    for to, ic in zip(ev, ev[1:], strict=False):
        if to["type"] != "toe_off":
            continue
        assert ic["type"] == "initial_contact" and ic["side"] != to["side"]
        for t in np.linspace(to["time_s"] + h, ic["time_s"] - h, 7):  # in flight
            assert (z(t + h) - 2 * z(t) + z(t - h)) / h**2 == pytest.approx(-9.81, abs=1e-3)
    ics = [e["time_s"] for e in ev if e["type"] == "initial_contact"]
    step, dt = m.stride_s / 2, 1e-4
    for ic in ics:
        if ic - step / 2 < 0:
            continue
        ts = np.arange(ic - step / 2, ic + step / 2, dt)  # each step, centred on its contact
        v = np.gradient([z(t) for t in ts], dt)
        assert abs(ts[int(np.argmin(v))] - ic) < 1e-3  # fastest descent at the contact
    for side in ("left", "right"):
        assert m.adjustments[side]["vertical_oscillation_cm"] > 0


def test_vertical_oscillation_is_peak_to_trough() -> None:
    for cm in (5.0, 6.5):
        m = RunnerModel(RunnerParams(vertical_oscillation_cm=cm))
        z = [m.pelvis(t)[0][2] for t in np.linspace(0, m.stride_s, 4001)]
        assert 100 * np.ptp(z) == pytest.approx(cm, abs=1e-3)
        assert m.adjustments["right"]["vertical_oscillation_cm"] == pytest.approx(cm, abs=1e-9)


def test_side_view_direction_and_truth_layout(tmp_path) -> None:  # noqa: ANN001
    params = RunnerParams()
    path = tmp_path / "clip.mp4"
    t = render(params, Camera(view="side", direction=-1), path, fps=20, duration_s=1.0, width=160, height=240)
    assert path.stat().st_size > 0 and truth_path(path).name == "clip.truth.json"
    saved = json.loads(truth_path(path).read_text())
    assert saved["frame_count"] == 20 and saved["direction"] == -1 and saved["view"] == "side"
    assert saved["width"] == 160 and saved["height"] == 240
    for name in ("nose", "left_hip", "right_knee", "left_ankle", "right_heel", "left_foot_index", "right_wrist"):
        assert len(saved["frames"]["joints_px"][name]) == 20
    for e in saved["events"]:
        assert e["frame"] == round(e["time_s"] * 20) and e["type"] in ("initial_contact", "toe_off")
    # facing image-left: the nose is left of the ears' midpoint
    j = saved["frames"]["joints_px"]
    assert j["nose"][0][0] < (j["left_ear"][0][0] + j["right_ear"][0][0]) / 2
    assert t["cadence_spm"] == params.cadence_spm
    rear = _truth(params, view="rear")
    assert rear["direction"] is None and "knee_valgus_fppa_deg" in rear["metrics"]


def test_a_reused_render_has_its_measures_worked_out_again(tmp_path) -> None:  # noqa: ANN001
    """The validation scripts' --reuse: a render's truth file, measures written by an older version, gets
    them again from the runner's settings, its per-frame records kept; other settings are rendered again,
    another runner is refused."""
    from gait.synth import reused_truth
    from gait.synth.stickers import Stickers

    params, camera = RunnerParams(knee_valgus_deg=8.0), Camera(view="rear")
    path = tmp_path / "rear.mp4"
    rendered = render(params, camera, path, fps=20, duration_s=1.0, width=120, height=200, stickers=Stickers())
    old = json.loads(truth_path(path).read_text())
    old["metrics"]["knee_valgus_fppa_deg"]["left"] = -99.0
    old["markers"]["metrics"]["step_width_pct_hip"]["right"] = -99.0
    truth_path(path).write_text(json.dumps(old))
    again = reused_truth(path, (120, 200, 20, 1.0), params, camera, Stickers())
    assert again is not None and json.loads(truth_path(path).read_text()) == again
    assert again["metrics"]["knee_valgus_fppa_deg"] == pytest.approx(rendered["metrics"]["knee_valgus_fppa_deg"])
    for measure, summary in rendered["markers"]["metrics"].items():
        assert again["markers"]["metrics"][measure] == pytest.approx(summary), measure
    assert again["frames"] == old["frames"] and again["markers"]["frames"] == old["markers"]["frames"]
    assert reused_truth(path, (120, 200, 30, 1.0), params, camera) is None  # another frame rate: render again
    assert reused_truth(tmp_path / "none.mp4", (120, 200, 20, 1.0), params, camera) is None
    with pytest.raises(ValueError, match="other runner settings"):
        reused_truth(path, (120, 200, 20, 1.0), params.replace(knee_valgus_deg=2.0), camera)


# ---------------------------------------------------------------------------------------------- MediaPipe
LEG = [f"{s}_{j}" for s in ("left", "right") for j in ("hip", "knee", "ankle", "heel", "foot_index")]


@pytest.mark.parametrize("view,direction", [("side", 1), ("side", -1), ("rear", 1), ("front", 1)])
def test_mediapipe_detects_the_runner(tmp_path, view: str, direction: int) -> None:  # noqa: ANN001
    pose = pytest.importorskip("gait.pose")
    from gait.landmarks import INDEX
    from gait.video_io import iter_frames

    path = tmp_path / f"{view}.mp4"
    truth = render(RunnerParams(), Camera(view=view, direction=direction), path, fps=30, duration_s=2.0,
                   width=360, height=640)
    found, errors = 0, []
    with pose.native_logs_silenced(), pose.new_tracker() as tracker:
        for i, frame in iter_frames(str(path)):
            lm = pose.landmarks_of_frame(tracker, frame)
            if lm is None:
                continue
            found += 1
            for name in LEG:
                errors.append(np.hypot(*(lm[INDEX[name], :2] - truth["frames"]["joints_px"][name][i])))
    n = truth["frame_count"]
    assert found >= 0.95 * n, f"detected in {found}/{n} frames"
    j = truth["frames"]["joints_px"]
    runner_px = np.median([max(j["left_heel"][i][1], j["right_heel"][i][1]) - j["nose"][i][1] for i in range(n)])
    print(f"{view}{direction:+d}: detected {found}/{n}, median leg landmark error {np.median(errors):.1f} px "
          f"= {100 * np.median(errors) / runner_px:.1f} % of {runner_px:.0f} px")
    limit = 0.08 if view == "side" else 0.12
    assert np.median(errors) < limit * runner_px
