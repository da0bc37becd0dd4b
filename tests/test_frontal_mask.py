"""Markerless frontal measures from MediaPipe's person segmentation mask (issue 14, part 2), the
segmentation hook of the pose pass that delivers the mask to a frame work, and the clothing of the renders.

The rendered clips are few and small enough (720x1280, 30 fps, 4 s): two builds x two clothings, one
clip each, every clip carrying different settings on its two legs or the middle level on both (as
scripts/validate_frontal_mask.py's grid, whose figures are in docs/markers.md).
"""

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from gait import catalogue, measured_error
from gait.frontal_mask import (
    HIPS_NOT_SEEN_NOTE,
    LANDING_S,
    NOT_APART_NOTE,
    MaskWork,
    _fppa_deg,
    _landing_x,
    apply_mask,
    keypoint_step_table,
    mask_step_table,
    runs,
)
from gait.landmarks import SIDES
from gait.metrics import summarise
from gait.pipeline import Options, analyze
from gait.pose import native_logs_silenced, run_pose_pass
from gait.pose_cache import PoseCache, content_digest, pose_pass, settings_digest
from gait.report import SCHEMA_PATH, report_dict, session_report_dict
from gait.synth import Camera, Projector, RunnerModel, RunnerParams, SideScale, render
from gait.synth.draw import CLOTHING, Look, Scene
from gait.synth.model import BUILDS
from gait.video_io import probe

HIGH = {"knee_valgus_deg": 12.0, "pelvic_drop_deg": 9.0, "hip_adduction_deg": 6.0}
MIDDLE = {"knee_valgus_deg": 6.0, "pelvic_drop_deg": 5.0, "hip_adduction_deg": 0.0}
ZERO_LEFT = SideScale(knee_valgus=0.0, pelvic_drop=0.0, hip_adduction=0.0)
CLIPS = {"A": (HIGH, ZERO_LEFT), "B": (MIDDLE, SideScale())}  # A: narrow steps (~55 % hip), B: wide (~98 %)
GRID = (("standard", "shorts", "A"), ("standard", "tights", "B"), ("broad", "shorts", "B"), ("broad", "tights", "A"))
STEP_WIDTH_TOLERANCE = 10.0  # % of hip width (issue 14's done-when for the markerless step width)


class _MaskShare:
    """A frame work that wants the mask: keeps the share of the frame it covers, per frame."""

    WANTS_MASK = True

    def __init__(self) -> None:
        self.rows: list[float] = []

    def __call__(self, index, frame_bgr, landmarks, mask=None) -> None:
        self.rows.append(np.nan if mask is None else float(np.mean(mask > 0.5)))

    def result(self) -> dict[str, np.ndarray]:
        return {"mask_share": np.asarray(self.rows)}

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def tiny_rear(tmp_path_factory):
    path = tmp_path_factory.mktemp("mask") / "rear.mp4"
    render(RunnerParams(), Camera(view="rear"), path, fps=30, duration_s=1.0, width=360, height=640)
    return probe(str(path))


def test_the_mask_reaches_a_frame_work_and_leaves_the_landmarks_alone(tiny_rear, tmp_path):
    plain = run_pose_pass(tiny_rear)
    masked = run_pose_pass(tiny_rear, works=[_MaskShare()])
    assert np.array_equal(plain.landmarks, masked.landmarks, equal_nan=True)
    share = masked.frames["mask_share"]
    assert len(share) == plain.n_frames
    # the runner covers a few per cent of a rear frame (about 0.25 x 0.6 of it)
    assert np.all((share > 0.03) & (share < 0.3))
    # the cache keeps the work's arrays under a key of its own: a pass without the mask is not taken for it,
    # while a pass with it serves one without (the same landmarks)
    assert settings_digest([_MaskShare()]) != settings_digest()
    cache = PoseCache(tmp_path)
    pose_pass(tiny_rear, 0, tiny_rear.frame_count, cache=cache, workers=1)
    assert cache.load(tiny_rear, 0, tiny_rear.frame_count, works=[_MaskShare()]) is None
    pose_pass(tiny_rear, 0, tiny_rear.frame_count, cache=cache, works=[_MaskShare()], workers=1)
    again = cache.load(tiny_rear, 0, tiny_rear.frame_count, works=[_MaskShare()])
    assert again is not None and np.array_equal(again.frames["mask_share"], share)
    either = cache.load(tiny_rear, 0, tiny_rear.frame_count)
    assert either is not None and np.array_equal(either.landmarks, plain.landmarks, equal_nan=True)


