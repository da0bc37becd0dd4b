"""The camera's roll from the room's upright lines (gait.level): synthetic rooms turned by known angles, a real
clip's frame turned, and a rendered runner's and a real clip turned through the whole analysis, whose measures
are turned back by the roll."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from gait import level

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def _turned(image: np.ndarray, roll_deg: float, zoom: float = 1.25) -> np.ndarray:
    """``image`` turned ``roll_deg`` clockwise on screen and zoomed so that no corner of fill shows."""
    h, w = image.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), -roll_deg, zoom)  # OpenCV: + anticlockwise
    return cv2.warpAffine(image, turn, (w, h), flags=cv2.INTER_LINEAR)


def _room(seed: int = 0) -> np.ndarray:
    """A 1080x1920 room: a textured wall with door and cabinet edges (upright), shelves (level) and a few
    slanted lines, as a level camera sees it."""
    rng = np.random.default_rng(seed)
    room = np.clip(rng.normal(150, 6, (1920, 1080, 3)), 0, 255).astype(np.uint8)
    for x in rng.uniform(80, 1000, 14):
        cv2.rectangle(room, (int(x), int(rng.uniform(100, 600))), (int(x) + int(rng.uniform(30, 90)),
                      int(rng.uniform(1200, 1800))), tuple(int(v) for v in rng.integers(40, 230, 3)), -1)
    for y in rng.uniform(200, 1700, 5):
        cv2.line(room, (60, int(y)), (1020, int(y)), (30, 30, 30), 6)
    cv2.line(room, (100, 1800), (600, 300), (20, 20, 200), 8)  # a slanted rail
    return room


def _roll(frame: np.ndarray, landmarks: np.ndarray | None = None) -> float | None:
    return level.camera_roll_deg(level.room_lines(frame, landmarks))


@pytest.mark.parametrize("roll_deg", [-6.0, -3.0, -1.0, 0.0, 2.0, 4.5])
def test_a_room_turned_by_a_known_angle_reads_it(roll_deg):
    assert _roll(_turned(_room(), roll_deg)) == pytest.approx(roll_deg, abs=0.3)


def test_the_runner_is_not_the_room():
    """Lines mostly inside the runner's box (its points and a margin) are left out: a leaning body reads as
    no roll of the camera."""
    room = _room(1)
    box = (slice(500, 1500), slice(300, 800))
    leaning = np.zeros_like(room[box])
    for x in range(0, 500, 40):  # a runner of lines leaning 10 deg
        cv2.line(leaning, (x, 999), (x + 176, 0), (250, 250, 250), 9)
    room[box] = leaning
    points = np.zeros((33, 2))
    points[:, 0] = np.linspace(330, 770, 33)
    points[:, 1] = np.linspace(540, 1460, 33)
    assert _roll(room, points) == pytest.approx(0.0, abs=0.3)
    kept = level.room_lines(room, points)
    uprights = kept[kept[:, 2] == level.UPRIGHT]
    assert len(uprights) >= 8 and not np.any(np.abs(uprights[:, 0] - 10.0) < 2.0)


def test_no_verdict_without_enough_lines_sharing_a_tilt():
    plain = np.full((1920, 1080, 3), 140, np.uint8)
    assert _roll(plain) is None
    few = plain.copy()
    for x in (200, 500, 800):
        cv2.line(few, (x, 300), (x, 1500), (20, 20, 20), 6)
    assert _roll(few) is None  # 3 lines: not enough
    rng = np.random.default_rng(2)
    scattered = plain.copy()
    for x, tilt in zip(np.linspace(120, 960, 24), rng.uniform(-14, 14, 24), strict=True):  # no common tilt
        dx = int(600 * np.tan(np.radians(tilt)))
        cv2.line(scattered, (int(x) - dx, 500), (int(x) + dx, 1700), (20, 20, 20), 6)
    assert _roll(scattered) is None
    assert level.camera_roll_deg(None) is None  # a pass that kept no lines (an earlier cache, landmarks alone)


def test_slanted_posts_against_level_shelves_are_not_a_turned_camera():
    """A plain wall with a treadmill's posts leaning 10 deg (the only near-vertical lines) and level shelves:
    the shelves' common tilt disagrees, so no verdict; without the shelves the posts would be taken for
    the room's uprights (the horizontals alone give none: a camera off square turns them by itself)."""
    wall = np.full((1920, 1080, 3), 150, np.uint8)
    for x in np.linspace(150, 900, 10):
        dx = int(500 * np.tan(np.radians(10.0)))
        cv2.line(wall, (int(x) + dx, 400), (int(x) - dx, 1400), (30, 30, 30), 7)  # the tops leaning right
    assert _roll(wall) == pytest.approx(10.0, abs=0.5)
    for y in np.linspace(150, 1800, 10):
        cv2.line(wall, (80, int(y)), (1000, int(y)), (60, 60, 60), 6)
    assert _roll(wall) is None


