"""Marker mode: the frontal plane measured from round stickers on the runner, seen from behind.

Clinics that do 2-D running analysis put small round stickers of one bright colour on the runner (Souza
2016; Dingenen 2018), because pose keypoints put the hip and knee centres 30-50 mm off (Needham 2021). Per
leg (:data:`SITES`, drawing in docs/markers.md): the posterior superior iliac spine (``psis``), the back of
the thigh below the shorts (``thigh``), the back of the knee at the joint line (``knee``), the lower
shank's mid-line at mid-calf (``calf``) and at the Achilles tendon at ankle height (``achilles``), and a
vertical pair on the shoe's heel counter (``heel_top``, ``heel_bottom``).

1. **Colour** (:func:`calibrate`): the sticker colour is given (a name of :data:`NAMED_HUES` or
   ``#RRGGBB``) or found: the one bright colour that makes several small round spots on the runner. The
   HSV thresholds are then set from the spots found in a few frames spread over the clip.
2. **Spots** (:func:`find_spots`): in each frame, within the runner's box, the pixels of that colour are
   grouped into spots of a sticker's size; each spot's centre is a sub-pixel centroid weighted by how much
   of the sticker colour each pixel holds (its chroma along the sticker's, so that blurred and
   anti-aliased edge pixels count by the fraction of sticker they show).
3. **Which sticker is which** (:func:`label_spots`): MediaPipe's points say which sticker is which (the
   runner's side and the segment), never where it is: each site has an anchor on MediaPipe's skeleton,
   spots are matched to anchors (optimal assignment, gated), the anchors are then corrected by each site's
   typical offset from them in this clip and matched again, and the order along each leg is enforced
   (thigh above knee, calf above Achilles, upper above lower heel sticker). A spot that jumps away from its
   track is dropped.
4. **Angles** (:func:`gait.kinematics.marker_angles`) from the stickers' tracks (short gaps filled,
   low-pass filtered as the pose), and per step (:func:`gait.metrics.marker_step_table`): a measure whose
   stickers were not seen in most of the stance is left out for that step, and counted.

The stickers are for rear views. A side clip needs none (they are ignored, with a note); a front clip
cannot see them.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment

from gait import errors as E
from gait.cleaning import cutoff_hz_for, interpolate_gaps, lowpass
from gait.errors import GaitInputError, GaitWarning
from gait.kinematics import MarkerAngles, marker_angles
from gait.landmarks import SIDES, PoseSeries
from gait.video_io import iter_frames

if TYPE_CHECKING:
    from gait.pipeline import Analysis

SITES = ("psis", "thigh", "knee", "calf", "achilles", "heel_top", "heel_bottom")
NAMES = tuple(f"{side}_{site}" for side in SIDES for site in SITES)
# sticker colours that can be asked for by name: hue in degrees (HSV); the ones that work on most runners
# are far from skin, hair and common clothing colours: green, magenta, cyan, yellow
NAMED_HUES = {"green": 115.0, "magenta": 305.0, "cyan": 185.0, "yellow": 57.0, "blue": 220.0, "orange": 25.0,
              "red": 0.0, "pink": 330.0, "purple": 275.0}
WORKING_COLOURS = ("green", "magenta", "cyan", "yellow")
AUTO = "auto"
STICKER_DIAMETER_MM = 18.0  # 15-20 mm stickers
STICKER_PER_LEG_LENGTH = STICKER_DIAMETER_MM / 1000.0 / (0.491 * 1.75)  # diameter / leg length (Winter)
SAMPLE_FRAMES = 15  # frames looked at to find and calibrate the colour
MIN_SPOTS_PER_FRAME = 3  # median over the sample frames: fewer and the stickers are "not found"
MIN_STANCE_COVERAGE = 0.6  # of a stance's frames in which a measure's stickers are seen
REARFOOT_MIN_FPS = 120.0
# the hip joint centre lies on the thigh line (thigh -> knee sticker) this far below the PSIS, as a fraction
# of the PSIS-to-knee-sticker height: 0.15 on the rendered runner; on real bodies the femoral head lies ~8-10
# cm below the PSIS, ~0.18 of that height. An error of 0.03 in it moves each hip point ~1.5 cm up or down its
# thigh line, sideways by that times the thigh's tilt in the image (0.3 cm at 10 deg): ~3 % of hip width
HIP_BELOW_PSIS = 0.15
MEASURES = ("knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg", "step_width_pct_hip",
            "crossover_pct", "rearfoot_eversion_deg")
SITES_OF = {  # the stickers each measure needs, of the stance side (own) and of the other side
    "knee_valgus_fppa_deg": (("thigh", "knee", "achilles"), ()),
    "pelvic_drop_deg": (("psis",), ("psis",)),
    "hip_adduction_deg": (("psis", "thigh", "knee"), ("psis",)),
    "rearfoot_eversion_deg": (("calf", "achilles", "heel_top", "heel_bottom"), ()),
    "step_width_pct_hip": (("heel_top", "heel_bottom"), ()),
    "crossover_pct": (("heel_top", "heel_bottom"), ("psis",)),
}
SITE_WORDS = {"psis": "PSIS (low back)", "thigh": "back of the thigh", "knee": "back of the knee",
              "calf": "mid-calf", "achilles": "Achilles (ankle height)", "heel_top": "upper heel",
              "heel_bottom": "lower heel"}


# ---------------------------------------------------------------------------------------------- colour
def parse_colour(text: str) -> float | None:
    """The hue (degrees) of a ``--markers`` value: a name of :data:`NAMED_HUES`, ``#RRGGBB``, or None for
    ``auto`` (find it). Raises :class:`GaitInputError` for anything else."""
    word = text.strip().lower()
    if word == AUTO:
        return None
    if word in NAMED_HUES:
        return NAMED_HUES[word]
    if re.fullmatch(r"#?[0-9a-f]{6}", word):
        rgb = np.array([[[int(word.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]]], np.uint8)
        h, s, v = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV_FULL)[0, 0]
        if s < 100 or v < 90:
            raise GaitInputError(f"--markers {text}: that colour is not bright and saturated enough to tell "
                                 f"from skin and clothes; use a bright sticker colour ({', '.join(WORKING_COLOURS)}).",
                                 E.BAD_OPTION)
        return float(h) * 360.0 / 256.0
    raise GaitInputError(f"--markers {text!r}: give auto, a colour name ({', '.join(sorted(NAMED_HUES))}) or "
                         "#RRGGBB.", E.BAD_OPTION)


@dataclass(frozen=True)
class ColourModel:
    """HSV thresholds of the sticker colour (hue in degrees, saturation and value 0-1) and its chroma
    direction in RGB (unit vector), used to weigh each pixel's share of sticker colour."""

    hue_deg: float
    hue_half_width_deg: float
    min_saturation: float
    min_value: float
    chroma_rgb: tuple[float, float, float]
    asked: str  # what the user gave ("auto", "green", "#33ff55")

    def mask(self, hsv: np.ndarray) -> np.ndarray:
        """Pixels of the sticker colour in an HSV image (OpenCV's full-range hue, 0-255)."""
        hue = hsv[..., 0].astype(np.float32) * (360.0 / 256.0)
        d = np.abs((hue - self.hue_deg + 180.0) % 360.0 - 180.0)
        return ((d <= self.hue_half_width_deg) & (hsv[..., 1] >= 255 * self.min_saturation)
                & (hsv[..., 2] >= 255 * self.min_value)).astype(np.uint8)

    def to_dict(self) -> dict:
        return {"asked": self.asked, "hue_deg": round(self.hue_deg, 1),
                "hue_half_width_deg": round(self.hue_half_width_deg, 1),
                "min_saturation": round(self.min_saturation, 3), "min_value": round(self.min_value, 3)}