def test_the_analysiss_mask_work_measures_only_what_the_analysis_reads(tiny_rear, tmp_path):
    """MaskWork() keeps the ankle middles and the thighs' middle lines (step width's) and the shank's middle
    line's knee valgus and where it was measured (drawn on the frames); the knee middles and the outlines'
    valgus only with outlines=True (the validation script's), the shared arrays equal. The two passes are
    cached under keys of their own: the analysis's is not taken for the validation's, nor the other way
    round."""
    analysis_work = run_pose_pass(tiny_rear, works=[MaskWork()])
    validation_work = run_pose_pass(tiny_rear, works=[MaskWork(outlines=True)])
    masks = {name for name in analysis_work.frames if name.startswith("mask_")}
    assert masks == {"mask_ankle_x", "mask_thigh_x_at_hip", "mask_valgus_deg", "mask_shank_x"}
    assert {name for name in validation_work.frames if name.startswith("mask_")} == {*masks, "mask_knee_x",
                                                                                       "mask_fppa_deg"}
    for name in masks:
        assert np.isfinite(analysis_work.frames[name]).any()
        assert np.array_equal(analysis_work.frames[name], validation_work.frames[name], equal_nan=True)
    assert settings_digest([MaskWork()]) != settings_digest([MaskWork(outlines=True)])
    cache = PoseCache(tmp_path)
    n = tiny_rear.frame_count
    cache.store(tiny_rear, analysis_work, [MaskWork()])
    assert cache.load(tiny_rear, 0, n, [MaskWork(outlines=True)]) is None
    cache.store(tiny_rear, validation_work, [MaskWork(outlines=True)])
    assert "mask_fppa_deg" in cache.load(tiny_rear, 0, n, [MaskWork(outlines=True)]).frames
    assert "mask_fppa_deg" not in cache.load(tiny_rear, 0, n, [MaskWork()]).frames


def test_the_cache_finds_a_clips_passes_by_their_names(tiny_rear, tmp_path, monkeypatch):
    """A pass without frame works is served by one with them, found by the files' names: only the file that
    serves it is opened. A file named as before (a pass with frame works under the digest of all its
    settings) is never read; a clip's small records go with its last pose file."""
    n = tiny_rear.frame_count
    found = run_pose_pass(tiny_rear, works=[MaskWork()])
    cache = PoseCache(tmp_path)
    cache.store(tiny_rear, found, [MaskWork()])
    cache.store(tiny_rear, found, [_MaskShare()])
    old = tmp_path / f"{content_digest(tiny_rear.path)}-{settings_digest([MaskWork()])}-0-{n}.npz"
    old.write_bytes(b"not a zip file")
    opened: list = []
    load = np.load
    monkeypatch.setattr(np, "load", lambda file, *a, **k: opened.append(Path(file)) or load(file, *a, **k))
    plain = cache.load(tiny_rear, 0, n)
    assert plain is not None and np.array_equal(plain.landmarks, found.landmarks, equal_nan=True)
    assert len(opened) == 1 and opened[0].parent == tmp_path
    for path in tmp_path.glob("*.npz"):
        if path != old:
            path.unlink()
    assert cache.load(tiny_rear, 0, n) is None and cache.load(tiny_rear, 0, n, [MaskWork()]) is None
    assert old not in opened
    cache.remember(tiny_rear, "view", {"start": 0}, {"view": "rear"})
    assert cache.recall(tiny_rear, "view", {"start": 0}) == {"view": "rear"}
    assert cache.recall(tiny_rear, "view", {"start": 1}) is None
    old.unlink()
    cache.prune()
    assert cache.recall(tiny_rear, "view", {"start": 0}) is None


