"""One batch session as a Dask task (run in a worker process): skipped when its folder already holds the
outputs of the same clips (content hash) and settings, else analysed and written by the command line's own
:func:`gait.output.analyze_and_write`, then marked done; a refused clip is recorded with its message and code."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import gait
from gait.batch.inputs import SessionJob
from gait.errors import GaitInputError
from gait.results import Options

if TYPE_CHECKING:
    from gait.history import NewSession

MARKER = "batch_done.json"  # in each session's folder: what was analysed, with which settings, and how it ended
DONE, FAILED = "done", "failed"
INTERNAL_ERROR = "internal_error"  # a fault of the tool or the worker: not recorded as done, tried again next run


@dataclass(frozen=True)
class BatchSettings:
    """What a batch writes for every session: report documents (``formats``) and the annotated video and key
    frames (``video``); ``force`` analyses sessions again even when done before; with ``history``, each session
    analysed that has a runner comes back with its run-history record (:func:`gait.history.new_session`)."""

    formats: tuple[str, ...] = ()
    video: bool = True
    force: bool = False
    history: bool = False
    pose_cache: bool = True  # each worker takes a clip's pose from its machine's pose cache when it is there

    def recorded(self) -> dict:
        """The settings a done-marker records: a change in them (or in the tool's version) redoes a session."""
        return {"formats": sorted(self.formats), "video": self.video, "tool": gait.__version__}


@dataclass(frozen=True)
class Outcome:
    """How one session of a batch ended: ``status`` done or failed; ``skipped`` when the outputs are from an
    earlier run; for a failure the refusal's ``code`` and ``message`` as `gait analyze` gives them."""

    name: str
    status: str
    skipped: bool = False
    code: str | None = None
    message: str | None = None
    seconds: float | None = None
    files: tuple[str, ...] = ()
    record: NewSession | None = None  # with BatchSettings.history: what gait.history saves of the session


def content_hash(path: str) -> str | None:
    """SHA-256 of a file's bytes; None when it cannot be read (the analysis then says why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _options_given(options: Options) -> dict:
    """The analysis options that differ from the defaults (so that a new option does not redo every session)."""
    default = Options()
    return {k: v for k, v in asdict(options).items() if v != getattr(default, k)}


def fingerprint(job: SessionJob, settings: BatchSettings) -> dict:
    """What a session's outputs depend on: each clip's content hash and options given, in order, and the
    settings."""
    return {"clips": [{"sha256": content_hash(c.path), "options": _options_given(c.options)} for c in job.clips],
            "settings": settings.recorded()}


def read_marker(folder: Path) -> dict | None:
    try:
        marker = json.loads((folder / MARKER).read_text())
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def _write_marker(folder: Path, marker: dict) -> None:
    """Write the marker whole or not at all (a temporary file renamed over it)."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{MARKER}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(marker, indent=2) + "\n")
    temporary.replace(folder / MARKER)


def _earlier(folder: Path, marker: dict | None, wanted: dict) -> Outcome | None:
    """The outcome recorded in ``folder`` when it is for the same clips and settings (a done session whose
    files are all still there, or a refused one), else None."""
    if marker is None or marker.get("fingerprint") != wanted:
        return None
    files = tuple(marker.get("files") or ())
    if marker.get("status") == DONE and all((folder / f).is_file() for f in files):
        return Outcome(marker.get("name", folder.name), DONE, True, seconds=marker.get("seconds"), files=files)
    if marker.get("status") == FAILED:
        return Outcome(marker.get("name", folder.name), FAILED, True, code=marker.get("code"),
                       message=marker.get("message"), seconds=marker.get("seconds"))
    return None


def run_session(job: SessionJob, out_root: str, settings: BatchSettings) -> Outcome:
    """Analyse one session into ``out_root/job.name`` (the Dask task of :func:`gait.batch.run_sessions`).

    Skipped when its done-marker (:data:`MARKER`) records the same content hashes, options and settings.
    Otherwise the clips are analysed and the folder written as `gait analyze` does (staged and moved in:
    nothing half-written), then the marker is written. A clip the analysis refuses (:class:`GaitInputError`)
    gives a failed outcome with its message and code, recorded in the marker so that the next run does not
    try the same clips again; any other exception gives a failed outcome coded ``internal_error`` that is not
    recorded. Never raises for a bad clip: one session's failure does not stop the batch.
    """
    from gait.output import analyze_and_write
    from gait.pose import native_logs_silenced
    from gait.pose_cache import PoseCache

    folder = Path(out_root) / job.name
    wanted = fingerprint(job, settings)
    earlier = None if settings.force else _earlier(folder, read_marker(folder), wanted)
    if earlier is not None:
        return earlier
    start = time.perf_counter()
    marker = {"name": job.name, "clips": job.paths, "runner": job.runner, "date": job.date, "fingerprint": wanted}
    try:
        with native_logs_silenced():
            session, written = analyze_and_write(job.paths, [c.options for c in job.clips], folder,
                                           formats=settings.formats, video=settings.video, runner_name=job.runner,
                                           cache=PoseCache() if settings.pose_cache else None)
    except GaitInputError as exc:
        seconds = time.perf_counter() - start
        _write_marker(folder, {**marker, "status": FAILED, "code": exc.code, "message": str(exc),
                               "seconds": round(seconds, 2), "finished": _now()})
        return Outcome(job.name, FAILED, code=exc.code, message=str(exc), seconds=seconds)
    except Exception as exc:  # a fault, not the clip's: reported, and tried again on the next run
        return Outcome(job.name, FAILED, code=INTERNAL_ERROR, message=f"internal error ({type(exc).__name__}: {exc})",
                       seconds=time.perf_counter() - start)
    names = tuple(sorted(p.name for p in written.paths))
    seconds = time.perf_counter() - start
    _write_marker(folder, {**marker, "status": DONE, "files": list(names), "seconds": round(seconds, 2),
                           "finished": _now()})
    record = None
    if settings.history and job.runner:
        from gait.history import new_session

        record = new_session(session, files=written.session, clip_files=written.clips, filmed_on=job.date)
    return Outcome(job.name, DONE, seconds=seconds, files=names, record=record)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
