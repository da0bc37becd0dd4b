"""Gait events of each foot (initial contact and toe-off) with sub-frame timing.

Method (side view)
------------------
The backbone is the foot's position relative to the hip along the direction of travel, ``u`` (in leg
lengths). It swings once per stride: the foot is furthest ahead just before it lands and furthest behind
just after it leaves the ground, on a treadmill (the body does not travel) and overground (the camera may
pan: the hip is the reference, not the image). This is the OpenCap / Zeni approach; it yields exactly one
candidate per stride per foot, so the jitter of the foot near the ground cannot add contacts.

Each candidate is then refined with the foot's vertical motion:
- initial contact: the foot stops descending. From the forward peak of ``u`` the search runs to the first
  time the lowest point of the foot (heel or toe) has lost most of its downward speed. The delay from
  the peak to that landing is pooled over the clip (median). When the vertical motion shows a landing in
  fewer than half the steps (a small or far foot, a heel point placed high on the shoe), the clip's
  delay is the typical one instead, ``LANDING_DELAY_PRIOR_S``;
- toe-off: the foot leaves the ground and is swung forward. While it is on the ground it is carried
  backwards with the ground, relative to the hip; once it is off, the thigh flexes and the foot reverses
  within a few hundredths of a second, so the backward peak of ``u`` (sub-frame) is the push-off's clearest
  trace in the landmarks. Toe-off is that peak less ``TOE_OFF_LEAD_S``, the time the foot takes to reverse
  (hand-marked sprint toe-offs in ../shared/videos: 21 ms median). It needs no vertical signal: the toe
  and heel points near the ground are the ones a passing swing foot drags along (rendered runner: up to
  0.15 leg lengths in the 150 ms before toe-off), while the backward peak comes after the feet have parted.
  Where the foot's points were not seen around its backward peak (hidden, out of frame) no toe-off is given
  and the step is listed in ``EventDetection.hidden_toe_offs``.
Times are interpolated between frames (parabolic peaks, linear threshold crossings).

A candidate is dropped, and counted, when the foot's landmarks are missing around it or when its swing is
too small to be a running stride (occlusion, tracking lost).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from gait.cleaning import midpoint, swap_legs
from gait.landmarks import INDEX, SIDES, PoseSeries

MAX_CADENCE_SPM = 300.0
STEADY_STEP_TOLERANCE = 0.25
MIN_SWING_LEG = 0.2  # forward excursion of the leading foot between landings, leg lengths
DESCENT_FRACTION = 0.5
MAX_LANDING_DELAY = 0.5  # of a step period, after the foot's most forward point
# From toe-off to the foot's most backward point relative to the hip: hand-marked sprint toe-offs
# (../shared/videos) come a median 21 ms before it, counting a mark as half a frame after the toe-off
TOE_OFF_LEAD_S = 0.02
MIN_FOOT_VISIBILITY = 0.3  # the foot's heel and toe points below this around push-off: toe-off not seen
# ... or nearer an edge of the frame than this (leg lengths): a foot leaving the frame stops at its edge
FOOT_FRAME_MARGIN_LEG = 0.025
# From a foot's most forward point to its landing when the vertical signal shows no landing: hand-marked
# sprint touchdowns (../shared/videos) fall a median 42 ms after it, the rendered runner's contacts 45 ms
LANDING_DELAY_PRIOR_S = 0.045
MIN_LANDING_FRACTION = 0.5  # of the steps: fewer landings seen in the feet's vertical motion, the prior is used
EDGE_STEP_FRACTION = 0.25  # rear/front: fastest descents this close to either end of the clip (of a step) are dropped


@dataclass(frozen=True)
class GaitEvent:
    side: str
    type: str
    time_s: float  # capture time, sub-frame
    frame: int  # nearest 0-based frame index in the video file


# how the initial contacts of a clip were timed (EventDetection.contact_timing)
TIMED_BY_FOOT = "foot"  # the feet's vertical motion: landing seen in most steps
TIMED_BY_PRIOR = "typical delay"  # the foot's most forward point + LANDING_DELAY_PRIOR_S
TIMED_BY_PELVIS = "pelvis"  # rear/front view: the pelvis's fastest descent


@dataclass(frozen=True)
class EventDetection:
    events: tuple[GaitEvent, ...]
    stride_period_s: float
    dropped: int  # candidate strides found but not trusted
    contact_timing: str  # TIMED_BY_FOOT, TIMED_BY_PRIOR or TIMED_BY_PELVIS
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
    foot = 0.5 * (pose.joint(f"{side}_heel") + pose.joint(f"{side}_foot_index"))
    return direction * (foot[:, 0] - midpoint(pose, "hip")[:, 0]) / leg_px


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
        k = k + _parabolic_offset(power[k - 1], power[k], power[k + 1])
    return float(1.0 / (k * fps / n_fft))


def _parabolic_offset(a: float, b: float, c: float) -> float:
    """Offset in (-0.5, 0.5) of the vertex of the parabola through (-1, a), (0, b), (1, c)."""
    denom = a - 2 * b + c
    return 0.0 if denom == 0 or not np.isfinite(denom) else float(np.clip(0.5 * (a - c) / denom, -0.5, 0.5))


def _crossing(values: np.ndarray, start: int, stop: int, threshold: float, downward: bool) -> float:
    """First sub-sample index in [start, stop) where ``values`` crosses ``threshold``; NaN if none."""
    start, stop = max(start, 1), min(stop, len(values))
    for i in range(start, stop):
        a, b = values[i - 1], values[i]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        crossed = (a > threshold >= b) if downward else (a < threshold <= b)
        if crossed:
            return i - 1 + (a - threshold) / (a - b)
    return float("nan")


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


def _landings(u: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Frames where a foot is furthest ahead (one per step), which track leads there, the step period."""
    front = np.fmax(u[0], u[1])
    period = step_period_frames(front, fps)
    if not np.isfinite(period):
        return np.zeros(0, int), np.zeros(0, int), period
    peaks, _ = signal.find_peaks(_filled(front), distance=max(1, int(0.6 * period)),
                                 prominence=MIN_SWING_LEG)
    leading = np.nanargmax(np.nan_to_num(u[:, peaks], nan=-np.inf), axis=0)
    return peaks, leading, period


