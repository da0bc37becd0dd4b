"""The run history against real SQLite files: schema creation and migration of a committed version-1 file,
concurrent writers in separate processes, damaged, foreign and newer files refused untouched, transactions,
export (CSV, JSON) and delete; the smallest detectable changes and their sources; the before/after section
of the report; and, end to end, the command line and the app's History page comparing the side sample with
a faster-cadence re-render of it."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gait.history import (
    BEYOND,
    NOT_COMPARABLE,
    NOT_MEASURED,
    SCHEMA_VERSION,
    WITHIN,
    ClipRecord,
    History,
    HistoryError,
    NewSession,
    SessionPoint,
    compare,
    history_path,
    smallest_detectable_change,
)
from gait.history.compare import trend_keys
from gait.history.database import HISTORY_DAMAGED, HISTORY_NEWER, HISTORY_NOT_OURS
from gait.history.schema import APPLICATION_ID
from tests.conftest import REPO

DATA = Path(__file__).with_name("data")
V1_FILE = DATA / "history_v1.sqlite3"
DOMAIN = REPO.parent / "shared" / "DOMAIN.md"
PNG = b"\x89PNG\r\n\x1a\nkey-frame-bytes-of-the-runner"


def _summary(value, unit="steps/min", n=14):
    return {"value": value, "left": value, "right": value, "sd": 1.0, "n": n, "unit": unit}


def _report(view="side", cadence=168.0, knee=20.0, **extra):
    metrics = {"cadence_spm": _summary(cadence)}
    if view == "side":
        metrics["knee_flexion_at_contact_deg"] = _summary(knee, "deg")
    metrics.update(extra)
    return {"view": view, "metrics": metrics, "runner": {"height_cm": 175.0}}


def _session(view="side", cadence=168.0, filmed_on="2026-01-05", key_frame=PNG, **extra):
    clip = ClipRecord(f"{view}.mp4", view, "ab" * 32, {"fps": 60.0}, {"left": key_frame} if key_frame else {})
    return NewSession(report=_report(view, cadence, **extra), clips=(clip,), filmed_on=filmed_on)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "gait", *map(str, args)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})}, cwd=cwd)


# ---- where the file is, and its schema ----------------------------------------------------------------

def test_the_file_is_in_the_data_folder_unless_an_option_or_the_environment_says(monkeypatch, tmp_path):
    monkeypatch.delenv("GAIT_HISTORY_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert history_path() == tmp_path / "data" / "gait" / "history.sqlite3"
    monkeypatch.setenv("GAIT_HISTORY_DB", str(tmp_path / "env.sqlite3"))
    assert history_path() == tmp_path / "env.sqlite3"
    assert history_path(tmp_path / "option.sqlite3") == tmp_path / "option.sqlite3"


def test_a_new_file_gets_the_latest_schema(tmp_path):
    path = tmp_path / "new" / "history.sqlite3"
    with History(path) as history:
        assert history.schema_version == SCHEMA_VERSION == 2
        assert history.runners() == []
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert tables == {"runners", "sessions", "clips", "key_frames", "exported_files", "metric_values"}
    columns = {r[1] for r in db.execute("PRAGMA table_info(metric_values)")}
    assert "method" in columns


def test_reading_a_missing_file_creates_nothing(tmp_path):
    path = tmp_path / "none.sqlite3"
    with History(path, create=False) as history:
        assert history.runners() == [] and history.sessions() == []
        with pytest.raises(HistoryError):
            history.session(1)
    assert not path.exists()


def test_the_committed_version_1_file_is_migrated_to_version_2(tmp_path):
    path = tmp_path / "history.sqlite3"
    shutil.copyfile(V1_FILE, path)
    before = sqlite3.connect(path)
    assert before.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "method" not in {r[1] for r in before.execute("PRAGMA table_info(metric_values)")}
    rows_v1 = before.execute("SELECT session_id, metric, value, category, n FROM metric_values "
                             "ORDER BY 1, 2").fetchall()
    before.close()

    with History(path) as history:
        assert history.schema_version == 2
        (runner,) = history.runners()
        assert (runner.name, runner.height_cm, runner.sessions) == ("Fixture Runner", 170.0, 3)
        s1, s2, s3 = history.sessions("fixture runner")
        # the measuring method of each value, back-filled from the clips' views
        assert s1.methods["cadence_spm"] == "keypoints/side"
        assert s2.methods["cadence_spm"] == "keypoints/side" and s2.methods["pelvic_drop_deg"] == "keypoints/rear"
        assert s3.methods["cadence_spm"] == "keypoints/rear"
        assert s1.methods["pelvic_drop_deg"] == ""  # not measured
        # the data is unchanged
        assert s1.metrics["cadence_spm"]["value"] == 165.0 and s1.metrics["foot_strike_pattern"]["value"] == "rearfoot"
        assert [f.png[:8] for f in history.key_frames(s1.id)] == [b"\x89PNG\r\n\x1a\n"]
        assert s1.files == [("report", "/elsewhere/run1/report.json")]
        # the side and the rear session's cadences are measured differently: not compared
        change = compare(SessionPoint.of_stored(s1), SessionPoint.of_stored(s3)).change("cadence_spm")
        assert change.verdict == NOT_COMPARABLE and "side view" in change.reason and "rear view" in change.reason
        # a session saved after the migration
        history.save("Fixture Runner", _session(filmed_on="2026-01-05"))
    db = sqlite3.connect(path)
    assert db.execute("SELECT runner_id FROM exported_files").fetchall() == [(1,)]  # back-filled
    rows_v2 = db.execute("SELECT session_id, metric, value, category, n FROM metric_values WHERE session_id <= 3 "
                         "ORDER BY 1, 2").fetchall()
    assert rows_v2 == rows_v1
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _digest(V1_FILE) != _digest(path)  # the committed file itself is never written


# ---- reliability -------------------------------------------------------------------------------------

def _save_many(path: str, runner: str, count: int, start) -> None:
    """One writer process: wait for the others, then save ``count`` sessions as fast as it can."""
    start.wait()
    with History(path) as history:
        for k in range(count):
            history.save(runner, _session(cadence=160.0 + k, filmed_on=f"2026-01-{k + 1:02d}"))


def test_writers_in_separate_processes_lose_no_session(tmp_path):
    """Four processes start at once on a file that does not exist yet (all four create the schema) and save
    ten sessions each, two of them for the same runner written in different cases."""
    path = tmp_path / "history.sqlite3"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    runners = ["Ada Runner", "ADA RUNNER", "Bo", "Cy"]
    workers = [context.Process(target=_save_many, args=(str(path), r, 10, start)) for r in runners]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=240)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    with History(path) as history:
        counts = {r.name.casefold(): r.sessions for r in history.runners()}  # the first writer's spelling
        assert counts == {"ada runner": 20, "bo": 10, "cy": 10}
        assert len(history.sessions()) == 40
        assert len({s.id for s in history.sessions()}) == 40
        values = sorted(s.metrics["cadence_spm"]["value"] for s in history.sessions("bo"))
        assert values == [160.0 + k for k in range(10)]


def test_openers_racing_to_create_the_file_never_see_it_half_made(tmp_path):
    """Six openers at once on a file that does not exist yet, fifty times: none may read the file between
    another's creating its tables and its marking the file as a gait history (it was read as another
    program's file in 37 of 200 such rounds while the check's reads were separate snapshots)."""
    refused: list[str] = []

    def open_once(path: Path, start: threading.Barrier) -> None:
        start.wait()
        try:
            History(path).close()
        except HistoryError as exc:
            refused.append(exc.code)

    for k in range(50):
        path, start = tmp_path / f"history{k}.sqlite3", threading.Barrier(6)
        openers = [threading.Thread(target=open_once, args=(path, start)) for _ in range(6)]
        for t in openers:
            t.start()
        for t in openers:
            t.join()
    assert refused == []


def test_a_failed_save_leaves_nothing(tmp_path):
    path = tmp_path / "history.sqlite3"
    with History(path) as history:
        history.save("Ada Runner", _session())
        bad = NewSession(report=_report(), clips=(ClipRecord("x.mp4", "side", key_frames={"left": object()}),))
        with pytest.raises(sqlite3.Error):
            history.save("New Runner", bad)  # type: ignore[arg-type]
        assert [r.name for r in history.runners()] == ["Ada Runner"]
        assert len(history.sessions()) == 1


def _damaged_copies(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.sqlite3"
    with History(good) as history:
        for k in range(3):
            history.save("Ada Runner", _session(cadence=160.0 + k))
    data = good.read_bytes()
    page = 4096
    copies = {
        "not SQLite": b"these are my notes, not a database" * 100,
        "header overwritten": b"\x00" * 100 + data[100:],
        "page overwritten": data[:2 * page] + b"\xff" * page + data[3 * page:],
        "cut short": data[: len(data) // 2],
    }
    paths = {}
    for name, content in copies.items():
        paths[name] = tmp_path / f"{name.replace(' ', '_')}.sqlite3"
        paths[name].write_bytes(content)
    return paths


def test_damaged_files_are_refused_and_left_untouched(tmp_path):
    for name, path in _damaged_copies(tmp_path).items():
        digest = _digest(path)
        with pytest.raises(HistoryError) as refused:
            History(path).save("Ada Runner", _session())
        assert refused.value.code == HISTORY_DAMAGED, name
        assert "left as it is" in str(refused.value) and str(path) in str(refused.value)
        done = run_cli("history", "list", "--db", path)
        assert done.returncode == 2 and done.stderr.startswith("error: the history file"), name
        assert "Traceback" not in done.stderr
        assert _digest(path) == digest, name
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [path.name]


def test_a_newer_schema_and_another_programs_database_are_refused_untouched(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    with History(newer) as history:
        history.save("Ada Runner", _session())
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    db.commit()
    db.close()
    for path, code, words in ((newer, HISTORY_NEWER, "newer version of gait"),
                              (other, HISTORY_NOT_OURS, "another program")):
        digest = _digest(path)
        with pytest.raises(HistoryError) as refused:
            History(path)
        assert refused.value.code == code and words in str(refused.value)
        # the command line refuses before analysing anything (the clip need not even exist)
        done = run_cli("analyze", tmp_path / "no_clip.mp4", "--out", tmp_path / "out", "--save-to-history", "Ada",
                       "--db", path)
        assert done.returncode == 2 and words in done.stderr.splitlines()[-1]
        assert _digest(path) == digest


# ---- compare, smallest detectable change -------------------------------------------------------------

def test_the_smallest_detectable_change_is_the_larger_of_published_and_measured():
    knee = smallest_detectable_change("knee_flexion_at_contact_deg")
    assert knee.published == 3.8 and knee.measured_error == 2.62
    assert knee.value == pytest.approx(2.77 * 2.62) and knee.basis == "this tool"
    assert "Dingenen 2018" in knee.basis_text and "2.77 x 2.62° measured error" in knee.basis_text
    valgus = smallest_detectable_change("knee_valgus_fppa_deg")
    assert valgus.value == 8.9 and valgus.basis == "published" and "Munro 2012" in valgus.basis_text
    cadence = smallest_detectable_change("cadence_spm")
    assert cadence.published is None and cadence.value == pytest.approx(2.77 * 0.16)
    assert cadence.value_text == "0.4 steps/min"
    # two side-view sessions: the side set-ups' error (0.15 steps/min; 4.52 ms for contact time)
    assert smallest_detectable_change("cadence_spm", "keypoints/side").value == pytest.approx(2.77 * 0.15)
    contact = smallest_detectable_change("ground_contact_time_ms", "keypoints/side")
    assert contact.value == pytest.approx(2.77 * 4.52) and "14 side set-ups" in contact.measured_error_source
    # contact times are given from a side clip only: an earlier version's from behind are not compared
    assert smallest_detectable_change("ground_contact_time_ms", "keypoints/rear") == contact
    assert smallest_detectable_change("knee_valgus_fppa_deg", "markers/rear") == valgus
    flight = smallest_detectable_change("flight_time_ms", "keypoints/side")
    assert flight.value == pytest.approx(2.77 * 4.55)  # timed by the feet
    assert smallest_detectable_change("stride_length_m") is None  # neither published nor measured
    assert smallest_detectable_change("foot_strike_pattern") is None


def test_what_the_reader_is_told_is_noise_is_the_tools_own_smallest_detectable_change():
    """The knee-at-landing row and cue give this tool's SDC (larger than the published one, which they cite
    beside it), not the published figure alone; pelvic drop, measured from the stickers only (0.08 deg SD of
    error on their renders), the published one."""
    from gait.catalogue import METRICS
    from gait.cues import RULES

    for key, basis in (("knee_flexion_at_contact_deg", "this tool"), ("pelvic_drop_deg", "published")):
        sdc = smallest_detectable_change(key)
        assert sdc.basis == basis and (sdc.value > sdc.published if basis == "this tool" else sdc.value == 2.8)
        assert f"smaller than {sdc.value_text} is within this tool's measurement noise" in METRICS[key].reference
    knee_cue = next(r for r in RULES if r.metric == "knee_flexion_at_contact_deg")
    assert smallest_detectable_change("knee_flexion_at_contact_deg").value_text in knee_cue.see_professional
    drop_cue = next(r for r in RULES if r.metric == "pelvic_drop_deg")
    assert smallest_detectable_change("pelvic_drop_deg").value_text in drop_cue.evidence


def _table(markdown: str, heading: str) -> list[dict[str, str]]:
    """The first table under ``## heading`` in a markdown text, as dicts by column."""
    part = markdown.split(f"## {heading}\n", 1)[1]
    lines = [line for line in part.split("\n## ", 1)[0].splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True)) for line in lines[2:]]


