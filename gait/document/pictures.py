"""Pictures of the report: the key frames at landing, cropped around the runner, and the captioned PNG
that both documents place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from gait.rendering import key_frame_rows, panel_height_px, time_label_box
from gait.results import Analysis

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


@dataclass(frozen=True)
class Picture:
    caption: str
    png: bytes

    @property
    def size_px(self) -> tuple[int, int]:
        """(width, height) from the PNG header."""
        return int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big")


KEY_FRAME_RE = re.compile(r"keyframe(?:_(?P<view>[a-z]+\d*))?_(?P<side>left|right)_contact\.png$")


def runner_box(xy_px: np.ndarray, width: int, height: int, margin: float = 0.12) -> Box | None:
    """(x0, y0, x1, y1) around the landmarks of one frame (33, 2), with ``margin`` of the body height
    on each side, inside the image; None when fewer than 5 landmarks are known."""
    known = xy_px[np.all(np.isfinite(xy_px), axis=1)]
    if len(known) < 5:
        return None
    (x0, y0), (x1, y1) = known.min(axis=0), known.max(axis=0)
    pad = margin * max(y1 - y0, x1 - x0)
    box = (int(max(0, x0 - pad)), int(max(0, y0 - 1.5 * pad)), int(min(width, x1 + pad)),
           int(min(height, y1 + pad)))
    return box if box[2] - box[0] > 10 and box[3] - box[1] > 10 else None


def crop_png(png: bytes, box: Box | None) -> bytes:
    """The PNG cropped to ``box`` (x0, y0, x1, y1); unchanged when ``box`` is None."""
    if box is None:
        return png
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        return png
    x0, y0, x1, y1 = box
    ok, data = cv2.imencode(".png", img[y0:y1, x0:x1])
    return data.tobytes() if ok else png


def key_frame_boxes(clip: Analysis) -> dict[str, Box | None]:
    """Per side, the crop box around the runner in the clip's key frame (:func:`gait.rendering.key_frame_rows`).

    The summary panel that :func:`gait.rendering.annotate_frame` draws at the top-left is taken whole or
    left out: the box starts below it when the runner's head is clear of it, else at the top of the frame.
    The time at the bottom left is taken whole when the box reaches it (not a stray digit at its edge).
    """
    pose = clip.pose
    panel_px = panel_height_px(clip.view, pose.height)
    boxes = {}
    for side, row in key_frame_rows(clip).items():
        box = runner_box(pose.xy_px[row], pose.width, pose.height)
        top = np.nanmin(pose.xy_px[row][:, 1]) if np.any(np.isfinite(pose.xy_px[row])) else 0.0
        if box is not None and box[1] < panel_px:
            box = (box[0], panel_px if top > panel_px + 10 else 0, box[2], box[3])
        label = time_label_box(clip, row, pose.height)
        if box is not None and box[0] < label[2] and label[0] < box[2] and box[1] < label[3] and label[1] < box[3]:
            box = (min(box[0], label[0]), min(box[1], label[1]), max(box[2], label[2]), max(box[3], label[3]))
        boxes[side] = box
    return boxes


def key_frame_pictures(folder: Path, views: dict[str, str] | None = None,
                       boxes: dict[tuple[str, str], Box | None] | None = None) -> list[Picture]:
    """The key frames an analysis wrote into ``folder`` (``keyframe[_<view>]_<side>_contact.png``),
    captioned; ``views`` maps a file suffix ('' for the primary clip) to its view name, ``boxes`` a
    (suffix, side) to the crop around the runner."""
    found = [(m, p) for p in Path(folder).glob("keyframe*_contact.png") if (m := KEY_FRAME_RE.search(p.name))]
    found.sort(key=lambda mp: (mp[0]["view"] or "", mp[0]["side"]))
    pictures = []
    for match, path in found:
        suffix = match["view"] or ""
        view = (views or {}).get(suffix, suffix or "side")
        what = "knee bend at landing" if view == "side" else "knee valgus in stance"
        caption = (f"{match['side'].capitalize()} foot landing, {re.sub(r'[0-9]', '', view)} view: the "
                   f"step with the median {what}")
        box = (boxes or {}).get((suffix, match["side"]))
        pictures.append(Picture(caption, crop_png(path.read_bytes(), box)))
    return pictures