def test_a_pitched_cameras_uprights_are_read_where_the_runner_is():
    """A camera tipped up or down makes the room's uprights converge: their lean changes across the picture.
    Uprights leaning from -6 deg on the right to +2 on the left (a room turned 1 deg, the rest the pitch)
    read, at a runner a fifth of the frame left of the centre, the lean there; their most common lean (the
    cabinets on one side, as in the shared treadmill clip) would be several degrees off."""
    wall = np.full((1920, 1080, 3), 150, np.uint8)
    slope_deg, centre_deg = -8.0, -1.0  # the lean's change across the frame's width; at its centre
    for x in list(np.linspace(100, 400, 5)) + list(np.linspace(650, 1000, 9)):  # more on the right
        tilt = centre_deg + slope_deg * (x / 1080 - 0.5)
        dx = int(500 * np.tan(np.radians(tilt)))
        cv2.line(wall, (int(x) + dx, 300), (int(x) - dx, 1300), (30, 30, 30), 7)
    points = np.zeros((33, 2))
    points[:, 0] = np.linspace(300, 560, 33)  # hips (23, 24) at x about 0.3 of the width
    points[:, 1] = np.linspace(1350, 1850, 33)
    hips_at = points[23:25, 0].mean() / 1080 - 0.5
    assert _roll(wall, points) == pytest.approx(centre_deg + slope_deg * hips_at, abs=0.4)
    assert _roll(wall) == pytest.approx(centre_deg, abs=0.4)  # no runner: at the frame's centre
    # the change across, -8 deg a width, is a phone's main camera (focal 0.755 x 1920 px) tipped up by
    # atan(radians(8) x 0.755 x 1920 / 1080) = 10.6 deg
    pitch = np.degrees(np.arctan(np.radians(slope_deg) * level.PHONE_FOCAL_OF_LONG_SIDE * 1920 / 1080))
    assert level.camera_pitch_deg(level.room_lines(wall, points), 1080, 1920) == pytest.approx(pitch, abs=0.6)
    assert pitch == pytest.approx(-10.6, abs=0.05)


def test_a_rendered_runner_filmed_from_below_is_warned_of_and_the_side_sample_is_not(tmp_path):
    """The rendered runner filmed from 0.2 m aimed at 1.4 m, 4 m away (16.7 deg up), reads the tipping its
    uprights' convergence gives with a phone's focal length (the renderer's is 1.8 times longer: 9.4 deg), and
    is warned of it; the side sample, filmed from 1.0 m aimed at 0.8 m (2.9 deg down), reads +1.7 deg, and
    is not. The report says it."""
    from dataclasses import replace

    from gait.errors import CAMERA_TIPPED
    from gait.output import write_session
    from gait.pipeline import Options, analyze
    from gait.synth import render
    from gait.synth.sweep import BASE, SIDE

    clip = tmp_path / "from below.mp4"
    truth = render(BASE, replace(SIDE, height_m=0.2, look_at_height_m=1.4), clip, duration_s=5.0)
    camera = truth["camera"]
    true_deg = np.degrees(np.arctan((camera["look_at_height_m"] - camera["height_m"]) / camera["distance_m"]))
    phone_px = level.PHONE_FOCAL_OF_LONG_SIDE * truth["height"]
    expected = -np.degrees(np.arctan(np.tan(np.radians(true_deg)) * phone_px / camera["f_px"]))
    analysis = analyze(str(clip), Options(view="side"))
    assert analysis.camera_pitch_deg == pytest.approx(expected, abs=1.5) and expected < -level.PITCH_WARN_DEG
    warned = [str(w) for w in analysis.warnings if w.code == CAMERA_TIPPED]
    assert len(warned) == 1 and "converge upwards: the camera looked up at the runner, about 9°" in warned[0]
    write_session(analysis, tmp_path / "out", video=False)
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["quality"]["camera_pitch_deg"] == pytest.approx(analysis.camera_pitch_deg)
    assert any(w["code"] == CAMERA_TIPPED for w in report["quality"]["warnings"])
    sample = analyze(str(SAMPLES / "side_60fps.mp4"))
    assert 0.5 < sample.camera_pitch_deg < 3.0
    assert not any(w.code == CAMERA_TIPPED for w in sample.warnings)


