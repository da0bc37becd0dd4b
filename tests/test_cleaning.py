"""gait.cleaning on small signals with known answers: gap filling, low-pass filtering, masking, label exchanges."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import signal

from gait.cleaning import (
    FILTER_ORDER,
    cutoff_hz_for,
    interpolate_gaps,
    lowpass,
    mask_low_visibility,
    midpoint,
    mirror_sides,
    smooth,
    swap_legs,
    true_runs,
)
from gait.landmarks import INDEX, LEG_JOINTS, NAMES, PoseSeries
from tests.landmark_runner import pose_from_points

PADLEN = 3 * (2 * (FILTER_ORDER // 2) + 1)  # runs this short or shorter are not filtered


def random_pose(n_frames: int = 6, seed: int = 0) -> PoseSeries:
    rng = np.random.default_rng(seed)
    return PoseSeries(xy_px=rng.normal(500, 100, (n_frames, len(NAMES), 2)),
                      depth_px=rng.normal(0, 50, (n_frames, len(NAMES))),
                      visibility=rng.random((n_frames, len(NAMES))), frame_index=np.arange(n_frames),
                      fps=30.0, width=1000, height=1000)


# --- interpolate_gaps -------------------------------------------------------------------------------

def test_interpolate_gaps_reproduces_linear_data_in_gaps_up_to_max_gap():
    line = 3.0 * np.arange(20) + 1.0
    gappy = line.copy()
    gappy[2:3] = np.nan  # 1 missing
    gappy[6:9] = np.nan  # 3 missing: the longest that is filled with max_gap=3
    filled = interpolate_gaps(gappy, max_gap=3)
    np.testing.assert_allclose(filled, line, rtol=0, atol=1e-12)
    assert np.isnan(gappy[6])  # the input is not modified


def test_interpolate_gaps_leaves_longer_gaps_and_the_ends_nan():
    y = np.arange(20, dtype=float)
    y[[0, 1]] = np.nan  # leading
    y[5:9] = np.nan  # 4 > max_gap
    y[12:14] = np.nan  # 2: filled
    y[19] = np.nan  # trailing
    out = interpolate_gaps(y, max_gap=3)
    assert np.flatnonzero(np.isnan(out)).tolist() == [0, 1, 5, 6, 7, 8, 19]
    assert out[12:14].tolist() == [12.0, 13.0]


def test_interpolate_gaps_works_per_coordinate_of_landmark_arrays():
    xy = np.zeros((5, 33, 2))
    xy[:, 7, 0] = [0.0, np.nan, np.nan, 3.0, 4.0]
    xy[:, 7, 1] = [10.0, 20.0, np.nan, 40.0, 50.0]
    out = interpolate_gaps(xy, max_gap=2)
    assert out.shape == xy.shape
    assert out[:, 7, 0].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert out[:, 7, 1].tolist() == [10.0, 20.0, 30.0, 40.0, 50.0]


@pytest.mark.parametrize("shape", [(0,), (0, 33, 2), (1,), (1, 2)])
def test_interpolate_gaps_and_lowpass_accept_empty_and_one_sample_input(shape):
    values = np.full(shape, 2.0)
    assert interpolate_gaps(values, 3).shape == shape
    np.testing.assert_array_equal(lowpass(values, 30.0, 9.0), values)


# --- lowpass ---------------------------------------------------------------------------------------

def test_lowpass_keeps_a_constant():
    np.testing.assert_allclose(lowpass(np.full(200, 7.5), 60.0, 10.0), 7.5, rtol=0, atol=1e-9)


def test_lowpass_keeps_a_slow_sine():
    t = np.arange(600) / 60.0
    slow = np.sin(2 * np.pi * 1.0 * t)
    np.testing.assert_allclose(lowpass(slow, 60.0, 10.0)[60:-60], slow[60:-60], rtol=0, atol=1e-3)


@pytest.mark.parametrize(("freq_hz", "cutoff_hz"), [(12.0, 6.0), (6.0, 6.0), (20.0, 9.0)])
def test_lowpass_gain_is_the_squared_butterworth_response(freq_hz, cutoff_hz):
    """Forward and backward: the amplitude of a steady sine is multiplied by |H(f)|^2 (0.5 at the cut-off)."""
    fps = 60.0
    t = np.arange(1200) / fps
    out = lowpass(np.sin(2 * np.pi * freq_hz * t), fps, cutoff_hz)
    _, h = signal.sosfreqz(signal.butter(FILTER_ORDER, cutoff_hz, fs=fps, output="sos"), [freq_hz], fs=fps)
    gain = abs(h[0]) ** 2
    middle = out[300:900]
    ref = np.sin(2 * np.pi * freq_hz * t[300:900])
    assert np.dot(middle, ref) / np.dot(ref, ref) == pytest.approx(gain, abs=1e-3)
    if freq_hz == cutoff_hz:
        assert gain == pytest.approx(0.5, abs=1e-9)
    if freq_hz >= 2 * cutoff_hz:
        assert np.max(np.abs(middle)) < 0.01


def test_lowpass_filters_runs_between_gaps_and_keeps_the_gaps():
    y = np.full(60, 4.0)
    y[::7] += 1.0  # spikes
    y[20:23] = np.nan
    short = slice(23 + 1, 23 + 1 + PADLEN)  # a run exactly padlen long ...
    y[23] = np.nan
    y[short.stop] = np.nan  # ... between two gaps: left as it is
    out = lowpass(y, 60.0, 5.0)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(y))
    np.testing.assert_array_equal(out[short], y[short])
    sos = signal.butter(FILTER_ORDER, 5.0, fs=60.0, output="sos")
    for run in (slice(0, 20), slice(short.stop + 1, 60)):  # longer than padlen: each filtered on its own
        np.testing.assert_allclose(out[run], signal.sosfiltfilt(sos, y[run], padlen=PADLEN), rtol=0, atol=1e-12)
        assert np.std(out[run]) < np.std(y[run])


def test_lowpass_equals_scipys_filtfilt_column_by_column_and_run_by_run():
    """Columns with gaps in different frames (filtered in groups, the filter's state worked out once) read as
    scipy.signal.sosfiltfilt of each column's runs alone."""
    rng = np.random.default_rng(3)
    values = rng.normal(size=(400, 3, 2)).cumsum(axis=0)
    values[50:53, 0] = np.nan  # landmark 0: both coordinates missing in the same frames
    values[200:260, 1, 1] = np.nan  # landmark 1: one coordinate only
    values[::97, 2] = np.nan
    out = lowpass(values, 60.0, 8.0)
    sos = signal.butter(FILTER_ORDER, 8.0, fs=60.0, output="sos")
    flat_in, flat_out = values.reshape(400, -1), out.reshape(400, -1)
    for col in range(flat_in.shape[1]):
        y = flat_in[:, col]
        for start, stop in true_runs(np.isfinite(y)):
            want = signal.sosfiltfilt(sos, y[start:stop], padlen=PADLEN) if stop - start > PADLEN else y[start:stop]
            np.testing.assert_allclose(flat_out[start:stop, col], want, rtol=0, atol=1e-9)
        np.testing.assert_array_equal(np.isnan(flat_out[:, col]), np.isnan(y))


# --- masking, exchanges, helpers -------------------------------------------------------------------

def test_mask_low_visibility_masks_below_the_threshold_only():
    pose = random_pose()
    vis = pose.visibility.copy()
    vis[0, 3], vis[1, 4], vis[2, 5] = 0.29, 0.3, 0.31
    masked = mask_low_visibility(pose.replace(visibility=vis), min_visibility=0.3)
    assert np.isnan(masked.xy_px[0, 3]).all()
    assert np.isfinite(masked.xy_px[1, 4]).all() and np.isfinite(masked.xy_px[2, 5]).all()
    np.testing.assert_array_equal(np.isnan(masked.xy_px[..., 0]), vis < 0.3)
    np.testing.assert_array_equal(masked.depth_px, pose.depth_px)  # depth is left alone


def test_swap_legs_exchanges_the_leg_landmarks_in_the_given_frames():
    pose = random_pose()
    frames = np.array([True, False, True, False, False, False])
    swapped = swap_legs(pose, frames)
    for j in LEG_JOINTS:
        left, right = INDEX[f"left_{j}"], INDEX[f"right_{j}"]
        np.testing.assert_array_equal(swapped.xy_px[frames, left], pose.xy_px[frames, right])
        np.testing.assert_array_equal(swapped.depth_px[frames, right], pose.depth_px[frames, left])
        np.testing.assert_array_equal(swapped.visibility[frames, left], pose.visibility[frames, right])
        np.testing.assert_array_equal(swapped.xy_px[~frames, left], pose.xy_px[~frames, left])
    for name in ("left_shoulder", "left_wrist", "nose"):  # not legs
        np.testing.assert_array_equal(swapped.xy_px[:, INDEX[name]], pose.xy_px[:, INDEX[name]])
    twice = swap_legs(swapped, frames)
    np.testing.assert_array_equal(twice.xy_px, pose.xy_px)
    np.testing.assert_array_equal(twice.visibility, pose.visibility)


def test_mirror_sides_exchanges_every_pair_and_is_an_involution():
    pose = random_pose()
    mirrored = mirror_sides(pose)
    np.testing.assert_array_equal(mirrored.xy_px[:, INDEX["left_eye"]], pose.xy_px[:, INDEX["right_eye"]])
    np.testing.assert_array_equal(mirrored.xy_px[:, INDEX["right_wrist"]], pose.xy_px[:, INDEX["left_wrist"]])
    np.testing.assert_array_equal(mirrored.xy_px[:, INDEX["nose"]], pose.xy_px[:, INDEX["nose"]])
    np.testing.assert_array_equal(mirror_sides(mirrored).xy_px, pose.xy_px)
    np.testing.assert_array_equal(mirror_sides(mirrored).depth_px, pose.depth_px)
    some = np.array([False, True, False, False, True, False])
    partly = mirror_sides(pose, some)
    np.testing.assert_array_equal(partly.xy_px[~some], pose.xy_px[~some])
    np.testing.assert_array_equal(partly.xy_px[some], mirrored.xy_px[some])


@pytest.mark.parametrize(("fps", "cutoff"), [(20.0, 6.0), (30.0, 9.0), (100 / 3, 10.0), (60.0, 10.0), (240.0, 10.0)])
def test_cutoff_hz_for(fps, cutoff):
    assert cutoff_hz_for(fps) == pytest.approx(cutoff, abs=1e-12)


def test_midpoint():
    pose = pose_from_points({"left_hip": (100.0, 500.0), "right_hip": (200.0, 520.0)}, n_frames=2)
    assert midpoint(pose, "hip").tolist() == [[150.0, 510.0], [150.0, 510.0]]
    assert np.isnan(midpoint(pose, "knee")).all()


def test_smooth_fills_gaps_up_to_a_tenth_of_a_second():
    """30 fps: gaps of up to 3 frames are filled, 4 are not; a constant stays constant."""
    pose = pose_from_points({"left_knee": (300.0, 600.0)}, n_frames=60, fps=30.0)
    xy = pose.xy_px.copy()
    xy[10:13, INDEX["left_knee"]] = np.nan
    xy[30:34, INDEX["left_knee"]] = np.nan
    smoothed, cutoff = smooth(pose.replace(xy_px=xy))
    assert cutoff == pytest.approx(9.0)
    knee = smoothed.xy_px[:, INDEX["left_knee"]]
    assert np.flatnonzero(np.isnan(knee[:, 0])).tolist() == [30, 31, 32, 33]
    np.testing.assert_allclose(knee[np.isfinite(knee[:, 0])], [[300.0, 600.0]] * 56, rtol=0, atol=1e-9)


# --- properties ------------------------------------------------------------------------------------

values_with_gaps = arrays(
    np.float64, st.integers(0, 150),
    elements=st.one_of(st.floats(-1e4, 1e4), st.just(np.nan), st.just(250.0)),  # 250: constant stretches
)


@settings(max_examples=150, deadline=None)
@given(values_with_gaps, st.integers(1, 6))
def test_interpolate_gaps_fills_short_interior_gaps_only(values, max_gap):
    out = interpolate_gaps(values, max_gap)
    finite = np.isfinite(values)
    np.testing.assert_array_equal(out[finite], values[finite])
    idx = np.flatnonzero(finite)
    for i in np.flatnonzero(~finite):
        before, after = idx[idx < i], idx[idx > i]
        interior = len(before) and len(after)
        if interior and after[0] - before[-1] - 1 <= max_gap:
            lo, hi = sorted((values[before[-1]], values[after[0]]))
            assert lo - 1e-9 <= out[i] <= hi + 1e-9
        else:
            assert np.isnan(out[i])


@settings(max_examples=150, deadline=None)
@given(values_with_gaps, st.sampled_from([(30.0, 9.0), (60.0, 10.0), (120.0, 10.0), (240.0, 2.0)]))
def test_lowpass_creates_no_nan(values, rate):
    fps, cutoff = rate
    out = lowpass(values, fps, cutoff)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(values))
    assert not np.isinf(out).any()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 150), st.floats(-1e4, 1e4), st.integers(0, 140), st.integers(0, 10))
