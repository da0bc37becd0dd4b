"""The trust gate on clips that are not of running, or do not show it whole: too few steps for the view;
rendered people who are not running, each with its exact reason: walking from the side and behind
(not_running_walking), standing from the side and in front (not_running_standing), squats and arm curls,
lunges from the side and in front (not_running_in_place), hops with both feet (not_running_jumping);
running on the spot, which is running; a rendered runner with the feet below the frame
(feet_not_in_view), and feet out of the frame in most steps of a small pose (foot measures left out,
feet_out_of_view). Renders are 5 s, 30 fps, 270x480, made once per module."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gait import errors as E
from gait.errors import GaitInputError
from gait.landmarks import INDEX, NAMES, PoseSeries
from gait.synth.activity import InPlaceModel, InPlaceParams, WalkerModel
from gait.video_io import probe
from tests.test_trust_gate_common import CORPUS_FPS, CORPUS_SECONDS, CORPUS_SIZE, refused, run_cli

# ---- how long a clip must be ---------------------------------------------------------------------------

@pytest.mark.parametrize("view, words", [("side", "from the side"), ("rear", "from behind"),
                                         ("front", "from the front")])
def test_too_few_steps_names_the_view_and_what_it_needs(view, words):
    from types import SimpleNamespace

    import pandas as pd

    from gait.analysis import _refuse_if_not_running
    from gait.gate import length_rule

    steps = pd.DataFrame({"steady": [True, True], "step_time_s": [0.35, 0.36], "duty_factor_pct": [35.0, 36.0]})
    info = SimpleNamespace(slow_motion_factor=1, file_fps=60.0)
    detection = SimpleNamespace(stride_period_s=0.7)  # 171 steps/min
    with pytest.raises(GaitInputError) as caught:
        _refuse_if_not_running(steps, "short.mp4", info, detection, view)  # type: ignore[arg-type]
    message = str(caught.value)
    assert caught.value.code == E.NO_STEADY_RUNNING
    assert f"seen {words}: 2 regular steps of 2 found, and this view needs 3 or more" in message
    assert f"Film at least 14 steady steps (7 per side) {words}: about 5 s at the cadence measured of 171" in message
    assert "10 s" not in message and length_rule(view).seconds(14, 171.4) == pytest.approx(4.9, abs=0.05)


@pytest.mark.parametrize("stride_period_s, walked", [(1.45, True), (0.9, False)])
def test_too_few_slow_steps_name_walking_only_at_a_walking_pace(stride_period_s, walked):
    """Steps at 83 a minute are a walk's (or slower) or slow motion; at 133, too fast for a walk, slow motion."""
    from types import SimpleNamespace

    from gait.analysis import _refuse_if_not_running

    steps = pd.DataFrame({"steady": [True, False, False], "step_time_s": [0.7, 0.7, 0.7],
                          "duty_factor_pct": [55.0, 55.0, 55.0]})
    info = SimpleNamespace(slow_motion_factor=1, file_fps=30.0)
    with pytest.raises(GaitInputError) as caught:
        _refuse_if_not_running(steps, "walk.mp4", info, SimpleNamespace(stride_period_s=stride_period_s))  # type: ignore[arg-type]
    message = str(caught.value)
    spm = 120 / stride_period_s
    walk_words = f"The steps come at {spm:.0f} a minute, a walking pace or slower: if you walked, film a run; if"
    assert (walk_words in message) == walked
    assert (f"The steps look slow ({spm:.0f} per minute): if" in message) != walked
    assert "if this is slow-motion footage, give the capture frame rate with --fps" in message


# ---- running or not (rendered people who are not running: exact cases) -----------------------------------

def _corpus_model(kind: str) -> WalkerModel | InPlaceModel:
    return WalkerModel() if kind == "walking" else InPlaceModel(InPlaceParams(kind))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    """rendered(kind, view) -> path of a short clip (5 s, 30 fps, 270x480), rendered once per module."""
    from gait.synth import Camera
    from gait.synth.activity import render_activity

    folder = tmp_path_factory.mktemp("not_running")
    cache: dict[tuple[str, str], Path] = {}

    def render(kind: str, view: str) -> Path:
        if (kind, view) not in cache:
            path = folder / f"{kind}_{view}.mp4"
            render_activity(_corpus_model(kind), Camera(view=view), path, fps=CORPUS_FPS,
                            duration_s=CORPUS_SECONDS, width=CORPUS_SIZE[0], height=CORPUS_SIZE[1])
            cache[kind, view] = path
        return cache[kind, view]

    return render

