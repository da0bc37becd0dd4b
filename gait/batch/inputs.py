"""What a batch analyses: the sessions found in its inputs (clips, folders searched recursively, CSV manifests),
each one clip or the clips of one run (e.g. side and rear) grouped by the manifest or by ``--pair-by``."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gait.catalogue import VIEWS
from gait.errors import BAD_OPTION, NO_SUCH_FILE, GaitInputError
from gait.results import Options
from gait.video_io import VIDEO_SUFFIXES

MANIFEST_SUFFIX = ".csv"
# a manifest's columns: ``path`` is required; ``session`` (optional) groups rows into one session, else rows
# with the same runner and date do
MANIFEST_COLUMNS = ("path", "runner", "date", "view", "fps", "height", "speed", "session")


@dataclass(frozen=True)
class ClipJob:
    """One clip of a session: its path (absolute, as the workers open it) and its analysis options."""

    path: str
    options: Options = Options()


@dataclass(frozen=True)
class SessionJob:
    """One session to analyse: ``name`` is its output folder under the batch's ``--out`` (a relative POSIX
    path), ``clips`` its clips in the order given to the analysis; ``runner`` and ``date`` from a manifest."""

    name: str
    clips: tuple[ClipJob, ...]
    runner: str | None = None
    date: str | None = None

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self.clips]


def pair_pattern(text: str) -> re.Pattern[str]:
    """``--pair-by``: a regular expression with a named group ``session``; raises ValueError otherwise."""
    try:
        pattern = re.compile(text)
    except re.error as exc:
        raise ValueError(f"{text!r} is not a regular expression ({exc})") from None
    if "session" not in pattern.groupindex:
        raise ValueError(f"{text!r} has no group named session, e.g. (?P<session>.+)_(side|rear)\\.mp4")
    return pattern


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def _folder_videos(folder: Path, skip: Path) -> list[Path]:
    """The video files under ``folder`` (recursively, sorted), less hidden files and folders and anything in
    the batch's own output folder ``skip``."""
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not is_video(path) or not path.is_file():
            continue
        if path.absolute().is_relative_to(skip):
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def safe_name(text: str) -> str:
    """A relative output folder from ``text``: each path part kept to letters, digits, ``.``, ``-`` and ``_``."""
    parts = [re.sub(r"[^\w.\-]+", "_", part).strip("._") for part in re.split(r"[/\\]+", text)]
    return "/".join(p for p in parts if p) or "session"


