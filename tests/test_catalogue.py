"""The metric catalogue: one spec per reported measure, and every reader derived from it."""

import json
import math
from pathlib import Path

import pytest

from gait.catalogue import (
    CATALOGUE,
    CONTACT_TIMED_METRICS,
    DISPLAY_ORDER,
    FRONTAL_METRICS,
    METRICS,
    SCHEMA_PATH,
    empty_summary,
    fmt,
    report_schema,
    shown_metrics,
    spec_of,
    unvalidated_metrics,
)
from gait.cues import RULES

README = Path(__file__).resolve().parents[1] / "README.md"


def every_measure(**values: object) -> dict:
    """A summary with a value for every catalogue measure (a category for categories), overridable."""
    metrics = {}
    for spec in CATALOGUE:
        value = values.get(spec.key, spec.categories[0] if spec.categories else 12.345)
        summary = empty_summary(spec.unit)
        summary.update(value=value, left=value, right=value, n=10, sd=None if spec.categories else 1.0)
        metrics[spec.key] = summary
    return metrics


def test_one_spec_per_key_and_a_complete_display_order():
    keys = [spec.key for spec in CATALOGUE]
    assert len(keys) == len(set(keys)) == len(METRICS)
    assert sorted(s.order for s in CATALOGUE) == list(range(1, len(CATALOGUE) + 1))
    assert [s.key for s in DISPLAY_ORDER][:4] == ["cadence_spm", "overstride_pct_leg", "shank_angle_at_contact_deg",
                                                  "knee_flexion_at_contact_deg"]
    for spec in CATALOGUE:
        assert spec.title and spec.definition and spec.reference and spec.source, spec.key
        assert spec.views, spec.key
        assert (spec.unit is None) == bool(spec.categories), spec.key
        assert spec.shown_instead is None or spec.shown_instead in METRICS


def test_every_rule_names_a_catalogue_measure():
    for rule in RULES:
        assert rule.metric in METRICS, rule.id


def test_view_and_validation_sets():
    assert FRONTAL_METRICS == {"knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg", "step_width_pct_hip",
                               "crossover_pct", "rearfoot_eversion_deg"}
    assert CONTACT_TIMED_METRICS == {"ground_contact_time_ms", "flight_time_ms", "duty_factor_pct",
                                     "contact_time_asymmetry_pct"}
    assert all(METRICS[k].views == {"side"} for k in CONTACT_TIMED_METRICS)  # timed by the feet, seen from the side
    assert unvalidated_metrics() == set()  # pelvic drop: from the stickers only (marker mode, validated)


def test_what_a_session_does_not_measure_says_why():
    from gait.catalogue import NEEDS_SIDE_CLIP, NEEDS_STICKERS, by_reason, not_measured

    no_stickers = {"frontal_method": {"pelvic_drop_deg": "none", "rearfoot_eversion_deg": "none"}}
    assert not_measured("side", {}) == {}
    assert not_measured("side", no_stickers) == dict.fromkeys(["pelvic_drop_deg", "rearfoot_eversion_deg"],
                                                              NEEDS_STICKERS)
    alone = not_measured("rear", no_stickers)
    assert list(alone) == [s.key for s in DISPLAY_ORDER if s.key in alone]  # in the order the measures are shown
    assert by_reason(alone) == {
        NEEDS_STICKERS: ["pelvic_drop_deg", "rearfoot_eversion_deg"],
        NEEDS_SIDE_CLIP: ["ground_contact_time_ms", "flight_time_ms", "duty_factor_pct", "contact_time_asymmetry_pct"]}
    assert not_measured("front", {**no_stickers, "markers": {"methods": {}}}) == dict.fromkeys(
        ["ground_contact_time_ms", "flight_time_ms", "duty_factor_pct", "contact_time_asymmetry_pct"], NEEDS_SIDE_CLIP)


@pytest.mark.parametrize(("value", "digits", "unit", "text"), [
    (12.345, 1, "°", "12.3°"),
    (-0.04, 1, "°", "0.0°"),
    (-0.4, 0, "", "0"),
    (-1.26, 1, "", "-1.3"),
    (25.04, 1, "% leg", "25.0 % leg"),
    (168.6, 0, "steps/min", "169 steps/min"),
    (5.0, 0, "%", "5%"),
    (None, 1, "°", "–"),
    (math.nan, 1, "°", "–"),
    ("rearfoot", 0, "", "rearfoot"),
])
def test_fmt(value, digits, unit, text):
    assert fmt(value, digits, unit) == text


def test_spec_units_and_unknown_keys():
    assert METRICS["knee_valgus_fppa_deg"].format(7.25) == "7.2°"
    assert METRICS["step_width_pct_hip"].shown_unit == "% hip"
    assert METRICS["cadence_spm"].ascii_unit == "spm" and METRICS["pelvic_drop_deg"].ascii_unit == "deg"
    unknown = spec_of("new_thing_deg")
    assert unknown.title == "New thing" and unknown.reference == ""


def test_shown_metrics_order_and_the_oscillation_shown_once():
    metrics = every_measure()
    shown = shown_metrics(metrics)
    assert shown == [s.key for s in DISPLAY_ORDER if s.key != "vertical_oscillation_pct_leg"]
    metrics["vertical_oscillation_cm"]["value"] = None  # no height given: the % of leg length is shown
    assert "vertical_oscillation_pct_leg" in shown_metrics(metrics)
    assert "vertical_oscillation_cm" not in shown_metrics(metrics)


