"""Cleaning of raw pose landmarks: masking, gap filling, leg-swap correction, low-pass filtering.

Order matters: swaps are corrected on unfiltered positions (a swap is a jump that filtering would smear),
then short gaps are filled and every coordinate is low-pass filtered with a zero-phase Butterworth filter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from gait.landmarks import INDEX, LEG_JOINTS, MIRROR_PAIRS, PoseSeries, side_index

MIN_VISIBILITY = 0.5
MAX_GAP_S = 0.1
FILTER_ORDER = 4
MAX_CUTOFF_HZ = 10.0


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


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in a 1-D boolean array."""
    padded = np.concatenate([[False], mask, [False]]).astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2], edges[1::2]))


def interpolate_gaps(values: np.ndarray, max_gap: int) -> np.ndarray:
    """Linearly fill interior runs of NaN no longer than ``max_gap`` samples along axis 0.

    Longer gaps, and gaps at either end, stay NaN.
    """
    out = np.array(values, dtype=float, copy=True)
    flat = out.reshape(len(out), -1)
    t = np.arange(len(out))
    for col in range(flat.shape[1]):
        y = flat[:, col]
        for start, stop in _runs(np.isnan(y)):
            if start > 0 and stop < len(y) and stop - start <= max_gap:
                flat[start:stop, col] = np.interp(t[start:stop], [start - 1, stop], [y[start - 1], y[stop]])
    return out


def lowpass(values: np.ndarray, fps: float, cutoff_hz: float, order: int = FILTER_ORDER) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0 (time), run by run between NaN gaps.

    Runs too short for the filter's padding are left as they are.
    """
    sos = signal.butter(order, cutoff_hz, btype="low", fs=fps, output="sos")
    padlen = 3 * (2 * len(sos) + 1)
    out = np.array(values, dtype=float, copy=True)
    flat = out.reshape(len(out), -1)
    for col in range(flat.shape[1]):
        for start, stop in _runs(np.isfinite(flat[:, col])):
            if stop - start > padlen:
                flat[start:stop, col] = signal.sosfiltfilt(sos, flat[start:stop, col], padlen=padlen)
    return out


LEG_PAIRS = tuple((side_index("left", j), side_index("right", j)) for j in LEG_JOINTS)


def swap_legs(pose: PoseSeries, frames: np.ndarray) -> PoseSeries:
    """Exchange the left and right leg landmarks (hip to toe) in the frames where ``frames`` is True."""
    return _exchange(pose, frames, LEG_PAIRS)


def mirror_sides(pose: PoseSeries) -> PoseSeries:
    """Exchange every left landmark with its right counterpart, in all frames."""
    return _exchange(pose, np.ones(pose.n_frames, bool), MIRROR_PAIRS)


def _exchange(pose: PoseSeries, frames: np.ndarray, pairs: tuple[tuple[int, int], ...]) -> PoseSeries:
    left = [a for a, _ in pairs]
    right = [b for _, b in pairs]
    arrays = {}
    for name in ("xy_px", "depth_px", "visibility"):
        arr = getattr(pose, name).copy()
        arr[np.ix_(frames, left + right)] = getattr(pose, name)[np.ix_(frames, right + left)]
        arrays[name] = arr
    return pose.replace(**arrays)


def find_leg_swaps(pose: PoseSeries) -> np.ndarray:
    """Frames where the left and right leg labels must be exchanged to make both legs move smoothly.

    A Viterbi search over the label assignment of every frame, with a second-order (constant velocity)
    motion model: the cost of an assignment is the squared distance of each leg's knee, ankle, heel and
    toe from where its two previous positions predict it. A first-order model cannot tell the legs apart
    where they cross in mid-swing; their opposite velocities can. Missing points cost nothing.

    Returns
    -------
    (n_frames,) bool array, True where the labels are swapped relative to MediaPipe's.
    """
    joints = [j for j in LEG_JOINTS if j != "hip"]
    left = pose.xy_px[:, [side_index("left", j) for j in joints]]
    right = pose.xy_px[:, [side_index("right", j) for j in joints]]
    n = pose.n_frames
    if n < 3:
        return np.zeros(n, bool)
    # legs[s][t] = (leg A, leg B) positions at frame t under assignment s (0 = as labelled, 1 = swapped)
    legs = np.stack([np.stack([left, right], 1), np.stack([right, left], 1)])  # (2, n, 2, J, 2)
    scale = np.nanmedian(np.linalg.norm(pose.joint("left_hip") - pose.joint("left_ankle"), axis=1))
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    switch_penalty = 1e-3
    # state = (s_prev, s_cur) encoded as 2*s_prev + s_cur
    cost = np.zeros(4)
    back = np.zeros((n, 4), dtype=np.int8)
    for t in range(2, n):
        new_cost = np.full(4, np.inf)
        for s_prev in (0, 1):
            for s_cur in (0, 1):
                best, best_arg = np.inf, 0
                for s_prev2 in (0, 1):
                    predicted = 2 * legs[s_prev, t - 1] - legs[s_prev2, t - 2]
                    err = np.nansum(((legs[s_cur, t] - predicted) / scale) ** 2)
                    c = cost[2 * s_prev2 + s_prev] + err + switch_penalty * (s_cur != s_prev)
                    if c < best:
                        best, best_arg = c, 2 * s_prev2 + s_prev
                new_cost[2 * s_prev + s_cur] = best
                back[t, 2 * s_prev + s_cur] = best_arg
        cost = new_cost
    states = np.zeros(n, dtype=int)
    state = int(np.argmin(cost))
    for t in range(n - 1, 1, -1):
        states[t] = state & 1
        state = back[t, state]
    states[1] = state & 1
    states[0] = state >> 1
    return states.astype(bool)


def clean(pose: PoseSeries) -> tuple[PoseSeries, CleaningSummary]:
    """Mask, correct leg swaps, fill short gaps and low-pass filter every landmark."""
    masked = mask_low_visibility(pose)
    swaps = find_leg_swaps(masked)
    # Keep MediaPipe's labelling in the majority of frames; which track is which side is decided later.
    if swaps.mean() > 0.5:
        swaps = ~swaps
    unswapped = swap_legs(masked, swaps)
    cutoff = cutoff_hz_for(pose.fps)
    max_gap = max(1, int(round(MAX_GAP_S * pose.fps)))
    xy = lowpass(interpolate_gaps(unswapped.xy_px, max_gap), pose.fps, cutoff)
    depth = lowpass(interpolate_gaps(unswapped.depth_px, max_gap), pose.fps, cutoff)
    masked_fraction = float(np.mean(np.isnan(masked.xy_px[:, :, 0])))
    summary = CleaningSummary(swapped_frames=int(swaps.sum()), cutoff_hz=cutoff,
                              masked_fraction=masked_fraction)
    return unswapped.replace(xy_px=xy, depth_px=depth), summary


def midpoint(pose: PoseSeries, joint: str) -> np.ndarray:
    """(n_frames, 2) midpoint of the left and right ``joint`` (e.g. ``"hip"``)."""
    return 0.5 * (pose.xy_px[:, INDEX["left_" + joint]] + pose.xy_px[:, INDEX["right_" + joint]])
