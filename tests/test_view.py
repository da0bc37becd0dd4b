"""gait.view: the view and facing direction from landmarks, the near side, the runner's own left and right."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from gait.errors import NOT_FRONTAL, NOT_SIDE, VIEW_DISAGREES, VIEW_UNSURE, GaitInputError
from gait.landmarks import INDEX, LEG_JOINTS, NAMES
from gait.view import (
    FRONTAL,
    chosen_view,
    estimate_view,
    front_or_rear_doubt,
    knee_bend_sine,
    near_side,
    to_runner_sides,
)
from tests.landmark_runner import Runner, make_pose, pose_from_points

LEG_POINTS = [INDEX[f"{s}_{j}"] for s in ("left", "right") for j in LEG_JOINTS]


def side_pose(direction: int, knee_bend_deg: float = 30.0, n_frames: int = 4):
    """Hips over each other, trunk 260 px, knees bent ``knee_bend_deg`` (the shank swings back)."""
    a = np.radians(knee_bend_deg)
    points = {"nose": (500.0 + direction * 20.0, 150.0)}
    for s in ("left", "right"):
        points |= {f"{s}_shoulder": (500.0, 240.0), f"{s}_hip": (500.0, 500.0), f"{s}_knee": (500.0, 700.0),
                   f"{s}_ankle": (500.0 - direction * 200.0 * np.sin(a), 700.0 + 200.0 * np.cos(a))}
    return pose_from_points(points, n_frames=n_frames)


def frontal_pose(view: str, hip_width: float = 100.0, n_frames: int = 4, ankle_dx: float = 0.0):
    """Straight legs below the hips (``ankle_dx``: the ankles moved that far towards image-right, a knee
    bend seen in the image); trunk 260 px; the nose further from the camera than the shoulders from behind,
    nearer in front; the runner's left on the image left from behind."""
    left_x = 500.0 - hip_width / 2 if view == "rear" else 500.0 + hip_width / 2
    points, depth = {"nose": (500.0, 150.0)}, {"nose": 40.0 if view == "rear" else -40.0}
    for s, x in (("left", left_x), ("right", 1000.0 - left_x)):
        points |= {f"{s}_shoulder": (x, 240.0), f"{s}_hip": (x, 500.0), f"{s}_knee": (x, 700.0),
                   f"{s}_ankle": (x + ankle_dx, 900.0), f"{s}_heel": (x + ankle_dx, 910.0),
                   f"{s}_foot_index": (x + ankle_dx, 920.0)}
    return pose_from_points(points, n_frames=n_frames, depth=depth)


@pytest.mark.parametrize("direction", [1, -1])
def test_side_view_and_direction_from_the_knee_bend(direction):
    est = estimate_view(side_pose(direction))
    assert (est.view, est.direction) == ("side", direction)
    assert est.hip_width_ratio == 0.0
    assert est.knee_bend == pytest.approx(direction * 0.5, abs=1e-12)  # sin 30 deg, signed


@pytest.mark.parametrize("direction", [1, -1])
def test_side_view_of_the_landmark_runner(direction):
    pose, _ = make_pose(Runner(direction=direction, duration_s=3.0, fps=30.0))
    est = estimate_view(pose)
    assert (est.view, est.direction) == ("side", direction)
    np.testing.assert_array_less(0, direction * knee_bend_sine(pose, "left"))  # the knee only bends one way


@pytest.mark.parametrize("view", ["rear", "front"])
def test_rear_and_front_from_hip_width_and_nose_depth(view):
    est = estimate_view(frontal_pose(view))
    assert (est.view, est.direction) == (view, 0)
    assert est.hip_width_ratio == pytest.approx(100.0 / 260.0, abs=1e-12)
    assert est.knee_bend == 0.0