def test_the_measured_errors_are_the_spread_of_the_errors_in_docs_accuracy():
    """MetricSpec.sdc.measured_error is the SD of the analysed-minus-true errors over the rendered set-ups of
    docs/accuracy.md (the larger of the side and the rear/front tables when both measure it)."""
    from gait.catalogue import METRICS

    text = (REPO / "docs" / "accuracy.md").read_text()
    side = _table(text, "Rendered runner, side view")
    rear = _table(text, "Rendered runner, rear and front views")
    columns = {"cadence_spm": ("cadence err spm", "cadence err spm"),
               "ground_contact_time_ms": ("contact time err ms", None),  # from a side clip only
               "knee_flexion_at_contact_deg": ("knee at IC err deg", None),
               "shank_angle_at_contact_deg": ("shank at IC err deg", None),
               "overstride_pct_leg": ("overstride err % leg", None),
               "knee_valgus_fppa_deg": (None, "valgus err deg"),
               "hip_adduction_deg": (None, "hip adduction err deg"),
               "step_width_pct_hip": (None, "step width err % hip"),
               "flight_time_ms": ("flight time err ms", None),
               "duty_factor_pct": ("duty factor err %", None),
               "peak_knee_flexion_stance_deg": ("peak knee err deg", None),
               "foot_strike_angle_deg": ("foot angle err deg", None),
               "trunk_lean_deg": ("trunk lean err deg", None),
               "vertical_oscillation_pct_leg": ("vertical oscillation err % leg", None)}

    def sd(rows, column):
        values = [float(r[column]) for r in rows]
        mean = sum(values) / len(values)
        return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))

    for key, (side_column, rear_column) in columns.items():
        spreads = [sd(rows, c) for rows, c in ((side, side_column), (rear, rear_column)) if c]
        assert METRICS[key].sdc.measured_error == pytest.approx(max(spreads), abs=0.006), key
        # two side-view sessions: the side set-ups' own error where it is the smaller
        side_error = METRICS[key].sdc.for_view("side").measured_error
        assert side_error == pytest.approx(spreads[0] if side_column else max(spreads), abs=0.006), key
    assert len(side) == 14 and len(rear) == 5
    # left vs right: from the side only (the rendered runners are symmetric, so what is read is the error)
    asymmetry = METRICS["contact_time_asymmetry_pct"].sdc
    assert asymmetry.measured_error == pytest.approx(sd(side, "asymmetry %"), abs=0.006)
    # pelvic drop is measured from the stickers only: marker mode's error on its renders
    markers = json.loads((REPO / "gait" / "data" / "frontal_errors.json").read_text())["measures"]
    assert METRICS["pelvic_drop_deg"].sdc.measured_error == markers["pelvic_drop_deg"]["markers"]["sd_error"]
    assert {k for k, s in METRICS.items() if s.sdc and s.sdc.measured_error is not None} == {
        *columns, "pelvic_drop_deg", "contact_time_asymmetry_pct"}