def _hue_chroma(hue_deg: float) -> tuple[float, float, float]:
    """Unit chroma direction (RGB) of a fully saturated colour of that hue."""
    rgb = cv2.cvtColor(np.array([[[hue_deg * 256.0 / 360.0, 255, 255]]], np.uint8), cv2.COLOR_HSV2RGB_FULL)
    c = _chroma(rgb.reshape(3).astype(np.float32))
    r, g, b = (float(v) for v in c / np.linalg.norm(c))
    return r, g, b


def _loose(hue: float, asked: str) -> ColourModel:
    return ColourModel(hue, 22.0, 0.4, 0.3, _hue_chroma(hue), asked)


def _chroma(rgb: np.ndarray) -> np.ndarray:
    return rgb - rgb.mean(axis=-1, keepdims=True)


# ---------------------------------------------------------------------------------------------- spots
@dataclass(frozen=True)
class Spots:
    """The sticker-like spots of one frame: centres (k, 2) in image pixels (pixel centres at +0.5, as the
    pose's), areas in pixels and their pixels' hue, saturation and value (for calibration)."""

    xy: np.ndarray
    area: np.ndarray
    hsv: list[np.ndarray] = field(default_factory=list)
    colour_pixels: int = 0


def runner_boxes(pose: PoseSeries, window_s: float = 0.5) -> list[tuple[int, int, int, int] | None]:
    """Per pose row, (x0, y0, x1, y1) around every point of the runner found within ``window_s`` either
    side (the legs' points are missing in some frames from behind), with a margin; None if none."""
    xy = pose.xy_px
    with np.errstate(all="ignore"):
        lo, hi = np.nanmin(xy, axis=1), np.nanmax(xy, axis=1)  # (rows, 2)
    half = max(1, int(round(window_s * pose.fps)))
    boxes: list[tuple[int, int, int, int] | None] = []
    for r in range(pose.n_frames):
        a, b = lo[max(0, r - half):r + half + 1], hi[max(0, r - half):r + half + 1]
        if not np.isfinite(a).any():
            boxes.append(None)
            continue
        (x0, y0), (x1, y1) = np.nanmin(a, axis=0), np.nanmax(b, axis=0)
        pad = 0.12 * (y1 - y0) + 10
        boxes.append((max(0, int(x0 - pad)), max(0, int(y0 - pad)), min(pose.width, int(x1 + pad) + 1),
                      min(pose.height, int(y1 + pad) + 1)))
    return boxes