def test_uprights_on_one_side_fanning_out_give_no_verdict():
    """Lines on one side of the runner only, their lean changing fast across them (curtains' folds): the lean
    at the runner would be carried beyond them, so no verdict; the same lines leaning alike give one."""
    plain = np.full((1920, 1080, 3), 150, np.uint8)
    points = np.zeros((33, 2))
    points[:, 0], points[:, 1] = np.linspace(650, 900, 33), np.linspace(400, 1800, 33)
    fanning, alike = plain.copy(), plain.copy()
    for x in np.linspace(80, 500, 12):
        for image, tilt in ((fanning, -2.0 + 20.0 * (x / 1080 - 0.25)), (alike, -2.0)):
            dx = int(500 * np.tan(np.radians(tilt)))
            cv2.line(image, (int(x) + dx, 300), (int(x) - dx, 1300), (30, 30, 30), 7)
    assert _roll(fanning, points) is None
    assert _roll(alike, points) == pytest.approx(-2.0, abs=0.3)


def test_a_real_clips_frame_turned_5_degrees_reads_5_more(shared_videos):
    """The shared treadmill clip's uprights lean about -1.6 deg at its frame's centre (its camera tipped: the
    cabinets on the right lean -4 to -5 deg, those on the left less); turned 5 deg either way its frames read
    5 deg more or less."""
    capture = cv2.VideoCapture(str(shared_videos / "treadmill_side_male_30fps.mp4"))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 150)
    ok, frame = capture.read()
    capture.release()
    assert ok
    own = _roll(_turned(frame, 0.0))
    assert own is not None and -2.5 < own < -0.5
    for turn in (-5.0, 5.0):
        assert _roll(_turned(frame, turn)) == pytest.approx(own + turn, abs=0.6)


def test_real_clips_read_near_level_and_none_is_warned(analysed):
    """The shared side clips analysed read within 2 deg where the runner is, and none is warned of: the
    treadmill clip -0.8 (its cabinets' -4.7 deg on one side was its camera's pitch), the labelled
    overstride clips -1.7 and -1.6. A curtained room's folds, all on one side of the runner and fanning out,
    give no verdict; so do the sprint starts (a track with no upright lines). Tipped up or down: the treadmill
    clip, filmed from low down with its ceiling in view, -12.4 deg and warned of; the others within 3 deg."""
    from gait.errors import CAMERA_NOT_LEVEL, CAMERA_TIPPED

    for name in ("label_no_overstride__F_Running_2_flipped.mp4", "label_no_overstride__F_Running_6.mp4",
                 "label_no_overstride__F_Running_8_flipped.mp4", "label_no_overstride__M_Running_1.mp4",
                 "label_no_overstride__M_Running_3_flipped.mp4", "treadmill_side_lab_slowed.mp4",
                 "label_overstride__Overstride_3_flipped.mp4", "label_overstride__Overstride_4_flipped.mp4",
                 "treadmill_side_male_30fps.mp4"):
        clip = analysed(name)
        assert abs(clip.camera_roll_deg) < 2.0, name
        assert not any(w.code == CAMERA_NOT_LEVEL for w in clip.warnings), name
        tipped = any(w.code == CAMERA_TIPPED for w in clip.warnings)
        if name == "treadmill_side_male_30fps.mp4":  # filmed from low down, its ceiling in view
            assert -15.0 < clip.camera_pitch_deg < -10.0 and tipped
        else:
            assert (clip.camera_pitch_deg is None or abs(clip.camera_pitch_deg) < 4.0) and not tipped, name
    assert -1.5 < analysed("treadmill_side_male_30fps.mp4").camera_roll_deg < 0.0
    assert analysed("label_overstride__Overstride_2_flipped.mp4").camera_roll_deg is None
    assert analysed("sprint_start_b1.mp4").camera_roll_deg is None


def _turned_clip(source: Path, roll_deg: float, out: Path, zoom: bool = True) -> Path:
    """``source`` turned ``roll_deg`` clockwise by ffmpeg, zoomed 1.25 so that no corner shows (or not)."""
    import imageio_ffmpeg

    turn = f"rotate={np.radians(roll_deg)}" + (",crop=iw*0.8:ih*0.8,scale=trunc(iw/0.8/2)*2:trunc(ih/0.8/2)*2"
                                                if zoom else "")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-i", str(source), "-vf", turn,
                    "-c:v", "libx264", "-crf", "18", "-preset", "veryfast", str(out)], check=True)
    return out


