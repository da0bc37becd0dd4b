"""One label per leg for a whole side-view clip (MediaPipe swaps the near and far leg): :func:`order_legs`."""

from __future__ import annotations

import numpy as np

from gait.cleaning import swap_legs
from gait.event_signals import alternating_sides, foot_forward, landing_peaks, leg_length_px
from gait.landmarks import INDEX, SIDES, PoseSeries


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
    peaks, leading, period = landing_peaks(u, pose.fps)
    if len(peaks) < 2:
        return pose, 0
    sides = alternating_sides(peaks, leading, period)
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