def find_spots(frame_bgr: np.ndarray, box: tuple[int, int, int, int], colour: ColourModel, diameter_px: float,
               keep_pixels: bool = False) -> Spots:
    """Sticker-sized spots of ``colour`` inside ``box`` with sub-pixel centroids (module notes).

    Each pixel near the colour's mask gets a weight, its share of sticker colour (its chroma along the
    sticker's, over the sticker's own, 0-1); spots are the peaks of that weight blurred at the sticker's
    scale, so that two stickers whose edges run together (a heel pair, smeared by the video's chroma
    subsampling) are still two; each centre is the weighted centroid over a sticker-sized disc, iterated
    (mean shift). Spots inside a larger patch of the colour (clothing) are dropped. ``colour_pixels``:
    every pixel of the colour in the box (stickers should be nearly all of it)."""
    x0, y0, x1, y1 = box
    crop = frame_bgr[y0:y1, x0:x1]
    if crop.size == 0:
        return Spots(np.zeros((0, 2)), np.zeros(0))
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV_FULL)
    mask = colour.mask(hsv)
    if not mask.any():
        return Spots(np.zeros((0, 2)), np.zeros(0))
    chroma = _chroma(crop[..., ::-1].astype(np.float32))
    score = chroma @ np.asarray(colour.chroma_rgb, np.float32)
    full = float(np.percentile(score[mask.astype(bool)], 80))
    near = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=2).astype(np.float32)
    weight = np.clip(score / max(full, 1e-3), 0.0, 1.0) * near
    blurred = cv2.GaussianBlur(weight, (0, 0), max(0.6, diameter_px / 4.0))
    k = max(3, int(round(0.7 * diameter_px)) | 1)
    peaks = np.argwhere((blurred >= cv2.dilate(blurred, np.ones((k, k), np.uint8))) & (blurred >= 0.3)
                        & mask.astype(bool))
    radius = 0.5 * diameter_px + 1.5
    expected = np.pi / 4 * diameter_px ** 2
    h, w = weight.shape
    reach = int(np.ceil(2.0 * radius)) + 1
    centres: list[tuple[float, float]] = []
    areas, pixels = [], []
    for py, px in peaks:
        cy, cx = float(py), float(px)
        ya, yb, xa, xb = max(0, py - reach), min(h, py + reach + 1), max(0, px - reach), min(w, px + reach + 1)
        yy, xx = np.mgrid[ya:yb, xa:xb]
        patch = weight[ya:yb, xa:xb]
        for _ in range(4):
            inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= radius ** 2
            total = float(patch[inside].sum())
            if total <= 0:
                break
            cx, cy = float((patch * xx)[inside].sum() / total), float((patch * yy)[inside].sum() / total)
        inside = (xx - cx) ** 2 + (yy - cy) ** 2 <= radius ** 2
        ring = ~inside & ((xx - cx) ** 2 + (yy - cy) ** 2 <= (2.0 * radius) ** 2)
        total = float(patch[inside].sum())
        if total < 0.2 * expected or total > 3.0 * expected:
            continue
        if float(patch[ring].sum()) > 1.2 * total:  # part of a larger patch of the colour
            continue
        if any((cx - ox) ** 2 + (cy - oy) ** 2 < (0.5 * diameter_px) ** 2 for ox, oy in centres):
            continue
        cx, cy = _unmixed_centroid(chroma[ya:yb, xa:xb], patch, xx, yy, cx, cy, radius)
        centres.append((cx, cy))
        areas.append(total)
        if keep_pixels:
            pixels.append(hsv[ya:yb, xa:xb][inside & (patch > 0.5)])
    xy = np.array(centres, float).reshape(-1, 2) + np.array([x0 + 0.5, y0 + 0.5])
    return Spots(xy, np.array(areas, float), pixels, int(mask.sum()))