def test_a_constant_with_a_gap_comes_out_of_smoothing_unchanged(n, value, gap_start, gap_len):
    y = np.full(n, value)
    y[gap_start:gap_start + gap_len] = np.nan
    out = lowpass(interpolate_gaps(y, 3), 30.0, 9.0)
    finite = np.isfinite(y)
    assert np.isfinite(out[finite]).all()
    np.testing.assert_allclose(out[finite], value, rtol=1e-9, atol=1e-9)


def test_filtering_a_column_slice_filters_it():
    """A slice of landmarks (not C-contiguous, as ``xy[:, feet]`` is) is filled and filtered as the same
    columns of the whole array are; copying such a slice kept its column order, and the reshape inside then
    wrote the result into a copy, returning the input unfiltered."""
    from gait.cleaning import FEET, interpolate_gaps, lowpass

    rng = np.random.default_rng(0)
    xy = rng.normal(size=(300, 33, 2)).cumsum(axis=0)
    xy[50:53, FEET[0]] = np.nan
    whole = lowpass(interpolate_gaps(xy, 6), 60.0, 15.0)[:, FEET]
    part = xy[:, FEET]
    assert not part.flags.c_contiguous
    assert np.allclose(lowpass(interpolate_gaps(part, 6), 60.0, 15.0), whole, equal_nan=True)
