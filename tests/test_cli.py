"""The command line as a user meets it: exit codes, messages, files written."""

import json
import subprocess
import sys

import jsonschema
import numpy as np
import pytest

from gait.report import SCHEMA_PATH


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


def test_truncated_video_is_refused(tmp_path, shared_videos):
    data = (shared_videos / "bad_one_frame.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    done = run_cli("analyze", cut, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr


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
    # a second run refuses to overwrite without --force, and leaves the files alone
    before = (out / "report.json").read_text()
    again = run_cli("analyze", video, "--out", out, "--no-video", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert (out / "report.json").read_text() == before
