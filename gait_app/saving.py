"""Saving the app's analysis in the run history (:mod:`gait.history`), as ``gait analyze ... --save-to-history``
does: the session's report, cues, clips (content hash, view, settings) and key frames. The app's files live
in a working folder removed when the app stops, so their paths are not recorded. When the runner has a
previous session, the session's PDF and HTML report are written again with the before/after section.

No streamlit here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from gait.document import FORMATS, report_of, write_documents
from gait.history import Comparison, History, new_session, previous_comparison
from gait.output import DOCUMENT_ERRORS
from gait_app.analysis import SessionResult

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saved:
    runner: str
    session_id: int
    comparison: Comparison | None  # against the runner's previous session, None for their first
    report_updated: bool  # the PDF/HTML report now has the before/after section


def save_result(history: History, runner: str, result: SessionResult, filmed_on: str) -> Saved:
    """Save the app's session for ``runner`` (created if new), filmed on ``filmed_on`` (YYYY-MM-DD)."""
    session = result.session
    if session is None:
        raise ValueError("no analysed clip to save")
    by_analysis = {id(c.analysis): c for c in result.ok_clips}
    clip_files = [by_analysis[id(clip)].files if id(clip) in by_analysis else {} for clip in session.clips]
    comparison = previous_comparison(history, runner, report_of(session), filmed_on)
    record = new_session(session, clip_files=clip_files, filmed_on=filmed_on, record_files=False)
    height = session.primary.options.height_cm
    session_id = history.save(runner, record, height_cm=height)
    updated = False
    report = result.files.get("report")
    if comparison is not None and report is not None and any(f"report_{f}" in result.files for f in FORMATS):
        formats = tuple(f for f in FORMATS if f"report_{f}" in result.files)
        try:
            write_documents(session, report.parent, formats=formats, runner_name=result.runner_name,
                            before_after=comparison)
            updated = True
        except DOCUMENT_ERRORS:
            LOG.exception("the report could not be written again with the before/after section")
    return Saved(runner=history.session(session_id).runner, session_id=session_id, comparison=comparison,
                 report_updated=updated)
