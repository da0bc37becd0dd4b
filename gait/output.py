"""The one writer of a session's output folder: :func:`write_session` writes the data files
(:func:`gait.report.write_data_files`), the key frames and annotated videos (:mod:`gait.rendering`), the PDF/HTML
report and the metronome WAVs (:mod:`gait.document`), staged and moved in; :func:`write_results` and
:func:`write_videos` are its two halves, which the app runs apart (the results shown while the videos are
drawn); :func:`analyze_and_write` analyses a session and writes it, as ``gait analyze`` and ``gait batch`` do."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gait import errors as E
from gait.errors import GaitInputError
from gait.pipeline import analyze_session
from gait.report import FORMATS, clip_suffix, output_name, output_patterns, write_data_files
from gait.results import Analysis, Session

if TYPE_CHECKING:
    from gait.history.compare import Comparison
    from gait.pose_cache import PoseCache
    from gait.results import Options

LOG = logging.getLogger(__name__)

# progress(clip_index, stage, done, total): stage "report" once (0 of 1, clip_index the last clip's) before the
# PDF/HTML report, then "video" while clip ``session.clips[clip_index]`` is drawn (done and total in frames)
WriteProgress = Callable[[int, str, int, int], None]
# what write_session catches when the report documents are optional
DOCUMENT_ERRORS = (TypeError, AttributeError, KeyError, ValueError, OSError)


@dataclass(frozen=True)
class SessionFiles:
    """What :func:`write_session` wrote, by :data:`gait.report.OUTPUT_NAMES` key, as paths in the output folder.

    ``session``: ``report``, ``steps`` and, with report formats, ``report_pdf``, ``report_html`` and
    ``metronome_<spm>spm``. ``clips``: per clip of ``session.clips``, in order, ``video``,
    ``keyframe_left``, ``keyframe_right`` (unless the video was off) and ``landmarks``.
    ``document_error``: why the PDF/HTML report could not be written (only with ``documents_optional``).
    """

    session: dict[str, Path]
    clips: tuple[dict[str, Path], ...]
    document_error: Exception | None = None

    @property
    def paths(self) -> list[Path]:
        """Every file written, session files first."""
        return [*self.session.values(), *(p for files in self.clips for p in files.values())]


def write_session(session: Session | Analysis, out_dir: Path, *, formats: Sequence[str] = (),
                  video: bool = True, blur_face: bool = False, runner_name: str | None = None,
                  progress: WriteProgress | None = None, documents_optional: bool = False,
                  before_after: Comparison | None = None, video_size: str = "fit",
                  on_results: Callable[[SessionFiles], None] | None = None) -> SessionFiles:
    """Write every output file of an analysed session into ``out_dir``: the results first
    (:func:`write_results`), then the annotated videos (:func:`write_videos`).

    The files (names in :data:`gait.report.OUTPUT_NAMES`) are report.json, steps.csv and each clip's landmarks
    (:func:`write_data_files`); unless ``video`` is False, each clip's key frames and annotated video
    (:mod:`gait.rendering`); with ``formats``, the PDF and/or HTML report and the metronome WAVs
    (:func:`gait.document.write_documents`, which takes the key frames from the same folder). The results are
    first written into a hidden folder next to ``out_dir`` and moved in only when all are written: if anything
    fails half-way, nothing already in ``out_dir`` is replaced. Each video is then drawn the same way and moved
    in when done; the results are in ``out_dir`` meanwhile (``on_results`` is called with them). When they
    are moved in, an earlier analysis's files there are replaced or, when this one does not write them (a
    video, a report or a metronome it was not asked for), removed, so that the folder never pairs new results
    with an old video or report. Other files in ``out_dir`` are left alone.

    Parameters
    ----------
    session
        The analysed clips of one run (an :class:`~gait.results.Analysis` is a session of one clip).
    out_dir
        The output folder; created (with its parents) when missing.
    formats
        Report documents to write, from :data:`FORMATS` (``("pdf", "html")``); none by
        default.
    video
        Write each clip's annotated video and its key frames.
    blur_face
        Blur the runner's face in the annotated videos and the key frames (and so in the report).
    runner_name
        The name printed on the PDF/HTML report; None leaves it off.
    progress
        Called as ``progress(clip_index, stage, done, total)``, see :data:`WriteProgress`.
    documents_optional
        When True, a failure of the PDF/HTML report or the metronome (one of :data:`DOCUMENT_ERRORS`) is
        logged and returned in ``SessionFiles.document_error`` instead of raised, and the other files are
        still written.
    before_after
        This session against the runner's previous saved one (:func:`gait.history.previous_comparison`): the
        PDF/HTML report gets a before/after section.
    video_size
        The annotated videos' size, a key of :data:`gait.rendering.VIDEO_SIZES` ("fit": the long side at
        most 1280 px; "full": the clip's size).
    on_results
        Called with the files written so far once the results are in ``out_dir``, before the videos are
        drawn.

    Returns
    -------
    SessionFiles
        The written files, by key, as paths in ``out_dir``.
    """
    files = write_results(session, out_dir, formats=formats, key_frames=video, blur_face=blur_face,
                          runner_name=runner_name, progress=progress, documents_optional=documents_optional,
                          before_after=before_after)
    if on_results is not None:
        on_results(files)
    if not video:
        return files
    return write_videos(session, out_dir, files, blur_face=blur_face, size=video_size, progress=progress)


def analyze_and_write(videos: Sequence[str], options: Sequence[Options], out_dir: Path, *,
                      formats: Sequence[str] = (), video: bool = True, blur_face: bool = False,
                      runner_name: str | None = None, pose_progress: Callable[[int, int, int], None] | None = None,
                      write_progress: WriteProgress | None = None,
                      before_after: Callable[[Session], Comparison | None] | None = None,
                      video_size: str = "fit", cache: PoseCache | None = None,
                      on_results: Callable[[SessionFiles], None] | None = None,
                      copy_progress: Callable[[int, int, int], None] | None = None,
                      ) -> tuple[Session, SessionFiles]:
    """One session as `gait analyze` runs it, and `gait batch` runs each of its sessions: the clips analysed
    (:func:`gait.pipeline.analyze_session`, ``pose_progress(clip_index, done, total)`` and ``copy_progress``
    alike for the H.264 copy of a clip OpenCV cannot decode; the pose taken from ``cache`` when it is there),
    then the output folder written (:func:`write_session`: staged, then moved in; the annotated videos at
    ``video_size``). ``before_after(session)`` gives the report's before/after
    comparison; ``on_results`` is :func:`write_session`'s. A refused clip raises :class:`GaitInputError` and
    writes nothing. Callers run it inside :func:`gait.pose.native_logs_silenced`, with their progress bars
    made and closed inside too."""
    session = analyze_session(list(videos), list(options), pose_progress, cache=cache, copy_progress=copy_progress)
    written = write_session(session, out_dir, formats=formats, video=video, blur_face=blur_face,
                            runner_name=runner_name, progress=write_progress, video_size=video_size,
                            before_after=before_after(session) if before_after is not None else None,
                            on_results=on_results)
    return session, written


def check_writable(out_dir: Path) -> None:
    """Refuse (``output_not_writable``) an output folder that cannot be made or written to (a read-only
    drive, a folder of another user, a file where a folder of its path should be), before any work: a file
    made and removed in the nearest folder of its path that exists leaves nothing behind."""
    out_dir = Path(out_dir).absolute()
    nearest = next(p for p in (out_dir, *out_dir.parents) if p.exists())
    try:
        handle, probe = tempfile.mkstemp(prefix=".gait-write-check.", dir=nearest)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise GaitInputError(f"{str(out_dir)!r} cannot be written to ({exc.strerror or exc}). Choose another "
                             "folder with --out.", E.OUTPUT_NOT_WRITABLE) from None


def earlier_outputs(out_dir: Path) -> list[Path]:
    """The files in ``out_dir`` named as an analysis names its outputs (:func:`gait.report.output_patterns`)."""
    return sorted({p for pattern in output_patterns() for p in Path(out_dir).glob(pattern) if p.is_file()})


# bytes of the output folder's name in its staging folder's: the whole, with the dot, random part and suffix added,
# went past the file system's 255 bytes for a clip named near that length (an internal error once the pose pass was
# done); counted in bytes, since 60 characters of a name in emoji are 240
STAGING_NAME_BYTES = 60


def _staging(out_dir: Path) -> Path:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    start = out_dir.name.encode()[:STAGING_NAME_BYTES].decode(errors="ignore")  # a character cut in two: dropped
    return Path(tempfile.mkdtemp(prefix=f".{start}.", suffix=".partial", dir=out_dir.parent))


def write_results(session: Session | Analysis, out_dir: Path, *, formats: Sequence[str] = (),
                  key_frames: bool = True, blur_face: bool = False, runner_name: str | None = None,
                  progress: WriteProgress | None = None, documents_optional: bool = False,
                  before_after: Comparison | None = None) -> SessionFiles:
    """Everything :func:`write_session` writes but the annotated videos, staged and moved into ``out_dir``
    together (the parameters are :func:`write_session`'s; ``key_frames`` writes each clip's key frames).
    An earlier analysis's files in ``out_dir`` that these do not replace (:func:`earlier_outputs`: its
    videos, its report when none is asked for now, its metronome at another cadence) are removed when they
    are moved in."""
    from gait.rendering import write_key_frames

    if isinstance(session, Analysis):
        session = Session.of(session)
    out_dir = Path(out_dir)
    staging = _staging(out_dir)
    try:
        data = write_data_files(session, staging)
        session_files = {key: data[key] for key in ("report", "steps")}
        clip_files: list[dict[str, Path]] = []
        for clip in session.clips:
            suffix = clip_suffix(session, clip)
            own: dict[str, Path] = {}
            if key_frames:
                own.update(write_key_frames(clip, staging, suffix, blur_face=blur_face))
            own["landmarks"] = staging / output_name("landmarks", suffix=suffix)
            clip_files.append(own)
        document_error = None
        if formats:
            from gait.document import write_documents

            if progress is not None:
                progress(len(session.clips) - 1, "report", 0, 1)
            try:
                written = write_documents(session, staging, formats=tuple(formats), runner_name=runner_name,
                                          before_after=before_after)
                session_files.update({f"report_{k}" if k in FORMATS else k: Path(v) for k, v in written.items()})
            except DOCUMENT_ERRORS as exc:
                if not documents_optional:
                    raise
                LOG.exception("gait.document.write_documents failed")
                document_error = exc
        out_dir.mkdir(parents=True, exist_ok=True)
        new = {path.name for path in staging.iterdir()}
        for earlier in earlier_outputs(out_dir):
            if earlier.name not in new:
                earlier.unlink()
        for path in staging.iterdir():
            path.replace(out_dir / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    def moved(files: dict[str, Path]) -> dict[str, Path]:
        return {key: out_dir / path.name for key, path in files.items()}

    return SessionFiles(session=moved(session_files), clips=tuple(moved(files) for files in clip_files),
                        document_error=document_error)


def write_videos(session: Session | Analysis, out_dir: Path, files: SessionFiles | None = None, *,
                 blur_face: bool = False, size: str = "fit", progress: WriteProgress | None = None,
                 stop: threading.Event | None = None) -> SessionFiles:
    """Each clip's annotated video (:func:`gait.rendering.write_annotated`), drawn in a hidden folder next
    to ``out_dir`` and moved in when done; returns ``files`` (what :func:`write_results` wrote) with the
    videos added. ``stop``: set it to end the drawing (:class:`gait.rendering.DrawingStopped`)."""
    from gait.rendering import write_annotated

    if isinstance(session, Analysis):
        session = Session.of(session)
    out_dir = Path(out_dir)
    clips = [dict(own) for own in files.clips] if files is not None else [{} for _ in session.clips]
    for index, clip in enumerate(session.clips):
        name = output_name("video", suffix=clip_suffix(session, clip))

        def report(done: int, total: int, index: int = index) -> None:
            if progress is not None:
                progress(index, "video", done, total)

        staging = _staging(out_dir)
        try:
            write_annotated(clip, staging / name, None, report, blur_face=blur_face, size=size, stop=stop)
            out_dir.mkdir(parents=True, exist_ok=True)
            (staging / name).replace(out_dir / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        clips[index]["video"] = out_dir / name
    return SessionFiles(session=dict(files.session) if files is not None else {}, clips=tuple(clips),
                        document_error=files.document_error if files is not None else None)