@pytest.mark.parametrize("kind, view, code, words", [
    ("walking", "side", E.NOT_RUNNING_WALKING, "looks like walking, not running: the body is highest"),
    ("walking", "rear", E.NOT_RUNNING_WALKING, "seen from behind, looks like walking"),
    ("standing", "side", E.NOT_RUNNING_STANDING, "standing still"),
    ("standing", "front", E.NOT_RUNNING_STANDING, "standing still"),
    ("squats", "side", E.NOT_RUNNING_IN_PLACE, "the feet do not swing past each other in turn"),
    ("arm_curls", "front", E.NOT_RUNNING_IN_PLACE, "the body does not sway from one foot to the other"),
    ("jumping", "front", E.NOT_RUNNING_JUMPING, "jumping on the spot with both feet"),
    ("lunges", "side", E.NOT_RUNNING_IN_PLACE, "the legs take turns, but the body goes down and up by 2"),
    ("lunges", "front", E.NOT_RUNNING_IN_PLACE, "the body does not sway from one foot to the other"),
])
def test_rendered_not_running_is_refused_with_its_reason(rendered, kind, view, code, words):
    exc = refused(rendered(kind, view))
    assert exc.code == code and words in str(exc), str(exc)
    assert "Film at least 14 steady steps" in str(exc)


def test_walking_on_the_command_line_exits_2_with_the_reason(rendered, tmp_path):
    done = run_cli(rendered("walking", "side"), "--out", tmp_path / "out", "--no-video", cwd=tmp_path)
    assert done.returncode == 2 and "looks like walking, not running" in done.stderr, done.stderr


def test_running_on_the_spot_with_a_flight_phase_is_running(shared_videos):
    from gait.cleaning import mask_low_visibility, smooth
    from gait.gate import measure_motion
    from gait.pose import estimate_pose
    from gait.view import to_runner_sides

    info = probe(shared_videos / "front_jog_in_place.mp4")
    raw = estimate_pose(info, 0, info.frame_count)
    pose, _ = smooth(to_runner_sides(mask_low_visibility(raw), "front", 0))
    motion = measure_motion(pose, "front", 0)
    assert motion.alternating and not motion.vaulting and motion.vault < -0.5
    assert 60 / motion.step_period_s == pytest.approx(183, abs=3)  # steps/min


# ---- the feet in view ----------------------------------------------------------------------------------

def test_runner_with_the_feet_cropped_out_is_refused(tmp_path):
    from gait.synth import Camera, RunnerParams, render

    clip = tmp_path / "feet cropped.mp4"  # framed high: the frame's bottom edge ~0.25 m above the belt
    render(RunnerParams(), Camera(view="side", runner_frac=0.8, look_at_height_m=1.35), clip, fps=CORPUS_FPS,
           duration_s=CORPUS_SECONDS, width=CORPUS_SIZE[0], height=CORPUS_SIZE[1])
    exc = refused(clip)
    assert exc.code == E.FEET_NOT_IN_VIEW and "the contacts cannot be timed" in str(exc), str(exc)