@pytest.mark.skipif(not DOMAIN.is_file(), reason="the domain notes are not beside the repository")
def test_the_published_figures_are_the_domain_notes():
    from gait.catalogue import METRICS

    notes = " ".join(DOMAIN.read_text().split())
    for phrase in ("contralateral pelvic drop SDD 2.7-2.8 deg", "hip adduction 2.3-3.8 deg",
                   "knee flexion at contact 2.3-3.8 deg", "smallest detectable difference 7.5-8.9 deg (Munro 2012"):
        assert phrase in notes
    published = {k: s.sdc.published for k, s in METRICS.items() if s.sdc and s.sdc.published is not None}
    assert published == {"knee_flexion_at_contact_deg": 3.8, "pelvic_drop_deg": 2.8, "hip_adduction_deg": 3.8,
                         "knee_valgus_fppa_deg": 8.9}  # the upper ends of the ranges
    # the between-day figure is said with the knee at landing's SDC, not taken into it (a 2-D angle at foot strike)
    assert "treadmill running between days, 95 % prediction interval 9-14 deg for 2-D angles (Damsted 2015)" in notes
    days = {k: s.sdc.between_days for k, s in METRICS.items() if s.sdc and s.sdc.between_days}
    assert list(days) == ["knee_flexion_at_contact_deg"]
    assert "9-14° (Damsted 2015)" in days["knee_flexion_at_contact_deg"]
    knee = smallest_detectable_change("knee_flexion_at_contact_deg", "keypoints/side")
    assert knee.value == pytest.approx(2.77 * 2.62) and knee.basis_text.endswith(
        "; filmed on two days, 2-D knee and hip angles at foot strike on a treadmill varied within a 95 % prediction "
        "interval of 9-14° (Damsted 2015)")
    assert METRICS["knee_flexion_at_contact_deg"].reference.endswith("(Damsted 2015): a change within that may be "
                                                                     "day-to-day variation.")


