"""Rear and front views on rendered runners with known knee valgus, pelvic drop and hip adduction.

Tolerances: recover valgus, drop and step width within 3 deg / 10 % of hip width and order them correctly
across settings. What holds is asserted; what does not hold is a strict xfail carrying the measured
numbers, so that it fails as soon as it holds.
"""

import pytest

from gait.frontal_mask import keypoint_step_table
from gait.metrics import summarise
from gait.pipeline import analyze
from gait.synth import Camera, RunnerParams, render
from gait.synth.compare import with_true_joints

LEVELS = {"knee_valgus_deg": (0.0, 12.0), "pelvic_drop_deg": (1.0, 9.0), "hip_adduction_deg": (0.0, 6.0)}
METRIC_OF = {"knee_valgus_deg": "knee_valgus_fppa_deg", "pelvic_drop_deg": "pelvic_drop_deg",
             "hip_adduction_deg": "step_width_pct_hip"}


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """(view, parameter, level) -> (measured, true, measured with the true joints) for the metric that the
    parameter drives; the last from the truth's hip, knee and ankle points on the analysis's own steps."""
    out = {}
    folder = tmp_path_factory.mktemp("frontal")
    for view in ("rear", "front"):
        for parameter, levels in LEVELS.items():
            for level in levels:
                path = folder / f"{view}_{parameter}_{level:g}.mp4"
                truth = render(RunnerParams().replace(**{parameter: level}), Camera(view=view), path, fps=30,
                               duration_s=5, width=360, height=640)
                analysis = analyze(str(path))
                assert analysis.view == view
                metric = METRIC_OF[parameter]
                measured = analysis.metrics[metric]["value"]
                if metric == "pelvic_drop_deg":  # not given without stickers: the pose model's hip points' own
                    assert measured is None
                    measured = summarise(keypoint_step_table(analysis))[metric]["value"]
                out[view, parameter, level] = (measured, truth["metrics"][metric]["mean"],
                                               with_true_joints(analysis, truth)[metric]["value"])
                out["cadence", view, parameter, level] = (analysis.metrics["cadence_spm"]["value"],
                                                          truth["cadence_spm"])
    print({k: tuple(round(x, 1) for x in v) for k, v in out.items()})
    return out


@pytest.mark.parametrize("view", ["rear", "front"])
def test_cadence_within_1_spm(measured, view):
    for parameter, levels in LEVELS.items():
        for level in levels:
            found, true = measured["cadence", view, parameter, level]
            assert found == pytest.approx(true, abs=1.0), (parameter, level)


@pytest.mark.parametrize("view", ["rear", "front"])
def test_knee_valgus_ordered(measured, view):
    low, high = (measured[view, "knee_valgus_deg", v][0] for v in LEVELS["knee_valgus_deg"])
    assert high > low + 1.0


@pytest.mark.parametrize("view", ["rear", "front"])
def test_step_width_ordered_by_hip_adduction(measured, view):
    wide, narrow = (measured[view, "hip_adduction_deg", v][0] for v in LEVELS["hip_adduction_deg"])
    assert narrow < wide - 10.0


@pytest.mark.parametrize("view", ["rear", "front"])
def test_the_error_is_the_pose_models_points(measured, view):
    """With exact 2-D hip, knee and ankle points, everything after the pose model (rear/front events, sides,
    cleaning, the metrics) recovers every setting within the module's tolerances and orders them: what the
    strict xfails below miss is the pose model's points."""
    for parameter, levels in LEVELS.items():
        tolerance = 10.0 if parameter == "hip_adduction_deg" else 3.0
        for level in levels:
            _, true, exact = measured[view, parameter, level]
            assert exact == pytest.approx(true, abs=tolerance), (parameter, level)
        low, high = (measured[view, parameter, v][2] for v in levels)
        assert (low < high - 3.0) if parameter != "hip_adduction_deg" else (high < low - 10.0), parameter


@pytest.mark.xfail(strict=True, reason="MediaPipe's hip points barely follow the rendered pelvis: rear "
                   "0.2 / 0.9 deg measured for 1.1 / 9.1 deg true, front 2.4 / 2.9 for 0.9 / 8.9; which is why "
                   "the analysis gives pelvic drop from stickers only")
@pytest.mark.parametrize("view", ["rear", "front"])
def test_pelvic_drop_ordered(measured, view):
    low, high = (measured[view, "pelvic_drop_deg", v][0] for v in LEVELS["pelvic_drop_deg"])
    assert high > low + 3.0


@pytest.mark.xfail(strict=True, reason="2-D FPPA reads about half the rendered valgus (rear: 5.4 deg for 10.7 "
                   "true, front 3.9 for 9.5), rear step width 83 % of hip width for 98 % true")
@pytest.mark.parametrize("view", ["rear", "front"])
def test_frontal_metrics_within_tolerance(measured, view):
    for parameter, levels in LEVELS.items():
        tolerance = 10.0 if parameter == "hip_adduction_deg" else 3.0
        for level in levels:
            found, true, _ = measured[view, parameter, level]
            assert found == pytest.approx(true, abs=tolerance), (parameter, level)
