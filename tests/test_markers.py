"""Marker mode: stickers on the rendered runner, found, labelled and measured from behind, against the
angles of the true sticker centres (what a clinician measures from the same stickers).

The rendered clips are at the issue's size (1080x1920, 2.5 s) and frame rates (60 and 120 fps), with motion
blur but for one (:data:`SHARP`), and few:
two body builds, two clips each, rendered at 120 fps and their 60 fps clips made of every other frame
(the shutter stays 120 fps's, as a phone's in good light), every clip carrying different settings on its two legs
(left 0, right the high level; both legs the middle level), so that each build gives three levels of knee
valgus (0/6/12 deg), pelvic drop (0/5/9), rearfoot eversion (0/6/12; at 120 fps, left out with the reason
at 60) and two of hip adduction (0/6). Longer clips (8 s) are scripts/validate_markers.py's, with its
figures in docs/accuracy.md.
"""

import copy
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gait import errors as E
from gait.errors import GaitInputError
from gait.kinematics import marker_angles
from gait.markers import NAMES, apply_markers, find_spots, frontal_methods, parse_colour
from gait.markers.detect import _hue_chroma
from gait.markers.track import FOOT_SITES, _feet_under_their_calves, drop_stretched
from gait.pipeline import Analysis, Options, analyze
from gait.pose import native_logs_silenced
from gait.report import report_dict
from gait.synth import Camera, Projector, RunnerParams, SideScale, render
from gait.synth.draw import Scene
from gait.synth.model import BROAD_BUILD, STANDARD_BUILD, RunnerModel
from gait.synth.stickers import Stickers, StickerScene, marker_comparison, sticker_poses, sticker_truth
from gait.video_io import H264Writer, iter_frames
from gait_app.presentation import plain_words

HIGH = {"knee_valgus_deg": 12.0, "pelvic_drop_deg": 9.0, "hip_adduction_deg": 6.0, "rearfoot_eversion_deg": 12.0}
MIDDLE = {"knee_valgus_deg": 6.0, "pelvic_drop_deg": 5.0, "hip_adduction_deg": 0.0, "rearfoot_eversion_deg": 6.0}
ZERO_LEFT = SideScale(knee_valgus=0.0, pelvic_drop=0.0, hip_adduction=0.0, rearfoot_eversion=0.0)
BUILDS = {"standard": (STANDARD_BUILD, "green", "auto"), "broad": (BROAD_BUILD, "magenta", "magenta")}
ANGLES = {"knee_valgus_fppa_deg": 1.5, "pelvic_drop_deg": 1.5, "hip_adduction_deg": 1.5, "rearfoot_eversion_deg": 2.0}
STEP_WIDTH_TOLERANCE = 5.0  # % of hip width


# ------------------------------------------------------------------------------------------ the renderer
def test_stickers_leave_the_runner_as_drawn():
    """With stickers the runner is drawn exactly as without, but for the stickers themselves."""
    model = RunnerModel(RunnerParams(rearfoot_eversion_deg=8.0))
    proj = Projector(Camera(view="rear"), 270, 480, 1.75)
    plain, marked = Scene(model, proj), StickerScene(model, proj, Stickers(diameter_mm=18.0))
    for t in (0.05, 0.2, 0.41):
        a, b = plain.frame(t), marked.frame(t)
        changed = np.argwhere(np.any(a != b, axis=2))[:, ::-1] + 0.5
        centres = np.array([proj.project(c)[0] for k, (c, n) in sticker_poses(model, t).items()
                            if marked.facing(c, n)])
        assert len(changed) > 0
        radius = proj.f_px * 0.009 / 4.0 + 2.0  # sticker radius at the nearest depth, and anti-aliasing
        assert np.min(np.linalg.norm(changed[:, None] - centres[None], axis=2), axis=1).max() < radius


