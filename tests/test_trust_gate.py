"""The trust gate: every refusal and warning carries a stable reason code; bad files are refused or
analysed in part, never an internal error."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from gait import errors as E
from gait.errors import GaitInputError, GaitWarning, warning_record, warning_text
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
