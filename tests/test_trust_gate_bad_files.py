"""The trust gate on bad files: every refusal and warning carries a stable reason code; bad files are refused
or analysed in part, never an internal error.

The corpus made here, each with its exact outcome: not a video, empty, noise bytes (not_a_video,
empty_file); a truncated phone clip (damaged_file, or analysed with file_damaged_part_way); 2 s of a real
clip with 64 flipped bits (no_steady_running) and 24 fuzzed copies (read or refused, never a fault); a
face close-up (legs_not_in_view); black frames and noise frames (no_person)."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gait import errors as E
from gait.errors import GaitInputError, GaitWarning, warning_record, warning_text
from gait.video_io import probe
from tests.test_trust_gate_common import REPO, SAMPLE, ffmpeg, run_cli


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
    folder = refusal(tmp_path)  # e.g. a phone's export folder given instead of the clip in it
    assert folder.code == E.NO_SUCH_FILE and "is a folder, not a video" in str(folder)
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert refusal(tmp_path / "empty.mp4").code == E.EMPTY_FILE
    (tmp_path / "notes.mp4").write_text("not a video at all\n" * 50)
    assert refusal(tmp_path / "notes.mp4").code == E.NOT_A_VIDEO
    (tmp_path / "noise.mp4").write_bytes(bytes(range(256)) * 400)
    assert refusal(tmp_path / "noise.mp4").code == E.NOT_A_VIDEO


def test_too_few_frames_a_second_to_find_the_landings(tmp_path):
    """Under 20 fps a foot's quarter of a second on the ground is 4 frames or fewer: refused before the pose
    pass, saying what rate to film at and, for slow motion saved at a low rate, to give the capture rate
    (which is then the rate the landings are timed at)."""
    from gait.video_io import MIN_FPS

    low, enough = tmp_path / "gif export.mp4", tmp_path / "twenty.mp4"
    ffmpeg("-i", SAMPLE, "-t", "6", "-vf", "fps=15", "-c:v", "libx264", low)
    ffmpeg("-i", SAMPLE, "-t", "3", "-vf", f"fps={MIN_FPS:.0f}", "-c:v", "libx264", enough)
    exc = refusal(low)
    assert exc.code == E.FRAME_RATE_TOO_LOW
    assert str(exc).startswith("'gif export.mp4' has 15 frames a second, too few to find the landings")
    assert "Film at 60 frames a second" in str(exc) and "--fps" in str(exc)
    assert probe(low, capture_fps=60).fps == 60
    assert probe(enough).fps == pytest.approx(MIN_FPS)


def test_the_frame_rate_warning_says_what_it_does_to_the_landing_angles(analysed):
    """Under 60 fps: the timing's uncertainty and, where there are angles at landing (a side view), which way
    they read (the side sample at 30 fps: knee 5.3 deg more bent than at 60 fps; docs/accuracy.md, frame rate)."""
    side, front = analysed("treadmill_side_male_30fps.mp4"), analysed("front_jog_in_place.mp4")
    side_words, front_words = (next(w for w in clip.warnings if w.code == E.LOW_FRAME_RATE) for clip in (side, front))
    assert "uncertain by about +-17 ms" in side_words and "uncertain by about +-17 ms" in front_words
    assert "at landing the knee reads more bent than it was" in side_words
    assert "knee" not in front_words
    # 60 fps, not faster: 120 and 240 fps read contact times no closer (docs/accuracy.md#faster-than-60-fps)
    assert side_words.endswith("film at 60 fps.") and front_words.endswith("film at 60 fps.")


def test_steps_left_out_are_warned_of_only_when_they_are_a_tenth_of_the_steps_or_more(analysed):
    """The treadmill clip leaves out 1 of its 33 steps (feet not tracked): listed in the report's capture
    quality, not put before the numbers as a reason to doubt them; 4 of 36 would be."""
    import dataclasses

    from gait.analysis import _warnings

    side = analysed("treadmill_side_male_30fps.mp4")
    assert side.detection.dropped == 1 and len(side.steps) == 32
    assert E.STEPS_DROPPED not in [w.code for w in side.warnings]

    def warned(dropped: int) -> list[str]:
        detection = dataclasses.replace(side.detection, dropped=dropped)
        return [w for w in _warnings(side.info, side.steps, side.metrics, detection, side.detected_fraction,
                                     side.cleaning) if w.code == E.STEPS_DROPPED]
    assert warned(3) == [] and warned(1) == []
    assert warned(4) == ["4 of 36 steps were left out because the feet were not tracked (hidden, out of frame "
                         "or blurred)."]


def test_a_photo_is_named_a_photo(tmp_path):
    """A photo given instead of the video (OpenCV reads it as a one-frame video) is said to be a photo, not a
    clip too short; a one-frame video is still too short (below)."""
    import cv2

    from tests.test_trust_gate_common import CORPUS_SIZE

    picture = np.full((*CORPUS_SIZE[::-1], 3), 128, np.uint8)
    for name, kind in (("run.png", "PNG"), ("run.jpg", "JPEG"), ("run.webp", "WebP"), ("run.bmp", "BMP")):
        assert cv2.imwrite(str(tmp_path / name), picture)
        exc = refusal(tmp_path / name)
        assert exc.code == E.NOT_A_VIDEO and str(exc).startswith(f"{name!r} is a photo ({kind}), not a video."), exc
    ffmpeg("-i", SAMPLE, "-frames:v", "1", "-c:v", "libx264", tmp_path / "one.mp4")
    exc = refusal(tmp_path / "one.mp4")
    assert exc.code == E.TOO_SHORT and "only 1 frame(s)" in str(exc)


def test_sound_alone_is_named(tmp_path):
    """A file of sound only (a voice memo, a video's sound exported alone) is said to have no picture."""
    for name in ("run.m4a", "run.mp4"):
        ffmpeg("-f", "lavfi", "-i", "sine=d=3", "-c:a", "aac", tmp_path / name)
        exc = refusal(tmp_path / name)
        assert exc.code == E.NOT_A_VIDEO and str(exc).startswith(f"{name!r} holds sound only, no picture."), exc


def test_one_frame_clip_is_too_short(shared_videos):
    exc = refusal(shared_videos / "bad_one_frame.mp4")
    assert exc.code == E.TOO_SHORT and "1 frame" in str(exc)


def test_cli_prints_the_message_and_exits_2(tmp_path):
    (tmp_path / "notes.mp4").write_text("not a video\n")
    done = run_cli(tmp_path / "notes.mp4", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("error: 'notes.mp4' could not be read as a video")
    assert "Traceback" not in done.stderr


# ---- damaged files and clips without legs (a corpus made here) ----------------------------------------

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


@pytest.mark.parametrize("kept", [0.6, "all but the last 100 bytes"])
def test_truncated_file_whose_index_was_at_its_end_is_refused_as_cut_short(tmp_path, kept):
    """A recording's index (MP4's ``moov`` box) written at its end, as phones and ffmpeg do by default: a copy
    that stopped early has no frame to read, and the message says to copy it again, not to re-export it."""
    whole = tmp_path / "index_last.mp4"
    ffmpeg("-i", SAMPLE, "-c", "copy", whole)
    assert probe(whole).frame_count == 540
    data = whole.read_bytes()
    assert data.rfind(b"moov") > data.find(b"mdat") > 0  # the index after the frames
    cut = tmp_path / "phone clip.mp4"
    cut.write_bytes(data[: int(len(data) * kept)] if isinstance(kept, float) else data[:-100])
    exc = refusal(cut)
    assert exc.code == E.DAMAGED_FILE
    assert str(exc).startswith("'phone clip.mp4' is cut short") and "copy the video again" in str(exc)


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


@pytest.mark.parametrize("display_rotation, words", [
    (90, "on their side, head to the left: the video plays turned a quarter turn. Turn it a quarter turn clockwise"),
    (270, "on their side, head to the right: the video plays turned a quarter turn. Turn it a quarter turn "
          "anticlockwise"),
    (180, "upside down: the video plays turned half a turn. Turn it half a turn"),
])
def test_a_video_that_plays_turned_is_refused_with_which_way_to_turn_it(tmp_path, display_rotation, words):
    """The side sample with a display rotation (as a phone that saved the wrong one): OpenCV shows it turned,
    and it was refused as walking or as no running at all, with no word of the picture."""
    turned = tmp_path / "turned.mp4"
    ffmpeg("-display_rotation", str(display_rotation), "-i", SAMPLE, "-t", "6", "-c", "copy", turned)
    done = run_cli(turned, "--out", tmp_path / "out", "--no-video", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"error: the runner lies {words}" in done.stderr and "'turned.mp4' is not analysed" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_upright_runner_and_a_sprint_start_are_not_turned():
    """The rule is the body's axis in the median frame: a sprinter's crouch in the first frames, or a runner
    leaning 20 deg, is not a turned picture."""
    from gait.gate import refuse_if_picture_turned
    from gait.landmarks import INDEX, NAMES, PoseSeries

    n = 100
    xy = np.full((n, len(NAMES), 2), np.nan)
    lean = np.radians(np.where(np.arange(n) < 30, 70.0, 20.0))  # crouched, then running with a lean
    for side in ("left", "right"):
        xy[:, INDEX[f"{side}_shoulder"]] = np.column_stack([500 + 600 * np.sin(lean), 1000 - 600 * np.cos(lean)])
        xy[:, INDEX[f"{side}_ankle"]] = [500.0, 1000.0]
    pose = PoseSeries(xy_px=xy, depth_px=np.zeros((n, len(NAMES))), visibility=np.ones((n, len(NAMES))),
                      frame_index=np.arange(n), fps=60.0, width=1080, height=1920)
    refuse_if_picture_turned(pose, "lean.mp4")
    with pytest.raises(GaitInputError) as caught:
        refuse_if_picture_turned(pose.replace(xy_px=xy[:, :, ::-1].copy()), "turned.mp4")  # x and y swapped
    assert caught.value.code == E.PICTURE_TURNED


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


@pytest.mark.parametrize("field, low, high", [("capture_fps", 1.0, 1000.0), ("height_cm", 100.0, 230.0),
                                               ("speed_kmh", 1.0, 40.0)])
def test_the_runners_numbers_outside_their_range_are_refused(field, low, high):
    """A height in metres or a mistyped speed would give an oscillation of 0.1 cm or a stride of 40 m: every
    front end's options (gait.results.Options) refuse them with what to give."""
    from gait.results import OPTION_RANGES, Options

    assert (OPTION_RANGES[field].low, OPTION_RANGES[field].high) == (low, high)
    for value in (low, high, None):
        assert getattr(Options(**{field: value}), field) == value
    for value in (low - 0.01, high + 0.01, float("nan")):
        words = f"give {OPTION_RANGES[field].what}, from {low:g} to {high:g}"
        with pytest.raises(GaitInputError, match=words) as refused:
            Options(**{field: value})
        assert refused.value.code == "bad_option"



def test_a_segment_past_the_end_or_under_1_s_is_refused_with_what_to_choose():
    from gait.pipeline import frame_range
    from gait.results import Options
    from gait.video_io import VideoInfo

    info = VideoInfo(path="clip.mp4", file_fps=30.0, fps=30.0, frame_count=360, width=720, height=1280)  # 12 s
    assert frame_range(info, Options(start_s=2.0, end_s=10.0)) == (60, 300)
    with pytest.raises(GaitInputError, match=r"^the chosen start \(50 s\) is at or after the end of the 12.0 s clip\. "
                                             r"Choose a start before 11.0 s\.$") as refused:
        frame_range(info, Options(start_s=50.0))
    assert refused.value.code == "segment_too_short"
    with pytest.raises(GaitInputError, match=r"segment \(11.5-12.0 s\) is shorter than 1 s") as refused:
        frame_range(info, Options(start_s=11.5))
    assert refused.value.code == "segment_too_short"
    with pytest.raises(GaitInputError, match=r"^the end \(3 s\) must be later than the start \(5 s\)\.$") as refused:
        Options(start_s=5.0, end_s=3.0)
    assert refused.value.code == "bad_option"
