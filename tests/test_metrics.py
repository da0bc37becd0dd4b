"""gait.metrics on hand-made step tables: steady steps, the summary, strike patterns, gait cycles, stance peaks."""

import numpy as np
import pandas as pd
import pytest

from gait.metrics import (
    FOREFOOT_MAX_DEG,
    FRONTAL_COLUMNS,
    REARFOOT_MIN_DEG,
    SAGITTAL_COLUMNS,
    TIMING_COLUMNS,
    _peak_between,
    foot_strike_pattern,
    gait_cycles,
    mean_toe_off_pct,
    steady_steps,
    summarise,
)

NAN = np.nan

# --- steady steps ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("step_times", "steady"), [
    ([0.5] * 3 + [1.0] + [0.5] * 5, [0] * 4 + [1] * 5),  # the longest run
    ([0.5, 0.5, 1.0, 0.5, 0.5], [1, 1, 0, 0, 0]),  # a tie: the first
    ([0.5, NAN, 0.5, 0.25, 0.5, 0.5], [1, 1, 1, 0, 0, 0]),  # an unknown step time joins its neighbours
    ([0.25, 0.5, 0.5, NAN], [0, 1, 1, 1]),  # the last step has no step time
    ([0.5, 0.625, 0.375, 0.5], [1, 1, 1, 1]),  # exactly 25 % from the median: steady
    ([0.5, np.nextafter(0.625, 1), 0.5, 0.5, np.nextafter(0.375, 0)], [0, 0, 1, 1, 0]),  # just beyond
    ([NAN, NAN, NAN], [1, 1, 1]),
    ([0.4], [1]),
    ([], []),
])
def test_steady_steps(step_times, steady):
    got = steady_steps(np.array(step_times, float))
    assert got.dtype == bool and got.astype(int).tolist() == steady


# --- foot strike pattern -----------------------------------------------------------------------------

@pytest.mark.parametrize(("angle", "pattern"), [
    (20.0, "rearfoot"), (np.nextafter(REARFOOT_MIN_DEG, np.inf), "rearfoot"), (REARFOOT_MIN_DEG, "midfoot"),
    (0.0, "midfoot"), (FOREFOOT_MAX_DEG, "midfoot"), (np.nextafter(FOREFOOT_MAX_DEG, -np.inf), "forefoot"),
    (-15.0, "forefoot"), (NAN, None),
])
def test_foot_strike_pattern_thresholds(angle, pattern):
    assert (REARFOOT_MIN_DEG, FOREFOOT_MAX_DEG) == (8.0, -1.6)
    assert foot_strike_pattern(angle) == pattern


# --- summary -----------------------------------------------------------------------------------------

def side_steps() -> pd.DataFrame:
    """Six steady steps (left, right alternating) and two unsteady ones with absurd values."""
    rows = {
        "side": ["left", "right"] * 4,
        "ic_time_s": [0.0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1],
        "step_time_s": [0.3, 0.3, 0.3, 0.35, 0.25, NAN, 9.0, 9.0],
        "stride_time_s": [0.6, 0.65, 0.6, 0.6, NAN, NAN, 9.0, 9.0],
        "ground_contact_time_ms": [200.0, 220.0, 210.0, 230.0, NAN, 240.0, 999.0, 999.0],
        "knee_flexion_at_contact_deg": [10.0, 20.0, 12.0, 22.0, 14.0, 24.0, -99.0, -99.0],
        "foot_strike_pattern": ["rearfoot", "midfoot", "rearfoot", "rearfoot", None, "midfoot", "forefoot",
                                "forefoot"],
        "steady": [True] * 6 + [False] * 2,
    }
    table = pd.DataFrame(rows)
    table["cadence_spm"] = 60.0 / table["step_time_s"]
    for name in TIMING_COLUMNS + SAGITTAL_COLUMNS:
        if name not in table:
            table[name] = NAN
    return table


def test_summary_of_steady_steps_means_sd_sides_and_n():
    s = summarise(side_steps())
    knee = s["knee_flexion_at_contact_deg"]
    assert knee["value"] == pytest.approx(17.0)
    assert knee["sd"] == pytest.approx(np.std([10, 20, 12, 22, 14, 24], ddof=1))
    assert knee["left"] == pytest.approx(12.0) and knee["right"] == pytest.approx(22.0)
    assert knee["n"] == 6
    gct = s["ground_contact_time_ms"]
    assert (gct["value"], gct["left"], gct["right"], gct["n"]) == pytest.approx((220.0, 205.0, 230.0, 5))


def test_summary_cadence_from_mean_step_and_stride_times():
    s = summarise(side_steps())
    cadence = s["cadence_spm"]
    assert cadence["value"] == pytest.approx(60.0 / 0.3)  # not the mean of per-step cadences
    assert cadence["left"] == pytest.approx(120.0 / 0.6)
    assert cadence["right"] == pytest.approx(120.0 / 0.625)
    assert cadence["n"] == 5


def test_summary_pattern_is_the_most_common_one():
    pattern = summarise(side_steps())["foot_strike_pattern"]
    assert (pattern["value"], pattern["left"], pattern["right"]) == ("rearfoot", "rearfoot", "midfoot")
    assert pattern["n"] == 5 and pattern["sd"] is None


def test_summary_of_metrics_not_in_the_table():
    s = summarise(side_steps())
    for name in ("knee_valgus_fppa_deg", "pelvic_drop_deg", "crossover_pct"):
        assert s[name]["value"] is None and s[name]["n"] == 0
    for name in ("flight_time_ms", "stride_length_m"):  # in the table, never measured
        assert s[name]["value"] is None and s[name]["sd"] is None and s[name]["n"] == 0
    assert all(m["value"] is None for m in s.values() if m["n"] == 0)