def _unmixed_centroid(chroma: np.ndarray, weight: np.ndarray, xx: np.ndarray, yy: np.ndarray, cx: float, cy: float,
                      radius: float) -> tuple[float, float]:
    """The centroid of a spot weighted by each pixel's fraction of sticker colour against the colour
    around it: a pixel's chroma is taken as a mix of the sticker's (the spot's strongest pixels) and the
    surroundings' (the median of a ring just outside the spot, less any other sticker), which keeps a
    coloured background (an orange heel counter under a magenta sticker) from pulling the centre."""
    r2 = (xx - cx) ** 2 + (yy - cy) ** 2
    inside = r2 <= radius ** 2
    ring = (r2 > (radius + 0.5) ** 2) & (r2 <= (radius + 2.5) ** 2) & (weight < 0.3)
    core = inside & (weight >= np.percentile(weight[inside], 75))
    if ring.sum() < 4 or not core.any():
        return cx, cy
    background = np.median(chroma[ring], axis=0)
    axis = chroma[core].mean(axis=0) - background
    norm = float(axis @ axis)
    if norm < 1e-3:
        return cx, cy
    alpha = np.clip((chroma - background) @ axis / norm, 0.0, 1.0) * inside
    total = float(alpha.sum())
    if total <= 0:
        return cx, cy
    return float((alpha * xx).sum() / total), float((alpha * yy).sum() / total)


def _sample_rows(pose: PoseSeries, count: int = SAMPLE_FRAMES) -> list[int]:
    found = np.flatnonzero(np.isfinite(pose.xy_px[:, :, 0]).sum(axis=1) >= 5)
    if len(found) == 0:
        return []
    return sorted({int(found[int(i)]) for i in np.linspace(0, len(found) - 1, min(count, len(found)))})


def _read_rows(path: str, pose: PoseSeries, rows: list[int]) -> dict[int, np.ndarray]:
    """The frames of some pose rows (one decoding pass up to the last)."""
    wanted = {int(pose.frame_index[r]): r for r in rows}
    if not wanted:
        return {}
    out = {}
    for index, frame in iter_frames(path, min(wanted), max(wanted) + 1):
        if index in wanted:
            out[wanted[index]] = frame
    return out