def _positive_number(text: str, what: str, where: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise GaitInputError(f"{where}: {what} {text!r} must be a number greater than 0.", BAD_OPTION)
    return value


def read_manifest(path: Path) -> list[tuple[str, str, ClipJob, str | None, str | None]]:
    """The rows of a CSV manifest as (session key, session name, clip, runner, date). Columns (header, any
    case): ``path`` (relative to the manifest's folder, or absolute), and optionally ``runner``, ``date``,
    ``view`` (side, rear or front), ``fps`` (capture rate), ``height`` (cm), ``speed`` (km/h) and ``session``.
    Rows with the same ``session``, or else the same runner and date, are one session; other rows are a
    session each."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError) as exc:
        raise GaitInputError(f"{str(path)!r} could not be read as a CSV manifest ({exc}).", BAD_OPTION) from None
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if "path" not in header:
        raise GaitInputError(f"{str(path)!r}: a manifest's first line names its columns and needs 'path' "
                             f"(known columns: {', '.join(MANIFEST_COLUMNS)}).", BAD_OPTION)
    unknown = [h for h in header if h and h not in MANIFEST_COLUMNS]
    if unknown:
        raise GaitInputError(f"{str(path)!r}: unknown column(s) {', '.join(unknown)}; known: "
                             f"{', '.join(MANIFEST_COLUMNS)}.", BAD_OPTION)
    found = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        where = f"{path.name} line {line}"
        if not cells["path"]:
            raise GaitInputError(f"{where}: the path is empty.", BAD_OPTION)
        view = cells.get("view", "").lower() or None
        if view is not None and view not in VIEWS:
            raise GaitInputError(f"{where}: view {cells['view']!r}: give one of {', '.join(VIEWS)} (or leave it empty "
                                 "to detect it).", BAD_OPTION)
        fps, height, speed = (_positive_number(cells.get(column, ""), column, where)
                              for column in ("fps", "height", "speed"))
        try:
            options = Options(capture_fps=fps, view=view, height_cm=height, speed_kmh=speed)
        except GaitInputError as exc:  # a number outside its range (gait.results.OPTION_RANGES)
            raise GaitInputError(f"{where}: {exc}", BAD_OPTION) from None
        clip_path = Path(cells["path"]).expanduser()
        clip_path = clip_path if clip_path.is_absolute() else path.parent / clip_path
        runner, date = cells.get("runner") or None, cells.get("date") or None
        name = cells.get("session") or (f"{runner}/{date}" if runner and date else "")
        key = f"{path}:{name}" if name else f"{path}:line {line}"
        found.append((key, name or clip_path.with_suffix("").name, ClipJob(str(clip_path.absolute()), options),
                      runner, date))
    return found


def find_sessions(inputs: Sequence[str | Path], out_dir: Path, pair_by: re.Pattern[str] | None = None
                  ) -> list[SessionJob]:
    """The sessions of a batch, in the order found. ``inputs``: video files, folders (searched recursively
    for files with a video suffix, hidden ones and ``out_dir`` left out) and CSV manifests
    (:func:`read_manifest`). ``pair_by`` groups files and folder contents into sessions: it is searched in
    each file's path relative to the folder given (its name for a file given directly) and files with the
    same ``session`` group are one session, in path order; files it does not match are a session each. A
    clip found twice is analysed once. Raises :class:`GaitInputError` for an input that does not exist or a
    malformed manifest (before anything is analysed); a clip that cannot be analysed fails on its own."""
    skip = Path(out_dir).absolute()
    groups: dict[str, list[ClipJob]] = {}
    labels: dict[str, tuple[str, str | None, str | None]] = {}  # key: output name, runner, date
    seen: set[str] = set()

    def add(key: str, clip: ClipJob, name: str, runner: str | None = None, date: str | None = None) -> None:
        if clip.path in seen:
            return
        seen.add(clip.path)
        groups.setdefault(key, []).append(clip)
        labels.setdefault(key, (name, runner, date))

    def add_files(files: Iterable[tuple[Path, str]], scope: str) -> None:
        for path, relative in files:
            match = pair_by.search(relative) if pair_by is not None else None
            clip = ClipJob(str(path.absolute()))
            if match is not None and match.group("session"):
                add(f"{scope}:pair:{match.group('session')}", clip, match.group("session"))
            else:
                add(f"{scope}:clip:{relative}", clip, str(Path(relative).with_suffix("")))

    for given in inputs:
        path = Path(given).expanduser()
        if path.is_dir():
            add_files(((p, p.relative_to(path).as_posix()) for p in _folder_videos(path, skip)), f"dir:{path}")
        elif path.is_file() and path.suffix.lower() == MANIFEST_SUFFIX:
            for key, name, clip, runner, date in read_manifest(path):
                add(f"manifest:{key}", clip, name, runner, date)
        elif path.is_file():
            add_files([(path, path.name)], "files")
        else:
            raise GaitInputError(f"{str(given)!r}: no such file or folder.", NO_SUCH_FILE)
    sessions = []
    used: set[str] = set()
    for key, clips in groups.items():
        name, runner, date = labels[key]
        base = safe_name(name)
        unique, n = base, 1
        while unique.lower() in used:
            n += 1
            unique = f"{base}_{n}"
        used.add(unique.lower())
        ordered = clips if key.startswith("manifest:") else sorted(clips, key=lambda c: c.path)
        sessions.append(SessionJob(name=unique, clips=tuple(ordered), runner=runner, date=date))
    return sessions
