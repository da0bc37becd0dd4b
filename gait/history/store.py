"""The history database: one SQLite file (:class:`History`).

Why SQLite, from Python's standard library: no server and no extra package, one file the runner owns and
can copy, transactions that survive a crash half-way, and file locking that lets two programs (two app
sessions, the app and the command line) write at once without losing anything.

- Where: ``--db PATH``, else the ``GAIT_HISTORY_DB`` environment variable, else ``history.sqlite3`` in the
  user's data folder (:func:`data_folder`). The folder holding the file is the history's *data folder*:
  exports go to ``exports/`` in it, and deleting a runner deletes their exported files under it.
- Every write is one transaction begun with ``BEGIN IMMEDIATE`` (the write lock first, so that two writers
  queue instead of failing half-way), waiting up to :data:`BUSY_TIMEOUT_S` for another writer.
- Before anything is written, the file is checked: an SQLite file of this tool (``application_id``), a
  schema this version knows (``user_version``), and SQLite's ``quick_check``. A damaged file, another
  program's file or a newer schema gives a :class:`HistoryError` that says so, and the file is not touched.
  An older schema is migrated in one transaction (:mod:`gait.history.schema`).
- ``secure_delete`` is on: deleted rows are overwritten with zeros in the file, not just unlinked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gait.catalogue import METRICS, Metrics, MetricSummary, read_metrics
from gait.errors import BAD_OPTION, GaitInputError
from gait.history.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, metric_methods

ENV_VAR = "GAIT_HISTORY_DB"
FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT_S = 30.0
EXPORT_FORMATS = ("csv", "json")
SQLITE_HEADER = b"SQLite format 3\x00"

# HistoryError.code
HISTORY_DAMAGED = "history_damaged"
HISTORY_NEWER = "history_newer_schema"
HISTORY_NOT_OURS = "history_not_ours"
HISTORY_BUSY = "history_busy"
NO_SUCH_RUNNER = "no_such_runner"
NO_SUCH_SESSION = "no_such_session"


class HistoryError(GaitInputError):
    """The history file cannot be used as asked (damaged, newer, busy) or a runner or session is unknown;
    the message says what to do. The command line prints it as an ``error:`` line with exit status 2."""


def data_folder() -> Path:
    """This tool's folder in the user's data folder: ``$XDG_DATA_HOME/gait`` (``~/.local/share/gait``) on
    Linux, ``~/Library/Application Support/gait`` on macOS, ``%APPDATA%\\gait`` on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "gait"


def history_path(path: str | os.PathLike | None = None) -> Path:
    """The history file: ``path``, else ``$GAIT_HISTORY_DB``, else ``history.sqlite3`` in :func:`data_folder`."""
    chosen = path or os.environ.get(ENV_VAR)
    return Path(chosen).expanduser() if chosen else data_folder() / FILE_NAME


@dataclass(frozen=True)
class ClipRecord:
    """One clip of a session to save: its file name, view, content hash, settings and key frames."""

    file_name: str
    view: str
    content_sha256: str = ""
    settings: dict = field(default_factory=dict)
    key_frames: dict[str, bytes] = field(default_factory=dict)  # side ("left", "right") -> PNG


