"""What the gait-event rules (:mod:`gait.events`, :mod:`gait.leg_order`) share: the events and a clip's
detection, the leg length and the foot's forward position relative to the hip (the backbone of the side-view
rules), the step period, the landing peaks, the sides of alternating landings and sub-frame helpers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from gait.cleaning import midpoint
from gait.landmarks import SIDES, PoseSeries

MAX_CADENCE_SPM = 300.0
STEADY_STEP_TOLERANCE = 0.25
MIN_SWING_LEG = 0.2  # forward excursion of the leading foot between landings, leg lengths



@dataclass(frozen=True)
class GaitEvent:
    side: str
    type: str
    time_s: float  # capture time, sub-frame
    frame: int  # nearest 0-based frame index in the video file


@dataclass(frozen=True)
class EventDetection:
    events: tuple[GaitEvent, ...]
    stride_period_s: float
    dropped: int  # candidate strides found but not trusted
    contact_timing: str  # gait.catalogue's TIMED_BY_FOOT, TIMED_BY_PRIOR or TIMED_BY_PELVIS
    hidden_toe_offs: tuple[GaitEvent, ...] = ()  # initial contacts whose foot was not seen at push-off

    def of(self, side: str, type_: str) -> list[GaitEvent]:
        return [e for e in self.events if e.side == side and e.type == type_]


def leg_length_px(pose: PoseSeries) -> float:
    """Median of thigh + shank length over both legs and all frames (pixels)."""
    lengths = []
    for s in SIDES:
        thigh = np.linalg.norm(pose.joint(f"{s}_hip") - pose.joint(f"{s}_knee"), axis=1)
        shank = np.linalg.norm(pose.joint(f"{s}_knee") - pose.joint(f"{s}_ankle"), axis=1)
        lengths.append(thigh + shank)
    values = np.concatenate(lengths)
    values = values[np.isfinite(values)]
    median = float(np.median(values)) if len(values) else float("nan")
    return median if median > 0 else float("nan")  # every joint at one point: no leg to scale by


def foot_forward(pose: PoseSeries, side: str, direction: int, leg_px: float) -> np.ndarray:
    """Forward position of the foot (mean of heel and toe) relative to the mid-hip, in leg lengths."""
    return _forward(0.5 * (pose.joint(f"{side}_heel") + pose.joint(f"{side}_foot_index")), pose, direction, leg_px)


def knee_forward(pose: PoseSeries, side: str, direction: int, leg_px: float) -> np.ndarray:
    """Forward position of the knee relative to the mid-hip, in leg lengths."""
    return _forward(pose.joint(f"{side}_knee"), pose, direction, leg_px)


def _forward(xy: np.ndarray, pose: PoseSeries, direction: int, leg_px: float) -> np.ndarray:
    return direction * (xy[:, 0] - midpoint(pose, "hip")[:, 0]) / leg_px


def dominant_period_s(values: np.ndarray, fps: float, min_hz: float, max_hz: float) -> float:
    """Period of the strongest oscillation of ``values`` between ``min_hz`` and ``max_hz``.

    NaNs are replaced by the mean; the spectrum is zero-padded to a fine frequency grid and the peak is
    refined by parabolic interpolation.
    """
    x = np.asarray(values, float)
    finite = np.isfinite(x)
    if finite.sum() < 8 or np.ptp(x[finite]) == 0:  # a constant has no oscillation (its spectrum is rounding)
        return float("nan")
    x = np.where(finite, x - np.nanmean(x), 0.0) * np.hanning(len(x))
    n_fft = max(8192, 1 << int(np.ceil(np.log2(len(x) * 8))))
    power = np.abs(np.fft.rfft(x, n_fft)) ** 2
    freq = np.fft.rfftfreq(n_fft, 1.0 / fps)
    band = np.flatnonzero((freq >= min_hz) & (freq <= max_hz))
    if len(band) == 0:
        return float("nan")
    k = band[np.argmax(power[band])]
    if 0 < k < len(power) - 1:
        k = k + parabolic_offset(power[k - 1], power[k], power[k + 1])
    return float(1.0 / (k * fps / n_fft))


def parabolic_offset(a: float, b: float, c: float) -> float:
    """Offset in (-0.5, 0.5) of the vertex of the parabola through (-1, a), (0, b), (1, c)."""
    denom = a - 2 * b + c
    return 0.0 if denom == 0 or not np.isfinite(denom) else float(np.clip(0.5 * (a - c) / denom, -0.5, 0.5))


def _filled(values: np.ndarray) -> np.ndarray:
    """``values`` with NaN replaced by the lowest finite value (so that gaps make no peaks)."""
    finite = np.isfinite(values)
    return np.where(finite, values, values[finite].min() if finite.any() else 0.0)


def step_period_frames(front: np.ndarray, fps: float) -> float:
    """Typical number of frames between successive landings, from the peaks of ``front``.

    First, the median spacing of peaks found with only a minimal spacing (sprinting at 300 steps/min):
    robust to standing or walking parts of a clip, which a spectrum would pick up. When those peaks are
    mostly irregular (tracking glitches in slow-motion footage, where a step lasts a hundred frames, add
    peaks), the strongest oscillation of the spectrum is taken instead, if its peaks are more regular.
    """
    min_distance = max(1, int(fps * 60.0 / MAX_CADENCE_SPM))
    filled = _filled(front)
    peaks, _ = signal.find_peaks(filled, distance=min_distance, prominence=MIN_SWING_LEG)
    median = float(np.median(np.diff(peaks))) if len(peaks) >= 3 else float("nan")
    regular = _regular_fraction(filled, median)
    if regular >= 0.5:
        return median
    spectral = dominant_period_s(front, fps, fps / max(len(front), 1) * 3, fps / min_distance) * fps
    return spectral if _regular_fraction(filled, spectral) > regular else median


def _regular_fraction(front: np.ndarray, period: float) -> float:
    """Fraction of the time between the first and last peak (spaced by >= 0.6 ``period``) that is
    covered by steps within 25 % of ``period``."""
    if not np.isfinite(period):
        return 0.0
    peaks, _ = signal.find_peaks(front, distance=max(1, int(0.6 * period)), prominence=MIN_SWING_LEG)
    if len(peaks) < 3:
        return 0.0
    gaps = np.diff(peaks)
    return float(gaps[np.abs(gaps - period) <= STEADY_STEP_TOLERANCE * period].sum() / gaps.sum())


def landing_peaks(u: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Frames where a foot is furthest ahead (one per step), which track leads there, the step period."""
    front = np.fmax(u[0], u[1])
    period = step_period_frames(front, fps)
    if not np.isfinite(period):
        return np.zeros(0, int), np.zeros(0, int), period
    peaks, _ = signal.find_peaks(_filled(front), distance=max(1, int(0.6 * period)),
                                 prominence=MIN_SWING_LEG)
    leading = np.nanargmax(np.nan_to_num(u[:, peaks], nan=-np.inf), axis=0)
    return peaks, leading, period


def alternating_sides(peaks: np.ndarray, leading: np.ndarray, period: float) -> np.ndarray:
    """Side index (0 left, 1 right) of each landing: feet alternate, so the side follows from the
    number of steps between landings (a gap of two step periods is a missed step). Of the two possible
    phases, the one that agrees with more of the tracked labels is taken."""
    steps = np.concatenate([[0], np.maximum(1, np.round(np.diff(peaks) / period)).astype(int)])
    parity = np.cumsum(steps) % 2
    return parity if np.mean(parity == leading) >= 0.5 else 1 - parity


def event_at(pose: PoseSeries, side: str, type_: str, index: float) -> GaitEvent:
    """An event at sub-frame row ``index`` of ``pose``."""
    i0 = int(np.clip(np.floor(index), 0, pose.n_frames - 1))
    i1 = min(i0 + 1, pose.n_frames - 1)
    frame_f = pose.frame_index[i0] + (index - i0) * (pose.frame_index[i1] - pose.frame_index[i0])
    return GaitEvent(side, type_, float(frame_f / pose.fps), int(round(frame_f)))