def test_narrow_hips_and_straight_knees_are_still_frontal():
    """Hips 0.2 or 0.14 trunk lengths wide (below 0.28) but the knees never bend in the image: frontal."""
    est = estimate_view(frontal_pose("rear", hip_width=52.0))
    assert est.hip_width_ratio == pytest.approx(0.2, abs=1e-12)
    assert est.view == "rear"
    assert estimate_view(frontal_pose("rear", hip_width=36.0)).view == "rear"  # 0.14, a camera on the floor
    assert estimate_view(frontal_pose("rear", hip_width=20.0)).view == "side"  # 0.08 < 0.10: side


def test_front_only_when_the_face_is_towards_the_camera_in_nearly_every_frame():
    """MediaPipe turns a runner seen from behind round for stretches of a clip (13 rendered rear clips: the nose
    ahead of the shoulders in 9-83 % of the frames; the front clips 99.6-100 %)."""
    pose = frontal_pose("front", n_frames=20)
    assert (estimate_view(pose).view, estimate_view(pose).facing_share) == ("front", 1.0)
    pose.depth_px[:2, INDEX["nose"]] = 40.0  # 2 frames of 20 with the nose behind the shoulders
    assert (estimate_view(pose).view, estimate_view(pose).facing_share) == ("rear", 0.9)
    assert estimate_view(frontal_pose("rear", n_frames=20)).facing_share == 0.0


def test_a_clip_read_from_behind_while_the_face_was_often_towards_the_camera_asks_for_its_view():
    """Read as filmed from behind with the nose ahead of the shoulders in half its frames or more: a warning
    that names the share and the view to give; none when the view was given, or the face mostly away."""
    from gait_app.presentation import plain_words

    pose = frontal_pose("front", n_frames=20)
    pose.depth_px[:8, INDEX["nose"]] = 40.0  # 12 frames of 20 facing the camera
    estimate = estimate_view(pose)
    assert (estimate.view, estimate.facing_share) == ("rear", 0.6)
    for asked in (None, FRONTAL):
        warning = front_or_rear_doubt(asked, estimate)
        assert warning is not None and warning.code == VIEW_UNSURE
        assert "facing the camera in 60 % of its frames" in str(warning)
        assert plain_words(str(warning)).endswith(  # as the app shows it
            "Analyse it again as filmed in front (choose 'in front' under 'Rear clip filmed from' on the Analyze "
            "page); if it was filmed from behind, give that view (choose 'behind' under 'Rear clip filmed from' on "
            "the Analyze page) and this warning goes.")
    assert front_or_rear_doubt("rear", estimate) is None and front_or_rear_doubt("front", estimate) is None
    pose.depth_px[:11, INDEX["nose"]] = 40.0  # 9 of 20
    assert front_or_rear_doubt(None, estimate_view(pose)) is None
    assert front_or_rear_doubt(None, estimate_view(frontal_pose("front", n_frames=20))) is None  # read in front
    assert front_or_rear_doubt(None, replace(estimate, view="side")) is None


def test_estimate_view_of_an_empty_pose_is_a_side_view_facing_right():
    pose = pose_from_points({}, n_frames=3)
    est = estimate_view(pose)
    assert (est.view, est.direction) == ("side", 1)
    assert np.isnan(est.hip_width_ratio) and np.isnan(est.knee_bend)


@pytest.mark.parametrize("seen", ["side", "rear", "front"])
def test_a_view_not_given_or_given_as_seen_is_the_estimate_without_warning(seen):
    estimate = estimate_view(side_pose(1) if seen == "side" else frontal_pose(seen))
    assert estimate.view == seen
    assert chosen_view(None, estimate, "clip.mp4") == chosen_view(seen, estimate, "clip.mp4") == (seen, None)


@pytest.mark.parametrize("seen", ["rear", "front"])
def test_frontal_asked_is_rear_or_front_as_the_face_tells(seen):
    assert chosen_view(FRONTAL, estimate_view(frontal_pose(seen)), "clip.mp4") == (seen, None)


def test_frontal_asked_of_a_side_view_is_refused_with_what_to_do():
    with pytest.raises(GaitInputError, match=r"'run\.mp4' .* looks filmed from the side.*Give it as the side") as err:
        chosen_view(FRONTAL, estimate_view(side_pose(-1)), "run.mp4")
    assert err.value.code == NOT_FRONTAL