# ------------------------------------------------------------------------------------ clothing (part 4)
def _colour_at(img, uv):
    u, v = (int(round(c)) for c in uv)
    return img[v - 1:v + 2, u - 1:u + 2].reshape(-1, 3).mean(axis=0)


@pytest.mark.parametrize("clothing", CLOTHING)
def test_clothing_is_drawn_where_it_is_worn(clothing):
    """Tights cover the thigh and the calf; a loose shirt hangs over the pelvis and stays level when the
    pelvis drops; the model (the truth) does not know the clothing."""
    model = RunnerModel(RunnerParams(pelvic_drop_deg=9.0))
    proj = Projector(Camera(view="rear"), 360, 640, 1.75)
    look = Look(clothing=clothing)
    t = 0.12  # the right foot in mid-stance: the pelvis dropped on the left
    img = Scene(model, proj, look).frame(t)
    j = model.joints(t)
    thigh = proj.project(j["right_hip"] + 0.75 * (j["right_knee"] - j["right_hip"]))[0]
    calf = proj.project(j["right_knee"] + 0.3 * (j["right_ankle"] - j["right_knee"]))[0]
    pelvis = proj.project(j["mid_hip"] - [0.0, 0.0, 0.04])[0]
    near = lambda colour, uv: np.abs(_colour_at(img, uv) - colour).max() < 60  # noqa: E731
    assert near(look.tights if clothing == "tights" else look.skin, thigh)
    assert near(look.tights if clothing == "tights" else look.skin, calf)
    assert near(look.shirt if clothing == "loose_shirt" else look.shorts, pelvis)


def test_an_unknown_clothing_is_refused():
    with pytest.raises(ValueError, match="clothing"):
        Look(clothing="kilt")


# ------------------------------------------------------------------------------- the mask's measures
def test_runs_have_sub_pixel_edges():
    row = np.array([0.0, 0.0, 0.25, 1.0, 1.0, 0.75, 0.0, 0.0, 1.0, 1.0])
    found = runs(row)
    # 0.5 is crossed a third of the way from 0.25 to 1.0 (x = 2 + 1/3) and 1/3 of the way from 0.75 to 0
    # (x = 5 + 1/3); the second run reaches the row's end (x = 9.5)
    assert found == pytest.approx(np.array([[2 + 1 / 3, 5 + 1 / 3], [7.5, 9.5]]))
    assert len(runs(np.zeros(5))) == 0


@pytest.mark.parametrize("far", [1.0, -1.0], ids=["towards +x", "towards -x"])
def test_the_landing_place_is_read_back_from_a_late_contact(far):
    """A foot lands at x = 500 px (frame 30, 60 fps) after a swing that brings it there from 20 px on its
    outer side, then is carried by the belt and spreads outward 1 px a frame: from a contact read 5 frames
    (83 ms) late, or right on time, its landing place is the one read, not where it has spread to."""
    fps, land = 60.0, 30
    frames = np.arange(90)
    x = np.where(frames < land, 500.0 - far * 20.0 * (land - frames) / land, 500.0 - far * (frames - land))
    x[45] = np.nan  # a frame the mask missed
    rng = np.random.default_rng(1)
    noisy = x + rng.normal(0.0, 0.3, len(x))
    landing = _landing_x(noisy, fps, far)
    for late in (0, 3, 5):
        # within 1.5 px: the running median rounds the tip of the path off by about a frame's spread
        assert landing[land + late] == pytest.approx(500.0, abs=1.5)
        assert abs(noisy[land + late] - 500.0) == pytest.approx(late, abs=1.0)  # what the contact frame reads
    # a contact read later than LANDING_S gives up: the foot has spread
    assert abs(landing[land + int(LANDING_S * fps) + 6] - 500.0) > 3.0


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """(build, clothing, clip) -> (analysis, truth) of the rendered rear clips, analysed with the mask."""
    folder = tmp_path_factory.mktemp("mask_grid")
    out = {}
    for build, clothing, clip in GRID:
        settings, left = CLIPS[clip]
        path = folder / f"{build}_{clothing}_{clip}.mp4"
        truth = render(RunnerParams(build=BUILDS[build], left=left, **settings), Camera(view="rear"), path, fps=30,
                       duration_s=4, width=720, height=1280, look=Look(clothing=clothing))
        with native_logs_silenced():  # with the outlines, as scripts/validate_frontal_mask.py
            out[build, clothing, clip] = analyze(str(path), mask_outlines=True), truth
    return out