def calibrate(path: str, pose: PoseSeries, asked: str, diameter_px: float) -> tuple[ColourModel, float]:
    """The sticker colour's thresholds for this clip, and the median number of spots per sample frame.
    Raises :class:`GaitInputError` when no colour makes enough sticker-like spots."""
    hue = parse_colour(asked)
    frames = _read_rows(path, pose, _sample_rows(pose))
    every = runner_boxes(pose)
    boxes = {r: box for r in frames if (box := every[r]) is not None}
    if hue is not None:
        candidates = [hue]
    else:  # the bright, saturated hues on the runner
        hist = np.zeros(36)
        for r, (x0, y0, x1, y1) in boxes.items():
            hsv = cv2.cvtColor(frames[r][y0:y1, x0:x1], cv2.COLOR_BGR2HSV_FULL).reshape(-1, 3)
            bright = hsv[(hsv[:, 1] > 140) & (hsv[:, 2] > 110)]
            hist += np.bincount((bright[:, 0].astype(int) * 36) // 256, minlength=36)[:36]
        candidates = [10.0 * i + 5.0 for i in range(36) if hist[i] > 0 and hist[i] >= hist[i - 1]
                      and hist[i] >= hist[(i + 1) % 36]]
    # the stickers' colour makes several sticker-sized round spots and (nearly) nothing else on the runner:
    # the score is the spots per frame times the share of that colour's pixels that lie in them
    best: tuple[float, float, list[Spots]] | None = None
    best_score = -1.0
    for h in candidates:
        loose = _loose(h, asked)
        spots = [find_spots(frames[r], b, loose, diameter_px, keep_pixels=True) for r, b in boxes.items()]
        count = float(np.median([len(s.area) for s in spots])) if spots else 0.0
        share = sum(float(s.area.sum()) for s in spots) / max(1, sum(s.colour_pixels for s in spots))
        if count * share > best_score:
            best, best_score = (h, count, spots), count * share
    if best is None or best[1] < MIN_SPOTS_PER_FRAME or (hue is None and best_score < 0.5 * MIN_SPOTS_PER_FRAME):
        what = "the stickers" if hue is None else f"{asked} stickers"
        raise GaitInputError(
            f"marker mode: {what} were not found on the runner (fewer than {MIN_SPOTS_PER_FRAME} sticker-sized "
            f"spots of one bright colour in the frames looked at). Put round stickers (15-20 mm) of one bright "
            f"colour ({', '.join(WORKING_COLOURS)}) on the places shown on the 'How to film' page, film from "
            "behind in good light, give the colour with --markers COLOUR, or analyse without --markers.",
            E.MARKERS_NOT_FOUND)
    pixels = np.concatenate([p for s in best[2] for p in s.hsv]).astype(np.float32)
    hues = pixels[:, 0] * (360.0 / 256.0)
    d = (hues - best[0] + 180.0) % 360.0 - 180.0
    centre = (best[0] + float(np.median(d))) % 360.0
    spread = float(np.percentile(np.abs((hues - centre + 180.0) % 360.0 - 180.0), 95))
    sat, val = pixels[:, 1] / 255.0, pixels[:, 2] / 255.0
    model = ColourModel(centre, float(np.clip(spread + 6.0, 10.0, 25.0)),
                        float(max(0.3, 0.7 * np.percentile(sat, 10))), float(max(0.2, 0.6 * np.percentile(val, 10))),
                        _hue_chroma(centre), asked)
    return model, best[1]


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
    other = "right" if side == "left" else "left"
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
        out[r] = _in_leg_order(out[r])
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
                  progress: Callable[[int, int], None] | None = None) -> MarkerTracks:
    """Find, label and track the stickers of a rear clip (module notes)."""
    diameter_px = STICKER_PER_LEG_LENGTH * leg_px
    colour, per_frame = calibrate(path, pose, asked, diameter_px)
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
    raw = label_spots(spots, pose, leg_px)
    max_gap = max(1, int(round(0.03 * pose.fps)))
    cutoff = cutoff_hz_for(pose.fps)
    points = {k: lowpass(interpolate_gaps(v, max_gap), pose.fps, cutoff) for k, v in raw.items()}
    seen = {k: np.isfinite(v).all(axis=1) for k, v in raw.items()}
    angles = in_plane_only(marker_angles(points, left_outward), points)
    return MarkerTracks(points, seen, colour, per_frame, angles, left_outward)


