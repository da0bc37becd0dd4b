"""Face blur: the head region changes, the rest of the frame does not."""

import numpy as np

from gait.landmarks import INDEX, NAMES
from gait.privacy import FACE_POINTS, blur_face, face_ellipse


def landmarks(face_xy=(200.0, 100.0), with_face=True):
    xy = np.full((len(NAMES), 2), np.nan)
    fx, fy = face_xy
    offsets = np.random.default_rng(0).uniform(-12, 12, (len(FACE_POINTS), 2))
    if with_face:
        xy[list(FACE_POINTS)] = np.array([fx, fy]) + offsets
    for name, (x, y) in {"left_shoulder": (185, 150), "right_shoulder": (215, 150), "left_hip": (190, 270),
                         "right_hip": (210, 270), "left_knee": (190, 350), "right_knee": (210, 350)}.items():
        xy[INDEX[name]] = (x, y)
    return xy


def frame():
    return np.random.default_rng(1).integers(0, 256, (480, 400, 3), dtype=np.uint8)


def test_face_region_changes_and_nothing_else():
    img, xy = frame(), landmarks()
    out = blur_face(img, xy)
    cx, cy, ax, ay = face_ellipse(xy)
    assert abs(cx - 200) < 15 and abs(cy - 100) < 25 and ax > 15
    centre = (slice(int(cy - ay / 2), int(cy + ay / 2)), slice(int(cx - ax / 2), int(cx + ax / 2)))
    diff = np.abs(out.astype(int) - img.astype(int))
    assert diff[centre].mean() > 40  # noise blurred away
    assert out[centre].std() < img[centre].std() / 4
    outside = np.ones(img.shape[:2], bool)
    outside[max(0, int(cy - ay) - 1):int(cy + ay) + 2, max(0, int(cx - ax) - 1):int(cx + ax) + 2] = False
    assert np.array_equal(out[outside], img[outside])
    assert (diff.sum(axis=2) > 0).mean() < 0.1  # a small part of the frame
    assert np.array_equal(img, frame())  # the input is not changed


def test_head_above_the_shoulders_without_face_points():
    img = frame()
    xy = landmarks(with_face=False)
    cx, cy, ax, ay = face_ellipse(xy)
    assert cy < 150 and abs(cx - 200) < 5  # above the shoulders
    out = blur_face(img, xy)
    assert not np.array_equal(out, img)
    assert np.array_equal(out[300:], img[300:])  # legs untouched


def test_nobody_in_view_leaves_the_frame_unchanged():
    img = frame()
    assert np.array_equal(blur_face(img, np.full((len(NAMES), 2), np.nan)), img)
    edge = landmarks(face_xy=(2.0, 2.0))  # a head at the corner: clipped, no error
    assert blur_face(img, edge).shape == img.shape
