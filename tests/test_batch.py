"""`gait batch`: sessions found in files, folders and manifests; one Dask task per session writing what
`gait analyze` writes; resumable; failures recorded; the summary and overview tables."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from gait.batch import (
    MARKER,
    SUMMARY_NAMES,
    BatchSettings,
    ClipJob,
    SessionJob,
    find_sessions,
    pair_pattern,
    write_tables,
)
from gait.batch.session import run_session
from gait.catalogue import CATALOGUE
from gait.errors import GaitInputError
from gait.output import SessionFiles
from gait.pipeline import Options, analyze
from gait.pose_cache import PoseCache

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_videos"
SAMPLE_PAIR = r"(side|rear)_(?P<session>\d+fps)\.mp4"  # side_60fps.mp4 + rear_60fps.mp4: session "60fps"
SHARED_GOOD = "label_no_overstride__M_Running_2.mp4"  # 4 s of side-view running, analysed in seconds
SHARED_BAD = "bad_one_frame.mp4"


def run_cli(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "gait", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=900, env={**os.environ, **(env or {})})


def touch(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_sessions_from_folders_files_and_pairs(tmp_path):
    archive = tmp_path / "archive"
    for name in ("anna/v1_side.mp4", "anna/v1_rear.MOV", "anna/v2_side.mp4", "bob/v1_side.mp4", "bob/notes.txt",
                 ".hidden/x_side.mp4", "anna/.x_rear.mp4"):
        touch(archive / name)
    out = archive / "results"  # the batch's own output inside an input folder is not an input
    touch(out / "anna/v1/annotated.mp4")
    loose = touch(tmp_path / "loose" / "run.webm")
    jobs = find_sessions([archive, loose], out, pair_pattern(r"(?P<session>.+)_(side|rear)\.\w+$"))
    assert [(j.name, [Path(p).relative_to(tmp_path).as_posix() for p in j.paths]) for j in jobs] == [
        ("anna/v1", ["archive/anna/v1_rear.MOV", "archive/anna/v1_side.mp4"]),
        ("anna/v2", ["archive/anna/v2_side.mp4"]),
        ("bob/v1", ["archive/bob/v1_side.mp4"]),
        ("run", ["loose/run.webm"]),
    ]
    assert all(Path(p).is_absolute() for j in jobs for p in j.paths)  # as workers elsewhere open them
    # without a pattern every clip is a session; a clip given twice is analysed once
    jobs = find_sessions([archive / "anna", archive / "anna/v2_side.mp4"], out)
    assert [j.name for j in jobs] == ["v1_rear", "v1_side", "v2_side"]
    # the same name from two inputs gets a number
    touch(tmp_path / "other/v2_side.mp4")
    assert [j.name for j in find_sessions([archive / "anna", tmp_path / "other"], out)][-2:] == ["v2_side",
                                                                                                  "v2_side_2"]
    with pytest.raises(GaitInputError) as missing:
        find_sessions([tmp_path / "nope"], out)
    assert missing.value.code == "no_such_file"
    with pytest.raises(ValueError, match="session"):
        pair_pattern(r"(.+)_side\.mp4")


def test_sessions_from_a_manifest(tmp_path):
    manifest = touch(tmp_path / "clips" / "manifest.csv", "\n".join([
        "Path,runner,date,view,fps,height,speed",
        "anna_side.mp4,Anna,2024-05-01,side,120,168,11.5",
        "anna_rear.mp4,Anna,2024-05-01,rear,,,",
        "/data/bob.mp4,Bob,,,,,",
        "",
    ]))
    jobs = find_sessions([manifest], tmp_path / "out")
    assert [(j.name, j.runner, j.date, len(j.clips)) for j in jobs] == [
        ("Anna/2024-05-01", "Anna", "2024-05-01", 2), ("bob", "Bob", None, 1)]
    side, rear = jobs[0].clips
    assert side == ClipJob(str(tmp_path / "clips" / "anna_side.mp4"),
                           Options(capture_fps=120.0, view="side", height_cm=168.0, speed_kmh=11.5))
    assert rear.options == Options(view="rear") and jobs[1].paths == ["/data/bob.mp4"]
    for bad, words in (("path,speed\nx.mp4,fast\n", "speed 'fast'"), ("path,view\nx.mp4,top\n", "view 'top'"),
                       ("file,runner\nx.mp4,A\n", "needs 'path'"), ("path,colour\nx.mp4,red\n", "colour"),
                       ("path,height\nx.mp4,1.8\n", "manifest.csv line 2: height 1.8 cm: give the runner's height in "
                        "centimetres")):
        touch(manifest, bad)
        with pytest.raises(GaitInputError, match=words) as refused:
            find_sessions([manifest], tmp_path / "out")
        assert refused.value.code == "bad_option"


def test_batch_options_are_checked(tmp_path, capsys):
    from gait.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["batch", str(tmp_path), "--out", str(tmp_path / "out"), "--pair-by", "(.+)_side"])
    assert exit_.value.code == 2 and "no group named session" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o"), "--scheduler", "tcp://h:8786",
                 "--workers", "2"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("error: --workers")
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "out")]) == 2  # an empty folder
    assert "no video files" in capsys.readouterr().err


def test_a_session_is_skipped_when_done_for_the_same_content_and_settings(tmp_path, monkeypatch):
    """run_session around a fake analysis: the done-marker, skipping, redoing, and recording failures."""
    import gait.output

    calls, caches = [], []

    def fake_analyze_and_write(videos, options, out_dir, *, formats=(), video=True, cache=None, **_):
        calls.append(list(videos))
        caches.append(cache)
        if Path(videos[0]).read_text() == "refused":
            raise GaitInputError("'clip.mp4' is refused, as the command says.", "too_short")
        if Path(videos[0]).read_text() == "crash":
            raise RuntimeError("a bug")
        out_dir.mkdir(parents=True, exist_ok=True)
        names = ["report.json", "steps.csv"] + (["annotated.mp4"] if video else [])
        for name in names:
            (out_dir / name).write_text(Path(videos[0]).read_text())
        return None, SessionFiles(session={n: out_dir / n for n in names}, clips=())

    monkeypatch.setattr(gait.output, "analyze_and_write", fake_analyze_and_write)
    clip = touch(tmp_path / "clip.mp4", "first")
    job = SessionJob("anna/v1", (ClipJob(str(clip)),))
    folder = tmp_path / "out" / "anna" / "v1"
    first = run_session(job, str(tmp_path / "out"), BatchSettings())
    assert (first.status, first.skipped, first.files) == ("done", False, ("annotated.mp4", "report.json",
                                                                          "steps.csv"))
    marker = json.loads((folder / MARKER).read_text())
    assert marker["status"] == "done" and len(marker["fingerprint"]["clips"][0]["sha256"]) == 64
    again = run_session(job, str(tmp_path / "out"), BatchSettings())
    assert (again.status, again.skipped) == ("done", True) and len(calls) == 1
    # other settings: analysed again (the earlier run's video is removed by the writer, gait.output: test_cli)
    no_video = run_session(job, str(tmp_path / "out"), BatchSettings(video=False))
    assert not no_video.skipped and len(calls) == 2 and no_video.files == ("report.json", "steps.csv")
    # a missing output file, --force, or other content: analysed again
    (folder / "steps.csv").unlink()
    assert not run_session(job, str(tmp_path / "out"), BatchSettings(video=False)).skipped
    assert not run_session(job, str(tmp_path / "out"), BatchSettings(video=False, force=True)).skipped
    # the pose from the machine's pose cache, unless --no-pose-cache
    assert not run_session(job, str(tmp_path / "out"), BatchSettings(video=False, force=True, pose_cache=False)).skipped
    assert isinstance(caches[0], PoseCache) and caches[-1] is None
    clip.write_text("refused")
    failed = run_session(job, str(tmp_path / "out"), BatchSettings(video=False))
    assert (failed.status, failed.code, failed.message) == ("failed", "too_short",
                                                            "'clip.mp4' is refused, as the command says.")
    assert len(calls) == 6
    # a refusal is recorded: the same clip is not tried again; a fault is not recorded: it is
    assert run_session(job, str(tmp_path / "out"), BatchSettings(video=False)).skipped and len(calls) == 6
    clip.write_text("crash")
    for _ in range(2):
        crashed = run_session(job, str(tmp_path / "out"), BatchSettings(video=False))
        assert (crashed.status, crashed.code, crashed.skipped) == ("failed", "internal_error", False)
    assert len(calls) == 8 and "RuntimeError: a bug" in crashed.message


def test_sessions_analysed_are_saved_to_the_history(tmp_path):
    from gait.batch import Outcome
    from gait.batch.cluster import save_to_history
    from gait.history import History, NewSession

    report = {"view": "side", "metrics": {"cadence_spm": {"value": 170.0, "left": None, "right": None, "sd": 2.0,
                                                          "n": 20, "unit": "steps/min"}}}
    jobs = [SessionJob("anna/1", (ClipJob("/a.mp4"),), runner="Anna", date="2024-05-01"),
            SessionJob("b", (ClipJob("/b.mp4"),)), SessionJob("bob/x", (ClipJob("/c.mp4"),), runner="Bob", date="May"),
            SessionJob("anna/0", (ClipJob("/d.mp4"),), runner="Anna", date="2024-04-01")]
    outcomes = {"anna/1": Outcome("anna/1", "done", record=NewSession(report=report, filmed_on="2024-05-01")),
                "b": Outcome("b", "done"),
                "bob/x": Outcome("bob/x", "done", record=NewSession(report, filmed_on="May")),
                "anna/0": Outcome("anna/0", "done", skipped=True)}
    lines = save_to_history(History(tmp_path / "h.sqlite3"), jobs, outcomes)
    assert "1 session(s) saved; 1 without a runner not saved" in lines[0]
    assert lines[1:] == ("  saved to the history: anna/1 as session 1 of Anna",
                         "  not saved to the history: bob/x: 'May' is not a date: give it as YYYY-MM-DD.")
    with History(tmp_path / "h.sqlite3") as history:
        assert [(s.runner, s.filmed_on) for s in history.sessions()] == [("Anna", "2024-05-01")]


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


def _comparable(report: dict) -> dict:
    """report.json less what differs between two runs of the same clips: where the clip was and the versions."""
    report = {k: v for k, v in report.items() if k != "versions"}
    report["video"] = {k: v for k, v in report["video"].items() if k != "path"}
    if "clips" in report:
        report["clips"] = [_comparable(c) for c in report["clips"]]
    return report


def _tables_of(reports: dict[str, dict], folder: Path) -> pd.DataFrame:
    """The batch tables written in ``folder`` for sessions done whose report.json are ``reports`` (by session
    name); summary.csv read back, by session."""
    from gait.batch.session import DONE, Outcome

    for name, content in reports.items():
        touch(folder / name / "report.json", json.dumps(content))
    jobs = [SessionJob(name, (ClipJob(str(folder / f"{name}.mp4")),)) for name in reports]
    write_tables(jobs, {name: Outcome(name, DONE) for name in reports}, folder)
    return pd.read_csv(folder / "summary.csv").set_index("session")


def test_the_summary_marks_cues_on_measures_not_validated_as_the_report_does(tmp_path):
    """A cue from a measure whose method is not validated (the pose model's hip adduction) is marked in the
    summary, the cue overview and overview.md as in the session's report; the same cue from stickers is not."""
    from gait.document import build_content
    from gait.measured_error import frontal_error

    def report(method: str, cadence: float) -> dict:
        value = {"left": 14.0, "right": 14.0, "sd": 1.0, "n": 10, "unit": "deg", "value": 14.0}
        return {"view": "rear", "metrics": {"hip_adduction_deg": value, "cadence_spm": {
                    "value": cadence, "left": None, "right": None, "sd": None, "n": 10, "unit": "steps/min"}},
                "quality": {"frontal_method": {"hip_adduction_deg": method},
                            "frontal_error": {"hip_adduction_deg": frontal_error("hip_adduction_deg", method)}}}

    reports = {"points": report("keypoints", 160.0), "stickers": report("markers", 175.0)}
    assert [c.title for c in build_content(reports["points"]).cues][-1].endswith("(not validated)")
    summary = _tables_of(reports, tmp_path)
    assert summary.loc["points", "cues"] == "cadence;hip_adduction (not validated)"
    assert summary.loc["stickers", "cues"] == "hip_adduction"
    cues = pd.read_csv(tmp_path / "overview_cues.csv").set_index("cue")
    assert cues.loc["hip_adduction", ["n_flagged", "n_not_validated", "sessions"]].tolist() == [
        2, 1, "points (not validated);stickers"]
    assert cues.loc["cadence", ["n_flagged", "n_not_validated", "sessions"]].tolist() == [1, 0, "points"]
    overview = (tmp_path / "overview.md").read_text()
    assert "| 2 of 2 (1 not validated) | points (not validated), stickers |" in overview


def test_the_overview_leaves_out_values_whose_method_is_not_validated_for_their_session(tmp_path):
    """Hip adduction from the pose model's points, whose measured error misses the bar, is the row's only
    kind of value, and the row says so; an earlier version's rear clip's contact time (timed from the
    pelvis) is not given again, and the side clips' are the statistics."""
    def measure(value: float, unit: str) -> dict:
        return {"value": value, "left": value, "right": value, "sd": 1.0, "n": 10, "unit": unit}

    def report(view: str, contact_ms: float, adduction_deg: float | None = None) -> dict:
        metrics = {"ground_contact_time_ms": measure(contact_ms, "ms")}
        if adduction_deg is None:
            return {"view": view, "metrics": metrics}
        metrics["hip_adduction_deg"] = measure(adduction_deg, "deg")
        error = {"mean_error": -0.7, "sd_error": 7.6, "largest_error": 22.3, "n": 24, "unit": "deg", "validated": False}
        return {"view": view, "metrics": metrics, "quality": {"frontal_error": {"hip_adduction_deg": error}}}

    # a session an earlier version did: its pelvic drop from the pose model's points is not given now
    earlier = report("rear", 160.0)
    earlier["metrics"]["pelvic_drop_deg"] = measure(7.0, "deg")
    summary = _tables_of({"side_a": report("side", 280.0), "side_b": report("side", 300.0),
                          "rear": report("rear", 155.0, 4.0)}, tmp_path)
    assert _tables_of({"earlier": earlier}, tmp_path / "earlier")["pelvic_drop_deg"].isna().all()
    assert summary.loc["rear", "not_validated"] == "hip_adduction_deg"
    assert pd.isna(summary.loc["rear", "ground_contact_time_ms"])
    assert summary.loc["side_a", "ground_contact_time_ms"] == 280
    assert summary["not_validated"].isna().sum() == 2  # nothing left out of the side sessions
    overview = pd.read_csv(tmp_path / "overview.csv").set_index("metric")
    columns = ["n_sessions", "n_not_validated", "only_not_validated", "mean", "min", "max"]
    assert overview.loc["ground_contact_time_ms", columns].tolist() == [2, 0, False, 290.0, 280.0, 300.0]
    assert overview.loc["hip_adduction_deg", columns].tolist() == [1, 1, True, 4.0, 4.0, 4.0]
    text = (tmp_path / "overview.md").read_text()
    assert "| Ground contact time (`ground_contact_time_ms`) | ms | 2 | 290.0 |" in text
    assert "| Hip adduction (2D) (`hip_adduction_deg`) | deg | 1 (not validated) | 4.00 |" in text


def test_the_summary_marks_borderline_cues_as_the_report_does(tmp_path):
    """A straight knee at landing read 13.5 deg (within the measure's 2.62 deg measured error of the 15 deg
    threshold) is a borderline observation in the report, the summary, the cue overview and overview.md;
    read 8 deg, a cue."""
    from gait.document import build_content

    def report(knee: float) -> dict:
        value = {"left": knee, "right": knee, "sd": 1.0, "n": 10, "unit": "deg", "value": knee}
        return {"view": "side", "metrics": {"knee_flexion_at_contact_deg": value}}

    reports = {"near": report(13.5), "clear": report(8.0)}
    assert [c.title for c in build_content(reports["near"]).cues] == ["Straight knee at landing (borderline)"]
    summary = _tables_of(reports, tmp_path)
    assert summary.loc["near", "cues"] == "knee_straight_at_contact (borderline)"
    assert summary.loc["clear", "cues"] == "knee_straight_at_contact"
    cues = pd.read_csv(tmp_path / "overview_cues.csv").set_index("cue")
    assert cues.loc["knee_straight_at_contact", ["n_flagged", "n_not_validated", "n_borderline", "sessions"]
                    ].tolist() == [2, 0, 1, "near (borderline);clear"]
    assert "| 2 of 2 (1 borderline) | near (borderline), clear |" in (tmp_path / "overview.md").read_text()


def test_the_local_cluster_has_a_worker_per_core_at_most_one_per_session():
    from gait.batch.cluster import local_workers

    assert local_workers(None, 10, 2) == (2, None) and local_workers(4, 10, 8) == (4, None)
    assert local_workers(None, 1, 8) == (1, None)  # one session: one worker, not eight loading the analysis
    n, note = local_workers(64, 3, 2)  # '--workers 64' on two cores started 64 processes for 3 sessions
    assert n == 3 and note is not None and "3 worker processes on 2 cores take turns on them" in note


def test_batch_on_a_local_cluster_matches_the_command_line(tmp_path, cluster):
    """The samples (as one side + rear session) and, when the shared clips are there, a short real clip and a
    one-frame file: on a LocalCluster of 2 worker processes each session's report.json is the single-process
    `gait analyze` one, the bad clip is recorded with its message, one summary row per session; then a second
    run (on the command's own local cluster) skips everything."""
    shared = REPO.parent / "shared" / "videos"
    inputs = [SAMPLES / "side_60fps.mp4", SAMPLES / "rear_60fps.mp4"]
    if (shared / SHARED_GOOD).is_file() and (shared / SHARED_BAD).is_file():
        inputs += [shared / SHARED_GOOD, shared / SHARED_BAD]
        good, bad = {"60fps": inputs[1::-1], "label_no_overstride__M_Running_2": [inputs[2]]}, inputs[3]
    else:  # without the shared clips: the samples, and a file that is not a video
        bad = touch(tmp_path / "clips" / "bad_one_frame.mp4", "not a video")
        inputs.append(bad)
        good = {"60fps": inputs[1::-1]}
    out = tmp_path / "batch"
    done = run_cli("batch", *inputs, "--out", out, "--pair-by", SAMPLE_PAIR, "--no-video", "--no-pose-cache",
                   "--scheduler", cluster.scheduler_address, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "on the cluster at tcp://" in done.stderr
    sessions = [*good, "bad_one_frame"]

    # the command line's single-process run of the same clips: the same report.json, or the same refusal
    summary = pd.read_csv(out / "summary.csv").set_index("session")
    analysed = []
    for name, clips in good.items():
        reference = run_cli("analyze", *clips, "--out", tmp_path / "cli" / name, "--no-video", cwd=tmp_path,
                            env={"GAIT_POSE_WORKERS": "1"})
        assert reference.returncode in (0, 2), reference.stderr
        if reference.returncode == 2:  # refused by the analysis as it is now: refused alike in the batch
            message = reference.stderr.strip().splitlines()[-1].removeprefix("error: ")
            assert (summary.loc[name, "status"], summary.loc[name, "message"]) == ("failed", message)
            continue
        analysed.append(name)
        expected = json.loads((tmp_path / "cli" / name / "report.json").read_text())
        assert _comparable(json.loads((out / name / "report.json").read_text())) == _comparable(expected)
        assert summary.loc[name, "status"] == "done" and not (out / name / "annotated.mp4").exists()
        assert summary.loc[name, "cadence_spm"] == pytest.approx(expected["metrics"]["cadence_spm"]["value"])
    assert analysed, "no session analysed: the comparison with the command line needs one"
    if "60fps" in analysed:
        assert summary.loc["60fps", "views"] == "rear+side"
    # the bad clip: the command's exit-2 message and the refusal's code, as they are
    refused = run_cli("analyze", bad, "--out", tmp_path / "cli" / "bad", "--no-video", cwd=tmp_path)
    assert refused.returncode == 2
    with pytest.raises(GaitInputError) as refusal:
        analyze(str(bad))
    row = summary.loc["bad_one_frame"]
    assert (row["status"], row["code"]) == ("failed", refusal.value.code)
    assert row["message"] == refused.stderr.strip().splitlines()[-1].removeprefix("error: ") == str(refusal.value)
    assert list(summary.index) == sessions and list(pd.read_parquet(out / "summary.parquet")["session"]) == sessions
    overview = pd.read_csv(out / "overview.csv")
    assert list(overview["metric"]) == sorted((s.key for s in CATALOGUE), key=list(overview["metric"]).index)
    assert set(overview["metric"]) == {s.key for s in CATALOGUE}
    assert overview.set_index("metric").loc["cadence_spm", "n_sessions"] == len(analysed)
    assert "## Failed sessions" in (out / "overview.md").read_text()
    assert all((out / name).is_file() for name in SUMMARY_NAMES)
    assert not [p for p in out.rglob(".*")]  # no staging folder or temporary file left

    # a second run skips every session, failed ones included, and changes no file
    written = {p: p.stat().st_mtime_ns for name in sessions for p in (out / name).iterdir()}
    again = run_cli("batch", *inputs, "--out", out, "--pair-by", SAMPLE_PAIR, "--no-video", "--workers", "2",
                    cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    failed = len(sessions) - len(analysed)
    assert f"0 analysed, {len(analysed)} done before (skipped), {failed} failed ({failed} of them before)" \
        in again.stdout
    assert {p: p.stat().st_mtime_ns for p in written} == written
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["session"]) == sessions and summary["skipped"].all()


def test_a_batch_whose_every_session_failed_exits_2_with_the_summary_written(tmp_path):
    """A script running `gait batch` learns that nothing could be analysed from the exit status (2, as `gait
    analyze` refusing its clip), with each session's reason in the summary (with a session analysed it is 0:
    test_batch_on_a_local_cluster_matches_the_command_line)."""
    clips = [touch(tmp_path / "clips" / name, "not a video") for name in ("a.mp4", "b.mp4")]
    out = tmp_path / "batch"
    failed = run_cli("batch", *clips, "--out", out, "--no-video", "--workers", "1", cwd=tmp_path)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert failed.stderr.strip().splitlines()[-1] == ("error: no session could be analysed: the summary above "
                                                      "says why for each.")
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary["status"]) == ["failed", "failed"] and set(summary["code"]) == {"not_a_video"}