@pytest.mark.parametrize("key", GRID, ids=["/".join(k) for k in GRID])
def test_step_width_from_the_mask_is_within_10_pct_of_hip_width(grid, key):
    """Each side's mean step width from the mask's ankle middles within 10 % of hip width of the soles'
    true contact points, on two builds x two clothings, narrow and wide steps."""
    analysis, truth = grid[key]
    assert NOT_APART_NOTE not in analysis.notes  # measured from the mask, not the pose model's fallback
    measured, true = analysis.metrics["step_width_pct_hip"], truth["metrics"]["step_width_pct_hip"]
    print(key, {side: (round(measured[side], 1), round(true[side], 1)) for side in ("left", "right")})
    for side in ("left", "right"):
        assert measured[side] == pytest.approx(true[side], abs=STEP_WIDTH_TOLERANCE)


def test_report_says_which_method_measured_each_frontal_number_and_its_error(grid):
    analysis, _ = grid["standard", "shorts", "A"]
    report = report_dict(analysis)
    jsonschema.validate(json.loads(json.dumps(report, default=float)), json.loads(SCHEMA_PATH.read_text()))
    methods, errors = report["quality"]["frontal_method"], report["quality"]["frontal_error"]
    assert (methods["step_width_pct_hip"], methods["knee_valgus_fppa_deg"], methods["crossover_pct"]) == (
        "mask", "mask", "keypoints")
    assert methods["hip_adduction_deg"] == "keypoints"
    for measure in ("pelvic_drop_deg", "rearfoot_eversion_deg"):  # from the stickers only
        assert methods[measure] == "none" and measure not in errors and report["metrics"][measure]["value"] is None
    data = json.loads(measured_error.FRONTAL_ERRORS_PATH.read_text())["measures"]
    for measure in ("step_width_pct_hip", "knee_valgus_fppa_deg", "hip_adduction_deg"):
        entry = data[measure][methods[measure]]
        assert errors[measure]["mean_error"] == entry["mean_error"]
        assert errors[measure]["largest_error"] == entry["largest_error"]


def test_the_frontal_fields_are_worked_out_once_per_analysis(grid, monkeypatch):
    """report.json (clip and session), the cues and the command line's tags read the frontal measures'
    methods and errors worked out once per analysis; a changed copy works them out again."""
    from gait.cues import cues_for
    from gait.pipeline import Session, merge_metrics
    from gait.results import measured_errors

    analysis = replace(grid["standard", "tights", "B"][0])  # a copy of its own: nothing worked out yet
    calls = []
    counted = measured_error.frontal_fields
    monkeypatch.setattr(measured_error, "frontal_fields", lambda *a: calls.append(a) or counted(*a))
    session = Session.of(analysis)
    report = report_dict(analysis)
    assert session_report_dict(session)["quality"]["frontal_method"] == report["quality"]["frontal_method"]
    cues_for(session)
    assert measured_errors(session.clips) == analysis.frontal_fields["frontal_error"]
    twice = (analysis, analysis)  # a session of several clips, each read once (session_of takes one per view)
    session_report_dict(Session(clips=twice, metrics=merge_metrics(twice), warnings=[]))
    assert calls == [(analysis.view, analysis.markers, analysis.mask_measured)]
    report_dict(replace(analysis, notes=[]))
    assert len(calls) == 2


