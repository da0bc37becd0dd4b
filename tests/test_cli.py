"""The command line as a user meets it: exit codes, messages, files written."""

import fnmatch
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import numpy as np
import pytest

from gait.report import SCHEMA_PATH, output_name, output_patterns

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "gait", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_not_a_video_is_refused_clearly(tmp_path):
    bad = tmp_path / "my run (1).mp4"
    bad.write_text("this is not a video")
    done = run_cli("analyze", bad, cwd=tmp_path)
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and "could not be read as a video" in last
    assert "Traceback" not in done.stderr


def test_missing_file_and_bad_option(tmp_path):
    done = run_cli("analyze", tmp_path / "nope.mp4", cwd=tmp_path)
    assert done.returncode == 2 and "no such file" in done.stderr
    done = run_cli("analyze", tmp_path / "nope.mp4", "--fps", "-3", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].startswith("error:")
    side = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"
    done = run_cli("analyze", side, "--view", "top", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2 and "--view 'top': give one of side, rear, front per clip" in done.stderr
    assert not (tmp_path / "out").exists()
    done = run_cli("analyze", side, side.parent / ".." / side.parent.name / side.name, "--out", tmp_path / "out",
                   cwd=tmp_path)  # the same clip twice, however written
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1] == (
        "error: 'side_60fps.mp4' given more than once: give each clip of the run once (e.g. gait analyze side.mp4 "
        "rear.mp4).")
    done = run_cli("analyze", side, "--start", "5", "--end", "3", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1] == (
        "error: the end (3 s) must be later than the start (5 s).")
    # a height in metres, a speed mistyped: refused before the pose pass, saying what to give
    for option, value, words in (("--height-cm", "1.75", "height 1.75 cm: give the runner's height in centimetres, "
                                  "from 100 to 230 (e.g. 175 for 1.75 m)"),
                                 ("--speed-kmh", "110", "treadmill speed 110 km/h: give the treadmill speed in km/h, "
                                  "from 1 to 40")):
        done = run_cli("analyze", side, option, value, "--out", tmp_path / "out", cwd=tmp_path)
        assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].startswith(f"error: {words}"), done.stderr
        assert "pose " not in done.stderr and not (tmp_path / "out").exists()
    # a second clip that is not a video: refused before the first clip's pose pass, not after it
    (tmp_path / "rear.mp4").write_text("not a video")
    done = run_cli("analyze", side, tmp_path / "rear.mp4", "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2 and "'rear.mp4' could not be read as a video" in done.stderr, done.stderr
    assert "pose " not in done.stderr and not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_written_is_refused_before_the_pose_pass(tmp_path):
    side = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"
    notes = tmp_path / "notes.txt"
    notes.write_text("the runner's own notes")
    done = run_cli("analyze", side, "--out", notes / "results", "--no-video", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "pose " not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (f"error: {str(notes / 'results')!r} cannot be written to (Not a "
                                                    "directory). Choose another folder with --out.")
    assert notes.read_text() == "the runner's own notes" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_full_disk_while_writing_says_so(tmp_path, monkeypatch, capsys):
    """The output staged, then moved in: a disk that fills up while the files are written leaves the folder
    as it was and says what to do, not 'internal error'."""
    import errno

    import gait.output
    from gait.cli import main

    def full(session, folder):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "report.json"))

    monkeypatch.setattr(gait.output, "write_data_files", full)
    side = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"
    out = tmp_path / "out"
    assert main(["analyze", str(side), "--out", str(out), "--no-video"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("error: '") and "report.json' could not be written (No space left on device). Free some " \
        "space, or choose another folder with --out." in last
    assert list(tmp_path.iterdir()) == []  # no output folder, no staging left


def test_a_write_failure_without_a_file_name_is_not_quoted_as_one():
    """The system may raise a full disk with no file name (a flush, a rename): the message says a file, not a
    file called 'a file'; a read-only drive with its name names it."""
    import errno

    from gait.errors import write_failure

    assert write_failure(OSError(errno.ENOSPC, "No space left on device")) == (
        "a file (the system named none) could not be written (No space left on device)")
    assert write_failure(OSError(errno.EROFS, "Read-only file system", "/media/x/report.pdf")) == (
        "'/media/x/report.pdf' could not be written (Read-only file system)")
    assert write_failure(OSError(errno.ENOENT, "No such file or directory", "x")) is None


def test_truncated_video_is_refused(tmp_path, shared_videos):
    data = (shared_videos / "bad_one_frame.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    done = run_cli("analyze", cut, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'cut.mp4' is cut short" in done.stderr and "copy the video again from the phone" in done.stderr


def test_full_run_writes_valid_report_and_keeps_user_files(tmp_path, shared_videos):
    video = shared_videos / "treadmill_side_male_30fps.mp4"
    done = run_cli("analyze", video, "--out", tmp_path / "out", "--height-cm", "175", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "W0000" not in done.stderr and "I0000" not in done.stderr  # MediaPipe's logs silenced
    assert "\r" not in done.stderr and "frames..." in done.stderr  # captured stderr: lines, not a bar
    out = tmp_path / "out"
    report = json.loads((out / "report.json").read_text())
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text()))
    assert report["view"] == "side" and report["video"]["frame_count"] == 360
    assert report["metrics"]["cadence_spm"]["value"] == pytest.approx(168.6, abs=1.0)
    assert report["metrics"]["vertical_oscillation_cm"]["value"] > 0
    ics = [e for e in report["events"] if e["type"] == "initial_contact"]
    assert {e["side"] for e in ics} == {"left", "right"}
    assert all(abs(e["frame"] - e["time_s"] * 30) <= 0.5 for e in report["events"])
    for name in ("steps.csv", "landmarks.csv", "annotated.mp4", "keyframe_left_contact.png",
                 "keyframe_right_contact.png"):
        assert (out / name).stat().st_size > 0
    import cv2

    cap = cv2.VideoCapture(str(out / "annotated.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 360
    fourcc = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode()
    assert fourcc in ("avc1", "h264")
    ok, frame = cap.read()
    assert ok and np.asarray(frame).std() > 0
    # every file written is one of the output names, and nothing is left from the staging folder
    assert all(any(fnmatch.fnmatch(p.name, pattern) for pattern in output_patterns()) for p in out.iterdir())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # a second run refuses to overwrite without --force, and leaves the files alone
    before = (out / "report.json").read_text()
    again = run_cli("analyze", video, "--out", out, "--no-video", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert "annotated.mp4, keyframe_left_contact.png, keyframe_right_contact.png, landmarks.csv" in again.stderr
    assert (out / "report.json").read_text() == before


def test_gait_command_is_installed():
    """`pip install -e .` (make app / make test) installs the `gait` command next to the venv's python."""
    script = Path(sys.executable).with_name("gait")
    assert script.is_file(), "run: pip install --no-deps -e ."
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: gait ") and "analyze" in done.stdout
    done = subprocess.run([str(script), "analyze", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "--report pdf,html" in done.stdout


def test_report_formats_are_the_documents():
    from gait.cli import build_parser
    from gait.document import FORMATS

    parse = build_parser().parse_args
    assert parse(["analyze", "run.mp4", "--report", "HTML, pdf"]).report == ("html", "pdf")
    assert parse(["analyze", "run.mp4"]).report == ()
    assert set(FORMATS) == {"pdf", "html"}
    with pytest.raises(SystemExit) as exit_:
        parse(["analyze", "run.mp4", "--report", "docx"])
    assert exit_.value.code == 2


def test_unknown_option_shows_the_subcommands_usage_and_o_is_out(capsys):
    from gait.cli import build_parser, main

    with pytest.raises(SystemExit) as exit_:
        main(["analyze", "run.mp4", "-q"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("usage: gait analyze ") and err[-1] == "error: unrecognized arguments: -q"
    with pytest.raises(SystemExit) as exit_:
        main(["history", "list", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("usage: gait history list ") and err[-1] == "error: unrecognized arguments: --bogus"
    parse = build_parser().parse_args
    assert parse(["analyze", "run.mp4", "-o", "out"]).out == Path("out")
    assert parse(["batch", "clips", "-o", "out"]).out == Path("out")
    assert parse(["history", "export", "ana", "-o", "out"]).out == Path("out")


def test_output_names():
    from gait.metronome import metronome_file_name

    assert output_name("keyframe", suffix="_rear", side="left") == "keyframe_rear_left_contact.png"
    assert output_name("video") == "annotated.mp4" and output_name("landmarks", suffix="_rear") == "landmarks_rear.csv"
    assert output_name("metronome", spm=176) == metronome_file_name(176.2)  # the name gait.document writes
    assert set(output_patterns()) == {"report.json", "steps.csv", "landmarks*.csv", "annotated*.mp4",
                                      "keyframe*_*_contact.png", "report.pdf", "report.html", "metronome_*spm.wav"}


@pytest.fixture
def fake_writers(monkeypatch):
    """write_session on a two-clip session with the writers it calls replaced by quick fakes that write
    the real names (the real ones run in test_full_run_writes_valid_report_and_keeps_user_files and
    tests/test_app.py)."""
    from gait import document, output, rendering

    side, rear = SimpleNamespace(view="side"), SimpleNamespace(view="rear")
    session = SimpleNamespace(clips=(side, rear), primary=side)

    def data_files(session, out_dir):
        paths = {key: out_dir / output_name(key) for key in ("report", "steps")}
        for suffix in ("", "_rear"):
            paths[f"landmarks{suffix}"] = out_dir / output_name("landmarks", suffix=suffix)
        for path in paths.values():
            path.write_text("new")
        return paths

    def key_frames(clip, folder, suffix="", blur_face=False):
        written = {}
        for side in ("left", "right"):
            written[f"keyframe_{side}"] = folder / output_name("keyframe", suffix=suffix, side=side)
            written[f"keyframe_{side}"].write_text("new")
        return written

    def annotated(clip, video_path, key_frame_dir, progress, key_frame_suffix="", blur_face=False, **_):
        video_path.write_text("new")
        progress(1, 1)
        return {"video": video_path}

    def documents(session, out_dir, formats, runner_name=None, before_after=None):
        if runner_name == "fail":
            raise ValueError("cannot")
        (out_dir / "metronome_176spm.wav").write_text("new")
        written = {"metronome_176spm": out_dir / "metronome_176spm.wav"}
        for f in formats:
            written[f] = out_dir / output_name(f"report_{f}")
            written[f].write_text(runner_name or "")
        return written

    monkeypatch.setattr(output, "write_data_files", data_files)
    monkeypatch.setattr(rendering, "write_annotated", annotated)
    monkeypatch.setattr(rendering, "write_key_frames", key_frames)
    monkeypatch.setattr(document, "write_documents", documents)
    return session


def test_write_session_writes_every_file_by_name(tmp_path, fake_writers):
    from gait.output import write_session

    calls = []
    out = tmp_path / "new" / "out"
    files = write_session(fake_writers, out, formats=("pdf", "html"), runner_name="Ada",
                          progress=lambda *call: calls.append(call))
    assert files.session == {"report": out / "report.json", "steps": out / "steps.csv",
                             "metronome_176spm": out / "metronome_176spm.wav", "report_pdf": out / "report.pdf",
                             "report_html": out / "report.html"}
    assert files.clips == (
        {"video": out / "annotated.mp4", "keyframe_left": out / "keyframe_left_contact.png",
         "keyframe_right": out / "keyframe_right_contact.png", "landmarks": out / "landmarks.csv"},
        {"video": out / "annotated_rear.mp4", "keyframe_left": out / "keyframe_rear_left_contact.png",
         "keyframe_right": out / "keyframe_rear_right_contact.png", "landmarks": out / "landmarks_rear.csv"})
    assert sorted(out.iterdir()) == sorted(files.paths) and files.document_error is None
    assert calls == [(1, "report", 0, 1), (0, "video", 1, 1), (1, "video", 1, 1)]  # the results before the videos
    assert (out / "report.html").read_text() == "Ada"
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["out"]  # the staging folder is gone
    no_video = write_session(fake_writers, tmp_path / "data", video=False)
    assert set(no_video.session) == {"report", "steps"} and [set(c) for c in no_video.clips] == [{"landmarks"}] * 2


def test_an_output_folder_named_as_long_as_the_file_system_allows_is_written(tmp_path, fake_writers):
    """The default output folder is the clip's name without its extension: a clip named with 255 bytes had its
    analysis end in an internal error ("File name too long") when its files were staged beside that folder."""
    from gait.output import write_session

    out = tmp_path / ("Läufer " + "R" * 240)  # 247 characters, 248 bytes
    assert len(out.name.encode()) == 248
    files = write_session(fake_writers, out, video=False)
    assert sorted(out.iterdir()) == sorted(files.paths) and [p.name for p in tmp_path.iterdir()] == [out.name]


def test_write_session_failing_half_way_replaces_nothing(tmp_path, fake_writers):
    from gait.output import write_session

    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("old")
    (out / "mine.txt").write_text("the user's")
    with pytest.raises(ValueError):
        write_session(fake_writers, out, formats=("pdf",), runner_name="fail")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt", "report.json"]
    assert (out / "report.json").read_text() == "old"
    # with the documents optional (the app): the other files are written and the error is returned
    files = write_session(fake_writers, out, formats=("pdf",), runner_name="fail", documents_optional=True)
    assert isinstance(files.document_error, ValueError) and "report_pdf" not in files.session
    assert (out / "report.json").read_text() == "new" and (out / "mine.txt").read_text() == "the user's"


def test_an_earlier_analysis_files_are_replaced_or_removed_and_the_users_kept(tmp_path, fake_writers):
    """What `--force` does: the folder ends with one analysis's files. An earlier run's video, key frames,
    report and metronome at another cadence, which this run does not write, would otherwise sit beside the
    new report.json describing another clip."""
    from gait.output import write_session

    out = tmp_path / "out"
    out.mkdir()
    earlier = ("report.json", "report.pdf", "report.html", "annotated.mp4", "annotated_rear.mp4",
               "keyframe_left_contact.png", "keyframe_rear_right_contact.png", "metronome_170spm.wav",
               "landmarks.csv")
    for name in earlier:
        (out / name).write_text("old")
    (out / "mine.txt").write_text("the user's")
    files = write_session(fake_writers, out, video=False)
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in files.paths), "mine.txt"])
    assert not {"report.pdf", "annotated.mp4", "metronome_170spm.wav"} & {p.name for p in out.iterdir()}
    assert (out / "report.json").read_text() == "new" and (out / "mine.txt").read_text() == "the user's"
    files = write_session(fake_writers, out, formats=("pdf",))
    assert sorted(p.name for p in out.iterdir()) == sorted([*(p.name for p in files.paths), "mine.txt"])
    assert "metronome_176spm.wav" in {p.name for p in out.iterdir()} and (out / "annotated.mp4").read_text() == "new"


@pytest.mark.parametrize("stage", ["pose", "video"])
def test_a_stopped_run_says_what_the_folder_holds_and_leaves_no_staging_folder(tmp_path, stage):
    """`kill` (SIGTERM), as Ctrl-C: during the pose pass nothing is written; during the annotated video the
    results are in the folder and the message says so (it said "nothing was replaced"). Exit status 130,
    no native abort, no hidden staging folder left (a SIGTERM left one before)."""
    import signal
    import time

    out = tmp_path / "out"
    args = [sys.executable, "-m", "gait", "analyze", str(SAMPLE), "--out", str(out), "--video-size", "full",
            *(["--no-pose-cache"] if stage == "pose" else [])]
    if stage == "video":  # the pose from the cache, so that the drawing is reached quickly
        assert subprocess.run([*args, "--no-video"], capture_output=True, timeout=600).returncode == 0
        args.append("--force")
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as stderr:
        run = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path)
        deadline = time.monotonic() + 300
        while f"{stage} side_60fps.mp4" not in errors.read_text() and run.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        run.send_signal(signal.SIGTERM)
        status = run.wait(timeout=120)
    said = errors.read_text()
    assert status == 130, said
    assert "terminate called" not in said and "Traceback" not in said and "FATAL" not in said
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    if stage == "pose":
        assert said.strip().splitlines()[-1] == "error: interrupted; nothing was replaced in the output folder."
        assert not out.exists()
    else:
        assert f"error: interrupted; the results are in {str(out)!r} without the annotated video" in said
        assert (out / "report.json").is_file() and not (out / "annotated.mp4").exists()


def test_the_summary_says_whether_a_left_right_difference_exceeds_its_uncertainty(capsys):
    from gait.catalogue import empty_summary
    from gait.cli import _print_summary

    asymmetry = empty_summary("%")
    asymmetry.update(value=-8.7, n=10, ci95_low=-14.26, ci95_high=-3.1, exceeds_uncertainty=False)
    metrics = {"contact_time_asymmetry_pct": asymmetry}
    _print_summary(SimpleNamespace(clips=(), metrics=metrics, warnings=[], primary=SimpleNamespace(view="side")))
    lines = capsys.readouterr().out.splitlines()
    title = next(i for i, line in enumerate(lines) if "-8.7%" in line)
    assert "95 % interval -14.3 to -3.1%, within the measurement's uncertainty" in lines[title + 1]
    asymmetry.update(exceeds_uncertainty=True)
    _print_summary(SimpleNamespace(clips=(), metrics=metrics, warnings=[], primary=SimpleNamespace(view="side")))
    assert "beyond the measurement's uncertainty" in capsys.readouterr().out


def test_progress_labels_show_a_long_clip_name_by_its_start_and_end(tmp_path):
    """A clip name longer than a label's room keeps its start and its end (where takes differ), in the pose
    and the video progress lines; a short one is shown whole."""
    import shutil

    from gait.cli.analyze import LABEL_NAME_CHARS, clip_label

    long_name = "label_no_overstride__M_Running_2.mp4"
    label = clip_label(long_name)
    assert label == "label_no_overs...M_Running_2.mp4" and len(label) == LABEL_NAME_CHARS
    assert clip_label("side_60fps.mp4") == "side_60fps.mp4" and clip_label("x" * 32) == "x" * 32
    assert all(len(clip_label("y" * n)) == LABEL_NAME_CHARS for n in range(33, 40))
    clip = tmp_path / long_name
    shutil.copy(Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4", clip)
    done = run_cli("analyze", clip, "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"pose {label}: 540 frames..." in done.stderr and f"video {label}: 540 frames..." in done.stderr