@pytest.mark.parametrize(("asked", "seen"), [("rear", "front"), ("front", "rear")])
def test_rear_given_for_front_is_kept_with_a_warning_that_left_and_right_are_swapped(asked, seen):
    view, warning = chosen_view(asked, estimate_view(frontal_pose(seen)), "clip.mp4")
    assert view == asked and warning.code == VIEW_DISAGREES
    assert "left and right are swapped" in warning and f"(--view {seen})" in warning
    assert ("face towards the camera" if seen == "front" else "face away from the camera") in warning


@pytest.mark.parametrize(("asked", "seen"), [("rear", "side"), ("front", "side"), ("side", "rear"), ("side", "front")])
def test_side_given_for_a_clip_that_clearly_looks_frontal_or_the_reverse_is_refused_with_what_to_do(asked, seen):
    """As the app's rear upload refuses a side clip: the command line's or a manifest's view is not kept where
    the clip clearly looks the other way (the treadmill clip given as rear read a step width of -857 % hip)."""
    estimate = estimate_view(side_pose(1) if seen == "side" else frontal_pose(seen))
    assert estimate.view == seen and estimate.clear
    with pytest.raises(GaitInputError) as refused:
        chosen_view(asked, estimate, "clip.mp4")
    words = {"side": "from the side", "rear": "from behind", "front": "from the front"}
    assert str(refused.value).startswith(f"'clip.mp4' was given as filmed {words[asked]}, but it looks filmed "
                                         f"{words[seen]}")
    assert f"(--view {seen}, or leave --view out to have it detected)" in str(refused.value)
    assert refused.value.code == (NOT_FRONTAL if seen == "side" else NOT_SIDE)


@pytest.mark.parametrize(("asked", "seen"), [("rear", "side"), ("side", "rear")])
def test_side_given_for_a_clip_that_looks_frontal_but_not_clearly_or_the_reverse_is_kept_with_a_warning(asked, seen):
    """Knees that bend a little in the image (sine 0.17 and 0.2, between the clear readings): the user's view
    is kept, with a warning first."""
    estimate = estimate_view(side_pose(1, knee_bend_deg=10.0) if seen == "side" else frontal_pose(seen, ankle_dx=40.0))
    assert estimate.view == seen and not estimate.clear
    view, warning = chosen_view(asked, estimate, "clip.mp4")
    assert view == asked and warning.code == VIEW_DISAGREES
    assert "do not apply" in warning and f"(--view {seen})" in warning


def test_a_clip_refused_as_a_view_it_did_not_clearly_look_says_the_view_first():
    """A refusal while analysed as the view given, against an unclear look, begins with that doubt."""
    from gait.analysis import _view_doubt_first
    from gait.errors import GaitWarning

    doubt = GaitWarning(VIEW_DISAGREES, "this clip was said to be filmed from behind but looks filmed from the side.")
    with pytest.raises(GaitInputError) as refused, _view_doubt_first("run.mp4", doubt):
        raise GaitInputError("'run.mp4', seen from behind, does not look like running.", "not_running_in_place")
    assert str(refused.value) == ("'run.mp4': this clip was said to be filmed from behind but looks filmed from the "
                                  "side. Analysed as said: 'run.mp4', seen from behind, does not look like running.")
    assert refused.value.code == "not_running_in_place"
    with pytest.raises(GaitInputError, match=r"^'run\.mp4', seen") as plain, _view_doubt_first("run.mp4", None):
        raise GaitInputError("'run.mp4', seen from the side, does not look like running.", "not_running_in_place")
    assert plain.value.code == "not_running_in_place"


def test_near_side():
    assert near_side(1) == "right" and near_side(-1) == "left"
    assert near_side(1, mirrored=True) == "left" and near_side(-1, mirrored=True) == "right"