def test_the_report_shows_each_frontal_numbers_error(grid):
    """The PDF/HTML report's measurement table carries each frontal number's measured error next to it."""
    from gait.document.content import build_content

    analysis, _ = grid["broad", "shorts", "B"]
    report = json.loads(json.dumps(report_dict(analysis), default=float))
    rows = {row.name: row for row in build_content(report, created="2026-11-30").metrics}
    words = measured_error.error_words(measured_error.frontal_error("step_width_pct_hip", "mask"))
    assert "measured error on rendered runners filmed from behind: " in words  # the renders' view, not the clip's
    assert rows["step_width_pct_hip"].reference.startswith(words.capitalize())
    assert rows["knee_valgus_fppa_deg"].reference.startswith(
        measured_error.error_words(measured_error.frontal_error("knee_valgus_fppa_deg", "mask")).capitalize())
    assert "measured error" not in rows["cadence_spm"].reference


def test_the_command_lines_summary_tags_the_mask_and_gives_each_frontal_numbers_error(grid, capsys):
    """As the app and the report do: the step width and knee valgus measured from the mask are tagged (body
    outline; knee valgus not validated, said once), and under each frontal number its measured error for its
    method."""
    from gait.cli import _print_summary
    from gait.pipeline import Session

    analysis, _ = grid["broad", "shorts", "B"]
    _print_summary(Session.of(analysis))
    lines = capsys.readouterr().out.splitlines()
    width = next(i for i, line in enumerate(lines) if line.strip().startswith("Step width"))
    # validated (largest error 6.18 % hip width at 1080x1920, slopes 1.00 and 1.01): tagged by its method only
    assert lines[width].endswith("% hip  (body outline)") and "not validated" not in lines[width]
    assert lines[width + 1].strip() == measured_error.error_words(
        measured_error.frontal_error("step_width_pct_hip", "mask"), tagged=True)
    valgus = next(i for i, line in enumerate(lines) if line.strip().startswith("Knee valgus"))
    assert lines[valgus].endswith("(not validated)  (body outline)")
    assert lines[valgus + 1].strip() == measured_error.error_words(  # said once, by the tag
        measured_error.frontal_error("knee_valgus_fppa_deg", "mask"), tagged=True)
    assert "not validated" not in lines[valgus + 1]
    drop = next(i for i, line in enumerate(lines) if line.strip().startswith("Pelvic drop"))
    assert "(body outline)" not in lines[drop]
    assert not any("measured error" in line for line in lines if "Cadence" in line)


def test_the_errors_shown_are_read_from_the_data_file(grid, tmp_path, monkeypatch):
    """The errors come from the generated data file, not from the code: another file, other errors."""
    analysis = replace(grid["broad", "tights", "A"][0])  # its errors not worked out yet (once per analysis)
    data = json.loads(measured_error.FRONTAL_ERRORS_PATH.read_text())
    data["measures"]["step_width_pct_hip"]["mask"]["mean_error"] = 123.0
    other = tmp_path / "frontal_errors.json"
    other.write_text(json.dumps(data))
    monkeypatch.setattr(measured_error, "FRONTAL_ERRORS_PATH", other)
    measured_error.error_data.cache_clear()
    try:
        assert report_dict(analysis)["quality"]["frontal_error"]["step_width_pct_hip"]["mean_error"] == 123.0
        assert "+123.0 ±" in measured_error.error_words(measured_error.frontal_error("step_width_pct_hip", "mask"))
    finally:
        measured_error.error_data.cache_clear()


def _slopes(grid, table) -> dict[str, float]:
    """Per build, over its clips' sides (0, 6 and 12 deg of valgus), the slope of measured on true knee
    valgus, each step table made by ``table(analysis)``."""
    out = {}
    for build in ("standard", "broad"):
        pairs = []
        for (b, _, _), (analysis, truth) in grid.items():
            if b == build:
                measured = summarise(table(analysis))["knee_valgus_fppa_deg"]
                pairs += [(measured[side], truth["metrics"]["knee_valgus_fppa_deg"][side]) for side in SIDES]
        print(build, [(None if m is None else round(m, 1), round(t, 1)) for m, t in pairs])
        found = [(m, t) for m, t in pairs if m is not None]
        assert len(found) == len(pairs)  # every side measured
        out[build] = float(np.polyfit([t for _, t in found], [m for m, _ in found], 1)[0])
    return out