def _not_turned_back(analysis):
    """The same pose pass analysed without turning its points back by the roll."""
    from gait.analysis import analyze_pose

    return analyze_pose(analysis.info, analysis.pose_pass.series(analysis.info), analysis.options)


def _left_right(analysis, measure: str) -> np.ndarray:
    return np.array([analysis.metrics[measure][side] for side in ("left", "right")], dtype=float)


def test_the_rear_sample_turned_5_degrees_is_turned_back_warned_of_and_report_json_says_how_far(tmp_path):
    """The rendered rear sample as filmed reads level; turned 5 deg clockwise (and zoomed so that no corner
    shows) it reads 4.9 deg, the warning says what was turned back from behind, and hip adduction (the thigh
    against the upright) reads as filmed again, which without turning back reads 5 deg off each side."""
    from gait.errors import CAMERA_NOT_LEVEL
    from gait.output import write_session
    from gait.pipeline import analyze
    from gait.pose_cache import PoseCache

    turned = _turned_clip(SAMPLES / "rear_60fps.mp4", 5.0, tmp_path / "rear turned.mp4")
    cache = PoseCache(tmp_path / "cache")
    as_filmed = analyze(str(SAMPLES / "rear_60fps.mp4"), cache=cache)
    assert abs(as_filmed.camera_roll_deg) < 0.5
    assert not any(w.code == CAMERA_NOT_LEVEL for w in as_filmed.warnings)
    analysis = analyze(str(turned), cache=cache)
    assert analysis.camera_roll_deg == pytest.approx(5.0, abs=0.5)
    warned = [str(w) for w in analysis.warnings if w.code == CAMERA_NOT_LEVEL]
    assert len(warned) == 1 and "clockwise" in warned[0] and "anticlockwise" not in warned[0]
    assert "pelvic drop from the stickers (the line between them) and hip adduction without stickers" in warned[0]
    filmed, back = _left_right(as_filmed, "hip_adduction_deg"), _left_right(analysis, "hip_adduction_deg")
    assert back == pytest.approx(filmed, abs=0.8)
    assert np.abs(_left_right(_not_turned_back(analysis), "hip_adduction_deg") - filmed).min() > 3.0
    again = analyze(str(turned), cache=cache)  # from the pose cache: the lines are kept with the landmarks
    assert again.camera_roll_deg == analysis.camera_roll_deg
    write_session(analysis, tmp_path / "out", video=False)
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["quality"]["camera_roll_deg"] == pytest.approx(analysis.camera_roll_deg)
    assert any(w["code"] == CAMERA_NOT_LEVEL for w in report["quality"]["warnings"])


SIDE_TURNED_BACK = {  # measure: how near the clip turned 4.7 deg either way, turned back, reads as filmed
    "overstride_pct_leg": 2.0, "trunk_lean_deg": 1.0, "shank_angle_at_contact_deg": 1.0,
    "foot_strike_angle_deg": 3.5, "ground_contact_time_ms": 8.0}


@pytest.mark.parametrize("turn_deg", [4.7, -4.7])
def test_the_treadmill_clip_turned_reads_the_turn_and_its_measures_turned_back(analysed, tmp_path, turn_deg):
    """The shared treadmill clip turned 4.7 deg either way by ffmpeg reads 4.7 deg more or less where the
    runner is (2026-12-06: +4.97, -5.04), and its side measures read against the upright, turned back by
    it, agree with the clip as filmed (overstride 17.7 and 19.5 against 18.9 % leg, trunk lean 4.3 and 3.7
    against 3.8, shin at landing 6.7 and 7.5 against 7.2), where not turned back they read far off (25.8 and
    8.3 % leg, trunk lean 0.1 and 9.5)."""
    from gait.pipeline import analyze

    as_filmed = analysed("treadmill_side_male_30fps.mp4")
    turned = analyze(str(_turned_clip(Path(as_filmed.info.path), turn_deg, tmp_path / "turned.mp4", zoom=False)))
    assert turned.camera_roll_deg == pytest.approx(as_filmed.camera_roll_deg + turn_deg, abs=0.6)
    for measure, tolerance in SIDE_TURNED_BACK.items():
        assert turned.metrics[measure]["value"] == pytest.approx(as_filmed.metrics[measure]["value"],
                                                                 abs=tolerance), measure
    before = _not_turned_back(turned)
    for measure, moved in (("overstride_pct_leg", 5.0), ("trunk_lean_deg", 3.0)):
        assert abs(before.metrics[measure]["value"] - as_filmed.metrics[measure]["value"]) > moved, measure
