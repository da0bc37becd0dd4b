"""What is read from a clip's file once and kept while the file stays as it is: among it, how the FFmpeg that
ships with imageio-ffmpeg describes the clip's video (its coding and transfer)."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from typing import Callable, TypeVar

T = TypeVar("T")


def read_once_per_file(read: Callable[[str], T | None]) -> Callable[[str | os.PathLike], T | None]:
    """``read(path)`` kept for the file's path, size and modification time (the last 32 files), so that the
    same file is read once however many steps ask, and read again once it changes. None, without reading,
    when the file cannot be looked at."""
    kept = functools.lru_cache(maxsize=32)(lambda path, size, modified_ns: read(path))

    @functools.wraps(read)
    def once(path: str | os.PathLike) -> T | None:
        path = str(path)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        return kept(path, stat.st_size, stat.st_mtime_ns)

    return once


@dataclass(frozen=True)
class VideoStream:
    """The first video stream as FFmpeg describes it: ``coding`` its codec's name (e.g. "h264", "av1"),
    ``transfer`` its transfer characteristic when stated (e.g. "arib-std-b67" for HLG), ``frames`` about how
    many frames it has (the file's duration times the stream's frame rate) when both are stated; ``picture``
    True when the file is a still picture (read by one of FFmpeg's image readers: PNG, JPEG, WebP, ...)."""

    coding: str
    transfer: str | None
    frames: int | None = None
    picture: bool = False


@read_once_per_file
def _described(path: str) -> str | None:
    """What the bundled FFmpeg says of the file's streams, without decoding (about 0.03 s; decoding a frame too
    took 0.1 s); None when FFmpeg cannot run."""
    import subprocess

    import imageio_ffmpeg

    try:  # FFmpeg describes the streams and exits (no output file)
        return subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", path],
                              capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.SubprocessError):
        return None


def sound_only(path: str | os.PathLike) -> bool:
    """True when FFmpeg finds sound in the file and no picture (a voice memo, a video's sound exported alone)."""
    described = _described(path) or ""
    return re.search(r"Stream #\d+:\d+.*?: Audio: ", described) is not None and \
        re.search(r"Stream #\d+:\d+.*?: Video: ", described) is None


@read_once_per_file
def video_stream(path: str) -> VideoStream | None:
    """The clip's first video stream (:class:`VideoStream`) as the bundled FFmpeg describes it; None when FFmpeg
    finds none (not a video) or cannot run."""
    described = _described(path)
    if described is None:
        return None
    # "Stream #0:0[0x1](und): Video: hevc (Main 10) (hvc1 / 0x31637668), yuv420p10le(tv, bt2020nc/bt2020/
    # arib-std-b67, progressive)": the coding, then the matrix, primaries and transfer (one name when the three
    # are the same: "yuv420p(tv, bt709)")
    line = re.search(r"Stream #\d+:\d+.*?: Video: (\w+).*", described)
    if line is None:
        return None
    transfer = next((names[2] for group in re.findall(r"\(([^()]*)\)", line[0]) for part in group.split(",")
                     if len(names := part.strip().split("/")) == 3), None)
    # "Duration: 00:01:05.02, start: ..." and "..., 60 fps, 60 tbr, ...", when stated
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", described)
    rate = re.search(r", (\d+(?:\.\d+)?) fps", line[0])
    frames = None
    if duration is not None and rate is not None:
        hours, minutes, seconds = duration.groups()
        frames = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * float(rate[1]))
    # "Input #0, png_pipe, from ...": FFmpeg's image readers are "image2" and "<format>_pipe"
    reader = re.search(r"Input #0, ([\w,]+), from", described)
    picture = reader is not None and (reader[1] == "image2" or reader[1].endswith("_pipe"))
    return VideoStream(line[1], transfer, frames, picture)