@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("mirrored", [False, True])
def test_side_view_legs_are_named_by_their_depth(direction, mirrored):
    """The track nearer the camera becomes the near side (mirrored footage: the other one)."""
    pose = side_pose(direction)
    xy = pose.xy_px.copy()
    xy[:, INDEX["left_knee"]] += (1.0, 0.0)  # mark the track called left
    depth = pose.depth_px.copy()
    for j in ("knee", "ankle", "heel"):
        depth[:, INDEX[f"left_{j}"]], depth[:, INDEX[f"right_{j}"]] = -30.0, 30.0  # "left" is nearer
    out = to_runner_sides(pose.replace(xy_px=xy, depth_px=depth), "side", direction, mirrored)
    near = near_side(direction, mirrored)
    np.testing.assert_array_equal(out.joint(f"{near}_knee"), xy[:, INDEX["left_knee"]])
    np.testing.assert_array_equal(out.depth_px[:, INDEX[f"{near}_ankle"]], -30.0)


@pytest.mark.parametrize(("view", "mirrored", "left_on_image_left"),
                         [("rear", False, True), ("front", False, False), ("rear", True, False), ("front", True, True)])
def test_frontal_sides_come_from_the_image_geometry(view, mirrored, left_on_image_left):
    """MediaPipe's labels are wrong in frames 1 and 3: they are exchanged there, for every pair."""
    pose = frontal_pose("rear" if left_on_image_left else "front")
    flipped = np.array([False, True, False, True])
    labelled = pose.replace(xy_px=np.where(flipped[:, None, None], pose.xy_px[:, _mirror_order()], pose.xy_px))
    out = to_runner_sides(labelled, view, 0, mirrored)
    np.testing.assert_array_equal(out.xy_px, pose.xy_px)


def test_frontal_leg_points_are_dropped_while_the_hips_cross():
    pose = frontal_pose("rear", n_frames=5)
    xy = pose.xy_px.copy()
    for s, x in (("left", 470.0), ("right", 530.0)):  # frame 2: hips 60 px apart, < 0.7 x 100
        xy[2, INDEX[f"{s}_hip"], 0] = x
    out = to_runner_sides(pose.replace(xy_px=xy), "rear", 0)
    legs_below_hips = [INDEX[f"{s}_{j}"] for s in ("left", "right") for j in LEG_JOINTS if j != "hip"]
    assert np.isnan(out.xy_px[2, legs_below_hips]).all()
    assert np.isfinite(out.xy_px[2, [INDEX["left_hip"], INDEX["right_hip"], INDEX["nose"]]]).all()
    np.testing.assert_array_equal(np.delete(out.xy_px, 2, axis=0), np.delete(xy, 2, axis=0))


@pytest.mark.parametrize("view", ["side", "rear", "front"])
def test_to_runner_sides_of_a_pose_without_legs_warns_nothing(view):
    pose = pose_from_points({"nose": (500.0, 150.0)}, n_frames=3)
    pose = pose.replace(depth_px=np.where(np.isfinite(pose.xy_px[..., 0]), pose.depth_px, np.nan))
    out = to_runner_sides(pose, view, 1 if view == "side" else 0)
    np.testing.assert_array_equal(out.xy_px[:, INDEX["nose"]], pose.xy_px[:, INDEX["nose"]])
    assert np.isnan(out.xy_px[:, LEG_POINTS]).all()


def _mirror_order() -> list[int]:
    """Landmark order with every left/right pair exchanged."""
    other = {"left_": "right_", "right_": "left_"}
    return [INDEX[other[n[:n.index("_") + 1]] + n[n.index("_") + 1:]] if n.startswith(("left_", "right_"))
            else INDEX[n] for n in NAMES]


SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def test_a_glimpse_before_the_pose_pass_tells_side_from_rear_and_leaves_the_mask_out_of_side_clips(
        tmp_path, monkeypatch):
    import gait.glimpse
    from gait.frontal_mask import MaskWork
    from gait.glimpse import glimpse_view
    from gait.pipeline import Options, frame_works
    from gait.pose_cache import PoseCache
    from gait.video_io import probe

    side, rear = probe(SAMPLES / "side_60fps.mp4"), probe(SAMPLES / "rear_60fps.mp4")
    assert glimpse_view(side, 0, side.frame_count) == "side"
    assert glimpse_view(rear, 0, rear.frame_count) == "rear"
    assert frame_works(side, 0, side.frame_count, Options()) == []
    assert [type(w) for w in frame_works(rear, 0, rear.frame_count, Options())] == [MaskWork]
    assert [type(w) for w in frame_works(side, 0, side.frame_count, Options(view="rear"))] == [MaskWork]
    assert frame_works(rear, 0, rear.frame_count, Options(view="side")) == []

    # the glimpse's verdict is kept in the cache: a clip glimpsed once is not glimpsed again
    cache = PoseCache(tmp_path)
    assert frame_works(side, 0, side.frame_count, Options(), cache) == []
    assert [type(w) for w in frame_works(rear, 0, rear.frame_count, Options(), cache)] == [MaskWork]
    glimpsed = []
    monkeypatch.setattr(gait.glimpse, "glimpse_view", lambda *a: glimpsed.append(a) or "rear")
    assert frame_works(side, 0, side.frame_count, Options(), cache) == []
    assert [type(w) for w in frame_works(rear, 0, rear.frame_count, Options(), cache)] == [MaskWork]
    assert glimpsed == []
    frame_works(rear, 60, rear.frame_count, Options(), cache)  # another segment: glimpsed afresh
    assert glimpsed == [(rear, 60, rear.frame_count)]


def test_a_clip_of_unstated_view_gets_the_same_frame_works_whatever_the_cache_holds(tmp_path):
    """The rear sample's pass without the mask cached by an analysis as a side clip: analysed with no view,
    the clip is still glimpsed and gets the mask and its step width, as with an empty cache."""
    from gait.errors import GaitInputError
    from gait.frontal_mask import MaskWork
    from gait.pipeline import Options, analyze, frame_range, frame_works
    from gait.pose import native_logs_silenced
    from gait.pose_cache import PoseCache
    from gait.report import report_dict
    from gait.video_io import probe

    path = str(SAMPLES / "rear_60fps.mp4")
    rear, cache = probe(path), PoseCache(tmp_path)
    first_s = Options(end_s=4.0)  # its first 4 s (240 frames, 11 steps): three pose passes of them
    _, end = frame_range(rear, first_s)
    with native_logs_silenced():
        try:
            analyze(path, replace(first_s, view="side"), cache=cache)
        except GaitInputError:
            pass  # the pass is cached before the analysis of its landmarks
        assert cache.load(rear, 0, end) is not None
        assert cache.load(rear, 0, end, [MaskWork()]) is None
        assert [type(w) for w in frame_works(rear, 0, end, first_s, cache)] == [MaskWork]
        cached = analyze(path, first_s, cache=cache)
        fresh = analyze(path, first_s)
    for analysis in (cached, fresh):
        assert analysis.mask_measured == ("step_width_pct_hip", "knee_valgus_fppa_deg")
        assert report_dict(analysis)["quality"]["frontal_method"]["step_width_pct_hip"] == "mask"
    assert cached.metrics["step_width_pct_hip"] == fresh.metrics["step_width_pct_hip"]


def test_a_glimpse_of_frames_with_nobody_in_them_tells_no_view(tmp_path):
    import cv2

    from gait.glimpse import glimpse_view
    from gait.video_io import H264Writer, probe

    path = tmp_path / "black.mp4"
    with H264Writer(path, 320, 240, 30.0) as writer:
        for _ in range(60):
            writer.write(np.zeros((240, 320, 3), np.uint8))
    assert cv2.VideoCapture(str(path)).isOpened()
    assert glimpse_view(probe(path), 0, 60) is None


# ---- a side view filmed off square -------------------------------------------------------------------

