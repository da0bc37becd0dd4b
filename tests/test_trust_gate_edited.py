"""The trust gate on edited clips: two renders joined by a hard cut (edited_clip, the wide shot analysed; cut
short: no_steady_running naming the cut); a rendered treadmill runner zoomed 1.4 times within the shot
(edited_clip, the stretch before the zoom analysed; 9 s); a steady change of size in place is a zoom,
travelling is not. Renders are 30 fps, 270x480."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gait import errors as E
from gait.landmarks import NAMES, PoseSeries
from gait.video_io import probe
from tests.test_trust_gate_common import CORPUS_FPS, CORPUS_SIZE, ffmpeg, refused

# ---- edited clips --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hard_cut(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A close-up of a runner with the feet out of the frame (2 s) cut to a wide side shot (4 s): two
    renders joined without re-encoding, 30 fps, 270x480."""
    from gait.synth import Camera, RunnerParams, render

    folder = tmp_path_factory.mktemp("edited")
    parts = [(Camera(view="side", runner_frac=0.8, look_at_height_m=1.35), 2.0, 0.13),
             (Camera(view="side"), 4.0, 0.6)]
    for k, (camera, seconds, phase) in enumerate(parts):
        render(RunnerParams(start_phase=phase), camera, folder / f"part{k}.mp4", fps=CORPUS_FPS, duration_s=seconds,
               width=CORPUS_SIZE[0], height=CORPUS_SIZE[1])
    (folder / "parts.txt").write_text("".join(f"file '{folder / f'part{k}.mp4'}'\n" for k in range(2)))
    ffmpeg("-f", "concat", "-safe", 0, "-i", folder / "parts.txt", "-c", "copy", folder / "edited.mp4")
    return folder / "edited.mp4"


def test_a_hard_cut_is_found_and_the_whole_body_shot_chosen(hard_cut):
    from gait.analysis import analyze_pose
    from gait.gate import choose_shot, frame_prints, shot_starts
    from gait.pose import estimate_pose

    info = probe(hard_cut)
    raw = estimate_pose(info, 0, info.frame_count)
    prints = frame_prints(info.path, raw.frame_index)
    assert prints is not None and prints.shape == (180, 16, 16, 3)
    starts = shot_starts(prints, raw.frame_index, info.fps)
    assert starts == [60]  # the cut, at 2.0 s, and nothing else
    shot, warning = choose_shot(raw, starts)
    assert shot.frame_index[0] == 60 and shot.frame_index[-1] == 179
    assert warning is not None and warning.code == E.EDITED_CLIP
    assert "1 shot cut, at 2.0 s (the runner appears 1.3 times smaller: a zoom" in warning
    assert "the whole body, 2.0-6.0 s, was analysed" in warning
    analysis = analyze_pose(info, shot)
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(170, abs=2)


def test_no_cut_in_a_continuous_clip():
    from gait.gate import choose_shot, shot_starts
    from gait.landmarks import NAMES, PoseSeries

    rng = np.random.default_rng(0)
    frames = np.clip(128 + np.cumsum(rng.normal(0, 2, (90, 16, 16, 3)), axis=0), 0, 255).astype(np.uint8)
    assert shot_starts(frames, np.arange(90), 30.0) == [] and shot_starts(None, np.arange(90), 30.0) == []
    pose = PoseSeries(np.zeros((90, len(NAMES), 2)), np.zeros((90, len(NAMES))), np.ones((90, len(NAMES))),
                      np.arange(90), 30.0, 100, 100)
    assert choose_shot(pose, []) == (pose, None)


def test_an_edited_clip_is_analysed_on_its_whole_body_shot(hard_cut, tmp_path):
    from gait.pipeline import analyze

    analysis = analyze(str(hard_cut))
    assert analysis.warnings[0].code == E.EDITED_CLIP and "2.0-6.0 s, was analysed" in analysis.warnings[0]
    assert analysis.view == "side" and analysis.pose.frame_index[0] == 60
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(170, abs=2)
    short = tmp_path / "short shot.mp4"  # the cut 1 s from the end: the whole-body shot is too short
    ffmpeg("-i", hard_cut, "-t", "3", "-c", "copy", short)
    exc = refused(short)
    assert exc.code == E.NO_STEADY_RUNNING and "the clip is edited: 1 shot cut, at 2.0 s" in str(exc)
    assert "In that shot, no steady running found" in str(exc)


def _scaled_pose(scale: np.ndarray, shift_x: np.ndarray, fps: float = 30.0) -> PoseSeries:
    """A still body (points spread over 100 x 200 pixels) scaled by ``scale`` about the frame's centre and
    moved ``shift_x`` pixels across, per frame."""
    base = np.random.default_rng(3).uniform([-50, -100], [50, 100], (len(NAMES), 2))
    xy = 240.0 + scale[:, None, None] * base[None] + np.stack([shift_x, np.zeros_like(shift_x)], axis=1)[:, None]
    n = len(scale)
    return PoseSeries(xy, np.zeros((n, len(NAMES))), np.ones((n, len(NAMES))), np.arange(n), fps, 480, 480)