def test_compare_judges_each_change_against_its_sdc_and_flags_other_methods():
    before = SessionPoint.of_report(_report(cadence=168.0, knee=20.0), id=1, filmed_on="2026-01-05")
    after = SessionPoint.of_report(_report(cadence=176.0, knee=24.0), id=2, filmed_on="2026-02-16")
    comparison = compare(before, after)
    cadence = comparison.change("cadence_spm")
    assert (cadence.change, cadence.verdict) == (8.0, BEYOND)
    assert cadence.change_text == "+8.0 steps/min (+5 %)" and cadence.sdc_text == "0.4 steps/min"  # 2.77 x 0.15
    # a change under the measure's own rounding but beyond its SDC reads as one: not "0 steps/min (-0 %), beyond"
    small = compare(before, SessionPoint.of_report(_report(cadence=167.5, knee=20.0), id=3, filmed_on="2026-02-20"))
    assert small.change("cadence_spm").verdict == BEYOND
    assert small.change("cadence_spm").change_text == "-0.5 steps/min (-0.3 %)"
    knee = comparison.change("knee_flexion_at_contact_deg")
    assert knee.verdict == WITHIN and knee.change == 4.0  # 4° < 7.3°
    assert [c.key for c in comparison.shown] == ["cadence_spm", "knee_flexion_at_contact_deg"]
    # contact time and left vs right contact time, from side views only: judged against the side set-ups'
    # error (2.77 x 4.52 ms, 2.77 x 1.16 %); an earlier version's rear sessions' (timed from the pelvis) are
    # not compared
    def change_of(key: str, unit: str, view: str, values: tuple[float, float]):
        first, second = (SessionPoint.of_report({"view": view, "metrics": {key: _summary(value, unit)}}, filmed_on=day)
                         for value, day in zip(values, ("2026-01-01", "2026-02-01"), strict=True))
        change = compare(first, second).change(key)
        return change.change, change.sdc_text, change.verdict

    assert change_of("ground_contact_time_ms", "ms", "side", (262.0, 238.0)) == (-24.0, "12.5 ms", BEYOND)
    assert change_of("contact_time_asymmetry_pct", "%", "side", (8.0, 2.5)) == (-5.5, "3.2%", BEYOND)
    for key, unit in (("ground_contact_time_ms", "ms"), ("contact_time_asymmetry_pct", "%")):
        assert change_of(key, unit, "rear", (262.0, 238.0))[::2] == (None, NOT_MEASURED)
    # the same runner filmed from behind: cadence from the pelvis, not from the feet
    rear = SessionPoint.of_report(_report("rear", cadence=176.0), id=3, filmed_on="2026-03-01")
    assert compare(before, rear).change("cadence_spm").verdict == NOT_COMPARABLE
    # rear against front for a frontal measure
    valgus = {"knee_valgus_fppa_deg": _summary(3.0, "deg")}
    from_rear = SessionPoint.of_report({"view": "rear", "metrics": valgus}, filmed_on="2026-01-01")
    from_front = SessionPoint.of_report({"view": "front", "metrics": valgus}, filmed_on="2026-02-01")
    change = compare(from_rear, from_front).change("knee_valgus_fppa_deg")
    assert change.verdict == NOT_COMPARABLE and change.reason == ("measured from the rear view, then from the front "
                                                                  "view")
    # stickers (marker mode, report.json quality.markers.methods) against the pose model's points
    markers = {"view": "rear", "metrics": valgus,
               "quality": {"markers": {"methods": {"knee_valgus_fppa_deg": "markers"}}}}
    from_markers = SessionPoint.of_report(markers, filmed_on="2026-03-01")
    assert from_markers.methods["knee_valgus_fppa_deg"] == "markers/rear"
    change = compare(from_rear, from_markers).change("knee_valgus_fppa_deg")
    assert change.verdict == NOT_COMPARABLE and change.reason == ("measured from the rear view, then from the rear "
                                                                  "view (markers)")


def test_pelvic_drop_from_the_pose_models_points_in_older_sessions_is_kept_but_not_compared(tmp_path):
    """Earlier versions gave pelvic drop from the pose model's hip points, which moved against the true drop
    (gait.kinematics.frontal_angles): a session saved then keeps its number in the file and its export,
    but neither the comparisons nor the trend use it; from the stickers it is compared."""
    keypoints = _session("rear", filmed_on="2026-01-05", pelvic_drop_deg=_summary(7.5, "deg"))
    markers = _session("rear", filmed_on="2026-02-05", pelvic_drop_deg=_summary(4.0, "deg"))
    markers.report["quality"] = {"frontal_method": {"pelvic_drop_deg": "markers"},
                                 "markers": {"methods": {"pelvic_drop_deg": "markers"}}}
    with History(tmp_path / "history.sqlite3") as history:
        old, new = (history.save("Ada Runner", s) for s in (keypoints, markers))
        stored = [history.session(n) for n in (old, new)]
        exported = history.export("ada runner")
    assert stored[0].metrics["pelvic_drop_deg"]["value"] == 7.5  # the file is not changed
    points = [SessionPoint.of_stored(s) for s in stored]
    assert [p.value("pelvic_drop_deg") for p in points] == [None, 4.0]
    assert trend_keys(points[:1]) == ["cadence_spm"] and "pelvic_drop_deg" in trend_keys(points)
    assert SessionPoint.of_report(keypoints.report).value("pelvic_drop_deg") is None
    rows = list(csv.DictReader(io.StringIO(exported[0].read_text())))
    assert ("pelvic_drop_deg", "7.5") in {(r["metric"], r["value"]) for r in rows}
    shown = run_cli("history", "show", str(old), "--db", tmp_path / "history.sqlite3").stdout
    assert re.search(r"Pelvic drop \(swing side\) +7\.5° +keypoints/rear \(no longer given, not compared\)",
                     shown), shown


def test_contact_times_from_behind_in_older_sessions_are_kept_but_not_compared(tmp_path):
    """Earlier versions gave a rear-only session's contact times from the pelvis's motion, about 100 ms
    short (gait.metrics.without_contact_times): the file keeps them, the comparisons do not use them; a
    session with a side clip keeps its feet's."""
    rear = _session("rear", filmed_on="2026-01-05", ground_contact_time_ms=_summary(161.0, "ms"),
                    duty_factor_pct=_summary(22.0, "%"))
    with History(tmp_path / "history.sqlite3") as history:
        old = history.save("Ada Runner", rear)
        stored = history.session(old)
    assert stored.metrics["ground_contact_time_ms"]["value"] == 161.0  # the file is not changed
    point = SessionPoint.of_stored(stored)
    assert (point.value("ground_contact_time_ms"), point.value("duty_factor_pct")) == (None, None)
    assert point.value("cadence_spm") == 168.0
    side = _report("side", ground_contact_time_ms=_summary(258.0, "ms"))
    assert SessionPoint.of_report(side).value("ground_contact_time_ms") == 258.0
    shown = run_cli("history", "show", str(old), "--db", tmp_path / "history.sqlite3").stdout
    assert re.search(r"Ground contact time +161 ms +.*\(no longer given, not compared\)", shown), shown


def _filmed(fps: float, timing: str = "foot", view: str = "side", **report) -> dict:
    """A report of one clip filmed at ``fps``, its landings timed by ``timing``."""
    return {**_report(view), "video": {"fps": fps}, "quality": {"contact_timing": timing}, **report}


