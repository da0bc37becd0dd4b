"""Run history: every saved analysis in one SQLite file, and before/after against the smallest detectable change.

- :mod:`~gait.history.store`: the database (:class:`History`): runners, sessions (date filmed, report, cues),
  clips (content hash, view, settings, key frames), exported files and per-metric values; a runner's data
  exported (CSV, JSON) and deleted. Built on :mod:`~gait.history.sessions` (what is saved and read back) and
  :mod:`~gait.history.database` (where the file lives, how it is checked, migrated and written: transactions).
- :mod:`~gait.history.schema`: the schema as a list of migrations (version 1, then 2).
- :mod:`~gait.history.compare`: the change of each measure between two sessions or along a series, and
  whether it exceeds the measure's smallest detectable change (:func:`smallest_detectable_change`).
- :mod:`~gait.history.records`: what is saved of an analysed session (:func:`new_session`).
- :mod:`~gait.history.trend`: a runner's values over their sessions, one plot per measure.

The command line's ``gait history`` and ``gait analyze --save-to-history RUNNER``, the app's History page,
and the report's before/after section all use these.
"""

from gait.history.compare import (
    BEYOND,
    NO_SDC,
    NOT_COMPARABLE,
    NOT_MEASURED,
    WITHIN,
    Comparison,
    MetricChange,
    Sdc,
    SessionPoint,
    compare,
    compare_series,
    sdc_table,
    smallest_detectable_change,
)
from gait.history.database import ENV_VAR, HistoryError, data_folder, history_path
from gait.history.records import new_session
from gait.history.schema import SCHEMA_VERSION, metric_methods
from gait.history.sessions import ClipRecord, KeyFrame, NewSession, Runner, StoredSession
from gait.history.store import EXPORT_FORMATS, DeleteResult, History


def previous_comparison(history: History, runner: str, report: dict, filmed_on: str | None = None) -> Comparison | None:
    """This analysis (report.json's content, not saved yet) against the runner's latest saved session; None
    for a runner with no session yet."""
    previous = history.latest_session(runner)
    if previous is None:
        return None
    return compare(SessionPoint.of_stored(previous), SessionPoint.of_report(report, filmed_on=filmed_on))


__all__ = [
    "BEYOND", "ENV_VAR", "EXPORT_FORMATS", "NO_SDC", "NOT_COMPARABLE", "NOT_MEASURED", "SCHEMA_VERSION", "WITHIN",
    "ClipRecord", "Comparison", "DeleteResult", "History", "HistoryError", "KeyFrame", "MetricChange", "NewSession",
    "Runner", "Sdc", "SessionPoint", "StoredSession", "compare", "compare_series", "data_folder", "history_path",
    "metric_methods", "new_session", "previous_comparison", "sdc_table", "smallest_detectable_change",
]