def test_a_steady_change_of_size_in_place_is_a_zoom_and_travelling_is_not():
    from gait.events import leg_length_px
    from gait.gate import zooms
    from gait.gate.zoom import ZOOM_BASELINE_S, ZOOM_RATE

    fps, t = 30.0, np.arange(270) / 30.0  # 9 s; the size grows 1.4 times from 4 to 6 s
    scale = 1.4 ** np.clip((t - 4.0) / 2.0, 0.0, 1.0)
    still = np.zeros_like(t)
    [(lo, hi, factor)] = zooms(_scaled_pose(scale, still))
    assert factor == pytest.approx(1.4, rel=1e-9)  # every segment scales alike: the size change is exact
    # the rate over 2 s, (L(t + 1) - L(t - 1)) / 2 for L = log size rising by r = log(1.4) / 2 a second from
    # 4 to 6 s, reaches ZOOM_RATE / 2 at 3 + ZOOM_RATE / r s and falls below it after 7 - ZOOM_RATE / r s;
    # the running median over an even 30 frames reads the size half a frame early
    r = np.log(1.4) / 2
    assert lo == np.ceil(fps * (3 + ZOOM_RATE / r) + 0.5) and hi == np.floor(fps * (7 - ZOOM_RATE / r) + 0.5) + 1
    assert ZOOM_BASELINE_S == 1.0 and zooms(_scaled_pose(np.ones_like(t), still)) == []  # no size change
    # the same change of size, shrinking, while crossing 10 leg lengths of the frame: a runner moving away
    leg = leg_length_px(_scaled_pose(np.ones_like(t), still))
    assert zooms(_scaled_pose(1 / scale, 10 * leg * t / t[-1])) == []
    assert zooms(_scaled_pose(1 / scale, still))[0][2] == pytest.approx(1 / 1.4, rel=1e-9)  # in place: a zoom


def test_the_longest_stretch_without_a_cut_or_zoom_is_analysed():
    from gait.gate import choose_shot

    t = np.arange(270) / 30.0  # the size grows 1.4 times from 4 to 6 s (the zoom found: frames 109-192)
    pose = _scaled_pose(1.4 ** np.clip((t - 4.0) / 2.0, 0.0, 1.0), np.zeros_like(t))
    shot, warning = choose_shot(pose, [])
    assert (shot.frame_index[0], shot.frame_index[-1]) == (0, 108)  # 109 frames before it, 77 after
    assert warning is not None and warning.code == E.EDITED_CLIP and warning == (
        "the camera zooms within the shot: at 3.6-6.4 s the runner appears 1.4 times larger (a zoom, or the "
        "camera moving closer or further). Only the longest continuous stretch without a cut or zoom that "
        "shows the whole body, 0.0-3.6 s, was analysed: film one continuous take, without zooming.")
    shot, warning = choose_shot(pose, [60])  # a cut at 2 s as well: the stretch after the zoom is longest
    assert (shot.frame_index[0], shot.frame_index[-1]) == (193, 269)
    assert warning is not None and warning.startswith(
        "the clip is edited: 1 shot cut, at 2.0 s; the camera zooms within the shot: at 3.6-6.4 s") and \
        "the whole body, 6.4-9.0 s, was analysed" in warning


def zoom_in(source: Path, out: Path, start_s: float, end_s: float, factor: float) -> None:
    """``source`` with the camera zooming in steadily (constant rate in scale) from ``start_s`` to
    ``end_s`` by ``factor``, about the point at 50 % across and 60 % down: each frame read, scaled and
    written in turn."""
    import cv2

    from gait.video_io import H264Writer

    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    centre = np.array([0.5 * width, 0.6 * height])
    with H264Writer(out, width, height, fps) as writer:
        i = 0
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            z = factor ** min(max((i / fps - start_s) / (end_s - start_s), 0.0), 1.0)
            shift = centre * (1 - z)
            writer.write(cv2.warpAffine(frame, np.array([[z, 0, shift[0]], [0, z, shift[1]]]), (width, height),
                                        flags=cv2.INTER_AREA))
            i += 1
    capture.release()


def test_a_zoom_within_the_shot_is_found_and_the_stretch_before_it_analysed(tmp_path):
    from gait.pipeline import analyze
    from gait.synth import Camera, RunnerParams, render

    wide = tmp_path / "wide.mp4"  # 9 s on the treadmill; the camera zooms in 1.4 times from 4.0 to 6.0 s
    render(RunnerParams(), Camera(view="side", runner_frac=0.5), wide, fps=CORPUS_FPS, duration_s=9.0,
           width=CORPUS_SIZE[0], height=CORPUS_SIZE[1])
    zoom_in(wide, tmp_path / "zoom.mp4", 4.0, 6.0, 1.4)
    analysis = analyze(str(tmp_path / "zoom.mp4"))
    warning = analysis.warnings[0]
    assert warning.code == E.EDITED_CLIP and "the camera zooms within the shot: at 3.6-6.5 s the runner " \
        "appears 1.4 times larger" in warning and "without a cut or zoom that shows the whole body, 0.0-3.6 s, " \
        "was analysed" in warning, warning
    assert analysis.pose.frame_index[0] == 0 and 100 <= analysis.pose.frame_index[-1] < 120  # zoom from 120
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(170, abs=2)