def test_a_comparison_says_when_the_sessions_were_filmed_differently():
    from gait.catalogue import TIMED_BY_PRIOR
    from gait.document.before_after import before_after_content
    from gait.history.text import comparison_text, series_text

    def point(report: dict, id: int) -> SessionPoint:
        return SessionPoint.of_report(report, id=id, filmed_on=f"2026-0{id}-01")

    at30, at60, at120 = point(_filmed(30.0), 1), point(_filmed(60.0), 2), point(_filmed(120.0), 3)
    notes = compare(at30, at60).capture_notes
    assert notes == ["Filmed from the side at 30 fps, then at 60 fps: below 60 fps contact and flight times are less "
                     "sure, and at landing the knee reads more bent (the side sample at 30 fps: 5° more than at 60), "
                     "so part of a change in them may come from the frame rate. Film every session the same way, "
                     "at 60 fps."]
    assert compare(at60, at120).capture_notes == []  # both at 60 fps or more
    assert compare(at30, point(_filmed(30.0), 4)).capture_notes == []  # one rate: what it moves cancels
    rear = compare(point(_filmed(30.0, "pelvis", "rear"), 5), point(_filmed(60.0, "pelvis", "rear"), 6)).capture_notes
    assert len(rear) == 1 and rear[0].startswith("Filmed from behind at 30 fps") and "knee" not in rear[0]
    guessed = compare(at60, point(_filmed(60.0, TIMED_BY_PRIOR), 7)).capture_notes
    assert len(guessed) == 1 and guessed[0].startswith("The landings of session 7 of 2026-07-01 were placed the "
                                                       "typical delay after the foot's furthest-forward point")
    # filmed from the runner's other side: the near leg swapped (a mirrored clip facing the same way too)
    facing_left, facing_right = (point(_filmed(60.0, direction=d), k) for d, k in (("left", 9), ("right", 10)))
    other_side = compare(facing_left, facing_right).capture_notes
    assert other_side == ["Filmed with the runner's left side to the camera, then the right: from one side the leg "
                          "away from the camera is partly hidden and reads differently (its peak knee bend in stance "
                          "has 9° added; the two feet's contact times can read up to 37 ms apart by the measurement "
                          "alone), so part of a change in the left and right values and in contact time left vs "
                          "right may come from the side filmed. Film every session from the same side."]
    # the camera further round the runner (report.json quality.camera_angle_deg): from 15 deg apart
    square, behind = (point({**_filmed(60.0), "quality": {"contact_timing": "foot", "camera_angle_deg": angle}}, k)
                      for angle, k in ((2.0, 12), (-25.0, 13)))
    assert compare(square, behind).capture_notes == [
        "Filmed from the side with the camera square to the belt, then about 25° off square from behind the runner: "
        "a side view's angles and distances are read in the image, and on a rendered runner 20° off square the "
        "angles at landing read up to 9° differently, so part of a change in them and in overstride may come from "
        "where the camera stood. Film every session from the same place, square to the belt."]
    # the camera not level (report.json quality.camera_roll_deg): from 3 deg apart
    level, tilted = (point({**_filmed(60.0), "quality": {"contact_timing": "foot", "camera_roll_deg": roll}}, k)
                     for roll, k in ((0.4, 15), (-4.7, 16)))
    assert compare(level, tilted).capture_notes == [
        "Filmed from the side with the room's upright lines leaning 0.4° clockwise where the runner was, then 4.7° "
        "anticlockwise: what is read against the upright (from the side trunk lean, the shin and foot angles at "
        "landing and overstride; from behind pelvic drop and hip adduction) was turned back by as much, but the pose "
        "model reads a turned picture a little differently (a rendered runner turned 3 to 8° kept up to 4 % of leg "
        "length in overstride), so part of a change in them may come from the camera. Level the phone for every "
        "session."]
    slightly = point({**_filmed(60.0), "quality": {"contact_timing": "foot", "camera_roll_deg": -2.0}}, 17)
    assert compare(level, slightly).capture_notes == [] and compare(level, at60).capture_notes == []
    near_square = point({**_filmed(60.0), "quality": {"contact_timing": "foot", "camera_angle_deg": -12.0}}, 14)
    assert compare(square, near_square).capture_notes == [] and compare(square, at60).capture_notes == []
    mirrored = point(_filmed(60.0, direction="left", runner={"mirrored": True}), 11)
    assert compare(facing_right, mirrored).capture_notes == []  # selfie footage facing left: the right side near
    assert len(compare(facing_left, mirrored).capture_notes) == 1
    # a session of two clips: each view's own clip; a view only one session filmed says nothing
    both = {"metrics": {"cadence_spm": _summary(170.0)}, "clips": [
        _filmed(60.0, TIMED_BY_PRIOR), _filmed(30.0, "pelvis", "rear")]}
    assert [n.split(":")[0] for n in compare(at30, point(both, 8)).capture_notes] == [
        "Filmed from the side at 30 fps, then at 60 fps", "The landings of session 8 of 2026-08-01 were placed the "
        "typical delay after the foot's furthest-forward point (its feet's up-and-down motion showed too few clear "
        "landings), the other session's where the feet were seen to land"]
    # said by the command line, the report's section and a series
    assert f"note: {notes[0]}" in comparison_text(compare(at30, at60)).splitlines()
    assert before_after_content(compare(at30, at60)).notes[0] == notes[0]
    series = series_text([at30, at60, at120]).splitlines()
    assert [line.split(":")[0] for line in series if line.startswith("note")] == [
        "note (#1 2026-01-01 -> #2 2026-02-01)", "note (#1 2026-01-01 -> #3 2026-03-01)"]


def test_history_page_says_when_the_sessions_were_filmed_at_another_rate(tmp_path, monkeypatch):
    db = tmp_path / "history.sqlite3"
    with History(db) as history:
        for fps, day in ((30.0, "2026-01-05"), (60.0, "2026-02-05")):
            clip = ClipRecord("side.mp4", "side", "ab" * 32, {"fps": fps}, {})
            history.save("Ada Runner", NewSession(report=_filmed(fps), clips=(clip,), filmed_on=day))
    at = _history_page({"GAIT_HISTORY_DB": str(db)}, monkeypatch)
    assert not at.exception
    assert any(w.value.startswith("Filmed from the side at 30 fps, then at 60 fps") for w in at.warning)


def test_a_measure_read_anew_by_a_later_version_is_not_compared_with_the_former_reading():
    """Version 0.2.0 adds 9 deg to the far leg's peak knee flexion in stance, 0.3.0 ends the stance at the
    toe-off and reads the toe-off from the knee as well as the foot: a session's peak knee is compared only
    with one of the same revision, its contact time only with one of 0.3.0 or later; its other measures, and
    a rear view's contact time (timed by the pelvis), with any."""
    measures = {"peak_knee_flexion_stance_deg": _summary(40.0, "deg"), "ground_contact_time_ms": _summary(250.0, "ms")}

    def session(version: str | None, view: str = "side", day: str = "2026-01-05") -> SessionPoint:
        report = _report(view, **measures)
        return SessionPoint.of_report({**report, "versions": {"tool": version}} if version else report, filmed_on=day)

    first, second, third = (session(v, day=d) for v, d in (("0.1.0", "2026-01-05"), ("0.2.0", "2026-02-05"),
                                                           ("0.3.0", "2026-03-05")))
    unsaid = session(None, day="2026-04-05")  # this version's
    assert [p.methods["peak_knee_flexion_stance_deg"] for p in (first, second, third, unsaid)] == [
        "keypoints/side", "keypoints, far leg corrected/side", "keypoints, far leg corrected, stance to toe-off/side",
        "keypoints, far leg corrected, stance to toe-off/side"]
    assert [p.methods["ground_contact_time_ms"] for p in (first, second, third)] == [
        "keypoints/side", "keypoints/side", "keypoints, toe-off from foot and knee/side"]
    change = compare(first, second).change("peak_knee_flexion_stance_deg")
    assert change.verdict == NOT_COMPARABLE and change.reason == (
        "measured from the side view, then from the side view (keypoints, far leg corrected)")
    assert compare(second, third).change("peak_knee_flexion_stance_deg").verdict == NOT_COMPARABLE
    assert compare(second, third).change("ground_contact_time_ms").verdict == NOT_COMPARABLE
    assert compare(first, second).change("ground_contact_time_ms").verdict == WITHIN
    assert compare(first, third).change("cadence_spm").verdict != NOT_COMPARABLE
    assert compare(third, unsaid).change("peak_knee_flexion_stance_deg").verdict == WITHIN
    assert compare(third, unsaid).change("ground_contact_time_ms").verdict == WITHIN
    rear = [session(v, "rear", d) for v, d in (("0.2.0", "2026-02-05"), ("0.3.0", "2026-03-05"))]
    assert [p.methods["ground_contact_time_ms"] for p in rear] == ["keypoints/rear", "keypoints/rear"]
    assert smallest_detectable_change("peak_knee_flexion_stance_deg", third.methods[
        "peak_knee_flexion_stance_deg"]).value == pytest.approx(2.77 * 2.37, abs=0.01)


