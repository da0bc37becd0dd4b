"""Write ``history_v1.sqlite3``: a run history file of schema version 1, as the first version of the
history wrote it, for the migration test (tests/test_history.py).

    python tests/data/make_history_v1.py

One runner with three sessions: side view (2025-10-01), side + rear (2025-11-01), rear only (2025-12-01);
a clip with a key frame, and one file written for the first session. Version 1 has no measuring method per
value and no runner on exported files: the migration to version 2 fills both in.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gait.history.schema import APPLICATION_ID, MIGRATIONS  # noqa: E402

OUT = Path(__file__).with_name("history_v1.sqlite3")


def tiny_png() -> bytes:
    """A 2 x 2 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes([128, 128]) for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def metric(value: float | str, unit: str | None) -> dict:
    number = not isinstance(value, str)
    return {"value": value, "left": value, "right": value, "sd": 1.0 if number else None, "n": 14, "unit": unit}


SIDE = {"cadence_spm": metric(165.0, "steps/min"), "knee_flexion_at_contact_deg": metric(16.0, "deg"),
        "overstride_pct_leg": metric(24.0, "% leg length"), "foot_strike_pattern": metric("rearfoot", None)}
REAR = {"cadence_spm": metric(166.0, "steps/min"), "pelvic_drop_deg": metric(4.0, "deg"),
        "knee_valgus_fppa_deg": metric(6.0, "deg")}
SESSIONS = (  # filmed_on, report.json's content, clips (file name, view)
    ("2025-10-01", {"view": "side", "metrics": SIDE}, [("run1_side.mp4", "side")]),
    ("2025-11-01", {"view": "side", "metrics": {**REAR, **SIDE},
                    "clips": [{"view": "side", "metrics": SIDE}, {"view": "rear", "metrics": REAR}]},
     [("run2_side.mp4", "side"), ("run2_rear.mp4", "rear")]),
    ("2025-12-01", {"view": "rear", "metrics": REAR}, [("run3_rear.mp4", "rear")]),
)


def main() -> None:
    OUT.unlink(missing_ok=True)
    db = sqlite3.connect(OUT, isolation_level=None)
    db.execute("BEGIN")
    MIGRATIONS[0](db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO runners (id, name, height_cm, notes, created_at) VALUES "
               "(1, 'Fixture Runner', 170.0, 'made for the migration test', '2025-10-01T08:00:00+00:00')")
    for sid, (filmed_on, report, clips) in enumerate(SESSIONS, start=1):
        db.execute("INSERT INTO sessions (id, runner_id, filmed_on, saved_at, label, tool_version, report_json, "
                   "cues_json) VALUES (?, 1, ?, ?, '', '0.1.0', ?, '[]')",
                   (sid, filmed_on, f"{filmed_on}T09:00:00+00:00", json.dumps(report)))
        for position, (name, view) in enumerate(clips):
            clip_id = db.execute("INSERT INTO clips (session_id, position, file_name, content_sha256, view, "
                                 "settings_json) VALUES (?, ?, ?, ?, ?, '{}')",
                                 (sid, position, name, f"{sid:02d}{position:02d}" * 16, view)).lastrowid
            if sid == 1:
                db.execute("INSERT INTO key_frames (clip_id, side, png) VALUES (?, 'left', ?)", (clip_id, tiny_png()))
        for key, m in report["metrics"].items():
            number = not isinstance(m["value"], str)
            db.execute("INSERT INTO metric_values (session_id, metric, value, category, sd, left_value, right_value, "
                       "n, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (sid, key, m["value"] if number else None, None if number else m["value"], m["sd"],
                        m["left"] if number else None, m["right"] if number else None, m["n"], m["unit"]))
    db.execute("INSERT INTO exported_files (session_id, path, kind) VALUES (1, '/elsewhere/run1/report.json', "
               "'report')")
    db.execute("COMMIT")
    db.execute("VACUUM")
    db.close()
    print(f"{OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
