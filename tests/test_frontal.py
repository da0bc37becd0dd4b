"""Rear and front views: events from the pelvis, frontal metrics, sides, sessions."""

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from gait.errors import GaitInputError
from gait.report import SCHEMA_PATH, session_report_dict

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


@pytest.fixture(scope="module")
def rear():
    from gait.pipeline import analyze

    return analyze(str(SAMPLES / "rear_60fps.mp4")), json.loads((SAMPLES / "rear_60fps.truth.json").read_text())


def test_rear_view_recognised_sides_and_cadence(rear):
    analysis, truth = rear
    assert analysis.view == "rear"
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(truth["cadence_spm"], abs=1.0)
    # every detected contact lies nearest to a true contact of the same foot
    true_ics = [e for e in truth["events"] if e["type"] == "initial_contact"]
    ics = [e for e in analysis.detection.events if e.type == "initial_contact"]
    nearest = [min(true_ics, key=lambda t: abs(t["time_s"] - e.time_s)) for e in ics]
    assert np.mean([t["side"] == e.side for t, e in zip(nearest, ics)]) == 1.0
    assert len(ics) >= 0.9 * len(true_ics)


def test_rear_view_reports_frontal_metrics_only(rear):
    analysis, _ = rear
    m = analysis.metrics
    for name in ("knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg", "step_width_pct_hip"):
        assert m[name]["value"] is not None and m[name]["n"] >= 14
    assert m["knee_flexion_at_contact_deg"]["value"] is None  # not measurable from behind
    assert analysis.notes and "projection" in analysis.notes[0]


def test_front_jog_in_place_recognised_and_analysed(analysed):
    result = analysed("front_jog_in_place.mp4")
    assert not isinstance(result, GaitInputError), result
    assert result.view == "front"
    assert result.metrics["cadence_spm"]["value"] > 100


def test_side_and_rear_session_gives_one_report(tmp_path, rear):
    from gait.pipeline import Session, analyze, merge_metrics

    side = analyze(str(SAMPLES / "side_60fps.mp4"))
    clips = (side, rear[0])
    session = Session(clips=clips, metrics=merge_metrics(clips), warnings=[])
    report = session_report_dict(session)
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text()))
    assert report["view"] == "side" and [c["view"] for c in report["clips"]] == ["side", "rear"]
    assert report["metrics"]["knee_flexion_at_contact_deg"]["value"] is not None
    assert report["metrics"]["knee_valgus_fppa_deg"]["value"] is not None
    assert report["metrics"]["cadence_spm"] == side.metrics["cadence_spm"]