def test_the_report_has_a_before_after_section_when_there_is_a_previous_session(tmp_path):
    from gait.document import write_documents
    from gait.history import previous_comparison

    with History(tmp_path / "history.sqlite3") as history:
        history.save("Ada Runner", _session(cadence=168.0, filmed_on="2026-01-05"))
        assert previous_comparison(history, "Bo", _report()) is None  # a new runner: no section
        comparison = previous_comparison(history, "ada runner", _report(cadence=176.0), "2026-02-16")
    written = write_documents(_report(cadence=176.0), tmp_path / "out", before_after=comparison)
    html = written["html"].read_text()
    section = html.split("<h2>Before and after</h2>", 1)[1].split("<h2>", 1)[0]
    assert "session 1 of 2026-01-05" in section and "this session of 2026-02-16" in section
    assert re.search(r"<td>Cadence</td>.*?168 steps/min.*?176 steps/min.*?\+8\.0 steps/min \(\+5 %\).*?0\.4 steps/min"
                     r".*?beyond SDC", section)
    assert "2.77 x" in section
    plain = write_documents(_report(cadence=176.0), tmp_path / "plain", formats="html")
    assert "Before and after" not in plain["html"].read_text()
    assert written["pdf"].read_bytes().startswith(b"%PDF")


# ---- export and delete ------------------------------------------------------------------------------

def test_export_writes_csv_and_json_and_records_them(tmp_path):
    with History(tmp_path / "history.sqlite3") as history:
        history.save("Ada Runner", _session(cadence=168.0, filmed_on="2026-01-05"))
        history.save("Ada Runner", _session("rear", cadence=170.0, filmed_on="2026-02-16",
                                            pelvic_drop_deg=_summary(4.5, "deg")))
        history.save("Bo", _session())
        paths = history.export("ada runner")
    folder = tmp_path / "exports" / "ada-runner-1"
    assert paths == [folder / "ada-runner_history.csv", folder / "ada-runner_history.json"]
    rows = list(csv.DictReader(io.StringIO(paths[0].read_text())))
    assert {r["runner"] for r in rows} == {"Ada Runner"}
    assert [(r["session"], r["metric"], r["value"], r["method"]) for r in rows] == [
        ("1", "cadence_spm", "168.0", "keypoints/side"), ("1", "knee_flexion_at_contact_deg", "20.0", "keypoints/side"),
        ("2", "cadence_spm", "170.0", "keypoints/rear"), ("2", "pelvic_drop_deg", "4.5", "keypoints/rear")]
    data = json.loads(paths[1].read_text())
    assert data["runner"]["name"] == "Ada Runner" and [s["filmed_on"] for s in data["sessions"]] == [
        "2026-01-05", "2026-02-16"]
    first = data["sessions"][0]
    assert first["clips"] == [{"file_name": "side.mp4", "view": "side", "content_sha256": "ab" * 32,
                               "settings": {"fps": 60.0}}]
    assert first["metrics"]["cadence_spm"]["value"] == 168.0 and first["report"]["view"] == "side"
    done = run_cli("history", "export", "Bo", "--format", "json", "--out", tmp_path / "mine", "--db",
                   tmp_path / "history.sqlite3")
    assert done.returncode == 0 and (tmp_path / "mine" / "bo_history.json").is_file()
    (tmp_path / "notes.txt").write_text("notes")
    done = run_cli("history", "export", "Bo", "--out", tmp_path / "notes.txt" / "out", "--db",
                   tmp_path / "history.sqlite3")
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].endswith(
        "cannot be written to (Not a directory). Choose another folder with --out.")


def test_delete_removes_the_runner_their_files_under_the_data_folder_and_says_what_it_left(tmp_path):
    data = tmp_path / "data"
    path = data / "history.sqlite3"
    elsewhere = tmp_path / "elsewhere"
    inside = data / "analyses" / "run1"
    for folder in (elsewhere, inside):
        folder.mkdir(parents=True)
        (folder / "report.json").write_text("{}")
    secret = b"\x89PNG\r\n\x1a\nsecret-key-frame-" + os.urandom(16).hex().encode()
    with History(path) as history:
        record = _session(key_frame=secret)
        history.save("Ada Lovelace", NewSession(report=record.report, clips=record.clips, filmed_on="2026-01-05",
                                                files=(("report", str(inside / "report.json")),
                                                       ("report", str(elsewhere / "report.json")))))
        history.save("Ada Lovelace", _session(cadence=176.0, filmed_on="2026-02-16"))
        history.save("Bo", _session(key_frame=b"bo's key frame"))
        exported = history.export("Ada Lovelace")
        exported_elsewhere = history.export("Ada Lovelace", ["csv"], tmp_path / "usb")
    # without --yes the command line deletes nothing
    done = run_cli("history", "delete", "ada lovelace", "--db", path)
    assert done.returncode == 2 and "add --yes" in done.stderr and "2 session(s)" in done.stderr
    assert b"Ada Lovelace" in path.read_bytes()
    done = run_cli("history", "delete", "ada lovelace", "--yes", "--db", path)
    assert done.returncode == 0, done.stderr
    message = done.stdout
    assert "Deleted Ada Lovelace: 2 session(s)" in message and "Deleted 3 exported file(s)" in message
    assert "2 file(s) exported elsewhere were not touched" in message
    assert str(elsewhere / "report.json") in message and str(exported_elsewhere[0]) in message
    assert not (inside / "report.json").exists() and not any(p.exists() for p in exported)
    assert not (data / "exports" / "ada-lovelace-1").exists()
    assert (elsewhere / "report.json").is_file() and exported_elsewhere[0].is_file()
    # gone from the file's bytes, not just unlinked (secure_delete)
    content = path.read_bytes()
    assert b"Ada Lovelace" not in content and secret not in content and b"ada-lovelace" not in content
    with History(path) as history:
        assert [r.name for r in history.runners()] == ["Bo"]
        assert [f.png for f in history.key_frames(history.sessions("Bo")[0].id)] == [b"bo's key frame"]
        assert history.schema_version == 2 and history._rows("PRAGMA integrity_check") == [("ok",)]
        with pytest.raises(HistoryError):
            history.runner("Ada Lovelace")


