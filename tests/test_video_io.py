"""Video input: containers, rotation tags, streaming, slow-motion rates, bad files."""

import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest

from gait.errors import GaitInputError
from gait.video_io import H264Writer, iter_frames, probe

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg(*args):
    subprocess.run([FFMPEG, "-v", "error", "-y", *map(str, args)], check=True)


def first_frame(path):
    return next(iter_frames(str(path)))[1]


@pytest.mark.parametrize("suffix, codec", [(".mov", "libx264"), (".avi", "mjpeg"), (".webm", "libvpx-vp9"),
                                           (".mkv", "libx264")])
def test_containers_are_read(tmp_path, suffix, codec):
    out = tmp_path / f"clip (copy){suffix}"
    ffmpeg("-i", SAMPLE, "-t", "1.5", "-c:v", codec, "-an", out)
    info = probe(out)
    assert (info.width, info.height) == (540, 960)
    assert info.fps == pytest.approx(60, abs=0.1)
    assert sum(1 for _ in iter_frames(str(out))) == info.frame_count == 90


@pytest.mark.parametrize("tag", [90, -90])
def test_rotation_tag_gives_upright_frames(tmp_path, tag):
    # store the upright clip lying on its side, then tag it so that players show it upright again
    lying = tmp_path / "lying.mp4"
    turn = "transpose=1" if tag == 90 else "transpose=2"  # 90 deg clockwise / counter-clockwise
    ffmpeg("-i", SAMPLE, "-t", "1", "-vf", turn, "-c:v", "libx264", "-pix_fmt", "yuv420p", lying)
    tagged = tmp_path / "portrait.mp4"
    ffmpeg("-display_rotation", tag, "-i", lying, "-c", "copy", tagged)
    info = probe(tagged)
    assert (info.width, info.height) == (540, 960)
    diff = np.abs(first_frame(tagged).astype(int) - first_frame(SAMPLE).astype(int)).mean()
    assert diff < 3


def test_capture_fps_for_slow_motion():
    info = probe(SAMPLE, capture_fps=240)
    assert info.file_fps == pytest.approx(60, abs=0.1) and info.fps == 240
    assert info.duration_s == pytest.approx(info.frame_count / 240)


def test_streaming_holds_one_frame_at_a_time():
    frames = iter_frames(str(SAMPLE), 10, 13)
    got = [(i, f.shape) for i, f in frames]
    assert got == [(10, (960, 540, 3)), (11, (960, 540, 3)), (12, (960, 540, 3))]


@pytest.mark.parametrize("content, words", [(b"", "empty"), (b"not a video at all" * 100, "could not be read")])
def test_bad_files(tmp_path, content, words):
    path = tmp_path / "run.mp4"
    path.write_bytes(content)
    with pytest.raises(GaitInputError, match=words):
        probe(path)


def test_h264_writer_odd_size(tmp_path):
    out = tmp_path / "odd.mp4"
    with H264Writer(out, 101, 75, 30) as writer:
        for k in range(10):
            writer.write(np.full((75, 101, 3), 20 * k, np.uint8))
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 10
    assert int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode() in ("avc1", "h264")


@pytest.mark.parametrize("convert_here", [False, True])
def test_h264_writer_colours(tmp_path, convert_here):
    """Converted to yuv420p by ffmpeg or here with OpenCV (``convert_here``), a frame of colour patches of
    odd size reads back within a few levels."""
    frame = np.zeros((75, 101, 3), np.uint8)
    for k, colour in enumerate([(0, 0, 0), (255, 255, 255), (235, 140, 40), (40, 140, 255), (30, 200, 60)]):
        frame[:, 20 * k:20 * k + 20] = colour
    out = tmp_path / "colours.mp4"
    with H264Writer(out, 101, 75, 30, crf=0, convert_here=convert_here) as writer:
        for _ in range(3):
            writer.write(frame)
    got = [f for _, f in iter_frames(str(out))]
    assert len(got) == 3 and got[0].shape == (76, 102, 3)
    inner = (slice(4, 70), np.r_[[x for k in range(5) for x in range(20 * k + 4, 20 * k + 16)]])
    assert np.abs(got[0][inner].astype(int) - frame[inner].astype(int)).max() <= 6