def test_knee_valgus_from_the_mask_follows_the_truth_on_each_build(grid):
    """The analysis's knee valgus on a rear clip: at the knee between the pose model's hip point and the
    shank's middle line in the mask. On these small renders (30 fps, 4 s) it follows a change in valgus on
    each build (slopes 0.75 standard, 1.51 broad) where the pose model's points barely do (-0.15 and 0.49);
    on the validation's renders (1080x1920) 0.75 and 1.07 against 0.59 and 0.45 (docs/markers.md)."""
    analysis, _ = grid["broad", "shorts", "B"]
    assert summarise(mask_step_table(analysis))["knee_valgus_fppa_deg"] == analysis.metrics["knee_valgus_fppa_deg"]
    mask, keypoints = _slopes(grid, mask_step_table), _slopes(grid, keypoint_step_table)
    print("mask", mask, "keypoints", keypoints)
    for build in ("standard", "broad"):
        assert mask[build] >= 0.7
        assert mask[build] >= keypoints[build] + 0.2


def test_the_frames_draw_the_line_the_mask_valgus_was_measured_on(grid):
    """The key frames draw the points the mask's knee valgus is the angle at (the pose model's hip, the knee
    and the ankle on the shank's middle line), not the pose model's leg beside a number it did not give:
    in every frame measured, the angle at those points is the frame's valgus (before its running median)."""
    analysis, _ = grid["standard", "shorts", "A"]
    assert "knee_valgus_fppa_deg" in analysis.mask_measured
    found = analysis.pose_pass
    pose = analysis.pose
    points = analysis.angles.fppa_points_px
    for side, lateral in (("left", -1.0), ("right", 1.0)):  # from behind the left leg is on the image left
        hip, knee, ankle = points[side][:, 0], points[side][:, 1], points[side][:, 2]
        np.testing.assert_allclose(hip, pose.joint(f"{side}_hip"))
        measured = np.flatnonzero(np.isfinite(knee).all(axis=1))
        assert len(measured) > 0.5 * pose.n_frames
        frame_rows = np.searchsorted(found.frame_index, pose.frame_index[measured])
        per_frame = found.frames["mask_valgus_deg"][frame_rows, 0 if side == "left" else 1]
        drawn = [_fppa_deg(hip[r], knee[r], ankle[r], lateral) for r in measured]
        ok = np.isfinite(per_frame)
        # the hip drawn is the cleaned pose's, the frame's valgus the raw landmarks': within a degree
        assert ok.mean() > 0.9 and np.nanmedian(np.abs(np.array(drawn)[ok] - per_frame[ok])) < 1.0


def test_the_chosen_valgus_methods_slope_on_the_validation_renders():
    """Issue 14's done-when for markerless knee valgus: the chosen method's slope at least 0.75 on every
    build of the validation's renders (two builds x three clothings, 1080x1920, 60 fps), as the generated data file
    records it, and its measured error there to be shown with the number."""
    entry = measured_error.error_data()["measures"]["knee_valgus_fppa_deg"]["mask"]
    assert min(entry["slope_by_build"].values()) >= 0.75 and set(entry["slope_by_build"]) == set(BUILDS)
    assert entry["n"] == entry["n_conditions"] == 24
    assert measured_error.error_data()["renders"]["size"] == "1080x1920"  # the size, what phones film
    assert not measured_error.frontal_error("knee_valgus_fppa_deg", "mask")["validated"]  # errors up to 5.1 deg


def test_thighs_not_seen_keep_the_pose_models_step_width_and_say_why(grid):
    """Without the thighs' middle lines at the hip (as from in front in tights on the broad build) the mask
    has no hip width: step width stays the pose model's, and the note gives that reason, not the feet's."""
    analysis = grid["standard", "shorts", "A"][0]
    frames = dict(analysis.pose_pass.frames)
    frames["mask_thigh_x_at_hip"] = np.full_like(frames["mask_thigh_x_at_hip"], np.nan)
    without = apply_mask(replace(analysis, pose_pass=replace(analysis.pose_pass, frames=frames)))
    assert HIPS_NOT_SEEN_NOTE in without.notes and NOT_APART_NOTE not in without.notes
    assert "step_width_pct_hip" not in without.mask_measured and "knee_valgus_fppa_deg" in without.mask_measured


