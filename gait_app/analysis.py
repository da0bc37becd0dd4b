"""The app's one analysis entry point, :func:`analyse_clips`, and the cache behind it.

A session is one side clip and/or one rear clip of the same run, with the runner's options. Each clip is
analysed by :func:`gait.pipeline.analyze` (a fresh pose tracker per call: the tracker keeps state between
frames), so that a bad clip gives its own message and the other clip still shows. The clips that worked
make one session (:func:`gait.results.session_of`, as ``analyze_session`` does: the metrics merged,
sagittal ones from the side clip and frontal ones from the rear clip; the session warnings, with the
cadence-agreement check). Its files are written as ``gait analyze SIDE REAR --report pdf,html`` writes them
(:mod:`gait.output`), the results first (:func:`gait.output.write_results`: report.json, steps.csv and
landmarks*.csv, per clip the key frames, optionally with the face blurred, the PDF and HTML report and the
metronome WAVs), so that the pages show them while the annotated videos are drawn in a background thread
(:class:`VideoJob`, with its own progress). A report that cannot be written leaves a note instead, and the
other files are still there.

Three caches: the pose of each clip on disk (:class:`gait.pose_cache.PoseCache`, by the file's content and
the pose settings: a new height, belt speed, segment or mirroring analyses again without the pose pass); the
analyses per content digest of the clips and the options; and the written files per analysis, face blur,
runner name and date. Running the same clips again, or coming back to a page, costs nothing; a new runner
name only re-draws the files. The last two are plain dictionaries held by ``st.cache_resource`` rather than
``st.cache_data``: the analysis reports its progress to the page while it runs, and ``st.cache_data`` would
record and replay those progress-bar updates.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, Callable, Literal, overload

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from gait import pipeline
from gait.cues import Cue, cues_for
from gait.document import FORMATS
from gait.errors import GaitInputError
from gait.output import write_results, write_videos
from gait.pipeline import Analysis, Options
from gait.pose_cache import PoseCache
from gait.rendering import DrawingStopped
from gait.report import clip_suffix, output_name
from gait.video_io import VIDEO_SUFFIXES
from gait.view import FRONTAL, VIEW_WORDS
from gait_app import uploads

LOG = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[1]
SAMPLES = {"side": REPO / "sample_videos" / "side_60fps.mp4", "rear": REPO / "sample_videos" / "rear_60fps.mp4"}
SAMPLE_OPTIONS = Options(height_cm=175.0, speed_kmh=11.0)  # sample_videos/README.md
VIDEO_TYPES = tuple(suffix.lstrip(".") for suffix in VIDEO_SUFFIXES)
MAX_SESSIONS = 6
SLOTS = ("side", "rear")
# the side slot's view is detected; a rear upload is filmed from behind or in front (told by the runner's face)
SLOT_VIEWS = {"side": None, "rear": FRONTAL}

# progress(slot, stage, done, total); stage is "copy" (an AV1 clip's H.264 copy, to read it), "pose" or "report"
# (the videos have their own: VideoJob)
Progress = Callable[[str, str, int, int], None]


@dataclass(frozen=True)
class ClipResult:
    """One analysed clip (or the message that says why it could not be analysed)."""

    slot: str  # "side" or "rear": the upload slot it came from
    name: str
    analysis: Analysis | None = None
    error: str | None = None
    files: dict[str, Path] = field(default_factory=dict)  # gait.output.SessionFiles.clips: keyframe_*, landmarks
    suffix: str = ""  # of its file names in the session folder: "" for the main clip, "_rear" for the other

    @property
    def ok_analysis(self) -> Analysis:
        """The analysis of a clip that worked (one of :attr:`SessionResult.ok_clips`)."""
        if self.analysis is None:
            raise ValueError(f"{self.name} has no analysis: {self.error}")
        return self.analysis


@dataclass(frozen=True)
class SessionResult:
    """What the pages show: the clips, the package's session of those that worked, and its files."""

    key: str
    clips: dict[str, ClipResult]  # slot -> result, only the slots that had a clip
    session: pipeline.Session | None = None  # None when no clip could be analysed
    files: dict[str, Path] = field(default_factory=dict)  # gait.output.SessionFiles.session: report, steps, ...
    cues: list[Cue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be made, in plain words
    blur_face: bool = False
    runner_name: str | None = None
    videos: VideoJob | None = None  # the annotated videos, drawn after the results

    def video(self, slot: str) -> Path | None:
        """The annotated video of the clip in ``slot``, or None while it is drawn (or when it failed)."""
        return None if self.videos is None else self.videos.paths.get(slot)

    @property
    def main(self) -> ClipResult | None:
        """The clip the results pages open on: the side clip if it worked, else any that worked."""
        ok = [c for c in self.clips.values() if c.analysis is not None]
        return next((c for c in ok if c.slot == "side"), ok[0] if ok else None)

    @property
    def ok_clips(self) -> list[ClipResult]:
        return [c for c in self.clips.values() if c.analysis is not None]

    @property
    def metronomes(self) -> dict[str, Path]:
        return {k: v for k, v in sorted(self.files.items()) if k.startswith("metronome_")}


@st.cache_resource(show_spinner=False)
def _store() -> tuple[Path, dict[str, OrderedDict], threading.Lock]:
    """Working folder (removed when the server stops), finished analyses and outputs by key, and a lock; one
    per server process."""
    root = Path(tempfile.mkdtemp(prefix="gait-app-"))
    atexit.register(shutil.rmtree, root, True)
    return root, {"analyses": OrderedDict(), "outputs": OrderedDict()}, threading.Lock()


def save_upload(name: str, data: BinaryIO) -> Path:
    """Copy an uploaded file into the working folder, in a folder named by its content digest."""
    root, _, _ = _store()
    digest = hashlib.sha256()
    tmp = root / f"upload-{threading.get_ident()}.part"
    with open(tmp, "wb") as out:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return _file_upload(name, tmp, digest.hexdigest())


def _file_upload(name: str, path: Path, sha256: str) -> Path:
    """Move an uploaded file into the working folder, in a folder named by its content digest."""
    root, _, _ = _store()
    folder = root / "uploads" / sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / (Path(name).name or "clip.mp4")
    shutil.move(path, kept)
    return kept


def keep_upload(upload: UploadedFile) -> Path:
    """The upload in the working folder, and Streamlit's copy dropped: its uploader holds the whole file in
    memory for as long as the page shows it (a minute of 1080p is 130 MB, of 4K several hundred), which
    the analysis would otherwise carry on top of its own memory. Behind the app's server the file is already
    on disk and Streamlit holds a reference to it (:mod:`gait_app.uploads`), which is moved; otherwise
    (``AppTest``) the content is copied (:func:`save_upload`)."""
    on_disk = uploads.claim(upload.getvalue()) if upload.size <= uploads.REFERENCE_BYTES else None
    path = save_upload(upload.name, upload) if on_disk is None else _file_upload(upload.name, on_disk.path,
                                                                                 on_disk.sha256)
    ctx = get_script_run_ctx()
    # the server's in-memory manager has remove_file (its upload route's DELETE calls it); the protocol has not
    if ctx is not None and (remove := getattr(ctx.uploaded_file_mgr, "remove_file", None)) is not None:
        remove(ctx.session_id, upload.file_id)
    return path


def _digest(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:16]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def session_key(clips: dict[str, Path], options: Options) -> str:
    """Key of the analyses: the clips' content (and names: they are in report.json) and the options."""
    parts = [f"{slot}={_digest(path)}:{Path(path).name}" for slot, path in sorted(clips.items())]
    return _hash("|".join(parts) + repr(options))


def cached_session(key: str | None) -> SessionResult | None:
    """A finished session by key, or None when it was never run or has been dropped from the cache."""
    if key is None:
        return None
    _, caches, lock = _store()
    with lock:
        return caches["outputs"].get(key)


def _remember(kind: str, key: str, value: object) -> None:
    root, caches, lock = _store()
    with lock:
        cache = caches[kind]
        cache[key] = value
        while len(cache) > MAX_SESSIONS:
            old, _ = cache.popitem(last=False)
            if kind == "outputs":
                shutil.rmtree(root / "sessions" / old, ignore_errors=True)


@overload
def _recall(kind: Literal["analyses"], key: str) -> dict[str, ClipResult] | None: ...
@overload
def _recall(kind: Literal["outputs"], key: str) -> SessionResult | None: ...
def _recall(kind: str, key: str) -> object | None:
    """What :func:`_remember` kept under ``kind`` and ``key``: the clip results by slot for "analyses",
    the :class:`SessionResult` for "outputs"."""
    _, caches, lock = _store()
    with lock:
        if key in caches[kind]:
            caches[kind].move_to_end(key)
            return caches[kind][key]
    return None


def analyse_clips(clips: dict[str, Path], options: Options, progress: Progress | None = None, *,
                  blur_face: bool = False, runner_name: str | None = None) -> SessionResult:
    """Analyse the clips of one session (slot -> path) and write its files, or return the cached result.

    Errors of one clip (bad file, not running) are kept in its :class:`ClipResult` as a message; they
    never raise, so the other clip's results still show.
    """
    root, _, _ = _store()
    runner_name = (runner_name or "").strip() or None
    analyses_key = session_key(clips, options)
    key = _hash(f"{analyses_key}|blur={blur_face}|name={runner_name}|{dt.date.today().isoformat()}")
    done = _recall("outputs", key)
    if done is not None:
        return done
    results = _recall("analyses", analyses_key)
    if results is None:
        results = {slot: _analyse_one(slot, Path(path), options, progress) for slot, path in clips.items()}
        _remember("analyses", analyses_key, results)
    out = root / "sessions" / key
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    session = _write_files(key, results, out, progress, blur_face, runner_name)
    _remember("outputs", key, session)
    return session


def _analyse_one(slot: str, path: Path, options: Options, progress: Progress | None) -> ClipResult:
    name = path.name
    report = None if progress is None else (lambda done, total: progress(slot, "pose", done, total))
    copying = None if progress is None else (lambda done, total: progress(slot, "copy", done, total))
    try:
        # the rear upload's view as the user chose it (gait_app.presentation.REAR_SLOT_VIEWS), else the slot's
        view = options.view if slot == "rear" and options.view is not None else SLOT_VIEWS[slot]
        analysis = pipeline.analyze(str(path), replace(options, view=view), report, cache=PoseCache(),
                                    copy_progress=copying)
    except GaitInputError as exc:
        return ClipResult(slot, name, error=str(exc))
    return ClipResult(slot, name, analysis=analysis)


def _one_clip_per_view(results: dict[str, ClipResult]) -> dict[str, ClipResult]:
    """The side box's clip refused when it looks filmed from behind or in front and the rear box holds a clip
    too (a session takes one clip of each view: :func:`gait.results.session_of`); alone it is analysed as
    the view it looks."""
    side, rear = results.get("side"), results.get("rear")
    if side is None or side.analysis is None or side.analysis.view == "side" or rear is None or rear.analysis is None:
        return results
    return {**results, "side": replace(side, analysis=None, error=(
        f"{side.name!r}, in the side view box, looks filmed {VIEW_WORDS[side.analysis.view]}, and the rear view box "
        f"holds {rear.name!r}: upload a clip filmed from the side here, or analyse the two clips one at a time."))}


def _write_files(key: str, results: dict[str, ClipResult], out: Path, progress: Progress | None,
                 blur_face: bool, runner_name: str | None) -> SessionResult:
    results = _one_clip_per_view(results)
    ok = [(c, c.analysis) for c in results.values() if c.analysis is not None]
    if not ok:
        return SessionResult(key=key, clips=results, blur_face=blur_face, runner_name=runner_name)
    ok.sort(key=lambda pair: SLOTS.index(pair[0].slot))  # side first, as on the command line
    session = pipeline.session_of([analysis for _, analysis in ok])

    def report(index: int, stage: str, done: int, total: int) -> None:  # session.clips are in the order of ok
        if progress is not None:
            progress(ok[index][0].slot, stage, done, total)

    written = write_results(session, out, formats=FORMATS, blur_face=blur_face, runner_name=runner_name,
                            progress=report, documents_optional=True)
    videos = VideoJob(session, out, [result.slot for result, _ in ok], blur_face)
    clips = dict(results)
    for (result, analysis), own in zip(ok, written.clips, strict=True):
        clips[result.slot] = replace(result, files=own, suffix=clip_suffix(session, analysis))
    notes: list[str] = []
    try:
        cues = cues_for(session)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        LOG.exception("gait.cues.cues_for failed")
        notes.append(f"The form cues could not be made ({type(exc).__name__}).")
        cues = []
    if written.document_error is not None:
        notes.append(f"The PDF and HTML reports could not be written ({type(written.document_error).__name__}): "
                     f"download {output_name('report')} and {output_name('steps')} meanwhile.")
    return SessionResult(key=key, clips=clips, session=session, files=dict(written.session), cues=cues, notes=notes,
                         blur_face=blur_face, runner_name=runner_name, videos=videos.start())


class VideoJob:
    """A session's annotated videos (:func:`gait.output.write_videos`), drawn in a background thread into
    the session's folder once its results are written; the pages read its progress and, when done, the
    videos' paths by slot."""

    def __init__(self, session: pipeline.Session, folder: Path, slots: list[str], blur_face: bool):
        self.session, self.folder, self.slots, self.blur_face = session, folder, slots, blur_face
        self.done = dict.fromkeys(slots, 0)
        self.total = {slot: clip.pose.n_frames for slot, clip in zip(slots, session.clips, strict=True)}
        self.paths: dict[str, Path] = {}
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._draw, name="gait-app-videos", daemon=True)

    def start(self) -> VideoJob:
        atexit.register(self.stop)  # a server stopping ends the drawing between two frames
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _draw(self) -> None:
        def progress(index: int, stage: str, done: int, total: int) -> None:
            self.done[self.slots[index]], self.total[self.slots[index]] = done, total

        try:
            written = write_videos(self.session, self.folder, blur_face=self.blur_face, progress=progress,
                                   stop=self._stop)
            self.paths.update({slot: own["video"] for slot, own in zip(self.slots, written.clips, strict=True)})
        except DrawingStopped:  # the server is stopping
            self.error = "stopped"
        except Exception as exc:  # the results stay; the page says the video could not be made
            LOG.exception("gait.output.write_videos failed")
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            atexit.unregister(self.stop)

    @property
    def finished(self) -> bool:
        return not self._thread.is_alive()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the videos; True when they are done (or failed)."""
        self._thread.join(timeout_s)
        return self.finished

    def progress(self) -> tuple[float, str]:
        """Fraction done and the words for a progress bar."""
        done, total = sum(self.done.values()), max(1, sum(self.total.values()))
        return min(done / total, 1.0), f"Drawing the annotated video: frame {done} of {total}"
