"""The trust gate, edited clips: shot cuts and zooms; the longest stretch without either is analysed."""

from __future__ import annotations

import numpy as np

from gait import errors as E
from gait.errors import GaitWarning
from gait.gate.feet import FOOT_VISIBILITY
from gait.gate.frames import legs_in_view
from gait.gate.zoom import ZOOM_SCALE, zooms
from gait.landmarks import INDEX, PoseSeries

# ---- edited clips: shot cuts and zooms ----------------------------------------------------------------
#
# A cut shows as one frame-to-frame change far larger than any other near it: the mean absolute difference
# of consecutive frames' fingerprints (16x16 pixels sampled on a grid, gait.video_io.fingerprint) at least
# CUT_RATIO times the largest within CUT_WINDOW_S either side, and at least CUT_MIN_DIFFERENCE grey levels.
# Rendered clips cut from a close-up to a wide shot and from a side to a rear view: 5.95 and 3.57 times,
# 36.6 and 20.2 levels; the shared clips (none edited): at most 2.42 times (a sprint start's 2.6 levels)
# and 14.8 levels. A cut across which the runner's size (torso length) changes by ZOOM_SCALE or more is a
# zoom (or a cut to a closer or wider shot). Zooms within a shot: gait.gate.zoom. The longest stretch
# without a cut or zoom that shows the whole body is analysed.

CUT_RATIO = 3.0
CUT_MIN_DIFFERENCE = 10.0
CUT_WINDOW_S = 0.5
WHOLE_BODY_POINTS = ("nose", "left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index",
                     "right_foot_index")


PRINT_SIZE = 16  # pixels across and down of each frame's fingerprint


def frame_prints(path: str, frame_index: np.ndarray) -> np.ndarray | None:
    """(n, 16, 16, 3) fingerprints of the file frames ``frame_index``: each frame scaled by ffmpeg to 16x16
    pixels, nearest neighbour (pixels sampled on a grid), ~2 ms a frame for a 1280x720 clip. None when the
    file's frames cannot all be read this way (a damaged file, an ffmpeg fault): no cut is looked for."""
    import subprocess

    import imageio_ffmpeg

    size = PRINT_SIZE * PRINT_SIZE * 3
    try:
        done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "quiet", "-i", path, "-an", "-sn",
                               "-vf", f"scale={PRINT_SIZE}:{PRINT_SIZE}:flags=neighbor", "-fps_mode", "passthrough",
                               "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    n = len(done.stdout) // size
    if len(frame_index) == 0 or int(np.max(frame_index)) >= n:
        return None
    prints = np.frombuffer(done.stdout[:n * size], np.uint8).reshape(n, PRINT_SIZE, PRINT_SIZE, 3)
    return prints[np.asarray(frame_index, dtype=int)]


def shot_starts(fingerprints: np.ndarray | None, frame_index: np.ndarray, fps: float) -> list[int]:
    """File frame indices where a new shot starts (module notes above); ``fingerprints`` has one row per
    decoded frame of ``frame_index``. None or too few frames: no cut."""
    if fingerprints is None or len(fingerprints) < 3 or len(fingerprints) != len(frame_index):
        return []
    prints = np.asarray(fingerprints, dtype=np.float32).reshape(len(fingerprints), -1)
    change = np.abs(np.diff(prints, axis=0)).mean(axis=1)
    half = max(1, int(round(CUT_WINDOW_S * fps)))
    starts = []
    for t, value in enumerate(change):
        around = np.concatenate([change[max(0, t - half):t], change[t + 1:t + 1 + half]])
        if value >= CUT_MIN_DIFFERENCE and len(around) and value >= CUT_RATIO * max(float(around.max()), 1.0):
            starts.append(int(frame_index[t + 1]))
    return starts


def whole_body_in_view(raw: PoseSeries) -> np.ndarray:
    """Per frame: the legs in view (:func:`legs_in_view`) and the nose, ankles, heels and toes inside the
    frame with visibility >= ``FOOT_VISIBILITY``."""
    idx = [INDEX[name] for name in WHOLE_BODY_POINTS]
    xy, vis = raw.xy_px[:, idx], np.nan_to_num(raw.visibility[:, idx])
    with np.errstate(invalid="ignore"):
        inside = ((xy[..., 0] >= 0) & (xy[..., 0] < raw.width) & (xy[..., 1] >= 0) & (xy[..., 1] < raw.height)
                  & (vis >= FOOT_VISIBILITY))
    return np.asarray(inside.all(axis=1) & legs_in_view(raw))


