"""The pose cache: what the pose pass found in a clip, kept on disk, so that analysing the clip again with
other settings (height, belt speed, view, facing, mirrored, segment) skips the pose pass.

One ``.npz`` file per clip and frame range (:class:`gait.pose.PosePass`: the landmarks, the frame indices,
and every per-frame array of the pass, such as the fingerprints and the other-person check; more arrays
added to the pass are stored with no change here). Its name holds the SHA-256 of the file's content and a
digest of :func:`gait.pose.pose_settings` without frame works (mediapipe version, tracker settings): a
changed file, or landmarks found with other settings, never match. A pass run with frame works has, after
that, ``w`` and the digest of the settings with them, so that the passes that hold the same landmarks are
found by their names alone: ``<content>-<settings>-<start>-<end>.npz`` without frame works,
``<content>-<settings>-w<settings with works>-<start>-<end>.npz`` with them (files named otherwise, such as
those of earlier versions, are never read). A segment inside an analysed one is cut from it, so its first
frames come from a tracker already running rather than one started there (within the tolerances of the
two-process pass, ``tests/test_speed.py``).

Beside them, small ``.json`` records of what was seen in a clip before its pose pass (:meth:`PoseCache.recall`,
:func:`gait.glimpse.seen_view`), removed with the clip's last pose file.

The folder: ``$GAIT_CACHE_DIR``, else ``gait/pose`` in the user's cache folder (``$XDG_CACHE_HOME`` or
``~/.cache`` on Linux, ``~/Library/Caches`` on macOS). The files written least recently are removed when
the folder holds more than :data:`MAX_BYTES`. A file that cannot be read is ignored (and replaced).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import IO, Callable, Sequence

import numpy as np

from gait.pose import FrameWork, PosePass, ProgressCallback, default_workers, frame_step, pose_settings, run_pose_pass
from gait.video_io import VideoInfo

LOG = logging.getLogger(__name__)
ENV_VAR = "GAIT_CACHE_DIR"
FORMAT = 1
MAX_BYTES = 1 << 30
_FRAME_PREFIX = "frames__"
_digests: dict[tuple[str, int, int], str] = {}


def default_folder() -> Path:
    """``$GAIT_CACHE_DIR``, else the user's cache folder's ``gait/pose``."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "gait" / "pose"


def content_digest(path: str | os.PathLike) -> str:
    """SHA-256 of the file's bytes (remembered per path, size and modification time in this process)."""
    stat = os.stat(path)
    key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        with open(path, "rb") as f:
            _digests[key] = hashlib.file_digest(f, "sha256").hexdigest()
    return _digests[key]


