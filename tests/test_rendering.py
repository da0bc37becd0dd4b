"""Annotated frames: the knee numbers stay readable when the knees are close."""

import numpy as np

from gait.landmarks import INDEX, NAMES
from gait.rendering import SIDE_COLOURS_BGR, draw_pose


def _columns_of(img: np.ndarray, colour: tuple) -> np.ndarray:
    """x of the pixels drawn close to ``colour`` (the label's fill; anti-aliased edges left out)."""
    distance = np.linalg.norm(img.astype(float) - np.array(colour, float), axis=2)
    return np.flatnonzero((distance < 60).any(axis=0))


def test_close_knees_get_their_numbers_on_either_side():
    img = np.zeros((200, 300, 3), np.uint8)
    xy = np.full((len(NAMES), 2), np.nan)
    xy[INDEX["left_knee"]] = (150.0, 100.0)
    xy[INDEX["right_knee"]] = (154.0, 101.0)  # 4 px apart: labels drawn at the knees would overprint
    draw_pose(img, xy, {"left": 26.0, "right": -2.0}, scale=1.5)
    left, right = (_columns_of(img[80:110], SIDE_COLOURS_BGR[s]) for s in ("left", "right"))
    assert len(left) and len(right)
    left_label = left[left < 150 - 4]  # beyond the knee dot
    right_label = right[right > 154 + 4]
    assert len(left_label) > 5 and len(right_label) > 5
    assert not np.any(right < 150 - 8) and not np.any(left > 154 + 8)  # each number on its own side
