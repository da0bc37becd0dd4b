"""Marker mode, steps 1 and 2 (:mod:`gait.markers`): the sticker colour found and calibrated on the runner
(:func:`calibrate`), and each frame's sticker-sized spots of that colour with sub-pixel centroids
(:func:`find_spots`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from gait import errors as E
from gait.errors import GaitInputError
from gait.landmarks import PoseSeries
from gait.video_io import frames_at

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
        hue = np.arange(256, dtype=np.float32) * (360.0 / 256.0)  # the hue test per hue value, looked up
        near = (np.abs((hue - self.hue_deg + 180.0) % 360.0 - 180.0) <= self.hue_half_width_deg).astype(np.uint8)
        # saturation and value at their thresholds or above (whole values: the thresholds rounded up)
        low = np.array([0, np.ceil(255 * self.min_saturation), np.ceil(255 * self.min_value)], np.uint8)
        return cv2.bitwise_and(cv2.LUT(hsv[..., 0], near), cv2.inRange(hsv, low, np.full(3, 255, np.uint8)))  # 0/1

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
    every pixel of the colour in the box (stickers should be nearly all of it).

    The weights are worked out only in :func:`_regions` around the colour's pixels, which hold everything a
    peak's tests and centroid read: the result is the one the whole box would give."""
    x0, y0, x1, y1 = box
    crop = frame_bgr[y0:y1, x0:x1]
    if crop.size == 0:
        return Spots(np.zeros((0, 2)), np.zeros(0))
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV_FULL)
    mask = colour.mask(hsv)
    if not mask.any():
        return Spots(np.zeros((0, 2)), np.zeros(0))
    # a pixel's chroma along the sticker's: the chroma direction sums to 0, so it is the RGB values' own
    chroma = np.asarray([colour.chroma_rgb[::-1]], np.float32)
    on_colour = crop[mask.astype(bool)].reshape(-1, 1, 3)
    full = float(np.percentile(cv2.transform(on_colour.astype(np.float32), chroma), 80))
    sigma = max(0.6, diameter_px / 4.0)
    k = max(3, int(round(0.7 * diameter_px)) | 1)
    radius = 0.5 * diameter_px + 1.5
    # inside a larger patch of the colour the blurred weight is flat, every pixel a peak: a peak whose
    # square of side 4 radii is 3/4 colour has more weight in the ring around it than the loop below keeps
    half = int(np.ceil(2.0 * radius))
    reach = half + 1
    # how far from a peak its tests read: the peak test's window, the blur's kernel (4 sigma) and the
    # weight's own 2-pixel dilation of the mask; the square and its dilation; the centroid's window
    depth = max(k // 2 + int(np.ceil(4.0 * sigma)) + 1 + 2, half + 2, reach) + 1
    expected = np.pi / 4 * diameter_px ** 2
    found: list[tuple[int, int, int]] = []  # (peak row, peak column, region) in the crop
    regions: list[tuple[int, int, np.ndarray]] = []  # (row, column of the region's corner, its weights)
    for (ry0, ry1, rx0, rx1), owned in _regions(mask, depth):
        sub = crop[ry0:ry1, rx0:rx1]
        score = cv2.transform(sub.astype(np.float32), chroma)
        near = cv2.dilate(mask[ry0:ry1, rx0:rx1], np.ones((3, 3), np.uint8), iterations=2).astype(np.float32)
        weight = np.clip(score / max(full, 1e-3), 0.0, 1.0) * near
        blurred = cv2.GaussianBlur(weight, (0, 0), sigma)
        square = cv2.boxFilter(weight, -1, (2 * half + 1, 2 * half + 1), normalize=True,
                               borderType=cv2.BORDER_CONSTANT)
        peaks = np.argwhere((blurred >= cv2.dilate(blurred, np.ones((k, k), np.uint8))) & (blurred >= 0.3)
                            & owned & (square < 0.75))
        found += [(int(py) + ry0, int(px) + rx0, len(regions)) for py, px in peaks]
        regions.append((ry0, rx0, weight))
    h, w = mask.shape
    centres: list[tuple[float, float]] = []
    areas, pixels = [], []
    for py, px, region in sorted(found):
        ry0, rx0, weight = regions[region]
        cy, cx = float(py), float(px)
        ya, yb, xa, xb = max(0, py - reach), min(h, py + reach + 1), max(0, px - reach), min(w, px + reach + 1)
        yy, xx = np.mgrid[ya:yb, xa:xb]
        patch = weight[ya - ry0:yb - ry0, xa - rx0:xb - rx0]
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
        cx, cy = _unmixed_centroid(_chroma(crop[ya:yb, xa:xb, ::-1].astype(np.float32)), patch, xx, yy, cx, cy,
                                   radius)
        centres.append((cx, cy))
        areas.append(total)
        if keep_pixels:
            pixels.append(hsv[ya:yb, xa:xb][inside & (patch > 0.5)])
    xy = np.array(centres, float).reshape(-1, 2) + np.array([x0 + 0.5, y0 + 0.5])
    return Spots(xy, np.array(areas, float), pixels, int(mask.sum()))


def _regions(mask: np.ndarray, depth_px: int) -> Iterator[tuple[tuple[int, int, int, int], np.ndarray]]:
    """The parts of the box worth weighing: the colour's pixels gathered into groups (those closer than
    ``depth_px`` to each other in one), each group's bounding box widened by ``depth_px`` (within the box),
    so that it holds every pixel within ``depth_px`` of its own colour pixels. Yields ((y0, y1, x0, x1), the
    region's pixels that are its group's colour pixels)."""
    gap = depth_px // 2
    grown = cv2.dilate(mask, np.ones((2 * gap + 1, 2 * gap + 1), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    h, w = mask.shape
    more = depth_px - gap  # the grown group already reaches gap beyond its colour pixels
    for label in range(1, count):
        x, y, bw, bh = (int(v) for v in stats[label, :4])
        y0, y1, x0, x1 = max(0, y - more), min(h, y + bh + more), max(0, x - more), min(w, x + bw + more)
        yield (y0, y1, x0, x1), (labels[y0:y1, x0:x1] == label) & mask[y0:y1, x0:x1].astype(bool)


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


def _read_rows(path: str, pose: PoseSeries, rows: list[int], fingerprints: np.ndarray | None = None
               ) -> dict[int, np.ndarray]:
    """The frames of some pose rows, read by :func:`gait.video_io.frames_at` (checked against the pose
    pass's ``fingerprints``), so that a long clip is not decoded to its end for a few frames."""
    return frames_at(path, pose.frame_index, rows, fingerprints)


def calibrate(path: str, pose: PoseSeries, asked: str, diameter_px: float,
              fingerprints: np.ndarray | None = None) -> tuple[ColourModel, float]:
    """The sticker colour's thresholds for this clip, and the median number of spots per sample frame
    (read as :func:`_read_rows` does, with the pose pass's ``fingerprints``). Raises :class:`GaitInputError`
    when no colour makes enough sticker-like spots."""
    hue = parse_colour(asked)
    frames = _read_rows(path, pose, _sample_rows(pose), fingerprints)
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