def settings_digest(works: Sequence[FrameWork] = (), step: int = 1) -> str:
    text = json.dumps({"format": FORMAT, **pose_settings(works, step)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class PoseCache:
    """Pose passes on disk, one ``.npz`` per clip content, pose settings and frame range."""

    def __init__(self, folder: str | os.PathLike | None = None, max_bytes: int = MAX_BYTES):
        self.folder = Path(folder) if folder is not None else default_folder()
        self.max_bytes = max_bytes

    def _prefix(self, info: VideoInfo, works: Sequence[FrameWork] = ()) -> str:
        """The clip's passes' names start with it: the file's content, the pose settings (with the frame step
        at the clip's rate, :func:`gait.pose.frame_step`: a pass with works is never stepped) and the works'."""
        plain = f"{content_digest(info.path)}-{settings_digest(step=frame_step(info.fps, works))}-"
        return f"{plain}w{settings_digest(works)}-" if works else plain

    def _entries(self, info: VideoInfo, works: Sequence[FrameWork] = ()) -> list[tuple[int, int, Path]]:
        """The clip's passes run with exactly the frame works ``works`` (by their names)."""
        return self._named(self._prefix(info, works), 2)

    def _with_works(self, info: VideoInfo) -> list[tuple[int, int, Path]]:
        """The clip's passes run with any frame works (the mask's segmentation included: the landmarks are the
        same) and otherwise the settings of a pass without any (by their names; no file read)."""
        return self._named(f"{self._prefix(info)}w", 3)

    def _named(self, prefix: str, parts: int) -> list[tuple[int, int, Path]]:
        """(start, end, path) of the ``.npz`` files named ``prefix`` and ``parts`` dash-separated parts, the
        last two the frame range."""
        found = []
        for path in self.folder.glob(f"{prefix}*.npz") if self.folder.is_dir() else ():
            rest = path.stem[len(prefix):].split("-")
            try:
                start, end = int(rest[-2]), int(rest[-1])
            except (ValueError, IndexError):
                continue
            if len(rest) == parts:
                found.append((start, end, path))
        return found

    def load(self, info: VideoInfo, start: int, end: int, works: Sequence[FrameWork] = ()) -> PosePass | None:
        """The pose of frames [start, end) of the clip (run with the frame works ``works``), or None when
        no pass holds them."""
        holding = [(e - s, path) for s, e, path in self._entries(info, works) if s <= start and e >= end]
        if not holding and not works:  # a pass run with frame works holds the same landmarks
            holding = [(e - s, path) for s, e, path in self._with_works(info) if s <= start and e >= end]
        for _, path in sorted(holding):
            try:
                found = _read(path, info)
            except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
                LOG.warning("pose cache file %s not used: %s", path, exc)
                continue
            try:
                os.utime(path)  # recently used: pruned last
            except OSError:
                pass
            return found if (found.start, found.end) == (start, end) else found.within(start, end)
        return None

    def store(self, info: VideoInfo, found: PosePass, works: Sequence[FrameWork] = ()) -> Path | None:
        """Write a pose pass run with the frame works ``works`` (atomically: a reader never sees half a
        file); None when the folder cannot be written (the analysis goes on without the cache)."""
        path = self.folder / f"{self._prefix(info, works)}{found.start}-{found.end}.npz"
        settings = pose_settings(works, frame_step(info.fps, works))
        meta = {"format": FORMAT, "settings": settings, "start": found.start, "end": found.end,
                "workers": found.workers, "frame_count": info.frame_count, "width": info.width,
                "height": info.height, "name": info.name}
        arrays = {"frame_index": found.frame_index, "landmarks": found.landmarks,
                  **{_FRAME_PREFIX + name: values for name, values in found.frames.items()}}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".part", delete=False) as tmp:
                _write_npz(tmp, {"meta": np.array(json.dumps(meta)), **arrays})
            os.replace(tmp.name, path)
        except OSError as exc:
            LOG.warning("pose cache not written in %s: %s", self.folder, exc)
            return None
        self.prune()
        return path

    def _record_path(self, info: VideoInfo, name: str, key: dict) -> Path:
        digest = hashlib.sha256(json.dumps({"format": FORMAT, **key}, sort_keys=True).encode()).hexdigest()[:16]
        return self.folder / f"{content_digest(info.path)}-{name}-{digest}.json"

    def recall(self, info: VideoInfo, name: str, key: dict) -> dict | None:
        """The small record kept for the clip under ``name`` and ``key`` (what it depends on besides the
        file's content) by :meth:`remember`; None when there is none (or it cannot be read)."""
        try:
            found = json.loads(self._record_path(info, name, key).read_text())
        except (OSError, ValueError):
            return None
        return found if isinstance(found, dict) else None

    def remember(self, info: VideoInfo, name: str, key: dict, record: dict) -> None:
        """Keep a small JSON ``record`` for the clip under ``name`` and ``key`` (nothing when the folder cannot
        be written); removed by :meth:`prune` once no pose file of the clip is left."""
        path = self._record_path(info, name, key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=self.folder, suffix=".part", delete=False) as tmp:
                json.dump(record, tmp)
            os.replace(tmp.name, path)
        except OSError as exc:
            LOG.warning("pose cache record not written in %s: %s", self.folder, exc)

    def prune(self) -> None:
        """Remove the least recently used files beyond :attr:`max_bytes`, the records of clips with no pose
        file left, and stale partial files."""
        try:
            files = sorted(self.folder.glob("*.np*"), key=lambda p: p.stat().st_mtime, reverse=True)
            total, kept = 0, set()
            for path in files:
                total += path.stat().st_size
                if total > self.max_bytes:
                    path.unlink(missing_ok=True)
                else:
                    kept.add(path.name.split("-")[0])
            for path in self.folder.glob("*.json"):
                if path.name.split("-")[0] not in kept:
                    path.unlink(missing_ok=True)
            for path in self.folder.glob("*.part"):  # left by a writer that was stopped
                if time.time() - path.stat().st_mtime > 3600:
                    path.unlink(missing_ok=True)
        except OSError:
            pass


def _read(path: Path, info: VideoInfo) -> PosePass:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if (meta["frame_count"], meta["width"], meta["height"]) != (info.frame_count, info.width, info.height):
            raise ValueError("made from another video")
        frames = {key[len(_FRAME_PREFIX):]: data[key] for key in data.files if key.startswith(_FRAME_PREFIX)}
        return PosePass(start=int(meta["start"]), end=int(meta["end"]), frame_index=data["frame_index"],
                        landmarks=data["landmarks"], frames=frames, workers=int(meta["workers"]))


def _write_npz(file: IO[bytes], arrays: dict[str, np.ndarray]) -> None:
    """``np.savez_compressed`` at zlib's fastest level: the 65 s benchmark clip's pass in 0.09 s and 3.2 MB
    against 0.34 s and 3.0 MB at its default level (6), while the analysis waits for it. ``np.load`` reads it."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True) as zipped:
        for name, values in arrays.items():
            with zipped.open(f"{name}.npy", "w", force_zip64=True) as out:
                np.lib.format.write_array(out, np.asanyarray(values), allow_pickle=False)


def pose_pass(info: VideoInfo, start: int, end: int, progress: ProgressCallback | None = None, *,
              workers: int | None = None, cache: PoseCache | None = None,
              works: Sequence[FrameWork] = (), while_others_end: Callable[[], None] | None = None) -> PosePass:
    """The pose of frames [start, end) of the clip, with the frame works ``works`` run in the pass: from
    ``cache`` when it holds them (``progress`` is then told all frames are done), else from
    :func:`gait.pose.run_pose_pass` by ``workers`` trackers (default :func:`gait.pose.default_workers`;
    ``while_others_end`` as there), then stored in ``cache``."""
    if cache is not None:
        found = cache.load(info, start, end, works)
        if found is not None:
            if progress is not None:
                progress(end - start, end - start)
            return found
    found = run_pose_pass(info, start, end, progress, workers=default_workers() if workers is None else workers,
                          works=works, while_others_end=while_others_end)
    if cache is not None:
        cache.store(info, found, works)
    return found