def test_builds_and_eversion_leave_the_standard_runner_alone():
    a = RunnerModel(RunnerParams())
    b = RunnerModel(RunnerParams(build=STANDARD_BUILD))
    assert np.allclose(a.joints(0.3)["left_hip"], b.joints(0.3)["left_hip"])
    assert a.rearfoot_roll("left", 0.3) == 0.0
    wide = RunnerModel(RunnerParams(build=BROAD_BUILD))
    width = lambda m: np.linalg.norm(m.joints(0.3)["left_hip"] - m.joints(0.3)["right_hip"])  # noqa: E731
    assert width(wide) == pytest.approx(BROAD_BUILD.hip_width * width(a))


@pytest.mark.parametrize("build", [STANDARD_BUILD, BROAD_BUILD])
def test_sticker_truth_is_near_the_joint_centres(build):
    """The clinician's angles from the true sticker centres are close to those of the joint centres; the
    drawn heel roll shows as rearfoot eversion of its sign on both feet."""
    params = RunnerParams(knee_valgus_deg=8.0, pelvic_drop_deg=5.0, hip_adduction_deg=4.0,
                          rearfoot_eversion_deg=10.0, build=build)
    model = RunnerModel(params)
    proj = Projector(Camera(view="rear"), 1080, 1920, 1.75)
    ics = [e for e in model.events(0.0, 2.0) if e["type"] == "initial_contact"]
    truth = sticker_truth(model, proj, Stickers(), ics)
    markers, joints = truth["metrics"], truth["joint_centres"]["metrics"]
    for key, tolerance in (("knee_valgus_fppa_deg", 1.5), ("pelvic_drop_deg", 0.3), ("hip_adduction_deg", 1.5)):
        assert markers[key]["mean"] == pytest.approx(joints[key]["mean"], abs=tolerance), key
    # with the shoe not rolled the heel stays upright while the shank leans: a few degrees of 2-D eversion;
    # the roll adds to it on both feet
    flat = sticker_truth(RunnerModel(params.replace(rearfoot_eversion_deg=0.0)), proj, Stickers(), ics)
    for side in ("left", "right"):
        added = markers["rearfoot_eversion_deg"][side] - flat["metrics"]["rearfoot_eversion_deg"][side]
        assert 5.0 < added < 13.0, side


# ------------------------------------------------------------------------------------------ geometry
def test_marker_angles_signs():
    """Rear view (the runner's left on the image left): a knee medial of its thigh-Achilles line is valgus
    (+), the swing side's PSIS lower is contralateral drop (+), a heel whose lower end lies lateral is
    eversion (+)."""
    pts = {name: np.full((1, 2), np.nan) for name in NAMES}

    def put(side, site, x, y):
        pts[f"{side}_{site}"] = np.array([[x, y]], float)

    for side, sign in (("left", -1.0), ("right", 1.0)):  # image x of the lateral direction
        put(side, "psis", 100 + sign * 10, 100 + (5 if side == "left" else 0))
        put(side, "thigh", 100 + sign * 30, 200)
        put(side, "knee", 100 + sign * 26, 260)  # 4 px medial of the straight line
        put(side, "achilles", 100 + sign * 30, 320)
        put(side, "calf", 100 + sign * 30, 290)
        put(side, "heel_top", 100 + sign * 30, 330)
        put(side, "heel_bottom", 100 + sign * 32, 340)  # lower end lateral
    a = marker_angles(pts, left_outward=-1.0)
    for side in ("left", "right"):
        assert a.fppa_deg[side][0] > 5.0
        assert a.rearfoot_eversion_deg[side][0] == pytest.approx(np.degrees(np.arctan2(2, 10)), abs=0.01)
    assert a.pelvic_drop_deg["right"][0] > 0 > a.pelvic_drop_deg["left"][0]  # the left PSIS is lower


