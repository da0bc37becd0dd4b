"""The runners and sessions of the history: what is saved (:class:`NewSession`), what is read back
(:class:`Runner`, :class:`StoredSession`, :class:`KeyFrame`), and :class:`SessionStore`, which saves and reads
them in the history file."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from gait.catalogue import Metrics, MetricSummary, read_metrics
from gait.errors import BAD_OPTION
from gait.history.database import NO_SUCH_RUNNER, NO_SUCH_SESSION, Database, HistoryError, utc_now
from gait.history.schema import metric_methods, tool_version


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


def slug(name: str) -> str:
    """A name in characters safe for a file name ("Ada Runner" -> "ada-runner")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "runner"


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


class SessionStore(Database):
    """The runners and their sessions in the history file: saved, listed and read back."""

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
                                (name, height_cm, notes, utc_now()))
            return int(cursor.lastrowid or 0)
        if height_cm is not None:
            db.execute("UPDATE runners SET height_cm = ? WHERE id = ?", (height_cm, row[0]))
        if notes:
            db.execute("UPDATE runners SET notes = ? WHERE id = ?", (notes, row[0]))
        return int(row[0])

    # ---- sessions --------------------------------------------------------------------------------------

    def save(self, runner: str, session: NewSession, *, height_cm: float | None = None) -> int:
        """Save a session for ``runner`` (created if new), in one transaction; returns the session's number."""
        report = session.report
        filmed_on = _date(session.filmed_on)
        methods = metric_methods(report)
        metrics = read_metrics(report.get("metrics"))
        height = height_cm if height_cm is not None else _number((report.get("runner") or {}).get("height_cm"))
        tool = tool_version(report)
        with self._write() as db:
            runner_id = self._runner_id(db, runner, height, "")
            session_id = int(db.execute(
                "INSERT INTO sessions (runner_id, filmed_on, saved_at, label, tool_version, report_json, cues_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (runner_id, filmed_on, utc_now(), session.label, tool, json.dumps(report),
                 json.dumps(list(session.cues))),
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

