"""The trust gate: every refusal and warning carries a stable reason code; bad files are refused or
analysed in part, never an internal error.

The corpus made here, each with its exact outcome: not a video, empty, noise bytes (not_a_video,
empty_file); a truncated phone clip (damaged_file, or analysed with file_damaged_part_way); 2 s of a real
clip with 64 flipped bits (no_steady_running) and 24 fuzzed copies (read or refused, never a fault); a
face close-up (legs_not_in_view); black frames and noise frames (no_person); rendered walking from the
side and behind (not_running_walking), standing from the side and in front (not_running_standing), squats
and arm curls, lunges from the side and in front (not_running_in_place), hops with both feet
(not_running_jumping); a rendered runner with the feet below the frame (feet_not_in_view), and feet out
of the frame in most steps of a small pose (foot measures left out, feet_out_of_view); two renders joined
by a hard cut (edited_clip, the wide shot analysed; cut short: no_steady_running naming the cut); a
rendered treadmill runner zoomed 1.4 times within the shot (edited_clip, the stretch before the zoom
analysed; 9 s). Renders are 5 s, 30 fps, 270x480, made once per module."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gait import errors as E
from gait.errors import GaitInputError, GaitWarning, warning_record, warning_text
from gait.landmarks import INDEX, NAMES, PoseSeries
from gait.synth.activity import InPlaceModel, InPlaceParams, WalkerModel
from gait.video_io import probe

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "side_60fps.mp4"


def run_cli(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gait", "analyze", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def refusal(path: Path, **kwargs: object) -> GaitInputError:
    with pytest.raises(GaitInputError) as caught:
        probe(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


# ---- reason codes -------------------------------------------------------------------------------------

def test_warning_reads_as_its_message_and_keeps_its_code():
    w = GaitWarning(E.LOW_FRAME_RATE, "30 fps: contact times are uncertain")
    assert w == "30 fps: contact times are uncertain" and f"x {w}" == "x 30 fps: contact times are uncertain"
    assert w.startswith("30 fps") and w[:1].upper() + w[1:] == "30 fps: contact times are uncertain"
    assert w.code == "low_frame_rate" and w.message == str(w)
    for twin in (pickle.loads(pickle.dumps(w)), copy.deepcopy(w), copy.copy(w)):
        assert twin == w and twin.code == w.code
    assert warning_record(w) == {"code": "low_frame_rate", "message": "30 fps: contact times are uncertain"}
    assert warning_record("plain") == {"code": "unspecified", "message": "plain"}
    assert warning_text({"code": "x", "message": "m"}) == "m" and warning_text(w) == str(w)


def test_error_carries_a_code():
    exc = GaitInputError("it is not a video", E.NOT_A_VIDEO)
    assert str(exc) == "it is not a video" and exc.code == "not_a_video"
    assert GaitInputError("no code given").code == "unspecified"


def test_every_raise_in_the_package_names_a_code():
    import ast

    for path in (REPO / "gait").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "GaitInputError"):
                assert len(node.args) + len(node.keywords) >= 2, f"{path.name}:{node.lineno} has no code"


def test_probe_refusals_have_codes(tmp_path):
    assert refusal(tmp_path / "missing.mp4").code == E.NO_SUCH_FILE
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert refusal(tmp_path / "empty.mp4").code == E.EMPTY_FILE
    (tmp_path / "notes.mp4").write_text("not a video at all\n" * 50)
    assert refusal(tmp_path / "notes.mp4").code == E.NOT_A_VIDEO
    (tmp_path / "noise.mp4").write_bytes(bytes(range(256)) * 400)
    assert refusal(tmp_path / "noise.mp4").code == E.NOT_A_VIDEO


def test_one_frame_clip_is_too_short(shared_videos):
    exc = refusal(shared_videos / "bad_one_frame.mp4")
    assert exc.code == E.TOO_SHORT and "1 frame" in str(exc)


def test_cli_prints_the_message_and_exits_2(tmp_path):
    (tmp_path / "notes.mp4").write_text("not a video\n")
    done = run_cli(tmp_path / "notes.mp4", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("error: 'notes.mp4' could not be read as a video")
    assert "Traceback" not in done.stderr


# ---- damaged files and clips without legs (a corpus made here) ----------------------------------------

def ffmpeg(*args: object) -> None:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *map(str, args)], check=True)


@pytest.fixture(scope="module")
def faststart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The side sample with its header first, as phones write it: a truncated copy still promises every
    frame."""
    out = tmp_path_factory.mktemp("corpus") / "faststart.mp4"
    ffmpeg("-i", SAMPLE, "-c", "copy", "-movflags", "+faststart", out)
    return out