def test_pelvic_drop_is_turned_back_by_the_pictures_roll_and_the_angles_between_stickers_do_not_turn():
    """Stickers of a rear view turned 4 deg clockwise (the camera rolled): pelvic drop, the PSIS line
    against the horizontal, reads 4 deg more on one side and less on the other unless turned back by the
    roll; knee valgus, hip adduction and rearfoot eversion, angles between stickers' lines, do not turn."""
    rng = np.random.default_rng(3)
    level = {name: np.array([[500.0, 900.0]]) + rng.normal(0, 60, (1, 2)) for name in NAMES}
    roll = np.radians(4.0)
    clockwise = np.array([[np.cos(roll), -np.sin(roll)], [np.sin(roll), np.cos(roll)]])  # image y down
    turned = {name: xy @ clockwise.T for name, xy in level.items()}
    truth = marker_angles(level, left_outward=-1.0)
    back, not_back = marker_angles(turned, -1.0, roll_deg=4.0), marker_angles(turned, -1.0)
    for side in ("left", "right"):
        assert back.pelvic_drop_deg[side][0] == pytest.approx(truth.pelvic_drop_deg[side][0], abs=1e-9)
        assert abs(not_back.pelvic_drop_deg[side][0] - truth.pelvic_drop_deg[side][0]) == pytest.approx(4.0, abs=1e-9)
        for kind in ("fppa_deg", "hip_adduction_deg", "rearfoot_eversion_deg"):
            assert getattr(not_back, kind)[side][0] == pytest.approx(getattr(truth, kind)[side][0], abs=1e-9)


def test_colours():
    assert parse_colour("auto") is None
    assert parse_colour("green") == pytest.approx(115.0)
    assert parse_colour("#FF00FF") == pytest.approx(300.0, abs=2.0)
    for bad in ("plaid", "#808080"):
        with pytest.raises(GaitInputError) as info:
            parse_colour(bad)
        assert info.value.code == E.BAD_OPTION


def test_spot_centres_are_sub_pixel_and_a_close_pair_is_two():
    """Anti-aliased discs at known sub-pixel places on a textured background: centres within 0.1 px; a
    pair whose edges nearly touch (a heel pair) gives two spots."""
    from gait.markers import ColourModel

    rng = np.random.default_rng(1)
    img = (rng.normal(0, 6, (120, 160, 3)) + np.array([60, 110, 200])).clip(0, 255).astype(np.uint8)
    img[:, 80:] = (40, 45, 60)  # a dark heel counter on the right half
    truth = [(30.3, 40.7), (50.6, 80.2), (110.45, 50.3), (110.45, 63.6)]
    for x, y in truth:
        cv2.circle(img, (int(round((x - 0.5) * 16)), int(round((y - 0.5) * 16))), 4 * 16, (40, 235, 60), -1,
                   cv2.LINE_AA, 4)
    colour = ColourModel(115.0, 25.0, 0.35, 0.25, _hue_chroma(115.0), "green")
    spots = find_spots(img, (0, 0, 160, 120), colour, diameter_px=8.0)
    assert len(spots.xy) == len(truth)
    for x, y in truth:
        assert np.min(np.linalg.norm(spots.xy - [x, y], axis=1)) < 0.1



def _whole_box(mask: np.ndarray, depth_px: int):
    """find_spots' weights worked out over the whole box: one region, every colour pixel its own."""
    yield (0, mask.shape[0], 0, mask.shape[1]), mask.astype(bool)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), stickers=st.integers(1, 12), patch=st.booleans(),
       diameter_px=st.floats(5.0, 16.0))
def test_spots_weighed_near_the_colour_only_are_the_whole_boxs(seed, stickers, patch, diameter_px):
    """find_spots works out the weights only around the colour's pixels: the spots (centres, areas, pixels)
    are exactly those of the whole box, with stickers in clusters, at the box's edges and beside a larger
    patch of the colour (a shirt)."""
    from unittest import mock

    from gait.markers import ColourModel, detect

    rng = np.random.default_rng(seed)
    h, w = 240, 180
    img = (rng.normal(0, 8, (h, w, 3)) + rng.uniform(40, 200, 3)).clip(0, 255).astype(np.uint8)
    if patch:
        x, y = rng.integers(0, w - 40), rng.integers(0, h - 60)
        img[y:y + 60, x:x + 40] = (50, 220, 70)
    for _ in range(stickers):  # a cluster near a random place, some cut by the box's edges
        cx, cy = rng.normal(rng.uniform(0, w), 3 * diameter_px), rng.normal(rng.uniform(0, h), 3 * diameter_px)
        cv2.circle(img, (int(cx * 16), int(cy * 16)), int(diameter_px * 8), (40, 235, 60), -1, cv2.LINE_AA, 4)
    colour = ColourModel(115.0, 25.0, 0.35, 0.25, _hue_chroma(115.0), "green")
    box = (int(rng.integers(0, 20)), int(rng.integers(0, 20)), w - int(rng.integers(0, 20)), h)
    near = find_spots(img, box, colour, diameter_px, keep_pixels=True)
    with mock.patch.object(detect, "_regions", _whole_box):
        whole = find_spots(img, box, colour, diameter_px, keep_pixels=True)
    assert np.array_equal(near.xy, whole.xy) and np.array_equal(near.area, whole.area)
    assert near.colour_pixels == whole.colour_pixels
    assert len(near.hsv) == len(whole.hsv)
    assert all(np.array_equal(a, b) for a, b in zip(near.hsv, whole.hsv, strict=True))


