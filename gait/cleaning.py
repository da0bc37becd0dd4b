"""Cleaning of raw pose landmarks: masking, gap filling, low-pass filtering, label exchanges.

Order matters: leg swaps are corrected on unfiltered positions (a swap is a jump that filtering would
smear; :func:`gait.events.order_legs` does it, as it needs the steps), then short gaps are filled and every
coordinate is low-pass filtered with a zero-phase Butterworth filter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.landmarks import INDEX, LEG_JOINTS, MIRROR_PAIRS, PoseSeries, side_index

MIN_VISIBILITY = 0.3
MAX_GAP_S = 0.1
FILTER_ORDER = 4
MAX_CUTOFF_HZ = 10.0
# The feet's vertical motion, read for landings (gait.events): a landing is an abrupt stop, which the
# 10 Hz filter spreads over frames and, the foot speeding up before it, reads late (perfect sole points of
# the rendered runner: 3.5 ms late at 60 fps, 12.7 at 30)
LANDING_CUTOFF_HZ = 15.0
MAX_CUTOFF_FRACTION_OF_FPS = 0.45  # of the frame rate (the Nyquist frequency is 0.5)


@dataclass(frozen=True)
class CleaningSummary:
    """What cleaning did, for the quality section of the report."""

    swapped_frames: int
    cutoff_hz: float
    masked_fraction: float


def cutoff_hz_for(fps: float) -> float:
    """Low-pass cut-off suited to running at ``fps``: 10 Hz, or 0.3 x fps for low frame rates.

    Running kinematics carry little above 10 Hz (Pose2Sim and Sports2D use 6-15 Hz for running); at 30
    fps the cut-off drops to 9 Hz, well below the 15 Hz Nyquist frequency.
    """
    return min(MAX_CUTOFF_HZ, 0.3 * fps)


def mask_low_visibility(pose: PoseSeries, min_visibility: float = MIN_VISIBILITY) -> PoseSeries:
    """Set to NaN the positions whose visibility is below ``min_visibility``."""
    xy = pose.xy_px.copy()
    xy[pose.visibility < min_visibility] = np.nan
    return pose.replace(xy_px=xy)


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of True in a 1-D boolean array."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded)).tolist()
    return list(zip(edges[::2], edges[1::2], strict=True))


def interpolate_gaps(values: np.ndarray, max_gap: int) -> np.ndarray:
    """Linearly fill interior runs of NaN no longer than ``max_gap`` samples along axis 0.

    Longer gaps, and gaps at either end, stay NaN.
    """
    out = np.array(values, dtype=float, copy=True, order="C")  # C order: the reshape below is a view
    if out.size == 0:  # no samples: nothing to fill (reshape(0, -1) would raise)
        return out
    flat = out.reshape(len(out), -1)
    t = np.arange(len(out))
    for col in range(flat.shape[1]):
        y = flat[:, col]
        for start, stop in true_runs(np.isnan(y)):
            if start > 0 and stop < len(y) and stop - start <= max_gap:
                flat[start:stop, col] = np.interp(t[start:stop], [start - 1, stop], [y[start - 1], y[stop]])
    return out


def lowpass(values: np.ndarray, fps: float, cutoff_hz: float, order: int = FILTER_ORDER) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0 (time), run by run between NaN gaps.

    Runs too short for the filter's padding are left as they are.
    """
    from scipy import signal  # here: the view's glimpse before the pose pass uses this module, not the filter

    sos = signal.butter(order, cutoff_hz, btype="low", fs=fps, output="sos")
    padlen = 3 * (2 * len(sos) + 1)
    out = np.array(values, dtype=float, copy=True, order="C")  # C order: the reshape below is a view
    if out.size == 0:
        return out
    flat = out.reshape(len(out), -1)
    finite = np.isfinite(flat)
    steady = signal.sosfilt_zi(sos)[:, :, None]  # the filter's state for a unit step, worked out once
    # the columns seen in the same frames (a landmark's x and y, most landmarks of a clip) filtered together
    groups: dict[bytes, list[int]] = {}
    for col in range(flat.shape[1]):
        groups.setdefault(np.packbits(finite[:, col]).tobytes(), []).append(col)
    for cols in groups.values():
        for start, stop in true_runs(finite[:, cols[0]]):
            if stop - start > padlen:
                flat[start:stop, cols] = _filtfilt(sos, steady, flat[start:stop, cols], padlen)
    return out


