"""The history database's schema, as the list of migrations that build it.

A new file is made by running every migration in turn, so the path from each older version is the path
every new file takes. ``PRAGMA user_version`` holds the schema version and ``PRAGMA application_id``
marks the file as this tool's. Version 1 kept runners, sessions (the report and the cues as JSON), clips
(content hash, view, settings), key frames, exported files and per-metric values. Version 2 records how
each value was measured (``metric_values.method``: ``keypoints/side``, ``keypoints/rear``, ...), back-filled
from the clips' views, so that values measured by different methods are not compared; and ties exported
files to a runner (``exported_files.runner_id``) so that a runner's own exports (CSV, JSON) are recorded and
deleted with them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable

from gait.catalogue import CONTACT_TIMED_METRICS, FAR_LEG_CORRECTED, SIDE_VIEW

APPLICATION_ID = 0x47616974  # "Gait"
SCHEMA_VERSION = 2

_V1 = """
CREATE TABLE runners (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    height_cm REAL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    runner_id INTEGER NOT NULL REFERENCES runners(id) ON DELETE CASCADE,
    filmed_on TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    tool_version TEXT NOT NULL DEFAULT '',
    report_json TEXT NOT NULL,
    cues_json TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX sessions_by_runner ON sessions(runner_id, filmed_on, id);
CREATE TABLE clips (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_sha256 TEXT NOT NULL DEFAULT '',
    view TEXT NOT NULL,
    settings_json TEXT NOT NULL DEFAULT '{}',
    UNIQUE (session_id, position)
);
CREATE TABLE key_frames (
    clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    png BLOB NOT NULL,
    PRIMARY KEY (clip_id, side)
);
CREATE TABLE exported_files (
    id INTEGER PRIMARY KEY,
    session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE metric_values (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    value REAL,
    category TEXT,
    sd REAL,
    left_value REAL,
    right_value REAL,
    n INTEGER NOT NULL DEFAULT 0,
    unit TEXT,
    PRIMARY KEY (session_id, metric)
);
CREATE INDEX metric_values_by_metric ON metric_values(metric, session_id);
"""

_V2 = """
ALTER TABLE metric_values ADD COLUMN method TEXT NOT NULL DEFAULT '';
ALTER TABLE exported_files ADD COLUMN runner_id INTEGER REFERENCES runners(id) ON DELETE CASCADE;
UPDATE exported_files SET runner_id = (SELECT runner_id FROM sessions WHERE sessions.id = exported_files.session_id);
CREATE INDEX exported_files_by_runner ON exported_files(runner_id);
"""


# Measures whose reading from the pose model's points changed in a version of this tool, from a side view: a
# report written by that version or a later one names its kind by the latest such change, and is not
# compared with an earlier one (another method). Per measure, (version, name) in the order they came:
# - 0.2.0: the leg away from the camera has 9 deg added to its peak knee flexion in stance
#   (gait.catalogue.FAR_LEG_PEAK_KNEE_LOW_DEG); a session measured before reads it 9 deg lower;
# - 0.3.0: the stance ends at the toe-off, no longer taking in the frame after it, in the swing (the real
#   side clips' peaks 0.6-13.2 deg lower, median 5.7); the toe-off is the earlier of the foot's and the
#   knee's readings (gait.events), and the contact times it ends read 0.7-15.4 ms shorter (median 5.5).
_TOE_OFF_FROM_FOOT_AND_KNEE = ((0, 3, 0), "keypoints, toe-off from foot and knee")
REVISED_KEYPOINT_METHODS: dict[str, tuple[tuple[tuple[int, ...], str], ...]] = {
    FAR_LEG_CORRECTED: (((0, 2, 0), "keypoints, far leg corrected"),
                        ((0, 3, 0), "keypoints, far leg corrected, stance to toe-off")),
    # the measures a side view times by the feet's events (from behind, by the pelvis)
    **{key: (_TOE_OFF_FROM_FOOT_AND_KNEE,) for key in CONTACT_TIMED_METRICS},
}


def tool_version(report: dict) -> str:
    """The version of this tool that wrote ``report`` (``versions.tool``; this one when it is not said)."""
    import gait

    return str((report.get("versions") or {}).get("tool") or gait.__version__)


def _version_numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def metric_methods(report: dict) -> dict[str, str]:
    """How each measure of a session's report.json was measured: ``<kind>/<view>`` of the clip it came from
    (:func:`gait.results.merge_metrics`: frontal measures from the rear or front clip, the others from the side
    clip when there is one); the kind is ``markers`` where the clip's marker mode measured it from stickers
    (``quality.markers.methods``), else ``keypoints``, or, from a side view, the latest revised method's name
    (:data:`REVISED_KEYPOINT_METHODS`) the report's tool has. Empty for a measure with no clip to come
    from."""
    from gait.catalogue import FRONTAL_METRICS

    clips = [c for c in report.get("clips") or [report] if isinstance(c, dict) and c.get("view")]
    side = next((c for c in clips if c["view"] == "side"), None)
    frontal = next((c for c in clips if c["view"] != "side"), None)
    methods = {}
    for key in report.get("metrics") or {}:
        clip = (frontal or side) if key in FRONTAL_METRICS else (side or frontal)
        if clip is None:
            methods[key] = ""
            continue
        markers = ((clip.get("quality") or {}).get("markers") or {}).get("methods") or {}
        kind = "markers" if markers.get(key) == "markers" else "keypoints"
        if kind == "keypoints" and clip["view"] in SIDE_VIEW:
            version = _version_numbers(tool_version(report))
            kind = next((name for since, name in reversed(REVISED_KEYPOINT_METHODS.get(key, ())) if version >= since),
                        kind)
        methods[key] = f"{kind}/{clip['view']}"
    return methods


def _backfill_methods(db: sqlite3.Connection) -> None:
    """Version 2: each stored value's method, from its session's report (the clips' views)."""
    for session_id, report_json in db.execute("SELECT id, report_json FROM sessions").fetchall():
        try:
            report = json.loads(report_json)
        except ValueError:
            continue
        for metric, method in metric_methods(report if isinstance(report, dict) else {}).items():
            db.execute("UPDATE metric_values SET method = ? WHERE session_id = ? AND metric = ? AND "
                       "(value IS NOT NULL OR category IS NOT NULL)", (method, session_id, metric))


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def run(db: sqlite3.Connection) -> None:
        for statement in (s.strip() for s in sql.split(";")):
            if statement:
                db.execute(statement)
    return run


def _v2(db: sqlite3.Connection) -> None:
    _script(_V2)(db)
    _backfill_methods(db)


# MIGRATIONS[k] takes a file from version k to version k + 1, inside the caller's transaction
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_script(_V1), _v2)
assert len(MIGRATIONS) == SCHEMA_VERSION