def _bare_analysis(view: str) -> Analysis:
    """An analysis with nothing measured (marker mode looks at nothing else for a side or front clip)."""
    return Analysis(info=None, options=Options(markers="auto"), pose=None, view=view, direction=1,
                    detection=None, angles=None, steps=pd.DataFrame(), metrics={}, leg_length_px=1.0,
                    cleaning=None, detected_fraction=1.0)


def test_feet_taken_for_each_other_are_given_back_to_their_legs():
    """From behind, as one foot rises past the other, the tracks can follow the other foot's stickers: a
    frame whose feet each lie under the other leg's calf sticker has them swapped back; feet close together
    (crossing under the body) are left as labelled."""
    frame = np.full((len(NAMES), 2), np.nan)

    def put(side, site, x, y):
        frame[NAMES.index(f"{side}_{site}")] = (x, y)

    for side, calf_x, foot_x in (("left", 100.0, 203.0), ("right", 200.0, 98.0)):
        put(side, "calf", calf_x, 500)
        for k, site in enumerate(FOOT_SITES):
            put(side, site, foot_x + 0.5 * k, 600 + 20 * k)
    fixed = _feet_under_their_calves(frame)
    for side, near in (("left", 100.0), ("right", 200.0)):
        for site in FOOT_SITES:
            assert abs(fixed[NAMES.index(f"{side}_{site}"), 0] - near) < 5, (side, site)
    assert np.array_equal(_feet_under_their_calves(fixed), fixed, equal_nan=True)
    close = frame.copy()  # the feet nearly under the middle: no swap
    for side, foot_x in (("left", 152.0), ("right", 148.0)):
        for site in FOOT_SITES:
            close[NAMES.index(f"{side}_{site}"), 0] = foot_x
    assert np.array_equal(_feet_under_their_calves(close), close, equal_nan=True)


def test_a_segment_stretched_by_another_sticker_is_dropped():
    """A heel pair labelled 20 px apart but 150 px in a few frames (one of them another sticker): those
    frames are dropped for both stickers, the others kept, the other segments left alone."""
    n = 40
    raw = {name: np.column_stack([np.full(n, 100.0), np.full(n, 10.0 * k)]) for k, name in enumerate(NAMES)}
    raw["left_heel_bottom"] = raw["left_heel_top"] + [0.0, 20.0]
    raw["left_heel_bottom"][10:14] = raw["left_heel_top"][10:14] + [30.0, 147.0]
    out = drop_stretched(raw)
    for site in ("left_heel_top", "left_heel_bottom"):
        assert np.isnan(out[site][10:14]).all() and np.isfinite(out[site][:10]).all(), site
        assert np.isfinite(out[site][14:]).all(), site
    assert all(np.array_equal(out[k], raw[k]) for k in NAMES if not k.startswith("left_heel"))


def test_side_and_front_clips_keep_their_measures_with_a_note():
    side = apply_markers(_bare_analysis("side"), "auto")
    assert side.markers is None and "not needed from the side" in side.notes[-1]
    assert frontal_methods(side.view, side.markers) == {}
    front = apply_markers(_bare_analysis("front"), "auto")
    assert front.markers is None and "Film from behind" in front.notes[-1]
    assert set(frontal_methods(front.view, front.markers)["frontal_method"].values()) == {"keypoints", "none"}


