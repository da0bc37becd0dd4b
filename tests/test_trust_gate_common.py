"""What the trust gate's test files share (tests/test_trust_gate_*.py; no tests here): the command line,
the refusal of an analysis, ffmpeg, and the size of the clips rendered for them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gait.errors import GaitInputError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "side_60fps.mp4"
CORPUS_FPS, CORPUS_SECONDS, CORPUS_SIZE = 30, 5.0, (270, 480)  # the renders: 5 s, 30 fps, 270x480


def run_cli(*args: object, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gait", "analyze", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def ffmpeg(*args: object) -> None:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *map(str, args)], check=True)


def refused(path: Path) -> GaitInputError:
    from gait.pipeline import analyze

    with pytest.raises(GaitInputError) as caught:
        analyze(str(path))
    return caught.value