def test_summary_sd_needs_two_values():
    steps = side_steps()
    steps["trunk_lean_deg"] = [5.0] + [NAN] * 7
    lean = summarise(steps)["trunk_lean_deg"]
    assert (lean["value"], lean["sd"], lean["left"], lean["right"], lean["n"]) == (5.0, None, 5.0, None, 1)


def test_summary_crossover_percentage_of_a_frontal_table():
    rows = {"side": ["left", "right"] * 3, "ic_time_s": np.arange(6) * 0.3, "step_time_s": [0.3] * 6,
            "stride_time_s": [0.6] * 6, "crossover": [True, False, False, False, True, True],
            "pelvic_drop_deg": [4.0, 6.0, 4.0, 6.0, 4.0, 6.0], "steady": [True] * 6}
    table = pd.DataFrame(rows)
    for name in TIMING_COLUMNS + FRONTAL_COLUMNS:
        if name not in table:
            table[name] = NAN
    s = summarise(table)
    assert s["crossover_pct"]["value"] == pytest.approx(50.0)
    assert s["crossover_pct"]["left"] == pytest.approx(200.0 / 3)
    assert s["crossover_pct"]["right"] == pytest.approx(100.0 / 3)
    assert (s["pelvic_drop_deg"]["left"], s["pelvic_drop_deg"]["right"]) == (4.0, 6.0)
    assert s["knee_flexion_at_contact_deg"]["value"] is None


def test_summary_without_steady_steps_has_no_values():
    steps = side_steps()
    steps["steady"] = False
    s = summarise(steps)
    assert s["cadence_spm"]["value"] is None and s["cadence_spm"]["left"] is None
    assert s["knee_flexion_at_contact_deg"]["n"] == 0 and s["foot_strike_pattern"]["value"] is None


# --- gait cycles and toe-off ------------------------------------------------------------------------

def cycle_steps() -> pd.DataFrame:
    return pd.DataFrame({
        "side": ["left", "right", "left", "right", "left", "left"],
        "ic_time_s": [0.1, 0.4, 0.7, 1.0, 1.3, 1.9],
        "toe_off_time_s": [0.3, 0.6, 0.91, 1.2, NAN, 2.1],
        "stride_time_s": [0.6, 0.6, 0.6, 0.6, 0.6, 0.6],
        "steady": [True, True, True, True, True, False],
    })


def test_gait_cycles_are_time_normalised_strides():
    time_s = np.arange(0, 2.5, 0.01)
    values = 3.0 * time_s + 1.0  # linear: interpolation is exact
    cycles = gait_cycles(values, time_s, cycle_steps(), "left", n_points=11)
    grid = np.linspace(0, 1, 11)
    np.testing.assert_allclose(cycles, [3.0 * (t0 + 0.6 * grid) + 1.0 for t0 in (0.1, 0.7, 1.3)], atol=1e-9)
    assert gait_cycles(values, time_s, cycle_steps(), "right").shape == (2, 101)


def test_gait_cycles_leave_out_gappy_and_clipped_strides():
    time_s = np.arange(0, 1.5, 0.01)  # the stride from 1.3 s ends after the clip
    values = np.sin(time_s)
    values[90] = NAN  # inside the stride from 0.7 s
    cycles = gait_cycles(values, time_s, cycle_steps(), "left", n_points=5)
    np.testing.assert_allclose(cycles, [np.sin(0.1 + 0.6 * np.linspace(0, 1, 5))], atol=1e-4)
    none = gait_cycles(values, time_s, cycle_steps().assign(steady=False), "left")
    assert none.shape == (0, 101)


def test_mean_toe_off_pct():
    assert mean_toe_off_pct(cycle_steps(), "left") == pytest.approx(100 * (0.2 + 0.21) / 2 / 0.6)
    assert mean_toe_off_pct(cycle_steps(), "right") == pytest.approx(100 * 0.2 / 0.6)
    assert mean_toe_off_pct(cycle_steps().assign(steady=False), "left") is None


def test_a_clip_without_contacts_gives_an_empty_step_table():
    """No rows: the step_time_s column is of object type (np.isfinite of it raised a TypeError)."""
    from gait.events import EventDetection
    from gait.kinematics import sagittal_angles
    from gait.metrics import step_table
    from tests.landmark_runner import Runner, make_pose

    pose, _ = make_pose(Runner(duration_s=1.0))
    table = step_table(pose, EventDetection((), NAN, 0, "foot"), sagittal_angles(pose, 1), 1, 400.0, "right")
    assert len(table) == 0 and "steady" in table


# --- the peak knee flexion in stance ----------------------------------------------------------------


def test_the_stance_peak_ends_at_the_toe_off_and_moves_smoothly_with_it():
    """Landing at row 0.3, toe-off just after row 4: the swing's knee bends fast after it (rows 5, 6). The row
    after the toe-off once counted as stance, so a toe-off moving past a row moved the peak by up to 13 deg."""
    knee = np.array([20.0, 30.0, 40.0, 35.0, 30.0, 60.0, 90.0])
    assert _peak_between(knee, 0.3, 4.1) == 40.0  # not row 5's 60
    assert _peak_between(knee, 0.3, 4.9) == pytest.approx(57.0)  # the angle interpolated at the toe-off
    peaks = [_peak_between(knee, 0.3, hi) for hi in np.linspace(4.0, 5.0, 51)]
    assert np.max(np.abs(np.diff(peaks))) <= 30.0 * 0.02 + 1e-9  # never more than the knee's own change
    assert _peak_between(knee, 1.5, 1.5) == pytest.approx(35.0)  # one instant: the interpolated angle
    assert np.isnan(_peak_between(np.full(7, np.nan), 0.3, 4.1))