# ------------------------------------------------------------------------------------------ rendered runners
FRAME_RATES = (60, 120)
EVERSION_FPS = 120  # rearfoot eversion is measured at this frame rate and above


# rendered with one instant a frame, as a very short shutter films (the others with motion blur): unblurred,
# the right foot's tracks followed the left foot's stickers as it rose past, and its rearfoot eversion read
# 23.4 deg for 13.95 until the feet were given back to their calves and stretched pairs dropped
SHARP = ("standard", "A")


def _analyse(path: Path, asked: str, truth: dict) -> tuple[Analysis, dict, dict]:
    with native_logs_silenced():
        analysis = analyze(str(path), Options(markers=asked), workers=1)
    return analysis, truth, marker_comparison(analysis, truth)


def _every_other_frame(path: Path, truth: dict, out: Path) -> dict:
    """The clip at half its frame rate (every other frame; its shutter stays the faster clip's, as a phone's
    in good light), with its truth's per-frame records thinned the same way."""
    fps = truth["fps"] / 2
    with H264Writer(out, truth["width"], truth["height"], fps, crf=16) as writer:
        for index, frame in iter_frames(str(path)):
            if index % 2 == 0:
                writer.write(frame)
    half = copy.deepcopy(truth)
    half.update(fps=fps, frame_count=(truth["frame_count"] + 1) // 2)
    for event in half["events"]:
        event["frame"] = min(half["frame_count"] - 1, round(event["time_s"] * fps))
    for records in (half["frames"], half["markers"]["frames"]):
        for key, value in records.items():
            records[key] = value[::2] if key == "time_s" else {k: v[::2] for k, v in value.items()}
    return half


def _render_and_analyse(folder: Path, name: str, clip: str) -> dict[int, tuple[Analysis, dict, dict]]:
    """One marker-mode clip rendered at 120 fps and analysed, then at 60 fps (every other frame), in a
    process of its own (the pose pass in one process): fps -> (analysis, truth, comparison)."""
    build, colour, asked = BUILDS[name]
    settings, left = (HIGH, ZERO_LEFT) if clip == "A" else (MIDDLE, SideScale())
    path = folder / f"{name}_120_{clip}.mp4"
    truth = render(RunnerParams(build=build, left=left, **settings), Camera(view="rear"), path, fps=120,
                   duration_s=2.5, width=1080, height=1920, stickers=Stickers(colour=colour),
                   motion_blur_samples=1 if (name, clip) == SHARP else 2)
    half_path = folder / f"{name}_60_{clip}.mp4"
    half = _every_other_frame(path, truth, half_path)
    return {120: _analyse(path, asked, truth), 60: _analyse(half_path, asked, half)}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """(build, fps, clip) -> (analysis, truth, comparison) of the eight marker-mode clips, two at a time
    (one per core: rendering and sticker tracking use one core each)."""
    folder = tmp_path_factory.mktemp("markers")
    keys = [(name, clip) for name in BUILDS for clip in ("A", "B")]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        running = {key: pool.submit(_render_and_analyse, folder, *key) for key in keys}
        out = {(name, fps, clip): result for (name, clip), future in running.items()
               for fps, result in future.result().items()}
    for key, (_, _, comparison) in out.items():
        print(key, {k: (round(v["left"] or np.nan, 2), round(v["truth_left"], 2), round(v["right"] or np.nan, 2),
                        round(v["truth_right"], 2)) for k, v in comparison.items()})
    return out


def _angles_at(fps: int) -> dict[str, float]:
    return {k: v for k, v in ANGLES.items() if fps >= EVERSION_FPS or k != "rearfoot_eversion_deg"}


@pytest.mark.parametrize("fps", FRAME_RATES)
@pytest.mark.parametrize("build", list(BUILDS))
def test_per_side_means_match_the_sticker_truth(rendered, build, fps):
    for clip in ("A", "B"):
        analysis, _, comparison = rendered[build, fps, clip]
        assert analysis.markers is not None
        expected_null = set() if fps >= EVERSION_FPS else {"rearfoot_eversion_deg"}
        assert set(analysis.markers.null_reasons) == expected_null
        for key, tolerance in _angles_at(fps).items():
            for side in ("left", "right"):
                row = comparison[key]
                assert row[side] == pytest.approx(row[f"truth_{side}"], abs=tolerance), (clip, key, side)
        row = comparison["step_width_pct_hip"]
        assert row["mean"] == pytest.approx(row["truth_mean"], abs=STEP_WIDTH_TOLERANCE), clip


@pytest.mark.parametrize("fps", FRAME_RATES)
@pytest.mark.parametrize("build", list(BUILDS))
def test_each_measure_is_ordered_with_a_slope_near_1(rendered, build, fps):
    for key in (*_angles_at(fps), "step_width_pct_hip"):
        true, found = [], []
        for clip in ("A", "B"):
            row = rendered[build, fps, clip][2][key]
            for side in ("left", "right"):
                true.append(row[f"truth_{side}"])
                found.append(row[side])
        slope = np.polyfit(true, found, 1)[0]
        assert 0.85 <= slope <= 1.15, (key, slope, true, found)
        order = np.argsort(true)
        spread = max(true) - min(true)
        if spread > 3.0:  # distinct levels come out in their order
            lows, highs = np.array(found)[order[:1]], np.array(found)[order[-1:]]
            assert highs[0] > lows[0], key


def test_step_width_is_narrower_with_hip_adduction(rendered):
    for build in BUILDS:
        narrow, wide = (rendered[build, EVERSION_FPS, clip][0].metrics["step_width_pct_hip"]["value"]
                        for clip in ("A", "B"))
        assert narrow < wide - 20.0


def test_report_says_the_frontal_measures_came_from_the_stickers(rendered):
    analysis = rendered["standard", EVERSION_FPS, "A"][0]
    quality = report_dict(analysis)["quality"]
    assert set(quality["frontal_method"].values()) == {"markers"}
    assert quality["markers"]["colour"]["asked"] == "auto"
    assert min(quality["markers"]["sticker_seen_fraction"].values()) > 0.4
    assert rendered["broad", EVERSION_FPS, "A"][0].markers.colour["asked"] == "magenta"


@pytest.fixture(scope="module")
def no_psis_60fps(tmp_path_factory):
    """A 60 fps clip whose runner wears no PSIS stickers (hidden under a loose shirt, say)."""
    path = tmp_path_factory.mktemp("markers60") / "no_psis_60fps.mp4"
    render(RunnerParams(knee_valgus_deg=8.0), Camera(view="rear"), path, fps=60, duration_s=3.0, width=540,
           height=960, stickers=Stickers(sites=("thigh", "knee", "calf", "achilles", "heel_top", "heel_bottom")))
    return path


def test_hidden_stickers_and_low_frame_rate_leave_those_measures_out_with_the_reason(no_psis_60fps):
    from unittest import mock

    from gait.markers import detect

    with native_logs_silenced(), mock.patch.object(detect, "_read_rows", wraps=detect._read_rows) as read:
        analysis = analyze(str(no_psis_60fps), Options(markers="green"))
    # the colour's sample frames were read by seeks checked against the pose pass's fingerprints
    assert read.call_args.args[3] is analysis.pass_fingerprints is not None
    reasons = analysis.markers.null_reasons
    assert "120 fps" in reasons["rearfoot_eversion_deg"]
    assert "PSIS" in reasons["pelvic_drop_deg"] and "PSIS" in reasons["hip_adduction_deg"]
    for key in ("pelvic_drop_deg", "hip_adduction_deg", "rearfoot_eversion_deg"):
        assert analysis.metrics[key]["value"] is None
    assert analysis.metrics["knee_valgus_fppa_deg"]["value"] is not None
    codes = {E.warning_code(w) for w in analysis.warnings}
    assert {E.MARKERS_LOW_FPS, E.MARKERS_HIDDEN} <= codes
    methods = report_dict(analysis)["quality"]["frontal_method"]
    assert methods["pelvic_drop_deg"] == "none" and methods["knee_valgus_fppa_deg"] == "markers"



def test_sample_frames_are_read_by_checked_seeks_or_else_in_one_pass(no_psis_60fps):
    """The colour's sample frames: with the pose pass's fingerprints, one seek per frame (a long clip is not
    decoded to its end for 15 frames), the same frames as one decoding pass; with fingerprints that do not
    match (a file whose seeks land elsewhere), one decoding pass; frames near the start, where a pass decodes
    fewer frames than the seeks would, in one pass."""
    from types import SimpleNamespace
    from unittest import mock

    from gait import video_io
    from gait.markers import detect
    from gait.video_io import SEEK_COST_FRAMES, fingerprint

    path = str(no_psis_60fps)
    decoded = dict(iter_frames(path))
    pose = SimpleNamespace(frame_index=np.arange(len(decoded)))
    prints = np.array([fingerprint(decoded[i]) for i in range(len(decoded))])
    far, near = [3, 40, 97, 170], [3, 20, SEEK_COST_FRAMES * 3 - 1]
    assert far[-1] + 1 > SEEK_COST_FRAMES * len(far)
    for rows, fingerprints, seeks in ((far, prints, far), (far, np.zeros_like(prints), far[:1]), (near, prints, [])):
        reads = mock.Mock(wraps=video_io.iter_frames)
        with mock.patch.object(video_io, "iter_frames", reads):
            frames = detect._read_rows(path, pose, rows, fingerprints)
        assert sorted(frames) == rows and all(np.array_equal(frames[r], decoded[r]) for r in rows)
        sought = [c.args[1] for c in reads.call_args_list if c.kwargs.get("seek")]
        assert sought == seeks  # a failed check stops the seeks at the first frame
        assert len(reads.call_args_list) == len(seeks) + (seeks != rows)


def test_refused_when_the_stickers_are_not_found(no_psis_60fps, tmp_path):
    with native_logs_silenced(), pytest.raises(GaitInputError) as info:
        analyze(str(no_psis_60fps), Options(markers="magenta"))  # the runner wears green
    assert info.value.code == E.MARKERS_NOT_FOUND and "not found" in str(info.value)
    plain = tmp_path / "plain.mp4"
    render(RunnerParams(), Camera(view="rear"), plain, fps=60, duration_s=3.0, width=360, height=640)
    with native_logs_silenced(), pytest.raises(GaitInputError) as info:
        analyze(str(plain), Options(markers="auto"))
    assert info.value.code == E.MARKERS_NOT_FOUND


def test_a_rear_clip_read_as_facing_the_camera_is_analysed_from_behind_when_the_stickers_are_there(tmp_path,
                                                                                                   monkeypatch):
    """Filmed from behind by a camera on the floor (0.3 m, aimed up at the hips), the rendered runner is turned
    round by the pose model for stretches of the clip: by the median of its frames it read as filmed in front,
    its left and right swapped, and it now reads from behind (:data:`gait.view.FRONT_MIN_FACING_SHARE`). Were
    a rear clip still read as filmed in front (the estimate made so here), stickers found on the back have it
    analysed from behind, with a warning that says why, each leg's measures its own."""
    import gait.analysis
    from gait.pose_cache import PoseCache
    from gait.view import FRONT_MIN_FACING_SHARE, estimate_view

    path = tmp_path / "rear_from_the_floor.mp4"
    truth = render(RunnerParams(left=ZERO_LEFT, **HIGH), Camera(view="rear", height_m=0.3), path, fps=60,
                   duration_s=4.0, width=540, height=960, stickers=Stickers())
    estimates = []

    def seen(pose):
        estimates.append(estimate_view(pose))
        return estimates[-1]

    monkeypatch.setattr(gait.analysis, "estimate_view", seen)
    cache = PoseCache(tmp_path / "cache")
    with native_logs_silenced():
        plain = analyze(str(path), Options(), workers=1, cache=cache)
        marked = analyze(str(path), Options(markers="auto"), workers=1, cache=cache)
    assert plain.view == "rear" and 0.5 < estimates[-1].facing_share < FRONT_MIN_FACING_SHARE
    # without stickers the pose model's doubt is said; the stickers found on the back settle it
    assert E.VIEW_UNSURE in [w.code for w in plain.warnings]
    assert marked.markers is not None and E.VIEW_UNSURE not in [w.code for w in marked.warnings]

    monkeypatch.setattr(gait.analysis, "estimate_view", lambda pose: replace(estimate_view(pose), view="front"))
    with native_logs_silenced():
        analysis, _, comparison = _analyse(path, "auto", truth)
    assert analysis.view == "rear" and analysis.markers is not None
    codes = [w.code for w in analysis.warnings]
    assert E.VIEW_FROM_STICKERS in codes and E.VIEW_DISAGREES not in codes
    shown = plain_words(next(w for w in analysis.warnings if w.code == E.VIEW_FROM_STICKERS))
    assert shown.endswith("Film from behind at hip height, or give the view (choose 'behind' under 'Rear clip filmed "
                          "from' on the Analyze page).")
    for key in ("knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg"):
        for side in ("left", "right"):
            truth_deg = comparison[key][f"truth_{side}"]
            assert comparison[key][side] == pytest.approx(truth_deg, abs=ANGLES[key]), (key, side)
    assert comparison["knee_valgus_fppa_deg"]["right"] > comparison["knee_valgus_fppa_deg"]["left"] + 6


def test_a_front_clip_with_markers_asked_stays_a_front_view_with_a_note(shared_videos):
    with native_logs_silenced():
        front = analyze(str(shared_videos / "front_jog_in_place.mp4"), Options(markers="auto"))
    assert front.view == "front" and front.markers is None and "Film from behind" in front.notes[-1]
    assert E.VIEW_FROM_STICKERS not in [w.code for w in front.warnings]


def test_options_and_analysis_default_to_no_markers():
    assert Options().markers is None
    assert replace(_bare_analysis("rear"), notes=[]).markers is None


def test_command_line_option(capsys):
    from gait.cli import build_parser, main

    parse = build_parser().parse_args
    assert parse(["analyze", "rear.mp4", "--markers"]).markers == "auto"
    assert parse(["analyze", "rear.mp4", "--markers", "magenta"]).markers == "magenta"
    assert parse(["analyze", "rear.mp4"]).markers is None
    assert main(["analyze", "missing.mp4", "--markers", "plaid"]) == 2  # refused before anything is read
    assert "--markers 'plaid'" in capsys.readouterr().err


def test_app_offers_marker_mode_and_shows_where_the_stickers_go():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import REPO

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    choice = at.selectbox(key="stickers")
    assert choice.value == "none" and "yes: find their colour" in choice.options and "yes: magenta" in choice.options
    choice.select("yes: another colour").run()
    assert at.color_picker(key="sticker_colour").value
    at.switch_page("gait_app/pages/filming.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "marker mode" in text and "120 fps" in text and "15-20 mm" in text


def test_the_report_says_which_measures_came_from_the_stickers():
    from gait.document.content import FROM_STICKERS, STICKERS_NOTE, build_content

    summary = {"value": 5.0, "left": 4.0, "right": 6.0, "sd": 1.0, "n": 8, "unit": "deg"}
    report = {"view": "rear", "metrics": {"pelvic_drop_deg": summary, "knee_valgus_fppa_deg": summary},
              "quality": {"frontal_method": {"pelvic_drop_deg": "markers", "knee_valgus_fppa_deg": "keypoints"}}}
    rows = {row.name: row for row in build_content(report).metrics}
    assert rows["pelvic_drop_deg"].reference.startswith(FROM_STICKERS)
    assert "Not validated" not in rows["pelvic_drop_deg"].reference
    assert not rows["knee_valgus_fppa_deg"].reference.startswith(FROM_STICKERS)
    assert STICKERS_NOTE in build_content(report).notes
    assert STICKERS_NOTE not in build_content({**report, "quality": {}}).notes
    # the drawing of where the stickers go, in both documents
    from gait.document.content import STICKERS_CAPTION
    from gait.document.html import render_html
    from gait.document.pdf import render_pdf

    content = build_content(report)
    assert [d.caption for d in content.drawings] == [STICKERS_CAPTION]
    assert not build_content({**report, "quality": {}}).drawings
    assert STICKERS_CAPTION in render_html(content)
    assert render_pdf(content).startswith(b"%PDF")