SEGMENTS = {"thigh": ("thigh", "knee"), "shank": ("knee", "achilles"), "lower_shank": ("calf", "achilles"),
            "heel": ("heel_top", "heel_bottom")}
SEGMENTS_OF = {"fppa_deg": ("thigh", "shank"), "hip_adduction_deg": ("thigh",),
               "rearfoot_eversion_deg": ("lower_shank", "heel")}
MIN_IN_PLANE = 0.75  # of a segment's full length in the image (90th percentile over the clip)


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


@dataclass(frozen=True)
class MarkerReport:
    """What marker mode did for a clip, for report.json (``quality.markers``) and the warnings."""

    colour: dict
    seen_fraction: dict[str, float]  # per sticker, of the clip's frames
    methods: dict[str, str]  # frontal measure -> "markers" (measured from the stickers) or why not
    steps_missing: dict[str, int]  # frontal measure -> steps left out because its stickers were hidden
    null_reasons: dict[str, str] = field(default_factory=dict)  # measure -> why it has no value
    hip_width_px: float | None = None

    def to_dict(self) -> dict:
        return {"colour": self.colour, "sticker_seen_fraction": self.seen_fraction, "methods": self.methods,
                "steps_missing": self.steps_missing, "null_reasons": self.null_reasons,
                "hip_width_px": self.hip_width_px}


def hip_width_from_markers(tracks: MarkerTracks, stance: dict[str, np.ndarray]) -> float | None:
    """The distance between the hip joint centres (pixels) from the stickers: each side's hip joint on its
    thigh line (thigh -> knee sticker) at :data:`HIP_BELOW_PSIS` of the way from the PSIS down to the knee
    sticker, its distance from the PSIS midpoint taken in that side's stance frames (median), the two
    summed."""
    p = tracks.points
    mid_x = (p["left_psis"][:, 0] + p["right_psis"][:, 0]) / 2
    halves = []
    for s in SIDES:
        thigh, knee, psis = p[f"{s}_thigh"], p[f"{s}_knee"], p[f"{s}_psis"]
        y = psis[:, 1] + HIP_BELOW_PSIS * (knee[:, 1] - psis[:, 1])
        with np.errstate(invalid="ignore", divide="ignore"):
            x = knee[:, 0] + (thigh[:, 0] - knee[:, 0]) * (y - knee[:, 1]) / (thigh[:, 1] - knee[:, 1])
        half = np.abs(x - mid_x)[stance[s]]
        half = half[np.isfinite(half)]
        if len(half) == 0:
            return None
        halves.append(float(np.median(half)))
    return sum(halves)


def _words(measure: str) -> str:
    from gait.catalogue import spec_of

    return spec_of(measure).title.lower()


