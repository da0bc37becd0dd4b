"""Annotated frames: the knee numbers stay readable when the knees are close; the frame the app shows is the
annotated video's."""

from pathlib import Path

import numpy as np
import pytest

from gait import rendering
from gait.landmarks import INDEX, NAMES
from gait.pipeline import Options, analyze
from gait.pose_cache import PoseCache
from gait.rendering import SIDE_COLOURS_BGR, draw_pose

SIDE = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"


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


def test_a_knee_angle_just_below_zero_reads_0_not_minus_0():
    xy = np.full((len(NAMES), 2), np.nan)
    xy[INDEX["left_knee"]] = (100.0, 100.0)
    below, above = np.zeros((200, 300, 3), np.uint8), np.zeros((200, 300, 3), np.uint8)
    draw_pose(below, xy, {"left": -0.4}, scale=1.0)
    draw_pose(above, xy, {"left": 0.4}, scale=1.0)
    assert below.any() and np.array_equal(below, above)


def test_a_knee_angle_measured_elsewhere_is_drawn_where_it_was_measured():
    """A frontal knee angle from the person mask or the stickers is drawn as the white line through the
    points it is the angle at, and its number sits at that line's knee, not at the skeleton's."""
    img = np.zeros((300, 300, 3), np.uint8)
    xy = np.full((len(NAMES), 2), np.nan)
    xy[INDEX["left_hip"]], xy[INDEX["left_knee"]], xy[INDEX["left_ankle"]] = (60.0, 40.0), (60.0, 140.0), (60.0, 240.0)
    measured = {"left": np.array([[60.0, 40.0], [200.0, 140.0], [200.0, 240.0]])}
    draw_pose(img, xy, {"left": 7.0}, scale=1.0, measured_px=measured)
    white = (img > 240).all(axis=2)
    assert white[185:195, 195:205].any()  # the shank line, x = 200, between the knee and the ankle
    assert not white[185:195, 50:70].any()  # the skeleton's shank stays in the side's colour
    label = _columns_of(img[120:145], SIDE_COLOURS_BGR["left"])
    assert label.max() > 205  # beside the measured knee (x 200), far from the skeleton's (x 60)


class _KeptFrames:
    """Stands for the video writer: keeps the frames it is given."""

    frames: list[np.ndarray] = []

    def __init__(self, *args, **kwargs):
        type(self).frames = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, frame: np.ndarray) -> None:
        self.frames.append(frame.copy())


# the 540x960 sample at its size, at 2/3 (bilinear) and at 0.42 (area averaging)
@pytest.mark.parametrize("longest", [1280, 640, 400])
def test_the_frame_shown_is_the_video_frame(monkeypatch, tmp_path, longest):
    """:func:`annotated_frame` (the app's frame "drawn as in the video") equals the frame the annotated video
    is given for the same pose row: the same scaling and the same summary panel."""
    analysis = analyze(str(SIDE), Options(height_cm=175.0, speed_kmh=11.0), workers=1, cache=PoseCache())
    monkeypatch.setitem(rendering.VIDEO_SIZES, "fit", longest)
    monkeypatch.setattr(rendering, "H264Writer", _KeptFrames)
    row = analysis.pose.n_frames // 2
    rendering._write_rows(analysis, tmp_path / "part.mp4", row, row + 1, "fit", False, [0], 0)
    shown = rendering.annotated_frame(analysis, row)
    assert shown is not None and shown.shape[0] == min(longest, 960)
    assert len(_KeptFrames.frames) == 1 and np.array_equal(shown, _KeptFrames.frames[0])


def test_the_frames_time_is_where_a_player_finds_it():
    """A key frame's "t =" is the clip's time as it plays; slow-motion footage (filmed at 240 fps, played at
    30) adds the time as filmed, which the analysis's times are in."""
    from types import SimpleNamespace

    from gait.video_io import VideoInfo

    def analysis(fps: float) -> SimpleNamespace:
        info = VideoInfo(path="run.mp4", file_fps=30.0, fps=fps, frame_count=900, width=540, height=960)
        frames = np.array([0, 141])
        return SimpleNamespace(info=info, pose=SimpleNamespace(frame_index=frames, time_s=frames / fps))

    assert rendering.time_label(analysis(30.0), 1) == "t = 4.70 s"
    assert rendering.time_label(analysis(240.0), 1) == "t = 4.70 s in the file (0.59 s as filmed)"


@pytest.mark.parametrize("height, width", [(1280, 720), (1920, 1080), (480, 640)])
def test_a_contact_label_near_the_bottom_goes_above_the_heel_clear_of_the_time(height, width):
    """A heel low in the frame (a treadmill filmed from the floor) has its 'contact L' label above its circle, clear
    of the time label at the bottom left; elsewhere below it; always inside the frame."""
    import cv2

    scale = rendering.frame_scale(height)
    text_scale = rendering.CONTACT_LABEL_SCALE * scale
    time_box = rendering.time_text_box("t = 88.88 s", height)

    def box(heel):
        x, baseline = rendering._contact_label_origin(heel, "contact L", scale, (height, width, 3))
        outline = rendering._text_thickness(text_scale) + 2
        (w, above), below = cv2.getTextSize("contact L", cv2.FONT_HERSHEY_SIMPLEX, text_scale, outline)
        return x, baseline - above - outline, x + w, baseline + below + outline

    for heel_x in (5, 40, width // 2, width - 5):
        for heel_y in range(height - 60, height, 4):
            x0, y0, x1, y1 = box((heel_x, heel_y))
            assert 0 <= x0 and x1 <= width and y1 <= height
            assert y1 <= time_box[1] or x0 >= time_box[2] or x1 <= time_box[0], (heel_x, heel_y)
            assert y1 < heel_y or heel_y < height - 30 * scale  # at the very bottom: above the heel
    x0, y0, x1, y1 = box((width // 2, height // 2))
    assert y0 > height // 2  # mid-frame: below the heel, as before
