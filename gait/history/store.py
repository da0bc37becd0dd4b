"""The run history (:class:`History`): one SQLite file of runners and their sessions
(:mod:`gait.history.database` opens, checks and writes it; :mod:`gait.history.sessions` saves and reads the
sessions), and here a runner's data exported (CSV, JSON) and a runner deleted with their exported files.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gait.catalogue import METRICS
from gait.errors import BAD_OPTION
from gait.history.database import HistoryError, utc_now
from gait.history.schema import SCHEMA_VERSION
from gait.history.sessions import Runner, SessionStore, slug

EXPORT_FORMATS = ("csv", "json")


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


class History(SessionStore):
    """The history database at ``path`` (see :func:`history_path`); use as a context manager.

    ``create=False`` opens an existing file only: a missing file reads as an empty history, and nothing is
    created until something is saved. Runners and sessions: :class:`~gait.history.sessions.SessionStore`;
    here, a runner's data exported and a runner deleted.
    """

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
        return {"format": "gait history export", "schema_version": SCHEMA_VERSION, "exported_at": utc_now(),
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
