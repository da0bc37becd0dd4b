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
  time the lowest point of the foot (heel or toe) has lost most of its downward speed, read from the
  feet filtered less than the rest (``gait.cleaning.LANDING_CUTOFF_HZ``: the 10 Hz filter reads an
  abrupt stop late). The delay from
  the peak to that landing is pooled over the clip (median). When the vertical motion shows a landing in
  fewer than half the steps (a small or far foot, a heel point placed high on the shoe), or landings
  spread as evenly as noise (``MAX_NOISE_DISTANCE``: a foot whose lowest point drifts through the stance),
  the clip's delay is the typical one instead, ``LANDING_DELAY_PRIOR_S``;
- toe-off: the foot leaves the ground and is swung forward. While it is on the ground it is carried
  backwards with the ground, relative to the hip; once it is off, the thigh flexes and the foot reverses
  within a few hundredths of a second, so the backward peak of ``u`` (sub-frame) is the push-off's clearest
  trace in the landmarks. Toe-off is that peak less ``TOE_OFF_LEAD_S``, the time the foot takes to reverse
  (hand-marked sprint toe-offs in ../shared/videos: 21 ms median). The peak is read twice, from the foot's
  points and from the knee's most backward point relative to the hip plus the delay from it to the foot's
  (its median over the clip's steps), and the earlier of the two is taken: as the other leg swings past,
  MediaPipe pulls a foot's or a knee's points towards it in some steps, which only delays their backward
  turn (the rendered runner filmed from 1.5 m: the near foot's in 3 of 13 steps, its toe-off then 24-28 ms
  late; with the shank upright at landing, the near knee's in 6 of 13). It needs no vertical signal: the toe
  and heel points near the ground are the ones a passing swing foot drags along (rendered runner: up to
  0.15 leg lengths in the 150 ms before toe-off), while the backward peak comes after the feet have parted.
  Where the foot's points were not seen around its backward peak (hidden, out of frame) no toe-off is given
  and the step is listed in ``EventDetection.hidden_toe_offs``.
Times are interpolated between frames (parabolic peaks, linear threshold crossings).

A candidate is dropped, and counted, when the foot's landmarks are missing from 0.3 of a step before its
most forward point to ``APEX_SEEN_FRAMES`` after it, or when its swing is too small to be a running stride
(occlusion, tracking lost). A foot seen that far but not through its landing's window is timed by the
pooled delay without adding its own landing to it.

The events, the foot's forward signal and the step period are in :mod:`gait.event_signals`; one label per
leg for the whole clip (run before these rules) in :mod:`gait.leg_order`. Both are re-exported here.
"""

from __future__ import annotations

import numpy as np
from scipy import signal, stats

from gait.catalogue import TIMED_BY_FOOT, TIMED_BY_PELVIS, TIMED_BY_PRIOR
from gait.cleaning import midpoint
from gait.event_signals import (
    MAX_CADENCE_SPM,
    EventDetection,
    GaitEvent,
    alternating_sides,
    dominant_period_s,
    event_at,
    foot_forward,
    knee_forward,
    landing_peaks,
    leg_length_px,
    parabolic_offset,
    step_period_frames,
)
from gait.landmarks import INDEX, SIDES, PoseSeries
from gait.leg_order import order_legs

__all__ = [  # this module's rules, and what other modules import from here (from gait.event_signals, gait.leg_order)
    "LANDING_DELAY_PRIOR_S", "TIMED_BY_FOOT", "TIMED_BY_PELVIS", "TIMED_BY_PRIOR", "TOE_OFF_LEAD_S", "EventDetection",
    "GaitEvent", "detect_events_frontal", "detect_events_side", "dominant_period_s", "foot_forward", "leg_length_px",
    "order_legs", "step_period_frames",
]

# A landing is seen where the foot's downward speed falls below this fraction of its fastest descent before
# it (chosen on the rendered runner's exact joints, cleaned as MediaPipe's points are, where landings timed
# there read within 4.2 ms at 30-120 fps; docs/accuracy.md, the landing's speed), and the steps that show one
# decide between the feet's timing and the typical delay (MIN_LANDING_FRACTION) ...
LANDING_SEEN_FRACTION = 0.45
# ... and it is timed where the speed falls below this one: MediaPipe's heel and toe points slow down more
# gradually than the foot, so their speed falls below 0.45 early. Chosen on the 14 side set-ups of the sweep
# (10 s, MediaPipe's points: each side's contact time within 10 ms in 14, 10 at 0.45), checked on 12 set-ups
# no rule was chosen on (9 of 12, from 7) and the hand-marked sprint touchdowns (-0.17 frame from the marks,
# from -0.25); on the exact joints the landings then read -0.6 to -0.2 ms at 60 and 120 fps, +5.3 at 30
# and +7.7 with a forefoot strike at 30 (docs/accuracy.md, the landing's threshold on MediaPipe's points)
LANDING_TIME_FRACTION = 0.39
# the fastest descent of the foot's lowest point before a landing, at least (leg lengths/s; a runner's foot
# lands at about 1): slower is no landing but filtering's ripple or a foot sliding at one height
MIN_LANDING_DESCENT_LEG_PER_S = 0.2
MAX_LANDING_DELAY = 0.5  # of a step period, after the foot's most forward point
# From toe-off to the foot's most backward point relative to the hip: hand-marked sprint toe-offs
# (../shared/videos) come a median 21 ms before it, counting a mark as half a frame after the toe-off
TOE_OFF_LEAD_S = 0.02
MIN_FOOT_VISIBILITY = 0.3  # the foot's heel and toe points below this around push-off: toe-off not seen
# ... or nearer an edge of the frame than this (leg lengths): a foot leaving the frame stops at its edge
FOOT_FRAME_MARGIN_LEG = 0.025
# From a foot's most forward point to its landing when the vertical signal shows no landing: hand-marked
# sprint touchdowns (../shared/videos) fall a median 42 ms after it, the rendered runner's contacts 45 ms
# (its default retraction; 56 ms in the samples and the sweep, whose landings the feet's motion shows)
LANDING_DELAY_PRIOR_S = 0.045
MIN_LANDING_FRACTION = 0.5  # of the steps: fewer landings seen in the feet's vertical motion, the prior is used
# ... and when the landings seen are spread over the window a landing is looked for in (-0.5 frame to
# MAX_LANDING_DELAY of a step + 1 frame) as evenly as noise: the fraction of them before any delay within
# this much of what an even spread puts there (the Kolmogorov-Smirnov distance to a uniform spread, which,
# unlike its p-value, does not fall as a clip grows longer). The 12 s treadmill clip's 30 landings: 0.13
# (0.20 split between two trackers; its feet's lowest point drifts through the stance, and its touchdowns
# marked by eye come 1.7-3 frames before those read); every other side clip in ../shared/videos and every
# render 0.31 or more (sprint_start_b3's 7 landings 0.31, the renders 0.37-0.67; docs/accuracy.md). Even
# spreads of 30 random delays come within 0.25 of it 19 times in 20 (the test's 5 % critical value at n = 30)
MAX_NOISE_DISTANCE = 0.25
# A stride's contact is kept when its foot is seen from 0.3 of a step before its most forward point to this
# many frames after it: the sprint clips' last touchdowns came just before the runner was lost (b1: frame
# 211, lost at 215), which the whole landing window (to 0.4 of a step + 2 frames after) left out
APEX_SEEN_FRAMES = 2
EDGE_STEP_FRACTION = 0.25  # rear/front: fastest descents this close to either end of the clip (of a step) are dropped

def detect_events_side(pose: PoseSeries, direction: int, feet: PoseSeries | None = None) -> EventDetection:
    """Initial contacts and toe-offs of both feet in a side view whose legs are ordered (see module notes).

    ``feet``: ``pose`` with the feet's points filtered less (:func:`gait.cleaning.with_feet_for_landings`),
    whose vertical motion shows the landings (default: ``pose``)."""
    leg_px = leg_length_px(pose)
    u = np.stack([foot_forward(pose, s, direction, leg_px) for s in SIDES])  # (2, n)
    peaks, leading, period = landing_peaks(u, pose.fps)
    if not np.isfinite(period):
        return EventDetection((), float("nan"), 0, TIMED_BY_FOOT)
    landings: list[tuple[int, int, float, float]] = []  # (side index, peak, apex, landing)
    dropped = looked = 0
    for k, peak in enumerate(peaks):
        i, side = leading[k], SIDES[leading[k]]
        lo, hi = _landing_window(peak, period)
        seen_to = peak + APEX_SEEN_FRAMES + 1  # the contact needs the foot in rows [lo, seen_to)
        if lo < 1 or seen_to > pose.n_frames or not _tracked(pose, side, lo, seen_to):
            dropped += 1
            continue
        apex = peak + parabolic_offset(u[i, peak - 1], u[i, peak], u[i, peak + 1])
        land = float("nan")  # its own landing, for the pooled delay: where the foot is seen through its window
        if hi <= pose.n_frames - 1 and _tracked(pose, side, seen_to, hi):
            looked += 1
            land = _landing(pose if feet is None else feet, side, apex, peak, period, leg_px)
        landings.append((i, peak, apex, land))
    # The delay from a foot's most forward point to its landing is steady; its median over all steps is
    # used, so that one step's noisy vertical signal (often the far foot's) cannot move its contact.
    delays = [land - apex for _, _, apex, land in landings if np.isfinite(land)]
    if delays and len(delays) >= MIN_LANDING_FRACTION * looked and not _noise(delays, period):
        delay, timing = float(np.median(delays)), TIMED_BY_FOOT
    else:  # a vertical signal that shows no landing in most steps, or noise, cannot time the others either
        delay, timing = LANDING_DELAY_PRIOR_S * pose.fps, TIMED_BY_PRIOR
    knees = np.stack([knee_forward(pose, s, direction, leg_px) for s in SIDES])
    events: list[GaitEvent] = []
    # per step: (its contact, the contact's row, the foot's and the knee's most backward points)
    pushes: list[tuple[GaitEvent, float, float, float]] = []
    for i, peak, apex, _ in landings:
        side = SIDES[i]
        ic = apex + delay
        if ic > pose.n_frames - 1:  # the clip ends before this foot lands
            continue
        events.append(event_at(pose, side, "initial_contact", ic))
        after, end = int(np.ceil(ic)), int(peak + 1.2 * period) + 1
        if end >= pose.n_frames - 1:  # the clip ends before this foot's push-off
            continue
        back = _foot_back(pose, side, u[i], after, end, leg_px) if _tracked(pose, side, after, end) else np.nan
        pushes.append((events[-1], ic, back, _backward_peak(knees[i], after, end)))
    # Each foot's most backward point is also read from its knee's, which comes a steady delay before it (the
    # median over the clip's steps): MediaPipe pulls a point towards the other leg, which is ahead at push-off,
    # in some steps (module notes), and that only delays the point's backward turn, so the earlier is taken.
    knee_delays = [b - k for _, _, b, k in pushes if np.isfinite(b - k)]
    knee_to_foot = float(np.median(knee_delays)) if knee_delays else np.nan
    hidden: list[GaitEvent] = []
    for contact, ic, back, knee in pushes:
        to = np.fmin(back, knee + knee_to_foot) - TOE_OFF_LEAD_S * pose.fps
        if np.isfinite(back) and to > ic:
            events.append(event_at(pose, contact.side, "toe_off", float(to)))
        else:
            hidden.append(contact)
    events.sort(key=lambda e: e.time_s)
    return EventDetection(tuple(events), 2 * period / pose.fps, dropped, timing, tuple(hidden))


def _noise(delays: list[float], period: float) -> bool:
    """Whether the landing delays (frames after the foot's most forward point) are spread over the window they
    are looked for in as evenly as noise (:data:`MAX_NOISE_DISTANCE`)."""
    low, high = -0.5, MAX_LANDING_DELAY * period + 1.0
    return bool(stats.kstest(delays, "uniform", args=(low, high - low)).statistic < MAX_NOISE_DISTANCE)


def _tracked(pose: PoseSeries, side: str, lo: int, hi: int) -> bool:
    foot = pose.xy_px[lo:hi, [INDEX[f"{side}_{j}"] for j in ("knee", "ankle", "heel", "foot_index")]]
    return bool(np.all(np.isfinite(foot)))


def _landing_window(peak: int, period: float) -> tuple[int, int]:
    """Rows [lo, hi) around a foot's most forward point ``peak`` in which its landing is looked for (the
    foot must be seen there for its own landing to count; from 0.3 of a step before to 0.4 after, + 2)."""
    return int(peak - 0.3 * period), int(peak + 0.4 * period) + 2


def _landing(pose: PoseSeries, side: str, apex: float, peak: int, period: float, leg_px: float) -> float:
    """Sub-frame index of the foot's landing after its most forward point ``apex`` (sub-frame; ``peak``: the
    row nearest it).

    The foot lands (swing-leg retraction: at or after its most forward point) when its lowest point, heel
    or toe, stops descending: after the fastest descent near the peak, the downward speed falls below
    :data:`LANDING_SEEN_FRACTION` of it (about half: zero-phase filtering spreads an abrupt stop
    symmetrically about its true time), timed where it falls below :data:`LANDING_TIME_FRACTION` of it
    (MediaPipe's points slow down more gradually). The speed is the difference between neighbouring frames,
    placed half-way between them: one frame's interval, where a central difference spans two (67 ms at 30
    fps, where it read the landings 7 ms late, and 14 ms with a forefoot strike). The
    landing is NaN when either is not seen within half a step, or when the fastest descent is slower than
    :data:`MIN_LANDING_DESCENT_LEG_PER_S`.
    """
    low_y = np.fmax(pose.joint(f"{side}_heel")[:, 1], pose.joint(f"{side}_foot_index")[:, 1]) / leg_px
    descent = np.diff(low_y)  # descent[i]: between rows i and i + 1
    lo, hi = _landing_window(peak, period)
    k_fast = lo + int(np.argmax(descent[lo:hi]))
    if not descent[k_fast] * pose.fps >= MIN_LANDING_DESCENT_LEG_PER_S:
        return float("nan")
    start, stop = max(k_fast + 1, int(np.ceil(apex - 0.5))), int(np.ceil(apex + MAX_LANDING_DELAY * period)) + 1
    if not np.isfinite(_crossing(descent, start, stop, LANDING_SEEN_FRACTION * descent[k_fast], downward=True)):
        return float("nan")
    return float(_crossing(descent, start, stop, LANDING_TIME_FRACTION * descent[k_fast], downward=True) + 0.5)


def _foot_back(pose: PoseSeries, side: str, u: np.ndarray, after: int, end: int, leg_px: float) -> float:
    """Sub-frame index of ``side``'s foot's most backward point relative to the hip between rows ``after`` and
    ``end`` (``u``: :func:`foot_forward`; :func:`_backward_peak`). NaN also when the foot's heel and toe
    points were not seen around it: MediaPipe's visibility below ``MIN_FOOT_VISIBILITY`` (hidden, gaps
    filled by the cleaning) or within ``FOOT_FRAME_MARGIN_LEG`` of the frame's sides or bottom (leaving the
    frame, where the points pile up at the edge); ``leg_px``: :func:`leg_length_px` of ``pose``."""
    back = _backward_peak(u, after, end)
    if not np.isfinite(back):
        return float("nan")
    feet = [INDEX[f"{side}_{j}"] for j in ("heel", "foot_index")]
    row = int(round(back))
    around = slice(max(row - 2, 0), row + 3)
    xy, margin = pose.xy_px[around][:, feet], FOOT_FRAME_MARGIN_LEG * leg_px
    with np.errstate(invalid="ignore"):  # NaN points are not inside
        inside = (xy[..., 0] >= margin) & (xy[..., 0] <= pose.width - margin) & (xy[..., 1] <= pose.height - margin)
    if not np.all(pose.visibility[around][:, feet] >= MIN_FOOT_VISIBILITY) or not np.all(inside):
        return float("nan")
    return back


def _backward_peak(u: np.ndarray, after: int, end: int) -> float:
    """Sub-frame index of the minimum of ``u`` in rows [``after``, ``end``) (parabolic peak); NaN when the
    hip is lost there or ``u`` is still falling at the window's end (no turning point)."""
    window = u[after:end]
    if not np.isfinite(window).any():
        return float("nan")
    back = after + int(np.nanargmin(window))
    if back <= after or back + 1 >= len(u) or not np.all(np.isfinite(u[back - 1:back + 2])) or u[back + 1] < u[back]:
        return float("nan")
    return back + parabolic_offset(u[back - 1], u[back], u[back + 1])


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
    sides = alternating_sides(landings, (votes < 0).astype(int), period) if len(landings) else landings
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
        ic = peak + parabolic_offset(*descent[peak - 1:peak + 2])
        events.append(event_at(pose, side, "initial_contact", ic))
        after = take_offs[(take_offs > peak) & (take_offs < peak + 0.9 * period)]
        if len(after) and after[0] < pose.n_frames - 1:
            j = after[0]
            events.append(event_at(pose, side, "toe_off", j + parabolic_offset(*(-descent[j - 1:j + 2]))))
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
