"""What is saved of an analysed session: :func:`new_session` gathers report.json's content, each clip's
content hash, view, settings and key frames, the cues and the files written, for :meth:`History.save`."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gait.history.sessions import ClipRecord, NewSession
from gait.view import FACING_WORDS

if TYPE_CHECKING:
    from gait.cues import Cue
    from gait.results import Analysis, Session

SIDES = ("left", "right")


def content_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes; empty when the file is gone."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return ""


def clip_settings(clip: Analysis) -> dict:
    """The options a clip was analysed with, and what was read or found: frame rates, view, facing."""
    info = clip.info
    return {**dataclasses.asdict(clip.options), "fps": info.fps, "file_fps": info.file_fps,
            "frame_count": info.frame_count, "width": info.width, "height": info.height, "view": clip.view,
            "direction": FACING_WORDS.get(clip.direction)}


def cue_record(cue: Cue) -> dict:
    return {"id": cue.id, "metric": cue.metric, "severity": cue.severity, "title": cue.title,
            "measured": cue.measured, "value": cue.value if isinstance(cue.value, (int, float, str)) else None}


def new_session(session: Session, *, files: Mapping[str, Path] | None = None,
                clip_files: Sequence[Mapping[str, Path]] = (), filmed_on: str | None = None, label: str = "",
                record_files: bool = True) -> NewSession:
    """A session to save. ``files`` are the session's files by key (:class:`gait.output.SessionFiles`
    ``session``) and ``clip_files`` each clip's (key frames ``keyframe_left`` and ``keyframe_right`` are
    saved in the history, the others recorded by path when ``record_files``)."""
    from gait.cues import cues_for
    from gait.document import report_of

    clips = []
    recorded: list[tuple[str, str]] = []
    if record_files:
        recorded += [(key, str(Path(path).resolve())) for key, path in (files or {}).items()]
    for k, clip in enumerate(session.clips):
        own = clip_files[k] if k < len(clip_files) else {}
        frames = {}
        for side in SIDES:
            path = own.get(f"keyframe_{side}")
            if path is not None and Path(path).is_file():
                frames[side] = Path(path).read_bytes()
        if record_files:
            recorded += [(key, str(Path(path).resolve())) for key, path in own.items()]
        clips.append(ClipRecord(file_name=clip.info.name, view=clip.view,
                                content_sha256=content_sha256(clip.info.source_path),  # the clip's, not its copy's
                                settings=clip_settings(clip), key_frames=frames))
    return NewSession(report=report_of(session), clips=tuple(clips), cues=tuple(map(cue_record, cues_for(session))),
                      files=tuple(recorded), filmed_on=filmed_on, label=label)
