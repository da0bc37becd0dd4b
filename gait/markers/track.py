"""Marker mode, step 3 (:mod:`gait.markers`): which spot is which sticker, frame by frame
(:func:`label_spots`), and the stickers' tracks over a clip (:func:`track_markers`: found, labelled, gaps
filled, filtered, and their frontal angles kept where each segment lies in the image plane)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment

from gait.cleaning import cutoff_hz_for, interpolate_gaps, lowpass
from gait.kinematics import MarkerAngles, marker_angles
from gait.landmarks import SIDES, PoseSeries, other_side
from gait.markers.detect import STICKER_PER_LEG_LENGTH, ColourModel, Spots, calibrate, find_spots, runner_boxes
from gait.video_io import iter_frames

SITES = ("psis", "thigh", "knee", "calf", "achilles", "heel_top", "heel_bottom")
NAMES = tuple(f"{side}_{site}" for side in SIDES for site in SITES)


# ---------------------------------------------------------------------------------------------- labels
def anchors(pose: PoseSeries) -> dict[str, np.ndarray]:
    """Each site's expected place on MediaPipe's skeleton (runner's sides), per pose row: where the
    labelling looks first, before this clip's typical offsets are learnt."""
    mid_hip = (pose.joint("left_hip") + pose.joint("right_hip")) / 2
    mid_sh = (pose.joint("left_shoulder") + pose.joint("right_shoulder")) / 2
    out = {}
    for s in SIDES:
        hip, knee, ankle, heel = (pose.joint(f"{s}_{j}") for j in ("hip", "knee", "ankle", "heel"))
        out[f"{s}_psis"] = mid_hip + 0.5 * (hip - mid_hip) + 0.12 * (mid_sh - mid_hip)
        out[f"{s}_thigh"] = hip + 0.7 * (knee - hip)
        out[f"{s}_knee"] = knee
        out[f"{s}_calf"] = knee + 0.4 * (ankle - knee)
        out[f"{s}_achilles"] = ankle + 0.04 * (knee - ankle)
        out[f"{s}_heel_top"] = heel + 0.3 * (ankle - heel)
        out[f"{s}_heel_bottom"] = heel
    return out


LEG_ORDER = ("thigh", "knee", "calf", "achilles", "heel_top", "heel_bottom")  # top to bottom on each leg


def _assign(spots: np.ndarray, expected: np.ndarray, gate: np.ndarray) -> np.ndarray:
    """Index of the spot for each expected place (-1: none within its ``gate``), optimal assignment."""
    out = np.full(len(expected), -1)
    ok = np.isfinite(expected).all(axis=1)
    if len(spots) == 0 or not ok.any():
        return out
    d = np.linalg.norm(expected[ok][:, None, :] - spots[None, :, :], axis=2)
    cost = np.where(d <= gate[ok][:, None], d ** 2, 1e12)
    rows, cols = linear_sum_assignment(cost)
    idx = np.flatnonzero(ok)
    for r, c in zip(rows, cols, strict=True):
        if cost[r, c] < 1e12:
            out[idx[r]] = c
    return out


def _in_leg_order(positions: np.ndarray) -> np.ndarray:
    """One frame's labelled positions (sites, 2) with each leg's stickers put in their order top to
    bottom (image y down): a swap of two neighbours is undone."""
    out = positions.copy()
    for side in SIDES:
        ks = [NAMES.index(f"{side}_{site}") for site in LEG_ORDER]
        found = [k for k in ks if np.isfinite(out[k, 1])]
        out[found] = out[found][np.argsort(out[found, 1], kind="stable")]
    return out


ANCHOR_GATE = 0.09  # x leg length: how far from its anchor (offset included) a sticker is looked for
TRACK_GATE = 0.02  # x leg length: how far from where its track predicts it (the heel pair is 0.033 apart)
NEIGHBOUR_GATE = 0.04  # x leg length: how far from where a neighbouring sticker found in the frame puts it
TRACK_OFF_SKELETON = 0.2  # x leg length: a track this far from its anchor is dropped (it followed another)
COAST_FRAMES = 2  # frames a track is carried on without its sticker
# the stickers that place a sticker not tracked, nearest first (on the same leg, or the other PSIS)
NEIGHBOURS = {"psis": ("psis",), "thigh": ("knee",), "knee": ("thigh", "calf"), "calf": ("knee", "achilles"),
              "achilles": ("calf", "heel_top"), "heel_top": ("heel_bottom", "achilles"),
              "heel_bottom": ("heel_top", "achilles")}


def _neighbour_indices(name: str) -> list[int]:
    side, site = name.split("_", 1)
    other = other_side(side)
    return [NAMES.index(f"{other if site == 'psis' else side}_{n}") for n in NEIGHBOURS[site]]


def _complete_heel_pairs(frame: np.ndarray, spots: np.ndarray, relative: dict, gate: float) -> None:
    """One heel sticker of a pair found, the other not, and a free spot where the pair's other one would be,
    above or below: both taken, in order (a pair's stickers are the closest together; one may have been
    taken for the other). In place."""
    used = {tuple(p) for p in frame if np.isfinite(p).all()}
    for side in SIDES:
        top, bottom = NAMES.index(f"{side}_heel_top"), NAMES.index(f"{side}_heel_bottom")
        have = [i for i in (top, bottom) if np.isfinite(frame[i]).all()]
        down = relative.get((bottom, top))
        if len(have) != 1 or down is None or not np.isfinite(down).all():
            continue
        p = frame[have[0]]
        free = [q for q in spots if tuple(q) not in used]
        best = min(((float(np.linalg.norm(q - (p + sign * down))), q) for q in free for sign in (1, -1)),
                   key=lambda x: x[0], default=None)
        if best is not None and best[0] <= gate:
            frame[top], frame[bottom] = sorted((p.copy(), best[1]), key=lambda v: float(v[1]))


FOOT_SITES = ("achilles", "heel_top", "heel_bottom")
SWAP_MARGIN = 0.5  # the feet are swapped when they lie this much nearer the other calves than their own
_CALF = {s: NAMES.index(f"{s}_calf") for s in SIDES}  # rows of a frame's positions, looked up once
_FEET = {s: [NAMES.index(f"{s}_{site}") for site in FOOT_SITES] for s in SIDES}


def _feet_under_their_calves(frame: np.ndarray) -> np.ndarray:
    """One frame's labelled positions with the two feet's stickers (Achilles and heel pair) given back to
    their legs when each foot lies sideways nearer the other leg's calf sticker than its own: as a foot
    rises past the other from behind, the tracks can follow the other foot's stickers for several frames."""
    calf = {s: frame[_CALF[s], 0] for s in SIDES}
    foot_x = {s: np.nanmean(frame[_FEET[s], 0]) if np.isfinite(frame[_FEET[s], 0]).any() else np.nan for s in SIDES}
    left, right = SIDES
    own = abs(foot_x[left] - calf[left]) + abs(foot_x[right] - calf[right])
    other = abs(foot_x[left] - calf[right]) + abs(foot_x[right] - calf[left])
    if not (np.isfinite(own) and np.isfinite(other)) or other >= SWAP_MARGIN * own:
        return frame
    out = frame.copy()
    out[_FEET[left]], out[_FEET[right]] = frame[_FEET[right]], frame[_FEET[left]]
    return out


CORRIDOR = 0.07  # x leg length: how far a leg's stickers may lie from MediaPipe's hip-knee-ankle-heel line


def _distance_to_polyline(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Distance of each point (k, 2) to a polyline (m, 2)."""
    best = np.full(len(points), np.inf)
    for a, b in zip(line[:-1], line[1:], strict=True):
        ab = b - a
        t = np.clip(((points - a) @ ab) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
        best = np.minimum(best, np.linalg.norm(points - (a + t[:, None] * ab), axis=1))
    return best


def whole_legs(spots: Spots, pose: PoseSeries, row: int, leg_px: float) -> dict[str, np.ndarray]:
    """The legs whose six stickers (thigh to lower heel) are all seen in a frame, and nothing else near
    the leg: side -> (6, 2) positions in their order top to bottom. A leg seen whole is labelled by that
    order alone, whatever the pose model's points (which only say where the leg is)."""
    out: dict[str, np.ndarray] = {}
    if len(spots.xy) < len(LEG_ORDER):
        return out
    for side in SIDES:
        line = np.stack([pose.joint(f"{side}_{j}")[row] for j in ("hip", "knee", "ankle", "heel")])
        if not np.isfinite(line).all():
            continue
        line = np.vstack([line, line[-1] + 0.06 * leg_px * np.array([0.0, 1.0])])
        near = spots.xy[_distance_to_polyline(spots.xy, line) <= CORRIDOR * leg_px]
        near = near[near[:, 1] > line[0, 1]]  # below the hip: the PSIS are not the leg's
        if len(near) == len(LEG_ORDER):
            chain = near[np.argsort(near[:, 1])]
            if np.all(np.diff(chain[:, 1]) > 0.01 * leg_px):
                out[side] = chain
    return out


def label_spots(spots: list[Spots], pose: PoseSeries, leg_px: float) -> dict[str, np.ndarray]:
    """Sticker positions per site (``"<side>_<site>"`` -> (n_rows, 2), NaN where not found) from each
    row's spots (module notes, step 3). A first pass matches the spots to MediaPipe's anchors and learns
    each site's median offset from its anchor and from its neighbours. Then, frame by frame, each sticker
    is looked for where its own motion so far puts it (tracked), else where a neighbouring sticker found
    in that frame puts it (the heel pair, say, moves as one), else near its corrected anchor (the pose
    model's points lag behind a fast foot, so they are the last resort)."""
    base = anchors(pose)
    expected = np.stack([base[n] for n in NAMES], axis=1)  # (rows, sites, 2)
    n, k = len(spots), len(NAMES)
    first = np.full((n, k, 2), np.nan)
    whole = [whole_legs(sp, pose, r, leg_px) for r, sp in enumerate(spots)]
    for r, sp in enumerate(spots):
        pick = _assign(sp.xy, expected[r], np.full(k, 0.14 * leg_px))
        first[r, pick >= 0] = sp.xy[pick[pick >= 0]]
        first[r] = _in_leg_order(first[r])
        for side, chain in whole[r].items():
            first[r, [NAMES.index(f"{side}_{site}") for site in LEG_ORDER]] = chain
    with warnings.catch_warnings():  # a sticker never seen: its offsets are NaN, and not used
        warnings.simplefilter("ignore", RuntimeWarning)
        offset = np.nanmedian(first - expected, axis=0)
        relative = {(i, j): np.nanmedian(first[:, i] - first[:, j], axis=0)
                    for i in range(k) for j in _neighbour_indices(NAMES[i])}
    expected = expected + np.where(np.isfinite(offset), offset, 0.0)[None]
    out = np.full((n, k, 2), np.nan)
    last, velocity, missed = np.full((k, 2), np.nan), np.zeros((k, 2)), np.full(k, COAST_FRAMES + 1)
    for r, sp in enumerate(spots):
        predicted = last + velocity * (missed + 1)[:, None]
        tracked = (missed <= COAST_FRAMES) & np.isfinite(predicted).all(axis=1)
        with np.errstate(invalid="ignore"):
            tracked &= ~(np.linalg.norm(predicted - expected[r], axis=1) > TRACK_OFF_SKELETON * leg_px)
        pick = _assign(sp.xy, np.where(tracked[:, None], predicted, np.nan), np.full(k, TRACK_GATE * leg_px))
        taken = set(pick[pick >= 0].tolist())
        out[r, pick >= 0] = sp.xy[pick[pick >= 0]]
        guess, gate = np.full((k, 2), np.nan), np.full(k, ANCHOR_GATE * leg_px)
        for i in np.flatnonzero(pick < 0):
            near = [out[r, j] + relative[i, j] for j in _neighbour_indices(NAMES[i])
                    if np.isfinite(out[r, j]).all() and np.isfinite(relative[i, j]).all()]
            guess[i], gate[i] = (near[0], NEIGHBOUR_GATE * leg_px) if near else (expected[r, i], gate[i])
        free = np.array([c for c in range(len(sp.xy)) if c not in taken], int)
        if len(free):
            more = _assign(sp.xy[free], guess, gate)
            out[r, more >= 0] = sp.xy[free[more[more >= 0]]]
        _complete_heel_pairs(out[r], sp.xy, relative, NEIGHBOUR_GATE * leg_px)
        out[r] = _feet_under_their_calves(_in_leg_order(out[r]))
        for side, chain in whole[r].items():
            idx = [NAMES.index(f"{side}_{site}") for site in LEG_ORDER]
            out[r, [i for i in range(k) if i not in idx and np.isfinite(out[r, i]).all()
                    and any(np.allclose(out[r, i], c) for c in chain)]] = np.nan  # the other leg took one
            out[r, idx] = chain
        found = np.isfinite(out[r]).all(axis=1)
        step = (out[r] - last) / (missed + 1)[:, None]
        velocity = np.where((found & tracked)[:, None], step, np.where(found[:, None], 0.0, velocity))
        last = np.where(found[:, None], out[r], last)
        missed = np.where(found, 0, missed + 1)
    return {name: drop_jumps(out[:, i], JUMP_PER_LEG * leg_px) for i, name in enumerate(NAMES)}


JUMP_PER_LEG = 0.025  # a position this far (x leg length) from the midpoint of its neighbours is a jump


def drop_jumps(track: np.ndarray, limit_px: float, passes: int = 3) -> np.ndarray:
    """A track (n, 2) with its jumps set to NaN: positions off the straight line between the previous and
    the next frame's by more than ``limit_px`` (another sticker taken for this one in a frame or two),
    worst first; steady motion, however fast, is kept."""
    out = track.copy()
    for _ in range(passes):
        mid = (out[:-2] + out[2:]) / 2
        off = np.full(len(out), np.nan)
        off[1:-1] = np.linalg.norm(out[1:-1] - mid, axis=1)
        with np.errstate(invalid="ignore"):
            worst = (off > limit_px) & (off >= np.fmax(np.roll(off, 1), np.roll(off, -1)))
        if not worst.any():
            break
        out[worst] = np.nan
    return out


# ---------------------------------------------------------------------------------------------- clip
@dataclass(frozen=True)
class MarkerTracks:
    """The stickers over a clip: positions per site and pose row (filtered), what was seen (raw, before
    filling and filtering), the colour and the angles."""

    points: dict[str, np.ndarray]
    seen: dict[str, np.ndarray]
    colour: ColourModel
    spots_per_frame: float
    angles: MarkerAngles
    left_outward: float


def track_markers(path: str, pose: PoseSeries, asked: str, leg_px: float, left_outward: float,
                  progress: Callable[[int, int], None] | None = None,
                  fingerprints: np.ndarray | None = None, roll_deg: float | None = None) -> MarkerTracks:
    """Find, label and track the stickers of a rear clip (module notes). ``fingerprints``: the pose pass's,
    one per pose row (:attr:`gait.results.Analysis.pass_fingerprints`), for :func:`calibrate`'s seeks.
    ``roll_deg``: the picture's roll, which pelvic drop is turned back by (:func:`gait.kinematics.marker_angles`)."""
    diameter_px = STICKER_PER_LEG_LENGTH * leg_px
    colour, per_frame = calibrate(path, pose, asked, diameter_px, fingerprints)
    rows = {int(i): r for r, i in enumerate(pose.frame_index)}
    boxes = runner_boxes(pose)
    spots: list[Spots] = [Spots(np.zeros((0, 2)), np.zeros(0)) for _ in range(pose.n_frames)]
    if rows:
        total = len(rows)
        for done, (index, frame) in enumerate(iter_frames(path, min(rows), max(rows) + 1), start=1):
            r = rows.get(index)
            box = boxes[r] if r is not None else None
            if r is not None and box is not None:
                spots[r] = find_spots(frame, box, colour, diameter_px)
            if progress is not None:
                progress(done, total)
    raw = drop_stretched(label_spots(spots, pose, leg_px))
    max_gap = max(1, int(round(0.03 * pose.fps)))
    cutoff = cutoff_hz_for(pose.fps)
    points = {k: lowpass(interpolate_gaps(v, max_gap), pose.fps, cutoff) for k, v in raw.items()}
    seen = {k: np.isfinite(v).all(axis=1) for k, v in raw.items()}
    angles = in_plane_only(marker_angles(points, left_outward, roll_deg), points)
    return MarkerTracks(points, seen, colour, per_frame, angles, left_outward)


SEGMENTS = {"thigh": ("thigh", "knee"), "shank": ("knee", "achilles"), "lower_shank": ("calf", "achilles"),
            "heel": ("heel_top", "heel_bottom")}
SEGMENTS_OF = {"fppa_deg": ("thigh", "shank"), "hip_adduction_deg": ("thigh",),
               "rearfoot_eversion_deg": ("lower_shank", "heel")}
MIN_IN_PLANE = 0.75  # of a segment's full length in the image (90th percentile over the clip)
MAX_STRETCH = 1.5  # x a segment's median length in the image: longer, one of its stickers is another one


def drop_stretched(raw: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The labelled positions without the frames in which a segment's two stickers lie more than
    :data:`MAX_STRETCH` times its median length apart: one of them is another sticker, taken for it over
    several frames (a heel sticker in swing, from behind, labelled with a spot a calf's length away); both
    are dropped, as which one is wrong is not known. Moving nearer the camera makes a segment look at most
    a fifth longer; turning it away, only shorter."""
    out = {k: v.copy() for k, v in raw.items()}
    for side in SIDES:
        for a_site, b_site in SEGMENTS.values():
            a, b = raw[f"{side}_{a_site}"], raw[f"{side}_{b_site}"]
            length = np.linalg.norm(b - a, axis=1)
            if not np.isfinite(length).any():
                continue
            with np.errstate(invalid="ignore"):
                stretched = length > MAX_STRETCH * np.nanmedian(length)
            out[f"{side}_{a_site}"][stretched] = np.nan
            out[f"{side}_{b_site}"][stretched] = np.nan
    return out


def in_plane_only(angles: MarkerAngles, points: dict[str, np.ndarray]) -> MarkerAngles:
    """``angles`` without the frames in which a segment they are made of is turned towards or away from
    the camera (its stickers closer together in the image than :data:`MIN_IN_PLANE` of its full length:
    a knee bent in swing, a heel lifting): a 2-D frontal angle means nothing there."""
    changed = {}
    for field_name, segments in SEGMENTS_OF.items():
        per_side = dict(getattr(angles, field_name))
        for side in SIDES:
            keep = np.ones(len(per_side[side]), bool)
            for seg in segments:
                a, b = (points[f"{side}_{site}"] for site in SEGMENTS[seg])
                length = np.linalg.norm(b - a, axis=1)
                if np.isfinite(length).any():
                    with np.errstate(invalid="ignore"):
                        keep &= length >= MIN_IN_PLANE * np.nanpercentile(length, 90)
            per_side[side] = np.where(keep, per_side[side], np.nan)
        changed[field_name] = per_side
    return replace(angles, **changed)