def _runner_size(raw: PoseSeries, rows: np.ndarray) -> float:
    from gait.cleaning import midpoint

    torso = np.linalg.norm(midpoint(raw, "shoulder")[rows] - midpoint(raw, "hip")[rows], axis=1)
    torso = torso[np.isfinite(torso)]
    return float(np.median(torso)) if len(torso) else float("nan")


def _stretches(raw: PoseSeries, starts: list[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int, float]]]:
    """The stretches (file frames [lo, hi)) between the cuts ``starts`` and the zooms within each shot,
    and the zooms (file frames [lo, hi), size factor)."""
    bounds = [int(raw.frame_index[0]), *starts, int(raw.frame_index[-1]) + 1]
    stretches, found = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rows = np.flatnonzero((raw.frame_index >= lo) & (raw.frame_index < hi))
        if len(rows) == 0:
            continue
        shot = raw.replace(**{name: getattr(raw, name)[rows] for name in ROW_FIELDS})
        edge = lo
        for z_lo, z_hi, factor in zooms(shot):
            first, end = int(shot.frame_index[z_lo]), int(shot.frame_index[z_hi - 1]) + 1
            stretches.append((edge, first))
            found.append((first, end, factor))
            edge = end
        stretches.append((edge, hi))
    return [(lo, hi) for lo, hi in stretches if hi > lo], found


ROW_FIELDS = ("xy_px", "depth_px", "visibility", "frame_index")


def _cut_words(raw: PoseSeries, starts: list[int]) -> list[str]:
    fps, window = raw.fps, max(1, int(round(CUT_WINDOW_S * raw.fps)))
    cuts = []
    for start in starts:
        before = (raw.frame_index >= start - window) & (raw.frame_index < start)
        after = (raw.frame_index >= start) & (raw.frame_index < start + window)
        size = _runner_size(raw, after) / _runner_size(raw, before)
        zoom = np.isfinite(size) and max(size, 1 / size) >= ZOOM_SCALE
        looks = f"{max(size, 1 / size):.1f} times {'larger' if size > 1 else 'smaller'}"
        cuts.append(f"{start / fps:.1f} s" + (f" (the runner appears {looks}: a zoom, or a closer or wider shot)"
                                              if zoom else ""))
    return cuts


def choose_shot(raw: PoseSeries, starts: list[int]) -> tuple[PoseSeries, GaitWarning | None]:
    """The rows of ``raw`` in the stretch, between the cuts ``starts`` and the zooms (:func:`zooms`), with
    the most frames showing the whole body, and a warning (``edited_clip``) naming the cuts, the zooms and
    the stretch analysed; ``raw`` as it is when there is neither."""
    if raw.n_frames == 0:
        return raw, None
    stretches, found = _stretches(raw, starts)
    if not starts and not found:
        return raw, None
    fps, whole = raw.fps, whole_body_in_view(raw)
    lo, hi = max(stretches, key=lambda s: (int(whole[(raw.frame_index >= s[0]) & (raw.frame_index < s[1])].sum()),
                                           s[1] - s[0]))
    parts = []
    if starts:
        cuts = _cut_words(raw, starts)
        parts.append(f"the clip is edited: {len(cuts)} shot {'cut' if len(cuts) == 1 else 'cuts'}, at "
                     f"{', '.join(cuts)}")
    if found:
        parts.append("the camera zooms within the shot: " + ", ".join(
            f"at {z_lo / fps:.1f}-{z_hi / fps:.1f} s the runner appears {max(f, 1 / f):.1f} times "
            f"{'larger' if f > 1 else 'smaller'}" for z_lo, z_hi, f in found)
            + " (a zoom, or the camera moving closer or further)")
    warning = GaitWarning(E.EDITED_CLIP, (
        f"{'; '.join(parts)}. Only the longest continuous stretch without a cut or zoom that shows the whole "
        f"body, {lo / fps:.1f}-{hi / fps:.1f} s, was analysed: film one continuous take, without zooming."))
    keep = (raw.frame_index >= lo) & (raw.frame_index < hi)
    return raw.replace(**{name: getattr(raw, name)[keep] for name in ROW_FIELDS}), warning
