"""The history file: where it is, and how it is opened, checked, migrated and written (:class:`Database`).

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

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from gait.errors import BAD_OPTION, GaitInputError
from gait.history.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

ENV_VAR = "GAIT_HISTORY_DB"
FILE_NAME = "history.sqlite3"
BUSY_TIMEOUT_S = 30.0
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


def utc_now() -> str:
    """The time now, UTC, to the second, as ISO 8601 text."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Database:
    """The history file at ``path`` (see :func:`history_path`), opened and checked; use as a context manager.

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

    def __enter__(self) -> Self:
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
            db.execute("BEGIN")  # one snapshot: another program creating the file commits before or after it
            try:
                app_id = db.execute("PRAGMA application_id").fetchone()[0]
                version = db.execute("PRAGMA user_version").fetchone()[0]
                tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
                check = [row[0] for row in db.execute("PRAGMA quick_check")]
            finally:
                db.execute("COMMIT")
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