@dataclass(frozen=True)
class NewSession:
    """A session to save: report.json's content, its clips, cues and the files written for it."""

    report: dict
    clips: tuple[ClipRecord, ...] = ()
    cues: tuple[dict, ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (kind, absolute path) of each file written for the session
    filmed_on: str | None = None  # YYYY-MM-DD; None: today
    label: str = ""


@dataclass(frozen=True)
class Runner:
    id: int
    name: str
    height_cm: float | None
    notes: str
    created_at: str
    sessions: int = 0
    last_filmed: str | None = None

    @property
    def folder_name(self) -> str:
        """The name of the runner's export folder: their name in safe characters and their number."""
        return f"{slug(self.name)}-{self.id}"


@dataclass(frozen=True)
class StoredClip:
    id: int
    position: int
    file_name: str
    content_sha256: str
    view: str
    settings: dict


@dataclass(frozen=True)
class StoredSession:
    """A saved session as read back."""

    id: int
    runner_id: int
    runner: str
    filmed_on: str
    saved_at: str
    label: str
    tool_version: str
    report: dict
    cues: list[dict]
    clips: list[StoredClip]
    metrics: Metrics  # every catalogue measure (not measured: value None)
    methods: dict[str, str]  # measure -> how it was measured ("keypoints/side"); "" when not measured
    files: list[tuple[str, str]]  # (kind, path)

    @property
    def views(self) -> tuple[str, ...]:
        """The clips' views (from the report when no clip was recorded)."""
        if self.clips:
            return tuple(c.view for c in self.clips)
        return tuple(str(c.get("view")) for c in self.report.get("clips") or [self.report] if c.get("view"))

    @property
    def title(self) -> str:
        label = f", {self.label}" if self.label else ""
        return f"session {self.id} ({self.filmed_on}, {' + '.join(self.views) or '?'} view{label})"


@dataclass(frozen=True)
class KeyFrame:
    position: int  # the clip's place in its session
    view: str
    side: str
    png: bytes


@dataclass(frozen=True)
class DeleteResult:
    runner: str
    sessions: int
    removed: list[Path]  # exported files deleted (under the data folder)
    kept: list[Path]  # exported files elsewhere, not touched
    folder: Path

    @property
    def message(self) -> str:
        text = (f"Deleted {self.runner}: {self.sessions} session(s) with their measurements, clips' details, key "
                f"frames and cues (overwritten in the database file, not just unlinked). ")
        text += (f"Deleted {len(self.removed)} exported file(s) under {self.folder}. " if self.removed else
                 f"No exported file under {self.folder}. ")
        if self.kept:
            text += (f"{len(self.kept)} file(s) exported elsewhere were not touched: "
                     + ", ".join(map(str, self.kept)) + ".")
        else:
            text += "Files exported elsewhere (downloads, copies) are not touched."
        return text


def slug(name: str) -> str:
    """A name in characters safe for a file name ("Ada Runner" -> "ada-runner")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "runner"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _date(text: str | None) -> str:
    if text is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(str(text)).isoformat()
    except ValueError:
        raise HistoryError(f"{text!r} is not a date: give it as YYYY-MM-DD.", BAD_OPTION) from None


def _number(value: object) -> float | None:
    from gait.catalogue import number

    return number(value)


class History:
    """The history database at ``path`` (see :func:`history_path`); use as a context manager.

    ``create=False`` opens an existing file only: a missing file reads as an empty history, and nothing is
    created until something is saved.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, create: bool = True) -> None:
        self.path = history_path(path)
        self.create = create
        self._db: sqlite3.Connection | None = None
        if self.path.exists() or create:
            self._db = self._open()

    @property
    def folder(self) -> Path:
        """The data folder: the folder that holds the file (exports go to ``exports/`` in it)."""
        return self.path.resolve().parent

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # ---- opening, checking, migrating ------------------------------------------------------------------

    def _refuse(self, code: str, why: str) -> HistoryError:
        return HistoryError(f"the history file {str(self.path)!r} {why} It was left as it is. Move it away (or give "
                            f"another file with --db or {ENV_VAR}) to start a new history.", code)

    def _open(self) -> sqlite3.Connection:
        path = self.path
        if path.is_dir():
            raise HistoryError(f"{str(path)!r} is a folder: give a file name for the history.", BAD_OPTION)
        if path.exists() and path.stat().st_size > 0:
            with open(path, "rb") as f:
                if f.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise self._refuse(HISTORY_DAMAGED, "is not an SQLite database (it is damaged, or another "
                                                        "kind of file).")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise HistoryError(f"the history file {str(path)!r} cannot be opened ({exc}).", HISTORY_DAMAGED) from exc
        try:
            self._check(db)
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA secure_delete = ON")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _check(self, db: sqlite3.Connection) -> None:
        """Refuse, before any write, a damaged file, another program's file or a newer schema."""
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
            check = [row[0] for row in db.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError as exc:
            raise self._refuse(HISTORY_DAMAGED, f"is damaged ({exc}).") from exc
        if app_id != APPLICATION_ID and (app_id != 0 or tables > 0):
            raise self._refuse(HISTORY_NOT_OURS, "is an SQLite database of another program, not a gait history.")
        if version > SCHEMA_VERSION:
            raise self._refuse(HISTORY_NEWER, f"was written by a newer version of gait (history schema {version}; "
                                              f"this version reads up to {SCHEMA_VERSION}). Update gait to open it.")
        if check != ["ok"]:
            found = [line.strip() for text in check for line in str(text).splitlines()
                     if line.strip() and not line.startswith("***")]
            raise self._refuse(HISTORY_DAMAGED, f"is damaged (SQLite's check: {'; '.join(found[:3])}).")

    def _migrate(self, db: sqlite3.Connection) -> None:
        if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        with self._write(db):
            version = db.execute("PRAGMA user_version").fetchone()[0]  # again: another writer may have migrated
            for step in MIGRATIONS[version:]:
                step(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _write(self, db: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it, or (on any error) nothing."""
        db = db or self._connection()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise HistoryError(f"the history file {str(self.path)!r} is busy (another program has been writing "
                               f"to it for {BUSY_TIMEOUT_S:.0f} s): try again.", HISTORY_BUSY) from exc
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._open()
        return self._db

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        return [] if self._db is None else self._db.execute(sql, args).fetchall()

    @property
    def schema_version(self) -> int:
        return 0 if self._db is None else self._db.execute("PRAGMA user_version").fetchone()[0]

    # ---- runners ---------------------------------------------------------------------------------------

    def runners(self) -> list[Runner]:
        """Every runner, by name, with their number of sessions and the date of the last one."""
        rows = self._rows("SELECT r.id, r.name, r.height_cm, r.notes, r.created_at, count(s.id), max(s.filmed_on) "
                          "FROM runners r LEFT JOIN sessions s ON s.runner_id = r.id GROUP BY r.id "
                          "ORDER BY r.name COLLATE NOCASE")
        return [Runner(*row) for row in rows]

    def runner(self, name_or_id: str | int) -> Runner:
        """A runner by name (any case) or number."""
        text = str(name_or_id).strip()
        for runner in self.runners():
            if runner.name.casefold() == text.casefold() or str(runner.id) == text:
                return runner
        known = ", ".join(r.name for r in self.runners()) or "none yet"
        raise HistoryError(f"no runner {text!r} in the history {str(self.path)!r} (runners: {known}).",
                           NO_SUCH_RUNNER)

    def add_runner(self, name: str, height_cm: float | None = None, notes: str = "") -> Runner:
        """The runner of that name, created if new (a height or notes given update theirs)."""
        with self._write() as db:
            runner_id = self._runner_id(db, name, height_cm, notes)
        return next(r for r in self.runners() if r.id == runner_id)

    @staticmethod
    def _runner_id(db: sqlite3.Connection, name: str, height_cm: float | None, notes: str) -> int:
        name = " ".join(str(name).split())
        if not name:
            raise HistoryError("give the runner's name or alias.", BAD_OPTION)
        row = db.execute("SELECT id FROM runners WHERE name = ?", (name,)).fetchone()
        if row is None:
            cursor = db.execute("INSERT INTO runners (name, height_cm, notes, created_at) VALUES (?, ?, ?, ?)",
                                (name, height_cm, notes, _now()))
            return int(cursor.lastrowid or 0)
        if height_cm is not None:
            db.execute("UPDATE runners SET height_cm = ? WHERE id = ?", (height_cm, row[0]))
        if notes:
            db.execute("UPDATE runners SET notes = ? WHERE id = ?", (notes, row[0]))
        return int(row[0])

    # ---- sessions --------------------------------------------------------------------------------------

    def save(self, runner: str, session: NewSession, *, height_cm: float | None = None) -> int:
        """Save a session for ``runner`` (created if new), in one transaction; returns the session's number."""
        import gait

        report = session.report
        filmed_on = _date(session.filmed_on)
        methods = metric_methods(report)
        metrics = read_metrics(report.get("metrics"))
        height = height_cm if height_cm is not None else _number((report.get("runner") or {}).get("height_cm"))
        tool = str((report.get("versions") or {}).get("tool") or gait.__version__)
        with self._write() as db:
            runner_id = self._runner_id(db, runner, height, "")
            session_id = int(db.execute(
                "INSERT INTO sessions (runner_id, filmed_on, saved_at, label, tool_version, report_json, cues_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (runner_id, filmed_on, _now(), session.label, tool, json.dumps(report), json.dumps(list(session.cues))),
            ).lastrowid or 0)
            for position, clip in enumerate(session.clips):
                clip_id = db.execute(
                    "INSERT INTO clips (session_id, position, file_name, content_sha256, view, settings_json) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (session_id, position, clip.file_name, clip.content_sha256, clip.view, json.dumps(clip.settings)),
                ).lastrowid
                for side, png in sorted(clip.key_frames.items()):
                    db.execute("INSERT INTO key_frames (clip_id, side, png) VALUES (?, ?, ?)", (clip_id, side, png))
            for key, summary in metrics.items():
                value = summary["value"]
                if value is None:
                    continue
                number = _number(value)
                db.execute(
                    "INSERT INTO metric_values (session_id, metric, value, category, sd, left_value, right_value, n, "
                    "unit, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (session_id, key, number, None if number is not None else str(value), _number(summary["sd"]),
                     _number(summary["left"]) if number is not None else None,
                     _number(summary["right"]) if number is not None else None, int(summary["n"] or 0),
                     summary["unit"], methods.get(key, "")))
            for kind, path in session.files:
                db.execute("INSERT INTO exported_files (session_id, runner_id, path, kind) VALUES (?, ?, ?, ?)",
                           (session_id, runner_id, str(Path(path).resolve()), kind))
        return session_id

    def sessions(self, runner: str | int | None = None) -> list[StoredSession]:
        """The sessions of a runner (or of everyone), oldest first (by date filmed, then as saved)."""
        if self._db is None:
            if runner is not None:
                self.runner(runner)  # raises: no such runner
            return []
        if runner is None:
            ids = [r[0] for r in self._rows("SELECT id FROM sessions ORDER BY filmed_on, id")]
        else:
            runner_id = self.runner(runner).id
            ids = [r[0] for r in self._rows("SELECT id FROM sessions WHERE runner_id = ? ORDER BY filmed_on, id",
                                            (runner_id,))]
        return [self.session(i) for i in ids]

    def session(self, session_id: int | str) -> StoredSession:
        """A saved session by its number."""
        try:
            number = int(session_id)
        except (TypeError, ValueError):
            number = -1
        rows = self._rows("SELECT s.id, s.runner_id, r.name, s.filmed_on, s.saved_at, s.label, s.tool_version, "
                          "s.report_json, s.cues_json FROM sessions s JOIN runners r ON r.id = s.runner_id "
                          "WHERE s.id = ?", (number,))
        if not rows:
            raise HistoryError(f"no session {session_id!s} in the history {str(self.path)!r}: `gait history list "
                               "RUNNER` lists a runner's sessions.", NO_SUCH_SESSION)
        sid, runner_id, runner, filmed_on, saved_at, label, tool, report_json, cues_json = rows[0]
        clips = [StoredClip(cid, pos, name, sha, view, json.loads(settings)) for cid, pos, name, sha, view, settings in
                 self._rows("SELECT id, position, file_name, content_sha256, view, settings_json FROM clips "
                            "WHERE session_id = ? ORDER BY position", (sid,))]
        metrics: dict[str, MetricSummary] = {}
        methods: dict[str, str] = {}
        for metric, value, category, sd, left, right, n, unit, method in self._rows(
                "SELECT metric, value, category, sd, left_value, right_value, n, unit, method FROM metric_values "
                "WHERE session_id = ?", (sid,)):
            metrics[metric] = {"value": value if category is None else category, "left": left, "right": right,
                               "sd": sd, "n": n, "unit": unit}
            methods[metric] = method
        files = [(kind, path) for kind, path in self._rows(
            "SELECT kind, path FROM exported_files WHERE session_id = ? ORDER BY id", (sid,))]
        return StoredSession(id=sid, runner_id=runner_id, runner=runner, filmed_on=filmed_on, saved_at=saved_at,
                             label=label, tool_version=tool, report=json.loads(report_json),
                             cues=json.loads(cues_json), clips=clips, metrics=read_metrics(metrics),
                             methods={k: methods.get(k, "") for k in read_metrics(metrics)}, files=files)

    def latest_session(self, runner: str) -> StoredSession | None:
        """The runner's most recent session (by date filmed, then as saved); None for a new runner."""
        names = {r.name.casefold() for r in self.runners()}
        if " ".join(runner.split()).casefold() not in names:
            return None
        sessions = self.sessions(runner)
        return sessions[-1] if sessions else None

    def key_frames(self, session_id: int) -> list[KeyFrame]:
        """The key frames saved with a session, clip by clip, left before right."""
        return [KeyFrame(pos, view, side, png) for pos, view, side, png in self._rows(
            "SELECT c.position, c.view, k.side, k.png FROM key_frames k JOIN clips c ON c.id = k.clip_id "
            "WHERE c.session_id = ? ORDER BY c.position, k.side", (int(session_id),))]

    # ---- export and delete -----------------------------------------------------------------------------

    def export_rows(self, runner: str | int) -> list[dict]:
        """The CSV export's rows: one per session and measured value."""
        rows = []
        for s in self.sessions(runner):
            for key, summary in s.metrics.items():
                if summary["value"] is None:
                    continue
                rows.append({"runner": s.runner, "session": s.id, "filmed_on": s.filmed_on, "label": s.label,
                             "views": "+".join(s.views), "metric": key,
                             "title": METRICS[key].title if key in METRICS else key,
                             "value": summary["value"], "unit": summary["unit"] or "", "sd": summary["sd"],
                             "left": summary["left"], "right": summary["right"], "n": summary["n"],
                             "method": s.methods.get(key, "")})
        return rows

    def export_data(self, runner: str | int) -> dict:
        """The JSON export: the runner, and every session with its clips, values, cues, report and files
        (key frames are not exported)."""
        who = self.runner(runner)
        sessions = []
        for s in self.sessions(who.id):
            sessions.append({
                "id": s.id, "filmed_on": s.filmed_on, "saved_at": s.saved_at, "label": s.label,
                "tool_version": s.tool_version,
                "clips": [{"file_name": c.file_name, "view": c.view, "content_sha256": c.content_sha256,
                           "settings": c.settings} for c in s.clips],
                "metrics": {k: {**m, "method": s.methods.get(k, "")} for k, m in s.metrics.items()
                            if m["value"] is not None},
                "cues": s.cues, "report": s.report,
                "exported_files": [{"kind": kind, "path": path} for kind, path in s.files],
            })
        return {"format": "gait history export", "schema_version": SCHEMA_VERSION, "exported_at": _now(),
                "runner": {"name": who.name, "height_cm": who.height_cm, "notes": who.notes,
                           "created_at": who.created_at},
                "sessions": sessions}

    def export_text(self, runner: str | int, fmt: str) -> str:
        """A runner's data as CSV or JSON text (what :meth:`export` writes)."""
        if fmt == "json":
            return json.dumps(self.export_data(runner), indent=2, ensure_ascii=False) + "\n"
        if fmt != "csv":
            raise HistoryError(f"unknown export format {fmt!r}: give csv or json.", BAD_OPTION)
        rows = self.export_rows(runner)
        out = io.StringIO()
        fields = ["runner", "session", "filmed_on", "label", "views", "metric", "title", "value", "unit", "sd", "left",
                  "right", "n", "method"]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    def export_folder(self, runner: Runner) -> Path:
        """Where a runner's exports go by default: ``exports/<name>-<number>`` in the data folder."""
        return self.folder / "exports" / runner.folder_name

    def export(self, runner: str | int, formats: Sequence[str] = EXPORT_FORMATS,
               out_dir: Path | None = None) -> list[Path]:
        """Write a runner's data as ``<name>_history.csv`` and/or ``.json`` into ``out_dir`` (default:
        :meth:`export_folder`) and record the files, so that deleting the runner deletes them when they are
        under the data folder."""
        who = self.runner(runner)
        out_dir = Path(out_dir) if out_dir is not None else self.export_folder(who)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for fmt in formats:
            text = self.export_text(who.id, fmt)
            path = (out_dir / f"{slug(who.name)}_history.{fmt}").resolve()
            tmp = path.with_name(f".{path.name}.partial")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
            written.append(path)
        with self._write() as db:
            for path in written:
                db.execute("DELETE FROM exported_files WHERE runner_id = ? AND path = ?", (who.id, str(path)))
                db.execute("INSERT INTO exported_files (session_id, runner_id, path, kind) VALUES (NULL, ?, ?, ?)",
                           (who.id, str(path), f"export_{path.suffix.lstrip('.')}"))
        return written

    def delete_runner(self, runner: str | int) -> DeleteResult:
        """Delete a runner and everything of theirs in the file (overwritten: ``secure_delete``), then their
        exported files under the data folder; files exported elsewhere are listed, not touched."""
        who = self.runner(runner)
        with self._write() as db:
            paths = sorted({Path(p) for (p,) in db.execute(
                "SELECT path FROM exported_files WHERE runner_id = ? OR session_id IN "
                "(SELECT id FROM sessions WHERE runner_id = ?)", (who.id, who.id))})
            sessions = db.execute("SELECT count(*) FROM sessions WHERE runner_id = ?", (who.id,)).fetchone()[0]
            db.execute("DELETE FROM runners WHERE id = ?", (who.id,))
        folder = self.folder
        removed, kept = [], []
        for path in paths:
            if path.resolve().is_relative_to(folder):
                if path.is_file():
                    path.unlink()
                    removed.append(path)
            else:
                kept.append(path)
        exports = self.export_folder(who)
        if exports.is_dir():
            removed += [p for p in exports.rglob("*") if p.is_file() and p not in removed]
            shutil.rmtree(exports)
        return DeleteResult(runner=who.name, sessions=sessions, removed=removed, kept=kept, folder=folder)