def order_legs(pose: PoseSeries, direction: int) -> tuple[PoseSeries, int]:
    """Give each leg one label for the whole clip (MediaPipe swaps the near and far leg of a side view).

    Works on unfiltered landmarks and needs no labels: a foot is furthest ahead at each landing, feet
    alternate, and between two landings the feet cross once (one goes back in stance, the other swings
    forward). So within a step the leg that landed is the front foot until the feet cross and the back
    foot after. Which track is left and which right is decided later (:func:`gait.view.to_runner_sides`).

    That rule alone misreads frames where MediaPipe's far foot is lost for a moment (placed near the near
    foot while the feet pass each other): it then swaps the near foot onto the lost point. So the labels
    are chosen for the whole clip at once (:func:`_continuous_swaps`): the rule's choice, weighed by how
    far apart the feet are, against the legs' continuity from frame to frame.

    Returns the relabelled pose and the number of frames whose leg labels were exchanged.
    """
    leg_px = leg_length_px(pose)
    u = np.stack([foot_forward(pose, s, direction, leg_px) for s in SIDES])
    peaks, leading, period = _landings(u, pose.fps)
    if len(peaks) < 2:
        return pose, 0
    sides = _alternating_sides(peaks, leading, period)
    gap = np.abs(u[0] - u[1])
    left_in_front = u[0] >= u[1]
    known = np.isfinite(gap)
    swap = np.zeros(pose.n_frames, bool)
    n = pose.n_frames
    # step k: from its landing to the next; before the first landing the landing foot was swinging in
    starts = np.concatenate([[max(0, int(peaks[0] - period))], peaks])
    stops = np.concatenate([peaks, [n]])
    owners = np.concatenate([[1 - sides[0]], sides])  # the side that landed at the start of each span
    for start, stop, owner in zip(starts, stops, owners, strict=False):
        if stop <= start:
            continue
        span_gap = np.where(known[start:stop], gap[start:stop], np.inf)
        cross = start + int(np.argmin(span_gap))
        owner_in_front = np.arange(start, stop) < cross  # the landed foot is ahead until the crossing
        label_left_is_owner = left_in_front[start:stop] == owner_in_front
        owner_is_left = owner == 0
        swap[start:stop] = known[start:stop] & (label_left_is_owner != owner_is_left)
    if starts[0] > 0:  # frames before the first full step: keep the labels of the first frame after
        swap[:starts[0]] = swap[starts[0]]
    swap = _continuous_swaps(pose, swap, np.where(known, gap, 0.0), leg_px)
    return swap_legs(pose, swap), int(swap.sum())


