"""The app's one analysis entry point, :func:`analyse_clips`, and the cache behind it.

A session is one side clip and/or one rear clip with the runner's options. Each clip is analysed by
:func:`gait.pipeline.analyze` (which makes a fresh pose tracker per call: the tracker keeps state
between frames), then its files are written into a folder of its own: report.json, steps.csv,
landmarks.csv, the annotated video, the key frames and, when the package has them, the PDF and HTML
reports. Results are kept per content digest of the clips and the options, so running the same clips
again, or coming back to a page, costs nothing.

The cache is a plain dictionary held by ``st.cache_resource`` rather than ``st.cache_data``: the analysis
reports its progress to the page while it runs, and ``st.cache_data`` would record and replay those
progress-bar updates.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Callable

import streamlit as st

from gait import pipeline
from gait.errors import GaitInputError
from gait.pipeline import Analysis, Options
from gait.rendering import write_annotated
from gait.report import write_data_files

LOG = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[1]
SAMPLES = {"side": REPO / "sample_videos" / "side_60fps.mp4", "rear": REPO / "sample_videos" / "rear_60fps.mp4"}
SAMPLE_OPTIONS = {"height_cm": 175.0, "speed_kmh": 11.0}  # sample_videos/README.md
VIDEO_TYPES = ("mp4", "mov", "avi", "webm", "mkv")
MAX_UPLOAD_MB = 1024  # .streamlit/config.toml server.maxUploadSize
MAX_SESSIONS = 6
SLOTS = ("side", "rear")

# progress(slot, stage, done, total); stage is "pose" or "video"
Progress = Callable[[str, str, int, int], None]


@dataclass(frozen=True)
class ClipResult:
    """One analysed clip (or the message that says why it could not be analysed)."""

    slot: str  # "side" or "rear": the upload slot it came from
    name: str
    analysis: Analysis | None = None
    error: str | None = None
    files: dict[str, Path] = field(default_factory=dict)
    cues: list | None = None  # None: the package has no cues yet
    notes: list[str] = field(default_factory=list)  # what could not be made, in plain words


@dataclass(frozen=True)
class Session:
    key: str
    clips: dict[str, ClipResult]  # slot -> result, only the slots that had a clip

    @property
    def main(self) -> ClipResult | None:
        """The clip the results pages open on: the side clip if it worked, else any that worked."""
        ok = [c for c in self.clips.values() if c.analysis is not None]
        return next((c for c in ok if c.slot == "side"), ok[0] if ok else None)


def measured_views() -> tuple[str, ...]:
    """Views the installed package measures (the rear view arrives with issue 4's session API)."""
    default = ("side", "rear", "front") if hasattr(pipeline, "analyze_session") else ("side",)
    return tuple(getattr(pipeline, "MEASURED_VIEWS", default))


def rear_supported() -> bool:
    return "rear" in measured_views()


@st.cache_resource(show_spinner=False)
def _store() -> tuple[Path, OrderedDict, threading.Lock]:
    """Working folder, finished sessions by key, and a lock; one per server process."""
    return Path(tempfile.mkdtemp(prefix="gait-app-")), OrderedDict(), threading.Lock()


def save_upload(name: str, data: BinaryIO) -> Path:
    """Copy an uploaded file into the working folder, in a folder named by its content digest."""
    root, _, _ = _store()
    digest = hashlib.sha256()
    tmp = root / f"upload-{threading.get_ident()}.part"
    with open(tmp, "wb") as out:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    folder = root / "uploads" / digest.hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (Path(name).name or "clip.mp4")
    tmp.replace(path)
    return path


def _digest(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:16]


def session_key(clips: dict[str, Path], options: Options) -> str:
    parts = [f"{slot}={_digest(path)}" for slot, path in sorted(clips.items())]
    return hashlib.sha256(("|".join(parts) + repr(options)).encode()).hexdigest()[:16]


def cached_session(key: str | None) -> Session | None:
    """A finished session by key, or None when it was never run or has been dropped from the cache."""
    if key is None:
        return None
    _, sessions, lock = _store()
    with lock:
        return sessions.get(key)


def analyse_clips(clips: dict[str, Path], options: Options, progress: Progress | None = None) -> Session:
    """Analyse the clips of one session (slot -> path), or return the cached result.

    Errors of one clip (bad file, not running, wrong view) are kept in its :class:`ClipResult` as a
    message; they never raise, so the other clip's results still show.
    """
    root, sessions, lock = _store()
    key = session_key(clips, options)
    with lock:
        if key in sessions:
            sessions.move_to_end(key)
            return sessions[key]
    out = root / "sessions" / key
    results = {slot: _analyse_one(slot, Path(path), options, out / slot, progress)
               for slot, path in clips.items()}
    session = Session(key=key, clips=results)
    with lock:
        sessions[key] = session
        while len(sessions) > MAX_SESSIONS:
            old, _ = sessions.popitem(last=False)
            shutil.rmtree(root / "sessions" / old, ignore_errors=True)
    return session


def _analyse_one(slot: str, path: Path, options: Options, out: Path, progress: Progress | None) -> ClipResult:
    name = path.name
    if slot == "rear" and not rear_supported():
        return ClipResult(slot, name, error="Rear-view measurements (pelvic drop, knee valgus) are not "
                          "available in this version yet; the side clip is analysed on its own.")
    view_options = replace(options, view="rear" if slot == "rear" else None)

    def report(stage: str) -> Callable[[int, int], None] | None:
        return None if progress is None else (lambda done, total: progress(slot, stage, done, total))

    try:
        analysis = pipeline.analyze(str(path), view_options, report("pose"))
    except GaitInputError as exc:
        return ClipResult(slot, name, error=str(exc))
    out.mkdir(parents=True, exist_ok=True)
    files = dict(write_data_files(analysis, out))
    files.update(write_annotated(analysis, out / "annotated.mp4", out, report("video")))
    notes: list[str] = []
    cues = _cues(analysis, notes)
    files.update(_documents(analysis, out, cues, notes))
    return ClipResult(slot, name, analysis=analysis, files=files, cues=cues, notes=notes)


def _optional(module: str):  # noqa: ANN202
    """A package module that other issues are still building, or None when it is not there yet."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        return None


def _cues(analysis: Analysis, notes: list[str]) -> list | None:
    cues_module = _optional("gait.cues")
    function = None
    if cues_module is not None:
        function = next((getattr(cues_module, n) for n in ("cues_for", "make_cues", "cues_from_metrics",
                                                             "generate_cues") if hasattr(cues_module, n)),
                        None)
    if function is None:
        notes.append("Coaching cues are not available in this version yet.")
        return None
    try:
        return list(function(analysis))
    except (TypeError, AttributeError, KeyError, ValueError) as exc:  # API still settling (issue 6)
        LOG.exception("gait.cues failed")
        notes.append(f"The coaching cues could not be made ({type(exc).__name__}).")
        return None


def _documents(analysis: Analysis, out: Path, cues: list | None, notes: list[str]) -> dict[str, Path]:
    document = _optional("gait.document")
    if document is None or not hasattr(document, "write_documents"):
        notes.append("The PDF and HTML reports are not available in this version yet: download "
                     "report.json and steps.csv meanwhile.")
        return {}
    try:
        written = document.write_documents(analysis, out)
    except (TypeError, AttributeError, KeyError, ValueError, OSError) as exc:  # API still settling
        LOG.exception("gait.document.write_documents failed")
        notes.append(f"The PDF and HTML reports could not be written ({type(exc).__name__}).")
        return {}
    paths = {Path(p).suffix.lstrip("."): Path(p) for p in
             (written.values() if isinstance(written, dict) else written or [])}
    return {f"report_{k}": v for k, v in paths.items() if k in ("pdf", "html")}