def _feet_case(lacking: list[int], n_steps: int = 6) -> tuple[PoseSeries, pd.DataFrame]:
    """A small pose and step table: one step every 10 frames, alternating sides; the steps in ``lacking``
    have their foot below the frame from landing to toe-off."""
    n, fps = 10 * n_steps + 10, 30.0
    xy = np.full((n, len(NAMES), 2), 100.0)
    sides = ["left", "right"] * (n_steps // 2)
    for k in lacking:
        xy[10 * k:10 * k + 5, INDEX[f"{sides[k]}_heel"], 1] = 230.0
    pose = PoseSeries(xy, np.zeros((n, len(NAMES))), np.full((n, len(NAMES)), 0.9), np.arange(n), fps, 200, 200)
    steps = pd.DataFrame({"side": sides, "ic_time_s": [10 * k / fps for k in range(n_steps)],
                          "toe_off_time_s": [(10 * k + 4) / fps for k in range(n_steps)],
                          "steady": True, "overstride_pct_leg": 10.0, "ground_contact_time_ms": 200.0,
                          "foot_strike_pattern": "rearfoot", "trunk_lean_deg": 5.0, "left_out": ""})
    return pose, steps


def test_feet_out_of_view_in_most_steps_leaves_the_foot_measures_out():
    from gait.gate import keep_feet_in_view

    pose, steps = _feet_case([0, 1, 3, 4])  # 4 of 6 steady steps
    kept, warning = keep_feet_in_view(pose, steps, "side", 100.0, "clip.mp4")
    assert warning is not None and warning.code == E.FEET_OUT_OF_VIEW
    assert warning.startswith("the feet were out of the frame or hidden in 4 of the 6 steady steps") and \
        "are not given" in warning
    assert kept["overstride_pct_leg"].isna().all() and kept["foot_strike_pattern"].isna().all()
    assert (kept["trunk_lean_deg"] == 5.0).all()  # not a foot measure


def test_feet_out_of_view_in_some_steps_leaves_those_steps_out():
    from gait.gate import keep_feet_in_view

    pose, steps = _feet_case([2])
    kept, warning = keep_feet_in_view(pose, steps, "side", 100.0, "clip.mp4")
    assert warning is not None and warning.code == E.FEET_PARTLY_OUT_OF_VIEW and "1 of the 6" in warning
    assert kept["ground_contact_time_ms"].isna().tolist() == [False, False, True, False, False, False]
    assert kept["left_out"].tolist() == ["", "", "foot out of view", "", "", ""]
    pose, steps = _feet_case([])
    kept, warning = keep_feet_in_view(pose, steps, "side", 100.0, "clip.mp4")
    assert warning is None and kept is steps


def _landings(shank_deg: list[float]) -> pd.DataFrame:
    n = len(shank_deg)
    return pd.DataFrame({"side": ["left", "right"] * (n // 2), "steady": True, "shank_angle_at_contact_deg": shank_deg,
                         "ic_frame": [15 * k for k in range(n)],
                         "overstride_pct_leg": 10.0, "ground_contact_time_ms": 200.0, "foot_strike_pattern": "rearfoot",
                         "trunk_lean_deg": 5.0, "left_out": ""})


def test_a_leg_lost_at_landing_leaves_its_step_out_of_the_foot_measures():
    from gait.gate import keep_legs_found_at_landing

    # a sprint start's steep shin (-49) is a landing; 77.6 and -110.5 are not; an unknown shin is not lost
    kept, warning = keep_legs_found_at_landing(_landings([5.0, -49.0, 77.6, 2.0, -110.5, 8.0, 20.0, np.nan]), 30.0)
    assert warning is not None and warning.code == E.LEGS_PARTLY_LOST_AT_LANDING
    assert warning.startswith("the pose model lost the landing leg in 2 of the 8 steady steps")
    assert "those steps, landing at 1.00 and 2.00 s into the video, are left out of the contact" in warning
    lost = [False, False, True, False, True, False, False, False]
    for column in ("overstride_pct_leg", "ground_contact_time_ms", "foot_strike_pattern"):
        assert kept[column].isna().tolist() == lost
    assert kept["left_out"].tolist() == ["leg lost at landing" if out else "" for out in lost]
    assert (kept["trunk_lean_deg"] == 5.0).all()  # not a foot measure
    kept, warning = keep_legs_found_at_landing(_landings([5.0, 80.0, 3.0, 4.0]), 30.0)
    assert "1 of the 4 steady steps" in warning
    assert "that step, landing at 0.50 s into the video, is left out" in warning
    steps = _landings([60.0, -60.0, 3.0, 4.0])  # at the limit: still a landing
    kept, warning = keep_legs_found_at_landing(steps, 30.0)
    assert warning is None and kept is steps


def test_legs_lost_at_most_landings_leave_the_foot_measures_out():
    from gait.gate import keep_legs_found_at_landing

    kept, warning = keep_legs_found_at_landing(_landings([70.0, -80.0, 90.0, 2.0]), 30.0)
    assert warning is not None and warning.code == E.LEGS_LOST_AT_LANDING and "are not given" in warning
    assert kept["overstride_pct_leg"].isna().all() and kept["foot_strike_pattern"].isna().all()
    assert (kept["trunk_lean_deg"] == 5.0).all()


def test_feet_out_of_view_in_every_step_is_refused_from_the_side_only():
    from gait.gate import keep_feet_in_view

    pose, steps = _feet_case(list(range(6)))
    with pytest.raises(GaitInputError) as caught:
        keep_feet_in_view(pose, steps, "side", 100.0, "clip.mp4")
    assert caught.value.code == E.FEET_NOT_IN_VIEW
    steps = steps.drop(columns=["overstride_pct_leg"]).assign(step_width_pct_hip=50.0)
    kept, warning = keep_feet_in_view(pose, steps, "rear", 100.0, "clip.mp4")
    assert warning is not None and warning.code == E.FEET_OUT_OF_VIEW and kept["step_width_pct_hip"].isna().all()


def test_feet_in_view_needs_every_foot_point_inside_and_visible():
    import pandas as pd

    from gait.gate import FOOT_VISIBILITY, feet_in_view
    from gait.landmarks import INDEX, NAMES, PoseSeries

    n, fps = 30, 30.0
    xy = np.full((n, len(NAMES), 2), 100.0)
    visibility = np.full((n, len(NAMES)), 0.9)
    right_toe = INDEX["right_foot_index"]
    xy[10:13, right_toe, 1] = 199.0  # the right toe at the frame's bottom edge for three frames
    visibility[20, INDEX["left_heel"]] = FOOT_VISIBILITY - 0.01  # the left heel hidden in one frame
    pose = PoseSeries(xy, np.zeros((n, len(NAMES))), visibility, np.arange(n), fps, 200, 200)
    steps = pd.DataFrame({"side": ["right", "left", "right", "left"],
                          "ic_time_s": [8 / fps, 18 / fps, 24 / fps, 2 / fps],
                          "toe_off_time_s": [11 / fps, 21 / fps, np.nan, 5 / fps]})
    assert feet_in_view(pose, steps, leg_px=100.0).tolist() == [False, False, True, True]