CONTINUITY_JOINTS = ("knee", "ankle")
ORDER_RULE_WEIGHT = 2.0  # a frame against the rule costs this x the feet's forward gap (leg lengths)


def _continuous_swaps(pose: PoseSeries, rule: np.ndarray, gap: np.ndarray, leg_px: float) -> np.ndarray:
    """Per frame, exchange the leg labels or not (True: exchange), for the whole clip at once (Viterbi).

    A frame's labels cost ``ORDER_RULE_WEIGHT`` x ``gap`` (the feet's forward distance, leg lengths) when
    they go against ``rule`` (so the rule decides where the feet are well apart), plus how far the legs'
    points (``CONTINUITY_JOINTS``, leg lengths) jump from the frame before under the two frames' choices:
    a MediaPipe label swap is a jump of both legs, a lost far foot a jump of one.
    """
    n = pose.n_frames
    if n < 2:
        return rule
    legs = {s: pose.xy_px[:, [INDEX[f"{s}_{j}"] for j in CONTINUITY_JOINTS]] / leg_px for s in SIDES}

    def jump(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.nansum(np.linalg.norm(a[1:] - b[:-1], axis=-1), axis=-1)  # NaN points: no information

    left, right = legs["left"], legs["right"]
    same = jump(left, left) + jump(right, right)  # frame t-1 -> t, same choice at both
    crossed = jump(left, right) + jump(right, left)  # the choice changes between them
    against = ORDER_RULE_WEIGHT * gap
    emit = np.stack([np.where(rule, against, 0.0), np.where(rule, 0.0, against)], axis=1)  # keep, exchange
    cost = emit[0].copy()
    back = np.zeros((n, 2), int)
    for t in range(1, n):
        stay, change = cost + same[t - 1], cost[::-1] + crossed[t - 1]
        back[t] = np.where(stay <= change, [0, 1], [1, 0])
        cost = np.minimum(stay, change) + emit[t]
    states = np.zeros(n, int)
    states[-1] = int(np.argmin(cost))
    for t in range(n - 1, 0, -1):
        states[t - 1] = back[t, states[t]]
    return states.astype(bool)


def detect_events_side(pose: PoseSeries, direction: int) -> EventDetection:
    """Initial contacts and toe-offs of both feet in a side view whose legs are ordered (see module notes)."""
    leg_px = leg_length_px(pose)
    u = np.stack([foot_forward(pose, s, direction, leg_px) for s in SIDES])  # (2, n)
    peaks, leading, period = _landings(u, pose.fps)
    if not np.isfinite(period):
        return EventDetection((), float("nan"), 0, TIMED_BY_FOOT)
    landings: list[tuple[int, int, float, float]] = []  # (side index, peak, apex, landing)
    dropped = 0
    for k, peak in enumerate(peaks):
        side = SIDES[leading[k]]
        lo, hi = int(peak - 0.3 * period), int(peak + 0.4 * period) + 2
        if lo < 1 or hi > pose.n_frames - 1 or not _tracked(pose, side, lo, hi):
            dropped += 1
            continue
        landings.append((leading[k], peak, *_landing(pose, side, u[leading[k]], peak, period, leg_px)))
    # The delay from a foot's most forward point to its landing is steady; its median over all steps is
    # used, so that one step's noisy vertical signal (often the far foot's) cannot move its contact.
    delays = [land - apex for _, _, apex, land in landings if np.isfinite(land)]
    if delays and len(delays) >= MIN_LANDING_FRACTION * len(landings):
        delay, timing = float(np.median(delays)), TIMED_BY_FOOT
    else:  # a vertical signal that shows no landing in most steps cannot time the others either
        delay, timing = LANDING_DELAY_PRIOR_S * pose.fps, TIMED_BY_PRIOR
    events: list[GaitEvent] = []
    hidden: list[GaitEvent] = []
    for i, peak, apex, _ in landings:
        side = SIDES[i]
        ic = apex + delay
        events.append(_event(pose, side, "initial_contact", ic))
        after, end = int(np.ceil(ic)), int(peak + 1.2 * period) + 1
        if end >= pose.n_frames - 1:  # the clip ends before this foot's push-off
            continue
        to = _toe_off(pose, side, u[i], after, end, pose.fps) if _tracked(pose, side, after, end) else np.nan
        if np.isfinite(to) and to > ic:
            events.append(_event(pose, side, "toe_off", to))
        else:
            hidden.append(events[-1])
    events.sort(key=lambda e: e.time_s)
    return EventDetection(tuple(events), 2 * period / pose.fps, dropped, timing, tuple(hidden))


def _tracked(pose: PoseSeries, side: str, lo: int, hi: int) -> bool:
    foot = pose.xy_px[lo:hi, [INDEX[f"{side}_{j}"] for j in ("knee", "ankle", "heel", "foot_index")]]
    return bool(np.all(np.isfinite(foot)))


def _alternating_sides(peaks: np.ndarray, leading: np.ndarray, period: float) -> np.ndarray:
    """Side index (0 left, 1 right) of each landing: feet alternate, so the side follows from the
    number of steps between landings (a gap of two step periods is a missed step). Of the two possible
    phases, the one that agrees with more of the tracked labels is taken."""
    steps = np.concatenate([[0], np.maximum(1, np.round(np.diff(peaks) / period)).astype(int)])
    parity = np.cumsum(steps) % 2
    return parity if np.mean(parity == leading) >= 0.5 else 1 - parity


def _landing(pose: PoseSeries, side: str, u: np.ndarray, peak: int, period: float, leg_px: float
             ) -> tuple[float, float]:
    """Sub-frame indices of the foot's most forward point near ``peak`` and of its landing after it.

    The foot lands (swing-leg retraction: at or after its most forward point) when its lowest point, heel
    or toe, stops descending: the first time after the fastest descent near the peak that the downward
    speed falls below half of it. Half the amplitude because zero-phase filtering spreads an abrupt stop
    symmetrically about its true time. The landing is NaN when that is not seen within half a step.
    """
    low_y = np.fmax(pose.joint(f"{side}_heel")[:, 1], pose.joint(f"{side}_foot_index")[:, 1]) / leg_px
    descent = np.gradient(low_y)
    apex = peak + _parabolic_offset(u[peak - 1], u[peak], u[peak + 1])
    lo, hi = int(peak - 0.3 * period), int(peak + 0.4 * period) + 2
    k_fast = lo + int(np.argmax(descent[lo:hi]))
    threshold = DESCENT_FRACTION * descent[k_fast]
    if threshold <= 0:
        return apex, float("nan")
    latest = apex + MAX_LANDING_DELAY * period
    landing = _crossing(descent, max(k_fast + 1, int(np.ceil(apex))), int(np.ceil(latest)) + 1, threshold,
                        downward=True)
    return apex, float(landing)


def _toe_off(pose: PoseSeries, side: str, u: np.ndarray, after: int, end: int, fps: float) -> float:
    """Sub-frame index of ``side``'s toe-off between rows ``after`` and ``end``: the foot's most backward
    point relative to the hip (``u``: :func:`foot_forward`, parabolic peak) less ``TOE_OFF_LEAD_S``. NaN
    when the hip is lost there, the foot is still going back at the window's end (no turning point), or
    the foot's heel and toe points were not seen around it: MediaPipe's visibility below
    ``MIN_FOOT_VISIBILITY`` (hidden, gaps filled by the cleaning) or within ``FOOT_FRAME_MARGIN_LEG`` of the
    frame's sides or bottom (leaving the frame, where the points pile up at the edge)."""
    window = u[after:end]
    if not np.isfinite(window).any():
        return float("nan")
    back = after + int(np.nanargmin(window))
    if back <= after or back + 1 >= len(u) or not np.all(np.isfinite(u[back - 1:back + 2])) or u[back + 1] < u[back]:
        return float("nan")
    feet = [INDEX[f"{side}_{j}"] for j in ("heel", "foot_index")]
    around = slice(max(back - 2, 0), back + 3)
    xy, margin = pose.xy_px[around][:, feet], FOOT_FRAME_MARGIN_LEG * leg_length_px(pose)
    with np.errstate(invalid="ignore"):  # NaN points are not inside
        inside = (xy[..., 0] >= margin) & (xy[..., 0] <= pose.width - margin) & (xy[..., 1] <= pose.height - margin)
    if not np.all(pose.visibility[around][:, feet] >= MIN_FOOT_VISIBILITY) or not np.all(inside):
        return float("nan")
    return back + _parabolic_offset(u[back - 1], u[back], u[back + 1]) - TOE_OFF_LEAD_S * fps


def _event(pose: PoseSeries, side: str, type_: str, index: float) -> GaitEvent:
    """An event at sub-frame row ``index`` of ``pose``."""
    i0 = int(np.clip(np.floor(index), 0, pose.n_frames - 1))
    i1 = min(i0 + 1, pose.n_frames - 1)
    frame_f = pose.frame_index[i0] + (index - i0) * (pose.frame_index[i1] - pose.frame_index[i0])
    return GaitEvent(side, type_, float(frame_f / pose.fps), int(round(frame_f)))


def detect_events_frontal(pose: PoseSeries) -> EventDetection:
    """Initial contacts and toe-offs from a rear or front view, from the pelvis.

    The feet are poorly tracked from behind or in front (they move along the line of sight and hide each
    other), the pelvis is not. In running the body is in free fall during flight, so the pelvis moves
    down fastest at the instant of landing and up fastest at the instant of toe-off (the ground
    decelerates it after landing and stops pushing at toe-off). Checked on the side-view clips, where the
    feet are seen: the fastest pelvic descent falls within a frame of the foot-based contacts.

    Which foot is down: during stance the pelvis sways towards the stance foot. Feet alternate, so only
    the phase of the alternation is chosen, by the votes of all steps.
    """
    leg_px = leg_length_px(pose)
    hip_y = midpoint(pose, "hip")[:, 1] / leg_px
    descent = np.gradient(hip_y)
    min_distance = max(1, int(pose.fps * 60.0 / MAX_CADENCE_SPM))
    period = dominant_period_s(hip_y, pose.fps, pose.fps / max(len(hip_y), 1) * 3, pose.fps / min_distance)
    period *= pose.fps
    if not np.isfinite(period):
        return EventDetection((), float("nan"), 0, TIMED_BY_PELVIS)
    filled = np.where(np.isfinite(descent), descent, 0.0)
    landings, _ = signal.find_peaks(filled, distance=max(1, int(0.6 * period)), height=0)
    take_offs, _ = signal.find_peaks(-filled, distance=max(1, int(0.6 * period)), height=0)
    votes = _stance_votes(pose, landings, take_offs, period)
    sides = _alternating_sides(landings, (votes < 0).astype(int), period) if len(landings) else landings
    events: list[GaitEvent] = []
    dropped = 0
    # within a quarter step of either end of the clip a "fastest descent" is the filter's edge or the tail
    # of a landing before the clip began, not a landing (rendered runner: 6 frames off at 60 fps)
    edge = max(1.0, EDGE_STEP_FRACTION * period)
    for k, peak in enumerate(landings):
        if peak < edge or peak > pose.n_frames - 1 - edge or not np.all(np.isfinite(descent[peak - 1:peak + 2])):
            dropped += 1
            continue
        side = SIDES[sides[k]]
        ic = peak + _parabolic_offset(*descent[peak - 1:peak + 2])
        events.append(_event(pose, side, "initial_contact", ic))
        after = take_offs[(take_offs > peak) & (take_offs < peak + 0.9 * period)]
        if len(after) and after[0] < pose.n_frames - 1:
            j = after[0]
            events.append(_event(pose, side, "toe_off", j + _parabolic_offset(*(-descent[j - 1:j + 2]))))
    events.sort(key=lambda e: e.time_s)
    return EventDetection(tuple(events), 2 * period / pose.fps, dropped, TIMED_BY_PELVIS)


def _stance_votes(pose: PoseSeries, landings: np.ndarray, take_offs: np.ndarray, period: float) -> np.ndarray:
    """Per landing, > 0 when the left foot looks like the stance foot, < 0 for the right: the pelvis sways
    towards the stance foot. (The tilt of MediaPipe's hip line is no cue: its hip points follow the
    swinging thigh up, the opposite of the pelvic drop, on the rendered runner.)"""
    mid_x = midpoint(pose, "hip")[:, 0]
    k = max(1, int(round(2 * period)))
    sway = mid_x - np.convolve(np.nan_to_num(mid_x, nan=np.nanmean(mid_x)), np.ones(k) / k, mode="same")
    towards_left = np.sign(np.nanmean(pose.joint("left_hip")[:, 0] - pose.joint("right_hip")[:, 0]))
    votes = []
    for peak in landings:
        after = take_offs[take_offs > peak]
        stop = int(after[0]) if len(after) else int(peak + 0.4 * period)
        window = sway[int(peak):max(stop, int(peak) + 1)]
        # a stance with no pelvis position (a gap) has no vote: NaN, made 0 below, without a warning
        votes.append(np.nanmean(window) * towards_left if np.isfinite(window).any() else np.nan)
    return np.nan_to_num(np.array(votes))