def head_of(source: Path, n_bytes: int, out: Path) -> Path:
    out.write_bytes(source.read_bytes()[:n_bytes])
    return out


def test_truncated_file_with_little_left_is_refused_as_damaged(tmp_path, faststart):
    from gait.pipeline import analyze

    clip = head_of(faststart, 60_000, tmp_path / "phone clip.mp4")
    assert probe(clip).frame_count == 540  # the header still promises the whole clip
    with pytest.raises(GaitInputError) as caught:
        analyze(str(clip))
    assert caught.value.code == E.DAMAGED_FILE
    assert "the file is damaged after 0." in str(caught.value) and "of the 540 frames" in str(caught.value)


def test_truncated_file_is_analysed_on_the_frames_that_decode(tmp_path, faststart):
    from gait.pipeline import analyze

    clip = head_of(faststart, 300_000, tmp_path / "phone clip.mp4")
    analysis = analyze(str(clip))
    first = analysis.warnings[0]
    assert first.code == E.FILE_DAMAGED_PART_WAY and first.startswith("the file is damaged after 2.")
    assert analysis.pose.frame_index[-1] < 200 and analysis.metrics["cadence_spm"]["value"] is not None


def test_truncated_file_gives_exit_2_on_the_command_line(tmp_path, faststart):
    clip = head_of(faststart, 60_000, tmp_path / "cut.mp4")
    done = run_cli(clip, "--out", tmp_path / "out", "--no-video", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "error: 'cut.mp4': the file is damaged after" in done.stderr and "internal error" not in done.stderr


def test_face_close_up_is_refused_for_the_legs_out_of_view(tmp_path, shared_videos):
    from gait.pipeline import analyze

    face = tmp_path / "webcam.mp4"  # a 640x480 close-up of the face: nothing below the neck
    ffmpeg("-i", shared_videos / "front_jog_in_place.mp4", "-vf", "crop=292:220:25:20,scale=640:480",
           "-c:v", "libx264", "-pix_fmt", "yuv420p", face)
    with pytest.raises(GaitInputError) as caught:
        analyze(str(face))
    assert caught.value.code == E.LEGS_NOT_IN_VIEW and "only the upper body is in view" in str(caught.value)


def test_no_step_found_gives_an_empty_step_table():
    from gait.metrics import SAGITTAL_COLUMNS, TIMING_COLUMNS, _table

    table = _table([], TIMING_COLUMNS + SAGITTAL_COLUMNS)
    assert len(table) == 0 and table["steady"].dtype == bool


# ---- fuzzing the video reader with corrupted bytes of a real clip -------------------------------------

# Run in a child process, since a decoder can crash the interpreter: read the clip as the pipeline does
# (probe, the frames of the segment, the decoded-frames check) and exit 0 (read), 2 (refused with a code)
# or anything else (a fault).
READER_CHILD = """
import sys
import numpy as np
from gait.errors import GaitInputError
from gait.gate import check_decoded
from gait.pipeline import Options, frame_range
from gait.video_io import iter_frames, probe
try:
    info = probe(sys.argv[1])
    start, end = frame_range(info, Options())
    decoded = [i for i, frame in iter_frames(info.path, start, end) if frame.ndim == 3]
    check_decoded(info, start, end, np.asarray(decoded, dtype=int))
except GaitInputError as exc:
    print(exc.code, exc, file=sys.stderr)
    sys.exit(2)
"""


@pytest.fixture(scope="module")
def real_clips(shared_videos: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """2 s of a real phone clip, stream copied (its own encoded bytes), header last and header first."""
    folder = tmp_path_factory.mktemp("fuzz")
    out = {}
    for layout, flags in (("moov_last", []), ("faststart", ["-movflags", "+faststart"])):
        path = folder / f"{layout}.mp4"
        ffmpeg("-i", shared_videos / "treadmill_side_male_30fps.mp4", "-t", "2", "-c", "copy", *flags, path)
        out[layout] = path.read_bytes()
    return out


def corrupt(data: bytes, kind: str, at: float, length: int, seed: int) -> bytes:
    cut = int(at * len(data))
    noise = np.random.default_rng(seed).integers(0, 256, length, dtype=np.uint8).tobytes()
    if kind == "truncate":
        return data[:cut]
    if kind == "overwrite":
        return data[:cut] + noise + data[cut + length:]
    if kind == "insert":
        return data[:cut] + noise + data[cut:]
    if kind == "zero":
        return data[:cut] + bytes(length) + data[cut + length:]
    flipped = bytearray(data)  # "flip": flip one bit in each of `length` bytes from `cut` on, spread apart
    for k in range(length):
        i = (cut + 997 * k) % len(flipped)
        flipped[i] ^= 1 << (k % 8)
    return bytes(flipped)


@settings(max_examples=24, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(layout=st.sampled_from(["moov_last", "faststart"]),
       kind=st.sampled_from(["truncate", "overwrite", "insert", "zero", "flip"]),
       at=st.floats(0.0, 1.0), length=st.integers(1, 4096), seed=st.integers(0, 2**16))
def test_corrupted_bytes_of_a_real_clip_are_read_or_refused(real_clips, tmp_path, layout, kind, at, length,
                                                             seed):
    clip = tmp_path / "fuzzed.mp4"
    clip.write_bytes(corrupt(real_clips[layout], kind, at, length, seed))
    done = subprocess.run([sys.executable, "-c", READER_CHILD, str(clip)], capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert done.returncode in (0, 2), f"{kind} at {at:.3f} x{length}: exit {done.returncode}\n{done.stderr}"
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("kind", ["flip", "truncate"])
def test_damaged_real_clip_through_the_whole_command(real_clips, tmp_path, kind):
    clip = tmp_path / f"{kind}.mp4"
    clip.write_bytes(corrupt(real_clips["faststart"], kind, 0.5, 64, seed=1))
    done = run_cli(clip, "--out", tmp_path / "out", "--no-video", cwd=tmp_path)
    assert done.returncode in (0, 2), done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    if kind == "truncate":
        assert done.returncode == 2 and "the file is damaged after" in done.stderr
    else:  # 64 flipped bits: the 2 s decode with errors, too short for 3 steady steps
        assert done.returncode == 2 and "error: no steady running found in 'flip.mp4'" in done.stderr


# ---- how long a clip must be ---------------------------------------------------------------------------

@pytest.mark.parametrize("view, words", [("side", "from the side"), ("rear", "from behind"),
                                         ("front", "from the front")])
def test_too_few_steps_names_the_view_and_what_it_needs(view, words):
    from types import SimpleNamespace

    import pandas as pd

    from gait.gate import length_rule
    from gait.pipeline import _refuse_if_not_running

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


# ---- running or not (rendered people who are not running: exact cases) -----------------------------------

CORPUS_FPS, CORPUS_SECONDS, CORPUS_SIZE = 30, 5.0, (270, 480)


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


def refused(path: Path) -> GaitInputError:
    from gait.pipeline import analyze

    with pytest.raises(GaitInputError) as caught:
        analyze(str(path))
    return caught.value


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
                          "foot_strike_pattern": "rearfoot", "trunk_lean_deg": 5.0})
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
    pose, steps = _feet_case([])
    kept, warning = keep_feet_in_view(pose, steps, "side", 100.0, "clip.mp4")
    assert warning is None and kept is steps


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


# ---- clips with nobody in them -------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "color=black:s=270x480:r=30",  # black frames
    "nullsrc=s=270x480:r=30,geq=random(1)*255:random(2)*255:random(3)*255",  # noise
])
def test_clip_with_nobody_in_it_is_refused(tmp_path, source):
    from gait.pipeline import analyze

    clip = tmp_path / "nobody.mp4"
    ffmpeg("-f", "lavfi", "-i", source, "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip)
    with pytest.raises(GaitInputError) as caught:
        analyze(str(clip))
    assert caught.value.code == E.NO_PERSON and "a person was found in only 0 %" in str(caught.value)


# ---- edited clips --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hard_cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A close-up of a runner with the feet out of the frame (2 s) cut to a wide side shot (4 s): two
    renders joined without re-encoding, 30 fps, 270x480."""
    from gait.synth import Camera, RunnerParams, render

    folder = tmp_path_factory.mktemp("edited")
    parts = [(Camera(view="side", runner_frac=0.8, look_at_height_m=1.35), 2.0, 0.13),
             (Camera(view="side"), 4.0, 0.6)]
    for k, (camera, seconds, phase) in enumerate(parts):
        render(RunnerParams(start_phase=phase), camera, folder / f"part{k}.mp4", fps=CORPUS_FPS, duration_s=seconds,
               width=CORPUS_SIZE[0], height=CORPUS_SIZE[1])
    (folder / "parts.txt").write_text("".join(f"file '{folder / f'part{k}.mp4'}'\n" for k in range(2)))
    ffmpeg("-f", "concat", "-safe", 0, "-i", folder / "parts.txt", "-c", "copy", folder / "edited.mp4")
    return folder / "edited.mp4"


def test_a_hard_cut_is_found_and_the_whole_body_shot_chosen(hard_cut):
    from gait.gate import choose_shot, frame_prints, shot_starts
    from gait.pipeline import analyze_pose
    from gait.pose import estimate_pose

    info = probe(hard_cut)
    raw = estimate_pose(info, 0, info.frame_count)
    prints = frame_prints(info.path, raw.frame_index)
    assert prints is not None and prints.shape == (180, 16, 16, 3)
    starts = shot_starts(prints, raw.frame_index, info.fps)
    assert starts == [60]  # the cut, at 2.0 s, and nothing else
    shot, warning = choose_shot(raw, starts)
    assert shot.frame_index[0] == 60 and shot.frame_index[-1] == 179
    assert warning is not None and warning.code == E.EDITED_CLIP
    assert "1 shot cut, at 2.0 s (the runner appears 1.3 times smaller: a zoom" in warning
    assert "the whole body, 2.0-6.0 s, was analysed" in warning
    analysis = analyze_pose(info, shot)
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(170, abs=2)


def test_no_cut_in_a_continuous_clip():
    from gait.gate import choose_shot, shot_starts
    from gait.landmarks import NAMES, PoseSeries

    rng = np.random.default_rng(0)
    frames = np.clip(128 + np.cumsum(rng.normal(0, 2, (90, 16, 16, 3)), axis=0), 0, 255).astype(np.uint8)
    assert shot_starts(frames, np.arange(90), 30.0) == [] and shot_starts(None, np.arange(90), 30.0) == []
    pose = PoseSeries(np.zeros((90, len(NAMES), 2)), np.zeros((90, len(NAMES))), np.ones((90, len(NAMES))),
                      np.arange(90), 30.0, 100, 100)
    assert choose_shot(pose, []) == (pose, None)


def test_an_edited_clip_is_analysed_on_its_whole_body_shot(hard_cut, tmp_path):
    from gait.pipeline import analyze

    analysis = analyze(str(hard_cut))
    assert analysis.warnings[0].code == E.EDITED_CLIP and "2.0-6.0 s, was analysed" in analysis.warnings[0]
    assert analysis.view == "side" and analysis.pose.frame_index[0] == 60
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(170, abs=2)
    short = tmp_path / "short shot.mp4"  # the cut 1 s from the end: the whole-body shot is too short
    ffmpeg("-i", hard_cut, "-t", "3", "-c", "copy", short)
    exc = refused(short)
    assert exc.code == E.NO_STEADY_RUNNING and "the clip is edited: 1 shot cut, at 2.0 s" in str(exc)
    assert "In that shot, no steady running found" in str(exc)


def _scaled_pose(scale: np.ndarray, shift_x: np.ndarray, fps: float = 30.0) -> PoseSeries:
    """A still body (points spread over 100 x 200 pixels) scaled by ``scale`` about the frame's centre and
    moved ``shift_x`` pixels across, per frame."""
    base = np.random.default_rng(3).uniform([-50, -100], [50, 100], (len(NAMES), 2))
    xy = 240.0 + scale[:, None, None] * base[None] + np.stack([shift_x, np.zeros_like(shift_x)], axis=1)[:, None]
    n = len(scale)
    return PoseSeries(xy, np.zeros((n, len(NAMES))), np.ones((n, len(NAMES))), np.arange(n), fps, 480, 480)


def test_a_steady_change_of_size_in_place_is_a_zoom_and_travelling_is_not():
    from gait.events import leg_length_px
    from gait.gate import zooms
    from gait.gate.zoom import ZOOM_BASELINE_S, ZOOM_RATE

    fps, t = 30.0, np.arange(270) / 30.0  # 9 s; the size grows 1.4 times from 4 to 6 s
    scale = 1.4 ** np.clip((t - 4.0) / 2.0, 0.0, 1.0)
    still = np.zeros_like(t)
    [(lo, hi, factor)] = zooms(_scaled_pose(scale, still))
    assert factor == pytest.approx(1.4, rel=1e-9)  # every segment scales alike: the size change is exact
    # the rate over 2 s, (L(t + 1) - L(t - 1)) / 2 for L = log size rising by r = log(1.4) / 2 a second from
    # 4 to 6 s, reaches ZOOM_RATE / 2 at 3 + ZOOM_RATE / r s and falls below it after 7 - ZOOM_RATE / r s;
    # the running median over an even 30 frames reads the size half a frame early
    r = np.log(1.4) / 2
    assert lo == np.ceil(fps * (3 + ZOOM_RATE / r) + 0.5) and hi == np.floor(fps * (7 - ZOOM_RATE / r) + 0.5) + 1
    assert ZOOM_BASELINE_S == 1.0 and zooms(_scaled_pose(np.ones_like(t), still)) == []  # no size change
    # the same change of size, shrinking, while crossing 10 leg lengths of the frame: a runner moving away
    leg = leg_length_px(_scaled_pose(np.ones_like(t), still))
    assert zooms(_scaled_pose(1 / scale, 10 * leg * t / t[-1])) == []
    assert zooms(_scaled_pose(1 / scale, still))[0][2] == pytest.approx(1 / 1.4, rel=1e-9)  # in place: a zoom


def test_the_longest_stretch_without_a_cut_or_zoom_is_analysed():
    from gait.gate import choose_shot

    t = np.arange(270) / 30.0  # the size grows 1.4 times from 4 to 6 s (the zoom found: frames 109-192)
    pose = _scaled_pose(1.4 ** np.clip((t - 4.0) / 2.0, 0.0, 1.0), np.zeros_like(t))
    shot, warning = choose_shot(pose, [])
    assert (shot.frame_index[0], shot.frame_index[-1]) == (0, 108)  # 109 frames before it, 77 after
    assert warning is not None and warning.code == E.EDITED_CLIP and warning == (
        "the camera zooms within the shot: at 3.6-6.4 s the runner appears 1.4 times larger (a zoom, or the "
        "camera moving closer or further). Only the longest continuous stretch without a cut or zoom that "
        "shows the whole body, 0.0-3.6 s, was analysed: film one continuous take, without zooming.")
    shot, warning = choose_shot(pose, [60])  # a cut at 2 s as well: the stretch after the zoom is longest
    assert (shot.frame_index[0], shot.frame_index[-1]) == (193, 269)
    assert warning is not None and warning.startswith(
        "the clip is edited: 1 shot cut, at 2.0 s; the camera zooms within the shot: at 3.6-6.4 s") and \
        "the whole body, 6.4-9.0 s, was analysed" in warning


def zoom_in(source: Path, out: Path, start_s: float, end_s: float, factor: float) -> None:
    """``source`` with the camera zooming in steadily (constant rate in scale) from ``start_s`` to
    ``end_s`` by ``factor``, about the point at 50 % across and 60 % down: each frame read, scaled and
    written in turn."""
    import cv2

    from gait.video_io import H264Writer

    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    centre = np.array([0.5 * width, 0.6 * height])
    with H264Writer(out, width, height, fps) as writer:
        i = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            z = factor ** min(max((i / fps - start_s) / (end_s - start_s), 0.0), 1.0)
            shift = centre * (1 - z)
            writer.write(cv2.warpAffine(frame, np.array([[z, 0, shift[0]], [0, z, shift[1]]]), (width, height),
                                        flags=cv2.INTER_AREA))
            i += 1
    capture.release()


def test_a_zoom_within_the_shot_is_found_and_the_stretch_before_it_analysed(tmp_path):
    from gait.pipeline import analyze
    from gait.synth import Camera, RunnerParams, render

    wide = tmp_path / "wide.mp4"  # 9 s on the treadmill; the camera zooms in 1.4 times from 4.0 to 6.0 s
    render(RunnerParams(), Camera(view="side", runner_frac=0.5), wide, fps=CORPUS_FPS, duration_s=9.0,
           width=CORPUS_SIZE[0], height=CORPUS_SIZE[1])
    zoom_in(wide, tmp_path / "zoom.mp4", 4.0, 6.0, 1.4)
    analysis = analyze(str(tmp_path / "zoom.mp4"))
    warning = analysis.warnings[0]
    assert warning.code == E.EDITED_CLIP and "the camera zooms within the shot: at 3.6-6.5 s the runner " \
        "appears 1.4 times larger" in warning and "without a cut or zoom that shows the whole body, 0.0-3.6 s, " \
        "was analysed" in warning, warning
    assert analysis.pose.frame_index[0] == 0 and 100 <= analysis.pose.frame_index[-1] < 120  # zoom from 120
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(170, abs=2)


# the shared running clips: treadmills, a jog on the spot, runners followed by the camera (size range up to
# 1.16 times) and sprint starts crossing the frame (size changing up to 1.57 times as they move away)
RUNNING_CLIPS = ["treadmill_side_male_30fps.mp4", "treadmill_side_lab_slowed.mp4", "front_jog_in_place.mp4",
                 "label_no_overstride__M_Running_2.mp4", "label_no_overstride__M_Running_3_flipped.mp4",
                 "sprint_start_b4.mp4", "sprint_start_b5.mp4", "sprint_start_b8.mp4"]


@pytest.mark.parametrize("name", RUNNING_CLIPS)
def test_shared_running_clips_are_not_taken_for_edited_or_zoomed(analysed, name):
    result = analysed(name)
    assert not isinstance(result, GaitInputError), result
    assert [w.code for w in result.warnings if w.code == E.EDITED_CLIP] == []


@pytest.mark.parametrize("name, code", [("not_running_walk_parkour.mp4", E.NO_STEADY_RUNNING),
                                        ("bad_one_frame.mp4", E.TOO_SHORT)])
def test_shared_bad_clips_are_refused_with_their_code(analysed, name, code):
    result = analysed(name)
    assert isinstance(result, GaitInputError) and result.code == code, result