def test_feet_too_close_for_the_mask_keep_the_pose_models_step_width(tmp_path):
    """Steps at 8 % of hip width (hip adduction 6 deg): the ankles' runs merge in the mask in nearly every
    frame, so step width and crossover stay the pose model's, and report.json and the notes say so."""
    path = tmp_path / "narrow.mp4"
    render(RunnerParams(hip_adduction_deg=6.0), Camera(view="rear"), path, fps=30, duration_s=5, width=360,
           height=640)
    with native_logs_silenced():
        analysis = analyze(str(path))
    assert NOT_APART_NOTE in analysis.notes
    assert report_dict(analysis)["quality"]["frontal_method"]["step_width_pct_hip"] == "keypoints"
    kept = summarise(keypoint_step_table(analysis))["step_width_pct_hip"]["value"]
    assert kept is not None and analysis.metrics["step_width_pct_hip"]["value"] == pytest.approx(kept)
    with pytest.raises(ValueError, match="outlines"):  # the analysis's pass measured no outlines
        mask_step_table(analysis, "centres")


def _errors_file(tmp_path, monkeypatch, entries: dict) -> None:
    data = {"generated_by": "test", "measures": entries}
    path = tmp_path / "frontal_errors.json"
    path.write_text(json.dumps(data))
    monkeypatch.setattr(measured_error, "FRONTAL_ERRORS_PATH", path)
    measured_error.error_data.cache_clear()


def _entry(largest: float, slopes: tuple[float, ...], unit: str = "deg") -> dict:
    return {"mean_error": 0.5, "sd_error": 0.4, "largest_error": largest, "n": 12, "unit": unit,
            "slope_by_build": dict(zip(("standard", "broad"), slopes, strict=True))}


def test_a_method_is_validated_only_within_the_error_and_slope_bars(tmp_path, monkeypatch):
    """Validated: largest error within 1.5 deg (10 % hip width for step width) and the slope 0.85-1.15 on
    every build; else the error words, the command line's tags and the cues say it is not."""
    from gait.cues import NOT_VALIDATED_WHY, cues_from_metrics

    _errors_file(tmp_path, monkeypatch, {
        "knee_valgus_fppa_deg": {"ok": _entry(1.5, (0.85, 1.15)), "big": _entry(1.6, (1.0, 1.0)),
                                 "flat": _entry(1.0, (0.84, 1.0)), "steep": _entry(1.0, (1.0, 1.16)),
                                 "against": _entry(1.0, (-0.37, -0.31))},
        "step_width_pct_hip": {"ok": _entry(9.9, (0.9, 1.1), "% hip width"),
                               "big": _entry(10.1, (0.9, 1.1), "% hip width")}})
    try:
        verdict = {(m, k): measured_error.frontal_error(m, k)["validated"]
                   for m, k in [("knee_valgus_fppa_deg", k) for k in ("ok", "big", "flat", "steep")]
                   + [("step_width_pct_hip", k) for k in ("ok", "big")]}
        assert verdict == {("knee_valgus_fppa_deg", "ok"): True, ("knee_valgus_fppa_deg", "big"): False,
                           ("knee_valgus_fppa_deg", "flat"): False, ("knee_valgus_fppa_deg", "steep"): False,
                           ("step_width_pct_hip", "ok"): True, ("step_width_pct_hip", "big"): False}
        flat = measured_error.frontal_error("knee_valgus_fppa_deg", "flat")
        assert measured_error.error_words(flat).startswith(
            "not validated by this method (it read 0.84 to 1.00 times a true change); measured error on rendered "
            "runners: +0.5 ± 0.4°")
        assert measured_error.error_words(flat, tagged=True).startswith(  # the command line tagged the number
            "it read 0.84 to 1.00 times a true change; measured error on rendered runners: +0.5 ± 0.4°")
        against = measured_error.frontal_error("knee_valgus_fppa_deg", "against")  # as pelvic drop's keypoints
        assert measured_error.error_words(against, tagged=True).startswith(
            "it moved against a true change: -0.37 to -0.31 times it; measured error")
        ok = measured_error.frontal_error("knee_valgus_fppa_deg", "ok")
        assert measured_error.error_words(ok).startswith("measured")
        # slopes within the bar: the words say which error is over it, to two decimals (10.1 would read 10.1,
        # 10.01 would read 10.0 with the error's one decimal)
        big = measured_error.frontal_error("step_width_pct_hip", "big")
        assert measured_error.error_words(big).startswith(
            "not validated by this method (largest error 10.10 % hip width, over the 10 % hip width bar); "
            "measured error on rendered runners: ")
        errors = {"knee_valgus_fppa_deg": flat,
                  "step_width_pct_hip": measured_error.frontal_error("step_width_pct_hip", "ok")}
        assert catalogue.unvalidated_metrics(errors) == {"knee_valgus_fppa_deg"}
        valgus = catalogue.empty_summary("deg")
        valgus.update(value=20.0, left=20.0, right=19.0, n=12)
        plain, = cues_from_metrics({"knee_valgus_fppa_deg": valgus})
        marked, = cues_from_metrics({"knee_valgus_fppa_deg": valgus},
                                    not_validated=measured_error.not_validated_by_error(errors))
        assert (plain.severity, NOT_VALIDATED_WHY in plain.why) == ("info", False)
        assert marked.title == f"{plain.title} (not validated)" and marked.why.endswith(NOT_VALIDATED_WHY)
    finally:
        measured_error.error_data.cache_clear()