def test_the_schema_file_is_generated_from_the_catalogue():
    assert json.loads(SCHEMA_PATH.read_text()) == report_schema(), "run: python -m gait.catalogue"
    described = report_schema()["properties"]["metrics"]["properties"]
    assert list(described) == [s.key for s in CATALOGUE]
    assert all(described[s.key]["description"] == s.definition for s in CATALOGUE)


def test_every_measure_is_shown_by_the_app_the_report_and_the_command_line(capsys):
    from types import SimpleNamespace

    from gait.cli import _print_summary
    from gait.document import metric_rows
    from gait_app.presentation import card

    for without_cm in (False, True):
        metrics = every_measure(vertical_oscillation_cm=None if without_cm else 4.0)
        shown = shown_metrics(metrics)
        cards = [card(name, metrics[name]) for name in shown]
        assert [c.title for c in cards] == [METRICS[n].title for n in shown]
        rows = metric_rows(metrics)
        expected = [(n, METRICS[n].title, METRICS[n].format(metrics[n]["value"])) for n in shown]
        assert [(r.name, r.title, r.value) for r in rows] == expected
        session = SimpleNamespace(clips=(), metrics=metrics, warnings=[], primary=SimpleNamespace(view="side"))
        _print_summary(session)
        printed = capsys.readouterr().out
        for name in shown:
            assert f"  {METRICS[name].title} " in printed, name
    every = {s.key for s in CATALOGUE}
    assert every == set(shown_metrics(every_measure())) | {"vertical_oscillation_pct_leg"}


def test_the_readme_names_every_measure():
    text = README.read_text()
    for spec in CATALOGUE:
        assert f"`{spec.key}`" in text or spec.key in text, spec.key


def test_metrics_read_from_a_file_are_complete():
    from gait.catalogue import read_metrics

    for raw in (None, {}, {k: None for k in METRICS}, {"cadence_spm": "garbage"}):
        metrics = read_metrics(raw)
        assert list(metrics) == [s.key for s in CATALOGUE]
        assert all(m["value"] is None and m["n"] == 0 for m in metrics.values())
    metrics = read_metrics({"pelvic_drop_deg": {"value": 7.5, "n": 14}, "new_thing_deg": {"value": 1.0}})
    assert metrics["pelvic_drop_deg"] == {"value": 7.5, "left": None, "right": None, "sd": None, "n": 14,
                                          "unit": "deg"}
    assert metrics["new_thing_deg"]["value"] == 1.0


def test_an_earlier_versions_keypoint_pelvic_drop_is_withdrawn_where_read_back():
    """Pelvic drop from a rear or front clip's pose model points (no stickers) is what earlier versions gave
    and this one does not; from the stickers (frontal_method, or marker mode's own record) it stays."""
    from gait.catalogue import withdrawn_measures, without_withdrawn

    drop = {"pelvic_drop_deg": {"value": 5.0, "left": 4.0, "right": 6.0, "sd": 1.0, "n": 12, "unit": "deg"}}
    rear = {"view": "rear", "metrics": drop}
    assert withdrawn_measures(rear) == {"pelvic_drop_deg"}
    assert without_withdrawn(rear)["metrics"]["pelvic_drop_deg"] == {
        "value": None, "left": None, "right": None, "sd": None, "n": 0, "unit": "deg"}
    assert rear["metrics"]["pelvic_drop_deg"]["value"] == 5.0  # the report itself is not changed
    session = {"view": "side", "metrics": drop, "clips": [{"view": "side"}, {"view": "front"}]}
    assert withdrawn_measures(session) == {"pelvic_drop_deg"}
    for quality in ({"frontal_method": {"pelvic_drop_deg": "markers"}},
                    {"markers": {"methods": {"pelvic_drop_deg": "markers"}}}):
        assert withdrawn_measures({**rear, "quality": quality}) == frozenset()
    assert withdrawn_measures({"view": "side", "metrics": drop}) == frozenset()  # no rear or front clip
    assert without_withdrawn({"view": "rear", "metrics": {}}) == {"view": "rear", "metrics": {}}


def test_an_earlier_versions_contact_times_from_behind_are_withdrawn_where_read_back():
    """Contact times timed by the pelvis (a session with no side clip) are what earlier versions gave and
    this one does not (gait.metrics.without_contact_times); with a side clip they are the feet's and stay."""
    from gait.catalogue import withdrawn_measures, without_withdrawn

    timed = {k: {"value": 180.0, "left": 175.0, "right": 185.0, "sd": 9.0, "n": 24, "unit": "ms"}
             for k in CONTACT_TIMED_METRICS}
    cadence = {"cadence_spm": {"value": 168.0, "left": 168.0, "right": 168.0, "sd": 2.0, "n": 24, "unit": "steps/min"}}
    for view in ("rear", "front"):
        alone = {"view": view, "metrics": {**timed, **cadence}, "clips": [{"view": view}]}
        assert withdrawn_measures(alone) == CONTACT_TIMED_METRICS
        kept = without_withdrawn(alone)["metrics"]
        assert all(kept[k]["value"] is None and kept[k]["n"] == 0 for k in CONTACT_TIMED_METRICS)
        assert kept["cadence_spm"] == cadence["cadence_spm"]  # the pelvis's rhythm: given as before
    with_side = {"view": "side", "metrics": timed, "clips": [{"view": "side"}, {"view": "rear"}]}
    assert withdrawn_measures(with_side) == frozenset()