def apply_markers(analysis: Analysis, asked: str, progress: Callable[[int, int], None] | None = None) -> Analysis:
    """The analysis of a clip with its frontal measures taken from the stickers (rear view), or, for a side
    or front clip, unchanged but for a note. Raises :class:`GaitInputError` when no stickers are found."""
    from gait.metrics import marker_step_table, summarise

    if analysis.view == "side":
        return replace(analysis, notes=[*analysis.notes, "Marker mode: the stickers are not needed from the "
                                        "side and were ignored in this clip."])
    if analysis.view == "front":
        return replace(analysis, notes=[*analysis.notes, "Marker mode: the stickers are on the back of the "
                                        "body and cannot be seen from in front; this clip's frontal measures "
                                        "come from the pose model's points. Film from behind for marker mode."])
    pose = analysis.pose
    left_minus_right = np.nanmedian(pose.joint("left_hip")[:, 0] - pose.joint("right_hip")[:, 0])
    left_outward = float(np.sign(left_minus_right) or -1.0)
    tracks = track_markers(analysis.info.path, pose, asked, analysis.leg_length_px, left_outward, progress)
    steps, missing, stance = marker_step_table(pose, analysis.steps, tracks)
    hip_width = hip_width_from_markers(tracks, stance)
    if hip_width:
        steps, missing, stance = marker_step_table(pose, analysis.steps, tracks, hip_width)
    metrics = summarise(steps)
    metrics["cadence_spm"] = analysis.metrics["cadence_spm"]
    methods, reasons = {}, {}
    steady = steps[steps["steady"]]
    for measure in MEASURES:
        methods[measure] = "markers"
        if measure == "rearfoot_eversion_deg" and pose.fps < REARFOOT_MIN_FPS:
            reasons[measure] = (f"rearfoot eversion needs {REARFOOT_MIN_FPS:.0f} fps or more (this clip: "
                                f"{pose.fps:.0f} fps): film at 120 fps")
            continue
        if measure in ("step_width_pct_hip", "crossover_pct") and not hip_width:
            reasons[measure] = "no hip width from the thigh and knee stickers"
        column = "crossover" if measure == "crossover_pct" else measure
        if metrics[measure]["value"] is None and measure not in reasons:
            own, other = SITES_OF[measure]
            hidden = sorted({SITE_WORDS[s] for s in own + other
                             if np.mean([tracks.seen[f"{side}_{s}"].mean() for side in SIDES]) < 0.5})
            reasons[measure] = (f"its stickers were hidden in most of the stance of every step ({', '.join(hidden)})"
                                if hidden else "its stickers were not seen through enough of any stance")
        if column in steady and steady[column].isna().all() and measure not in reasons:
            reasons[measure] = "its stickers were not seen through enough of any stance"
    for measure in reasons:
        metrics[measure] = {**metrics[measure], "value": None, "left": None, "right": None, "sd": None, "n": 0}
    seen = {k: round(float(v.mean()), 3) for k, v in tracks.seen.items()}
    report = MarkerReport(colour=tracks.colour.to_dict(), seen_fraction=seen, methods=methods,
                          steps_missing={k: int(v) for k, v in missing.items()}, null_reasons=reasons,
                          hip_width_px=hip_width)
    warnings = list(analysis.warnings)
    dropped = {k: v for k, v in missing.items() if v and k not in reasons}
    if dropped:
        warnings.append(GaitWarning(E.MARKERS_HIDDEN, "marker mode: " + "; ".join(
            f"{v} step(s) left out of {_words(k)} (its stickers hidden in most of the stance)"
            for k, v in dropped.items()) + "."))
    for measure, why in reasons.items():
        if measure != "crossover_pct":
            code = E.MARKERS_LOW_FPS if measure == "rearfoot_eversion_deg" and "fps" in why else E.MARKERS_HIDDEN
            warnings.append(GaitWarning(code, f"marker mode: no {_words(measure)}: {why}."))
    return replace(analysis, steps=steps, metrics=metrics, angles=tracks.angles, warnings=warnings,
                   markers=report)


def report_fields(analysis: Analysis) -> dict:
    """report.json's ``quality`` entries on how the frontal measures of a rear or front clip were measured:
    ``frontal_method`` (measure -> "markers", "keypoints" or "none") and, in marker mode, ``markers``
    (:class:`MarkerReport`). Nothing for a side clip."""
    if analysis.view == "side":
        return {}
    if analysis.markers is not None:
        reasons = analysis.markers.null_reasons
        methods = {k: ("none" if k in reasons else v) for k, v in analysis.markers.methods.items()}
        return {"frontal_method": methods, "markers": analysis.markers.to_dict()}
    return {"frontal_method": {k: "none" if k == "rearfoot_eversion_deg" else "keypoints" for k in MEASURES}}


def marker_measures(analysis: Analysis) -> list[str]:
    """The measures of a clip that came from the stickers (with a value)."""
    if analysis.markers is None:
        return []
    return [k for k, v in report_fields(analysis)["frontal_method"].items() if v == "markers"]
