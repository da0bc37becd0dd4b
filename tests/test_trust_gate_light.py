"""The light check: a runner filmed too dark gets a warning, read around the runner, not the whole frame."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from gait import errors as E
from gait.gate import MIN_RUNNER_LUMA, dark_warning, runner_luma
from gait.landmarks import PoseSeries

REPO = Path(__file__).resolve().parents[1]


def _pose(box: tuple[float, float, float, float], n: int = 10) -> PoseSeries:
    """Every landmark of every frame spread over ``box`` (x0, y0, x1, y1, px)."""
    x0, y0, x1, y1 = box
    xy = np.zeros((n, 33, 2))
    xy[:, :, 0] = np.linspace(x0, x1, 33)
    xy[:, :, 1] = np.linspace(y0, y1, 33)
    return PoseSeries(xy_px=xy, depth_px=np.zeros((n, 33)), visibility=np.ones((n, 33)), frame_index=np.arange(n),
                      fps=60.0, width=1600, height=1600)


def test_the_runner_is_read_not_the_frame():
    """A lit runner in a dark gym passes; a dark runner against a bright window does not."""
    pose = _pose((600, 200, 1000, 1400))  # the middle quarter across, rows 2-13 of the grid
    lit_runner = np.full((10, 16, 16, 3), 10, np.uint8)
    lit_runner[:, 2:14, 6:10] = 200
    dark_runner = np.full((10, 16, 16, 3), 220, np.uint8)
    dark_runner[:, 2:14, 6:10] = 12
    assert runner_luma(lit_runner, pose, 1600, 1600) == pytest.approx(200.0, abs=0.5)
    assert dark_warning(lit_runner, pose, 1600, 1600) is None
    warning = dark_warning(dark_runner, pose, 1600, 1600)
    assert warning is not None and warning.code == E.TOO_DARK
    assert "brightness 12 of 255 around the runner" in warning and "Film in good light" in warning
    assert dark_warning(None, pose, 1600, 1600) is None  # no fingerprints: nothing said
    long = _pose((600, 200, 1000, 1400), n=5000)  # read in blocks: the same over a long clip
    lit_long = np.repeat(lit_runner[:1], 5000, axis=0)
    lit_long[4000:, 2:14, 6:10] = 100  # the light dims for the last fifth: the median holds
    assert runner_luma(lit_long, long, 1600, 1600) == pytest.approx(200.0, abs=0.5)


def test_a_darkened_sample_is_warned_and_the_sample_is_not(tmp_path):
    """The side sample scaled to an eighth of its brightness (luma about 17 around the runner, where its contact
    times drifted by 32 ms): the analysis warns; the sample itself (about 157) does not."""
    import imageio_ffmpeg

    from gait.pipeline import analyze
    from gait.pose_cache import PoseCache

    dark = tmp_path / "evening_run.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i",
                    str(REPO / "sample_videos" / "side_60fps.mp4"), "-t", "4", "-vf", "lutrgb=r=val/8:g=val/8:b=val/8",
                    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(dark)], check=True)
    warned = [w for w in analyze(str(dark), workers=1).warnings if w.code == E.TOO_DARK]
    assert len(warned) == 1 and MIN_RUNNER_LUMA > 10
    luma = float(warned[0].split("brightness ")[1].split(" of")[0])
    assert 10 <= luma <= 25
    bright = analyze(str(REPO / "sample_videos" / "side_60fps.mp4"), workers=1, cache=PoseCache())
    assert [w for w in bright.warnings if w.code == E.TOO_DARK] == []