def test_cli_lists_shows_and_compares_saved_sessions(tmp_path):
    path = tmp_path / "history.sqlite3"
    with History(path) as history:
        history.save("Ada Runner", _session(cadence=168.0, filmed_on="2026-01-05"))
        history.save("Ada Runner", _session(cadence=176.0, filmed_on="2026-02-16"))
        history.save("Ada Runner", _session(cadence=180.0, filmed_on="2026-03-30"))
    env = {"GAIT_HISTORY_DB": str(path)}
    listed = run_cli("history", "list", env=env)
    assert listed.returncode == 0 and re.search(r"Ada Runner\s+3\s+2026-03-30\s+175 cm", listed.stdout)
    sessions = run_cli("history", "list", "ada runner", env=env).stdout
    assert re.search(r"2\s+2026-02-16\s+side\s+176 steps/min", sessions)
    shown = run_cli("history", "show", "2", env=env).stdout
    assert "session 2 of Ada Runner: filmed 2026-02-16" in shown and "side.mp4: side view, sha256 abab" in shown
    assert "key frames saved: side left" in shown
    pair = run_cli("history", "compare", "1", "2", env=env)
    assert pair.returncode == 0
    assert re.search(r"Cadence\s+168 steps/min\s+176 steps/min\s+\+8\.0 steps/min \(\+5 %\)\s+0\.4 steps/min\s+"
                     r"beyond SDC", pair.stdout)
    assert "Cadence: 0.4 steps/min, this tool: 2.77 x 0.15 steps/min measured error" in pair.stdout  # side views
    series = run_cli("history", "compare", "--runner", "Ada Runner", env=env)
    assert re.search(r"Cadence\s+168 steps/min\s+176 steps/min \(\+8\.0 steps/min, beyond\)\s+180 steps/min "
                     r"\(\+12\.0 steps/min, beyond\)", series.stdout)
    assert run_cli("history", "compare", "ada runner", env=env).stdout == series.stdout  # a name: as --runner
    assert run_cli("history", "compare", "1", env=env).returncode == 2
    # output piped to a reader that stops early (`| head`): no error, no traceback
    reader_gone = subprocess.Popen([sys.executable, "-m", "gait", "history", "list", "ada runner"],
                                   env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader_gone.stdout.close()  # before the command has written anything
    assert reader_gone.wait(timeout=120) == 1 and reader_gone.stderr.read() == ""
    missing = run_cli("history", "show", "9", env=env)
    assert missing.returncode == 2 and "no session 9" in missing.stderr
    table = run_cli("history", "sdc").stdout
    assert re.search(r"Knee valgus \(2D FPPA\)\s+8\.9°\s+published", table)
    assert re.search(r"Ground contact time\s+12\.5 ms\s+this tool: 2\.77 x 4\.52 ms", table)  # from the side only
    assert "Ground contact time, other views" not in table


# ---- end to end: the side sample and a faster-cadence re-render of it ---------------------------------

SAMPLE_SIDE = REPO / "sample_videos" / "side_60fps.mp4"
FASTER_SPM = 176.0  # the sample's 168 steps/min + 5 %, the usual retraining step
APP = str(REPO / "app.py")
HISTORY_PAGE = "gait_app/pages/history.py"


@pytest.fixture(scope="module")
def faster_clip(tmp_path_factory) -> Path:
    """The side sample's runner and camera (scripts/make_samples.py) re-rendered at 176 steps/min, 6 s long
    (about 15 s to render)."""
    import importlib.util
    from dataclasses import replace

    from gait.synth import render

    spec = importlib.util.spec_from_file_location("make_samples", REPO / "scripts" / "make_samples.py")
    samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(samples)
    path = tmp_path_factory.mktemp("faster") / f"side_{FASTER_SPM:.0f}spm.mp4"
    render(replace(samples.PARAMS, cadence_spm=FASTER_SPM), samples.CLIPS["side_60fps.mp4"], path, fps=60.0,
           duration_s=6.0, width=540, height=960)
    return path


@pytest.fixture(scope="module")
def cli_history(tmp_path_factory, faster_clip):
    """`gait analyze` of the side sample's first 6 s saved for Ada Runner, then of the faster re-render, with the
    report, saved for her too (the name in other letter case)."""
    from types import SimpleNamespace

    folder = tmp_path_factory.mktemp("cli_history")
    env = {"GAIT_HISTORY_DB": str(folder / "data" / "history.sqlite3")}
    first = run_cli("analyze", SAMPLE_SIDE, "--end", "6", "--out", folder / "before", "--height-cm", "175",
                    "--save-to-history", "Ada Runner", "--filmed-on", "2026-01-05", env=env)
    second = run_cli("analyze", faster_clip, "--out", folder / "after", "--height-cm", "175", "--report", "html",
                     "--save-to-history", "ada runner", "--filmed-on", "2026-02-16", env=env)
    return SimpleNamespace(db=Path(env["GAIT_HISTORY_DB"]), env=env, first=first, second=second, folder=folder)


CADENCE_ROW = re.compile(r"Cadence\s+(\d+) steps/min\s+(\d+) steps/min\s+\+(\d+\.\d) steps/min \(\+\d+ %\)\s+"
                         r"0\.4 steps/min\s+beyond SDC")


def test_cli_shows_the_faster_cadence_beyond_the_smallest_detectable_change(cli_history, faster_clip):
    first, second = cli_history.first, cli_history.second
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert f"saved to the history as session 1 of Ada Runner ({cli_history.db})" in first.stdout
    assert "saved to the history as session 2 of Ada Runner" in second.stdout
    for output in (second.stdout, run_cli("history", "compare", "1", "2", env=cli_history.env).stdout):
        before, after, change = map(float, CADENCE_ROW.search(output).groups())
        assert abs(before - 168) <= 2 and abs(after - FASTER_SPM) <= 2 and change >= 5
        assert "beyond the smallest detectable change (more than this tool's measurement noise): Cadence" in output
        assert "It is not a runner's day-to-day variation, which can be larger" in output  # a therapist reads SDC so
    # the report of the second session compares it with the first
    html = (cli_history.folder / "after" / "report.html").read_text()
    section = html.split("<h2>Before and after</h2>", 1)[1].split("<h2>", 1)[0]
    assert "session 1 of 2026-01-05" in section and "day-to-day variation, which can be larger" in section
    assert re.search(r"<td>Cadence</td>.*?beyond SDC</strong>", section)
    # what was saved: clips by content, settings, key frames, cues, the files written
    with History(cli_history.db) as history:
        one, two = history.sessions("Ada Runner")
        assert one.clips[0].content_sha256 == hashlib.sha256(SAMPLE_SIDE.read_bytes()).hexdigest()
        assert two.clips[0].content_sha256 == hashlib.sha256(faster_clip.read_bytes()).hexdigest()
        assert one.clips[0].settings["end_s"] == 6.0 and one.clips[0].settings["height_cm"] == 175.0
        assert [(f.view, f.side) for f in history.key_frames(two.id)] == [("side", "left"), ("side", "right")]
        assert all(f.png.startswith(b"\x89PNG") for f in history.key_frames(one.id))
        assert one.cues and {"id", "title", "severity"} <= set(one.cues[0])
        assert ("report_html", str(cli_history.folder / "after" / "report.html")) in two.files
        assert history.runner("Ada Runner").height_cm == 175.0


def _history_page(env: dict, monkeypatch, **state):
    from streamlit.testing.v1 import AppTest

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(HISTORY_PAGE)
    return at.run()


def test_history_page_compares_two_sessions_with_a_trend_and_the_key_frames(cli_history, monkeypatch):
    at = _history_page(cli_history.env, monkeypatch)
    assert not at.exception
    assert at.title[0].value == "History"
    assert at.selectbox(key="history_view_runner").value == "Ada Runner"
    sessions, comparison = at.dataframe[0].value, at.dataframe[1].value
    assert list(sessions["Session"]) == [1, 2] and list(sessions["Filmed"]) == ["2026-01-05", "2026-02-16"]
    cadence = comparison.set_index("Measure").loc["Cadence"]
    assert cadence["Judged"] == "beyond the smallest detectable change"
    assert cadence["Smallest detectable change"] == "0.4 steps/min"  # two side-view sessions
    assert cadence["Change"].startswith("+") and "steps/min" in cadence["Change"]
    assert [m.label for m in at.metric][0] == "Cadence"  # the measures beyond the SDC, as cards
    sources = " ".join(m.value for m in at.markdown)
    assert "**Cadence**: 0.4 steps/min: this tool: 2.77 x 0.15 steps/min measured error" in sources
    # the trend plot, then the key frames of each foot before and after, side by side
    images = at.get("image")
    assert len(images) == 5
    captions = [c.value for c in at.caption]
    assert any("a point outside it is a change beyond measurement noise" in c for c in captions)
    # no log-in: the page says that the history is everyone's who opens the app
    assert any(str(history_path()) in c and "everyone who opens this app sees its runners" in c for c in captions)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Export CSV", "Export JSON"]
    # the other pair of sessions: the same sessions the other way round
    at.selectbox(key="before_ada-runner").set_value(2)
    at.selectbox(key="after_ada-runner").set_value(1).run()
    assert not at.exception
    assert at.dataframe[1].value.set_index("Measure").loc["Cadence"]["Change"].startswith("-")


def test_saving_from_the_app_with_a_runner_chosen_or_created(cli_history, faster_clip, monkeypatch, tmp_path):
    """The faster re-render analysed in the app's own way, then saved from the History page: once for the
    runner the app proposes (the name given on the Analyze page), once for a new runner."""
    from gait import pipeline
    from gait_app.analysis import ClipResult, _remember, _write_files

    db = tmp_path / "history.sqlite3"
    shutil.copyfile(cli_history.db, db)
    env = {"GAIT_HISTORY_DB": str(db)}
    analysis = pipeline.analyze(str(faster_clip), pipeline.Options(height_cm=175.0))
    out = tmp_path / "app_session"
    out.mkdir()
    result = _write_files("faster", {"side": ClipResult("side", faster_clip.name, analysis=analysis)}, out, None,
                          False, "Ada Runner")
    _remember("outputs", "faster", result)
    assert "Before and after" not in result.files["report_html"].read_text()

    at = _history_page(env, monkeypatch, session_key="faster")
    assert not at.exception
    assert at.selectbox(key="history_runner_choice").value == "Ada Runner"  # the name on the report
    at.date_input(key="history_filmed_on").set_value(dt.date(2026, 3, 30))
    at.button(key="history_save").click().run()
    assert not at.exception
    assert "Saved as session 3 of Ada Runner" in at.success[0].value and "Report page" in at.success[0].value
    html = result.files["report_html"].read_text()  # the report now compares it with session 2
    assert "session 2 of 2026-02-16" in html.split("<h2>Before and after</h2>", 1)[1]
    assert list(at.dataframe[0].value["Session"]) == [1, 2, 3]

    at = _history_page(env, monkeypatch, session_key="faster")
    at.selectbox(key="history_runner_choice").set_value("New runner…").run()
    at.text_input(key="history_new_runner").set_value("Bo").run()
    at.button(key="history_save").click().run()
    assert not at.exception and "Saved as session 4 of Bo" in at.success[0].value
    with History(db) as history:
        assert {r.name: r.sessions for r in history.runners()} == {"Ada Runner": 3, "Bo": 1}
        saved = history.sessions("Bo")[0]
        assert saved.filmed_on == dt.date.today().isoformat() and saved.files == []  # app files are temporary
        assert saved.clips[0].content_sha256 == hashlib.sha256(faster_clip.read_bytes()).hexdigest()
        assert len(history.key_frames(saved.id)) == 2


def test_history_page_with_a_damaged_file_says_so(tmp_path, monkeypatch):
    bad = tmp_path / "history.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    at = _history_page({"GAIT_HISTORY_DB": str(bad)}, monkeypatch)
    assert not at.exception
    assert "left as it is" in at.error[0].value and bad.read_bytes() == b"not a database" * 100


def test_history_page_deletes_a_runner_after_the_name_is_typed(tmp_path, monkeypatch):
    db = tmp_path / "history.sqlite3"
    with History(db) as history:
        history.save("Ada Runner", _session())
        history.save("Bo", _session())
    at = _history_page({"GAIT_HISTORY_DB": str(db)}, monkeypatch)
    assert at.selectbox(key="history_view_runner").value == "Ada Runner"
    assert at.button(key="delete_runner").disabled
    at.text_input(key="delete_confirm_ada-runner").set_value("ada runner").run()
    at.button(key="delete_runner").click().run()
    assert not at.exception
    assert "Deleted Ada Runner: 1 session(s)" in at.success[0].value
    with History(db) as history:
        assert [r.name for r in history.runners()] == ["Bo"]