def _filtfilt(sos: np.ndarray, steady: np.ndarray, x: np.ndarray, padlen: int) -> np.ndarray:
    """``scipy.signal.sosfiltfilt(sos, x, axis=0, padlen=padlen)`` (odd extension, each pass started in the
    steady state of its first sample), given ``steady`` (``sosfilt_zi(sos)[:, :, None]``), which
    sosfiltfilt works out again on every call: on a clip with many gaps that was 60 % of the filtering."""
    from scipy import signal

    ext = np.concatenate([2 * x[0] - x[padlen:0:-1], x, 2 * x[-1] - x[-2:-padlen - 2:-1]])
    forward, _ = signal.sosfilt(sos, ext, axis=0, zi=steady * ext[0])
    backward, _ = signal.sosfilt(sos, forward[::-1], axis=0, zi=steady * forward[-1])
    return backward[::-1][padlen:-padlen]


LEG_PAIRS = tuple((side_index("left", j), side_index("right", j)) for j in LEG_JOINTS)


def swap_legs(pose: PoseSeries, frames: np.ndarray) -> PoseSeries:
    """Exchange the left and right leg landmarks (hip to toe) in the frames where ``frames`` is True."""
    return _exchange(pose, frames, LEG_PAIRS)


def mirror_sides(pose: PoseSeries, frames: np.ndarray | None = None) -> PoseSeries:
    """Exchange every left landmark with its right counterpart, in all frames or where ``frames`` is True."""
    return _exchange(pose, np.ones(pose.n_frames, bool) if frames is None else frames, MIRROR_PAIRS)


def _exchange(pose: PoseSeries, frames: np.ndarray, pairs: tuple[tuple[int, int], ...]) -> PoseSeries:
    left = [a for a, _ in pairs]
    right = [b for _, b in pairs]
    arrays = {}
    for name in ("xy_px", "depth_px", "visibility"):
        arr = getattr(pose, name).copy()
        arr[np.ix_(frames, np.array(left + right))] = getattr(pose, name)[np.ix_(frames, np.array(right + left))]
        arrays[name] = arr
    return pose.replace(**arrays)


def smooth(pose: PoseSeries) -> tuple[PoseSeries, float]:
    """Fill short gaps and low-pass filter every landmark; returns the pose and the cut-off used."""
    cutoff = cutoff_hz_for(pose.fps)
    xy = _filled_and_filtered(pose.xy_px, pose.fps, cutoff)
    depth = _filled_and_filtered(pose.depth_px, pose.fps, cutoff)
    return pose.replace(xy_px=xy, depth_px=depth), cutoff


FEET = tuple(side_index(side, joint) for side in ("left", "right") for joint in ("heel", "foot_index"))


def with_feet_for_landings(smoothed: PoseSeries, unsmoothed: PoseSeries) -> PoseSeries:
    """``smoothed`` (:func:`smooth` of ``unsmoothed``) with the feet's points (heel and toe) filtered at
    :data:`LANDING_CUTOFF_HZ` instead (at most :data:`MAX_CUTOFF_FRACTION_OF_FPS` of the frame rate), for
    the landings of :func:`gait.events.detect_events_side`; only those points are filtered again."""
    cutoff = min(LANDING_CUTOFF_HZ, MAX_CUTOFF_FRACTION_OF_FPS * unsmoothed.fps)
    xy = smoothed.xy_px.copy()
    xy[:, FEET] = _filled_and_filtered(unsmoothed.xy_px[:, FEET], unsmoothed.fps, cutoff)
    return smoothed.replace(xy_px=xy)


def _filled_and_filtered(values: np.ndarray, fps: float, cutoff_hz: float) -> np.ndarray:
    """Gaps up to :data:`MAX_GAP_S` filled, then :func:`lowpass` at ``cutoff_hz``."""
    return lowpass(interpolate_gaps(values, max(1, int(round(MAX_GAP_S * fps)))), fps, cutoff_hz)


def midpoint(pose: PoseSeries, joint: str) -> np.ndarray:
    """(n_frames, 2) midpoint of the left and right ``joint`` (e.g. ``"hip"``)."""
    return 0.5 * (pose.xy_px[:, INDEX["left_" + joint]] + pose.xy_px[:, INDEX["right_" + joint]])
