"""Face blur for exported frames: an elliptical Gaussian blur over the runner's head.

The head is placed from the pose's face landmarks (nose, eyes, ears, mouth corners; :data:`FACE_POINTS`),
which MediaPipe also places on the back of the head in a rear view. Its size is the larger of the face
points' spread and a fraction of the torso length (a side view's face points nearly line up), so the
ellipse covers the head and hair. When no face point is known in a frame, the head is placed above the
shoulders from the torso. Pixels outside the ellipse's bounding box are never changed.

Coordinates are image pixels, x right, y down (:mod:`gait.landmarks`).
"""

from __future__ import annotations

import cv2
import numpy as np

from gait.landmarks import INDEX, NAMES

FACE_POINTS: tuple[int, ...] = tuple(INDEX[n] for n in NAMES[:11])  # nose .. mouth_right
HEAD_PER_TORSO = 0.30  # head half-height as a fraction of mid-shoulder to mid-hip (about 0.5 m adult)
SPREAD_MARGIN = 1.6  # ellipse radius over the face points' largest distance from their centre
ASPECT = 1.25  # head height over width


def _mid(xy: np.ndarray, a: str, b: str) -> np.ndarray:
    return (xy[INDEX[a]] + xy[INDEX[b]]) / 2.0


def face_ellipse(xy_px: np.ndarray) -> tuple[float, float, float, float] | None:
    """Centre and half-axes (cx, cy, half_width, half_height) in pixels of the head in one frame's
    landmarks (33, 2); None when neither the face nor the torso is known."""
    face = xy_px[list(FACE_POINTS)]
    face = face[np.all(np.isfinite(face), axis=1)]
    shoulders = _mid(xy_px, "left_shoulder", "right_shoulder")
    hips = _mid(xy_px, "left_hip", "right_hip")
    torso = float(np.hypot(*(shoulders - hips))) if np.all(np.isfinite(shoulders - hips)) else np.nan
    if len(face):
        centre = face.mean(axis=0)
        spread = float(np.max(np.hypot(*(face - centre).T))) * SPREAD_MARGIN
        radius = max(spread, HEAD_PER_TORSO * torso / ASPECT if np.isfinite(torso) else 0.0)
        if radius <= 0:
            return None
        centre_y = centre[1] - 0.15 * radius  # the face points sit low in the head (hair above)
        return float(centre[0]), float(centre_y), radius, ASPECT * radius
    if np.isfinite(torso) and torso > 0:
        half_h = HEAD_PER_TORSO * torso
        up = (shoulders - hips) / torso  # unit vector from hips to shoulders
        centre = shoulders + up * 1.3 * half_h
        return float(centre[0]), float(centre[1]), half_h / ASPECT, half_h
    return None


def blur_ellipse(img: np.ndarray, ellipse: tuple[float, float, float, float]) -> np.ndarray:
    """A copy of ``img`` with a strong Gaussian blur inside the ellipse (cx, cy, half_w, half_h)."""
    out = img.copy()
    cx, cy, ax, ay = ellipse
    h, w = img.shape[:2]
    x0, x1 = int(np.floor(cx - ax)), int(np.ceil(cx + ax)) + 1
    y0, y1 = int(np.floor(cy - ay)), int(np.ceil(cy + ay)) + 1
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return out
    roi = img[y0:y1, x0:x1]
    sigma = max(2.0, min(ax, ay) / 3.0)
    # pixelate first so that even a light blur leaves no recognisable detail, then smooth the blocks
    small = cv2.resize(roi, (max(1, (x1 - x0) // 8), max(1, (y1 - y0) // 8)), interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR),
                               (0, 0), sigma)
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.ellipse(mask, (int(round(cx - x0)), int(round(cy - y0))), (int(round(ax)), int(round(ay))), 0, 0, 360,
                (255,), -1, cv2.LINE_AA)
    alpha = (mask.astype(np.float32) / 255.0)[..., None] if img.ndim == 3 else mask / 255.0
    out[y0:y1, x0:x1] = (alpha * blurred + (1 - alpha) * roi).round().astype(img.dtype)
    return out


def blur_face(img: np.ndarray, xy_px: np.ndarray) -> np.ndarray:
    """A copy of ``img`` with the runner's head blurred, from one frame's landmarks (33, 2) in pixels.
    Returns an unchanged copy when the head cannot be placed."""
    ellipse = face_ellipse(np.asarray(xy_px, float))
    return img.copy() if ellipse is None else blur_ellipse(img, ellipse)