@pytest.fixture(scope="module")
def oblique(tmp_path_factory):
    """oblique(yaw_deg) -> the analysis of a rendered side view filmed that far round the runner (5 s, 60 fps,
    540x960), rendered and analysed once per module."""
    from gait.pipeline import Options, analyze
    from gait.synth import Camera, RunnerParams, render

    folder = tmp_path_factory.mktemp("oblique")
    done: dict = {}

    def analysis(yaw_deg: float):
        if yaw_deg not in done:
            path = folder / f"yaw{yaw_deg:+.0f}.mp4"
            render(RunnerParams(), Camera(view="side", yaw_deg=yaw_deg), path, fps=60, duration_s=5)
            done[yaw_deg] = analyze(str(path), Options(view="side"))
        return done[yaw_deg]
    return analysis


@pytest.mark.parametrize("yaw_deg, where", [(-25.0, "from behind the runner"), (0.0, None),
                                            (25.0, "from in front of the runner")])
def test_a_camera_off_square_is_measured_and_warned_of(oblique, yaw_deg, where):
    """The hips' spread across the image gives the camera's angle round the runner (the rendered runner from
    10 to 40 deg: within 7 deg, gait.view.HIP_SPREAD_OF_TRUNK); from 15 deg a warning says from where and what
    such an angle moved."""
    from gait.errors import OBLIQUE_CAMERA
    from gait.report import report_dict

    analysis = oblique(yaw_deg)
    assert analysis.camera_angle_deg == pytest.approx(yaw_deg, abs=5.0)
    warned = [str(w) for w in analysis.warnings if w.code == OBLIQUE_CAMERA]
    if where is None:
        assert warned == []
    else:
        said = 5 * round(abs(analysis.camera_angle_deg) / 5)  # to 5 deg: a screen whose degrees depend on the body
        assert len(warned) == 1 and warned[0].startswith(f"the camera looks about {said}° off square {where}")
        assert ("92 ms shorter" in warned[0]) == (yaw_deg < 0)  # what the renders moved, from that side
    assert report_dict(analysis)["quality"]["camera_angle_deg"] == pytest.approx(analysis.camera_angle_deg)


def test_a_rendered_rear_clip_the_pose_model_turned_round_for_stretches_reads_from_behind(tmp_path, monkeypatch):
    """Filmed from behind at 1.3 m, the rendered runner's nose read nearer the camera than its shoulders in
    about half the frames: by their median it read as filmed in front, its left and right swapped."""
    import gait.analysis
    from gait.pipeline import Options, analyze
    from gait.pose import native_logs_silenced
    from gait.pose_cache import PoseCache
    from gait.synth import Camera, RunnerParams, render
    from gait.view import FRONT_MIN_FACING_SHARE, FRONT_OR_REAR_DOUBT_SHARE

    path = tmp_path / "rear_1.3m.mp4"
    render(RunnerParams(knee_valgus_deg=8.0), Camera(view="rear", height_m=1.3), path, fps=60, duration_s=4.0,
           width=540, height=960)
    estimates = []
    monkeypatch.setattr(gait.analysis, "estimate_view", lambda pose: estimates.append(estimate_view(pose)) or
                        estimates[-1])
    cache = PoseCache(tmp_path / "cache")
    with native_logs_silenced():
        analysis = analyze(str(path), Options(), workers=1, cache=cache)
    assert 0.3 < estimates[-1].facing_share < FRONT_MIN_FACING_SHARE and analysis.view == "rear"
    # the runner's left on the picture's left, as filmed from behind
    assert np.nanmedian(analysis.pose.joint("left_hip")[:, 0] - analysis.pose.joint("right_hip")[:, 0]) < 0
    # the pose model's doubt is said when it saw the face in half the frames or more (0.53 here on 6 Dec 2026);
    # given as filmed from behind, it is not
    doubt = [w for w in analysis.warnings if w.code == VIEW_UNSURE]
    assert len(doubt) == (estimates[-1].facing_share >= FRONT_OR_REAR_DOUBT_SHARE)
    with native_logs_silenced():
        given = analyze(str(path), Options(view="rear"), workers=1, cache=cache)
    assert given.view == "rear" and VIEW_UNSURE not in [w.code for w in given.warnings]
