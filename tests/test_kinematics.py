"""The sign conventions of gait.kinematics, each on hand-built points (image y points down)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gait.kinematics import (
    angle_between_deg,
    at_index,
    from_vertical_deg,
    frontal_angles,
    knee_flexion_deg,
    sagittal_angles,
)
from gait.landmarks import INDEX
from tests.landmark_runner import pose_from_points

S30, C30 = 50.0, 50.0 * np.sqrt(3.0)  # a 100 px segment 30 deg from an axis


def pts(*xy):
    return np.array([xy], float)


# --- sagittal ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("ankle", "flexion"), [
    ((0.0, 200.0), 0.0),  # straight leg
    ((100.0, 100.0), 90.0),  # shank at a right angle to the thigh
    ((-100.0, 100.0), 90.0),  # either way: flexion is unsigned
    ((S30, 100.0 + C30), 30.0),
])
def test_knee_flexion(ankle, flexion):
    hip, knee = pts(0.0, 0.0), pts(0.0, 100.0)
    assert knee_flexion_deg(hip, knee, pts(*ankle))[0] == pytest.approx(flexion, abs=1e-9)


def test_angle_between_is_unsigned_and_up_to_180():
    a = np.array([[1.0, 0.0]] * 3)
    b = np.array([[0.0, -1.0], [-1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(angle_between_deg(a, b), [90.0, 180.0, 45.0], atol=1e-12)


@pytest.mark.parametrize(("direction", "ankle_dx", "expected"), [
    (1, S30, 30.0), (1, -S30, -30.0), (-1, -S30, 30.0), (-1, S30, -30.0), (1, 0.0, 0.0)])
def test_shank_angle_positive_with_the_ankle_ahead_of_the_knee(direction, ankle_dx, expected):
    knee, ankle = pts(500.0, 600.0), pts(500.0 + ankle_dx, 600.0 + C30)
    assert from_vertical_deg(knee, ankle, direction)[0] == pytest.approx(expected, abs=1e-9)


def side_pose(direction: int, *, ankle_ahead: float, toe_rise: float, lean_deg: float):
    """One frame of a side view: hips at (500, 500), thigh straight down, the shank 30 deg with the ankle
    ``ankle_ahead`` (+1/-1) of the knee, the toe ``toe_rise`` px above the heel, the trunk leaning forward
    ``lean_deg``."""
    d = direction
    knee, ankle = (500.0, 600.0), (500.0 + d * ankle_ahead * S30, 600.0 + C30)
    heel = (ankle[0] - d * 10.0, ankle[1] + 20.0)
    toe = (heel[0] + d * 100.0, heel[1] - toe_rise)
    lean = np.radians(lean_deg)
    shoulder = (500.0 + d * 200.0 * np.sin(lean), 500.0 - 200.0 * np.cos(lean))
    points = {}
    for s in ("left", "right"):
        points |= {f"{s}_hip": (500.0, 500.0), f"{s}_knee": knee, f"{s}_ankle": ankle, f"{s}_heel": heel,
                   f"{s}_foot_index": toe, f"{s}_shoulder": shoulder}
    return pose_from_points(points)


@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize(("ankle_ahead", "toe_rise", "lean", "shank", "foot"), [
    (1, 100.0, 10.0, 30.0, 45.0),  # overstriding shank, heel landing (toe up), leaning forward
    (-1, -100.0, -5.0, -30.0, -45.0),  # shank behind, toe down, leaning back
    (1, 0.0, 0.0, 30.0, 0.0),  # flat foot, upright trunk
])
def test_sagittal_angle_signs_do_not_depend_on_the_direction(direction, ankle_ahead, toe_rise, lean, shank, foot):
    angles = sagittal_angles(side_pose(direction, ankle_ahead=ankle_ahead, toe_rise=toe_rise, lean_deg=lean),
                             direction)
    for s in ("left", "right"):
        assert angles.knee_flexion_deg[s][0] == pytest.approx(30.0, abs=1e-9)
        assert angles.shank_angle_deg[s][0] == pytest.approx(shank, abs=1e-9)
        assert angles.foot_angle_deg[s][0] == pytest.approx(foot, abs=1e-9)
    assert angles.trunk_lean_deg[0] == pytest.approx(lean, abs=1e-9)


# --- frontal -----------------------------------------------------------------------------------------

def frontal_pose(view: str, *, knee_medial: float = 0.0, thigh_medial: float = 0.0, drop_px: float = 0.0,
                 stance: str = "left", n_frames: int = 1):
    """One frame from behind (runner's left on the image left) or in front (left on the image right).

    Hips 100 px apart at y=500 (the non-stance hip ``drop_px`` lower), hip-ankle lines vertical, each knee
    ``knee_medial`` px towards the other leg off that line, or, with ``thigh_medial``, the whole leg
    turned about the hip.
    """
    left_x = 450.0 if view == "rear" else 550.0
    points = {}
    for s, hip_x in (("left", left_x), ("right", 1000.0 - left_x)):
        medial = np.sign(500.0 - hip_x)
        hip_y = 500.0 + (drop_px if s != stance else 0.0)
        points[f"{s}_hip"] = (hip_x, hip_y)
        points[f"{s}_knee"] = (hip_x + medial * (knee_medial + thigh_medial), hip_y + 200.0)
        points[f"{s}_ankle"] = (hip_x + medial * 2 * thigh_medial, hip_y + 400.0)
    return pose_from_points(points, n_frames=n_frames)


@pytest.mark.parametrize("view", ["rear", "front"])
@pytest.mark.parametrize(("knee_medial", "sign"), [(200.0 * np.tan(np.radians(20.0)), 1), (-30.0, -1), (0.0, 0)])
def test_fppa_positive_for_a_knee_inside_the_hip_ankle_line(view, knee_medial, sign):
    angles = frontal_angles(frontal_pose(view, knee_medial=knee_medial))
    expected = sign * 2 * np.degrees(np.arctan(abs(knee_medial) / 200.0))  # 180 - hip-knee-ankle angle
    for s in ("left", "right"):
        assert angles.fppa_deg[s][0] == pytest.approx(expected, abs=1e-9)
    if sign == 1:
        assert angles.fppa_deg["left"][0] == pytest.approx(40.0, abs=1e-9)


@pytest.mark.parametrize("view", ["rear", "front"])
@pytest.mark.parametrize("thigh_medial", [200.0 * np.tan(np.radians(10.0)), -200.0 * np.tan(np.radians(10.0))])
def test_hip_adduction_positive_for_a_knee_medial_of_the_pelvis_normal(view, thigh_medial):
    angles = frontal_angles(frontal_pose(view, thigh_medial=thigh_medial))
    for s in ("left", "right"):
        assert angles.hip_adduction_deg[s][0] == pytest.approx(10.0 * np.sign(thigh_medial), abs=1e-9)
        assert angles.fppa_deg[s][0] == pytest.approx(0.0, abs=1e-9)  # straight leg, only turned


@pytest.mark.parametrize("view", ["rear", "front"])
@pytest.mark.parametrize("stance", ["left", "right"])
def test_pelvic_drop_positive_when_the_swing_side_hip_is_lower(view, stance):
    drop_px = 100.0 * np.tan(np.radians(5.0))  # over a hip width of 100 px
    angles = frontal_angles(frontal_pose(view, drop_px=drop_px, stance=stance))
    swing = "right" if stance == "left" else "left"
    assert angles.pelvic_drop_deg[stance][0] == pytest.approx(5.0, abs=1e-9)
    assert angles.pelvic_drop_deg[swing][0] == pytest.approx(-5.0, abs=1e-9)


@pytest.mark.parametrize("view", ["rear", "front"])
def test_with_a_level_pelvis_hip_adduction_is_the_thigh_from_the_vertical_and_drop_unknown(view):
    """The pose model's hip points do not follow the pelvis: with ``level_pelvis`` their tilt is not taken
    as the pelvis's (hip adduction against the vertical, no pelvic drop), the knee angle is unchanged."""
    thigh_medial = 200.0 * np.tan(np.radians(10.0))
    tilted = frontal_pose(view, thigh_medial=thigh_medial, knee_medial=15.0, drop_px=100.0 * np.tan(np.radians(5.0)))
    hips, level = frontal_angles(tilted), frontal_angles(tilted, level_pelvis=True)
    for s in ("left", "right"):
        assert level.hip_adduction_deg[s][0] == pytest.approx(np.degrees(np.arctan((thigh_medial + 15.0) / 200.0)))
        assert abs(hips.hip_adduction_deg[s][0] - level.hip_adduction_deg[s][0]) == pytest.approx(5.0)
        assert np.isnan(level.pelvic_drop_deg[s]).all() and level.fppa_deg[s][0] == hips.fppa_deg[s][0]


def test_pelvic_drop_is_over_the_median_hip_width():
    """A frame whose hips close up (a turned pelvis) does not blow its angle up."""
    pose = frontal_pose("rear", drop_px=10.0, stance="left", n_frames=3)
    xy = pose.xy_px.copy()
    xy[1, :, 0] = 500.0 + (xy[1, :, 0] - 500.0) * 0.1  # hips 10 px apart in the middle frame
    angles = frontal_angles(pose.replace(xy_px=xy))
    np.testing.assert_allclose(angles.pelvic_drop_deg["left"], np.degrees(np.arctan(0.1)), atol=1e-9)


def test_frontal_angles_of_missing_or_coincident_hips_are_nan_without_warnings():
    pose = frontal_pose("rear", knee_medial=10.0, n_frames=2)
    xy = pose.xy_px.copy()
    xy[0, :] = np.nan  # nothing detected
    xy[1, [INDEX["left_hip"], INDEX["right_hip"]]] = (500.0, 500.0)  # both hips at one point
    angles = frontal_angles(pose.replace(xy_px=xy))
    for s in ("left", "right"):
        assert np.isnan(angles.fppa_deg[s][0]) and np.isnan(angles.hip_adduction_deg[s]).all()
    all_nan = pose.replace(xy_px=np.full_like(pose.xy_px, np.nan))
    assert np.isnan(frontal_angles(all_nan).pelvic_drop_deg["left"]).all()


# --- at_index ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("index", "expected"), [(0.0, 0.0), (0.25, 2.5), (1.5, 15.0), (2.0, 20.0)])
def test_at_index_interpolates_between_rows(index, expected):
    assert at_index(np.array([0.0, 10.0, 20.0]), index) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("index", [-0.5, -1.0, 3.0, 7.2, np.nan])
def test_at_index_outside_the_rows_is_nan(index):
    assert np.isnan(at_index(np.array([0.0, 10.0, 20.0]), index))


def test_at_index_on_a_row_needs_only_that_row():
    values = np.array([np.nan, 4.0, np.nan])
    assert at_index(values, 1.0) == 4.0
    assert np.isnan(at_index(values, 1.5)) and np.isnan(at_index(values, 0.5))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20), st.floats(-5.0, 25.0))
def test_at_index_lies_between_its_neighbours(values, index):
    values = np.array(values)
    got = at_index(values, index)
    if 0 <= index <= len(values) - 1:
        i0 = int(np.floor(index))
        lo, hi = sorted((values[i0], values[min(i0 + 1, len(values) - 1)]))
        assert lo - 1e-6 <= got <= hi + 1e-6
    elif index < 0:
        assert np.isnan(got)