def test_the_data_files_verdicts():
    """What the generated data file (1080x1920 renders) says today: stickers validated, and the mask's step
    width (largest error 6.18 % of hip width, the bar 10; the feet read where they landed); not the mask's
    knee valgus (errors up to 5.1 deg, the bar 1.5), nor the pose model's knee valgus, hip adduction and
    pelvic drop (docs/markers.md)."""
    verdicts = {(measure, method): measured_error.frontal_error(measure, method)["validated"]
                for measure, methods in measured_error.error_data()["measures"].items() for method in methods}
    assert all(v for (_, method), v in verdicts.items() if method == "markers")
    assert verdicts[("step_width_pct_hip", "mask")] and not verdicts[("knee_valgus_fppa_deg", "mask")]
    assert not any(verdicts[(m, "keypoints")] for m in ("knee_valgus_fppa_deg", "hip_adduction_deg", "pelvic_drop_deg"))


def test_the_method_is_what_apply_mask_decided_not_what_the_pose_pass_holds(tmp_path):
    """A front clip (wide steps) analysed with the mask fills the pose cache with the masked pass; analysed again in
    marker mode (no stickers from in front: the pose model's frontal measures) that cached pass is taken, its
    mask arrays with it, and its step width is the pose model's, as report.json says."""
    path = tmp_path / "front.mp4"
    render(RunnerParams(**MIDDLE), Camera(view="front"), path, fps=30, duration_s=4, width=360, height=640)
    cache = PoseCache(tmp_path / "cache")
    with native_logs_silenced():
        masked = analyze(str(path), Options(view="front"), cache=cache, workers=1)
        stickers = analyze(str(path), Options(view="front", markers="auto"), cache=cache, workers=1)
    assert "step_width_pct_hip" in masked.mask_measured
    assert report_dict(masked)["quality"]["frontal_method"]["step_width_pct_hip"] == "mask"
    assert "mask_ankle_x" in stickers.pose_pass.frames  # the masked pass, from the cache
    assert stickers.mask_measured == () and stickers.markers is None
    assert report_dict(stickers)["quality"]["frontal_method"]["step_width_pct_hip"] == "keypoints"
    kept = summarise(keypoint_step_table(stickers))["step_width_pct_hip"]["value"]
    assert stickers.metrics["step_width_pct_hip"]["value"] == pytest.approx(kept)
