"""Clips in a coding that OpenCV's FFmpeg cannot decode, read from an H.264 copy.

OpenCV's FFmpeg has no software AV1 decoder; AV1 is what some Android phones record and what video sites
serve. The FFmpeg that ships with imageio-ffmpeg decodes it (dav1d), so such a clip is copied once to H.264
(x264 at :data:`X264`: visually lossless, the frames' timestamps kept, the phone's rotation applied, an HDR
clip's transfer named as in the clip, so :mod:`gait.hdr` maps it, audio left out) and every stage reads the
copy, named as the clip: the outputs, the report and the app show the clip's own name. The copies are kept in
the ``copies`` folder of the pose cache's (:func:`gait.pose_cache.default_folder`), one folder per clip
content (the first 32 hex digits of its SHA-256), so that the clip is copied once however often it is
analysed; the least recently used go beyond :data:`MAX_BYTES`. The clip itself is never changed.

Speed (two Intel Xeon cores, 6 Dec 2026): the benchmark's 65 s 1080x1920 60 fps clip coded in AV1 was copied in
21.3 s (183 frames/s; 132 MB), the FFmpeg process at 161 MB at most, before the pose pass (the clip's results
took 60-72 s there); a 10 s clip in 4.1 s.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from gait import errors as E
from gait.errors import GaitInputError
from gait.per_file import video_stream
from gait.pose import ProgressCallback
from gait.pose_cache import content_digest, default_folder
from gait.video_io import VideoInfo, probe

FOLDER = "copies"
MAX_BYTES = 2 << 30  # the benchmark's 65 s 1080x1920 clip is 132 MB as :data:`X264` codes it; noisier footage more
# x264's fastest preset at a quality that hides its loss: CRF 16 (x264's default 23), 8-bit 4:2:0 as phones'
# H.264 is; each frame at its own timestamp (a phone's variable rate kept)
X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p", "-fps_mode", "passthrough"]


def probe_readable(path: str | os.PathLike, capture_fps: float | None = None,
                   progress: ProgressCallback | None = None) -> VideoInfo:
    """:func:`gait.video_io.probe` of the clip, or, when OpenCV cannot decode its coding, of its H.264 copy
    (made now, with ``progress(frames_done, frames_total)``, unless already made): the clip's
    :class:`VideoInfo` then has the copy's ``path`` and the clip's own path as ``copied_from``.

    Raises
    ------
    GaitInputError
        As :func:`gait.video_io.probe`; ``unreadable_codec`` when the copy could not be made (a damaged
        file, a full disk), saying why.
    """
    try:
        return probe(path, capture_fps)
    except GaitInputError as exc:
        if exc.code != E.UNREADABLE_CODEC:
            raise
        refused = exc
    copy = h264_copy(str(path), refused, progress)
    return replace(probe(copy, capture_fps), copied_from=str(path))


def copy_folder() -> Path:
    return default_folder() / FOLDER


def h264_copy(path: str, refused: GaitInputError, progress: ProgressCallback | None = None) -> Path:
    """The H.264 copy of the clip at ``path`` (see the module's docstring), made unless it is there.
    ``refused`` is why OpenCV could not read the clip, said when the copy cannot be made either."""
    folder = copy_folder() / content_digest(path)[:32]
    copy = folder / Path(path).name
    if copy.is_file():
        os.utime(copy)  # used: the last to go
        return copy
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(suffix=".part", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise GaitInputError(f"{refused} (A copy to read it could not be made in {str(folder)!r}: "
                             f"{exc.strerror or exc}.)", E.UNREADABLE_CODEC) from None
    try:
        failure = _transcode(path, partial, progress)
        if failure is not None:
            raise GaitInputError(f"{refused} (This tool's copy of it to H.264 failed: {failure}.)",
                                 E.UNREADABLE_CODEC)
        os.replace(partial, copy)
    finally:
        Path(partial).unlink(missing_ok=True)
    prune(keep=copy)
    return copy


def _transcode(path: str, out: str, progress: ProgressCallback | None) -> str | None:
    """Copy the clip's first video stream to H.264 in an MP4 file at ``out`` (whatever its name's extension),
    reporting FFmpeg's frames done; None when done, else FFmpeg's last words. The copy is stopped and ``out``
    left to the caller when the caller stops (an error, Ctrl-C, the app's stop)."""
    import imageio_ffmpeg

    stream = video_stream(path)
    total = stream.frames if stream is not None and stream.frames else 0
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", path,
               "-map", "0:v:0", *X264, "-an", "-sn", "-dn", "-f", "mp4", "-progress", "pipe:1", "-nostats", out]
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True) as ffmpeg:
            try:
                assert ffmpeg.stdout is not None
                for line in ffmpeg.stdout:  # "frame=120", ... every half second
                    if progress is not None and line.startswith("frame="):
                        done = int(line.split("=", 1)[1])
                        progress(min(done, total) if total else done, max(total, done))
            except BaseException:  # the caller stops (an error in its progress, Ctrl-C): so does the copy
                ffmpeg.kill()  # Popen's exit waits for it
                raise
        if ffmpeg.returncode == 0:
            return None
        errors.seek(0)
        said = errors.read().decode(errors="replace").strip().splitlines()
        return said[-1] if said else f"FFmpeg ended with status {ffmpeg.returncode}"


def prune(keep: Path | None = None) -> None:
    """Remove the least recently used copies beyond :data:`MAX_BYTES` (never ``keep``), and partial copies
    left by a copy that was stopped over an hour ago."""
    try:
        copies = sorted((p for p in copy_folder().glob("*/*") if p.suffix != ".part"),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        total = 0
        for copy in copies:
            total += copy.stat().st_size
            if total > MAX_BYTES and copy != keep:
                copy.unlink(missing_ok=True)
        for partial in copy_folder().glob("*/*.part"):
            if time.time() - partial.stat().st_mtime > 3600:
                partial.unlink(missing_ok=True)
        for folder in copy_folder().iterdir():
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    except OSError:
        pass
