"""Files an analysis writes: report.json (documented by schema/report.schema.json), steps.csv and the
cleaned landmark trajectories."""

from __future__ import annotations

import json
import math
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

import gait
from gait.landmarks import NAMES
from gait.pipeline import Analysis, Session

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("schema") / "report.schema.json"


def _clean_number(value: object) -> object:
    """JSON has no NaN: map non-finite floats to None, numpy scalars to Python ones."""
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {k: _clean_number(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_number(v) for v in value]
    return value


def report_dict(analysis: Analysis) -> dict:
    """The content of report.json."""
    info = analysis.info
    frames = analysis.pose.frame_index
    steady = analysis.steps[analysis.steps["steady"]]
    return _clean_number({
        "schema_version": SCHEMA_VERSION,
        "versions": {"tool": gait.__version__, "mediapipe": metadata.version("mediapipe")},
        "video": {
            "path": info.path, "fps": info.fps, "file_fps": info.file_fps,
            "frame_count": info.frame_count, "width": info.width, "height": info.height,
            "duration_s": info.duration_s,
        },
        "segment": {"start_s": frames[0] / info.fps, "end_s": (frames[-1] + 1) / info.fps,
                    "steady_start_s": steady["ic_time_s"].min() if len(steady) else None,
                    "steady_end_s": steady["ic_time_s"].max() if len(steady) else None},
        "runner": {"height_cm": analysis.options.height_cm, "speed_kmh": analysis.options.speed_kmh,
                   "mirrored": analysis.options.mirrored},
        "view": analysis.view,
        "direction": {1: "right", -1: "left"}.get(analysis.direction),
        "quality": {
            "pose_detected_fraction": analysis.detected_fraction,
            "steps_used": int(len(steady)),
            "steps_detected": int(len(analysis.steps)),
            "steps_dropped": analysis.detection.dropped,
            "contact_timing": analysis.detection.contact_timing,
            "leg_swaps_corrected_frames": analysis.cleaning.swapped_frames,
            "filter_cutoff_hz": analysis.cleaning.cutoff_hz,
            "leg_length_px": analysis.leg_length_px,
            "warnings": list(analysis.warnings),
        },
        "notes": list(analysis.notes),
        "metrics": analysis.metrics,
        "events": [{"side": e.side, "type": e.type, "frame": e.frame, "time_s": e.time_s}
                   for e in analysis.detection.events],
    })


def session_report_dict(session: Session) -> dict:
    """report.json of several clips of one run: the single-clip keys of the primary (side) clip, with
    the metrics merged across clips and the warnings of all clips, plus ``clips``: each clip's own
    report (video, view, quality, metrics, events)."""
    report = report_dict(session.primary)
    report["metrics"] = _clean_number(session.metrics)
    report["quality"]["warnings"] = list(session.warnings)
    report["notes"] = sorted({n for c in session.clips for n in c.notes})
    report["clips"] = [{k: v for k, v in report_dict(c).items() if k not in ("schema_version", "versions")}
                       for c in session.clips]
    return report


def landmark_table(analysis: Analysis) -> pd.DataFrame:
    """Cleaned trajectories: frame, time_s, then ``<landmark>_x_px`` and ``<landmark>_y_px``."""
    pose = analysis.pose
    data = {"frame": pose.frame_index, "time_s": pose.time_s}
    for i, name in enumerate(NAMES):
        data[f"{name}_x_px"] = pose.xy_px[:, i, 0]
        data[f"{name}_y_px"] = pose.xy_px[:, i, 1]
    return pd.DataFrame(data)


def clip_suffix(session: Session, clip: Analysis) -> str:
    """File name suffix of a clip's own files: none for the primary clip, else its view (and number)."""
    if clip is session.primary:
        return ""
    same_view = [c for c in session.clips if c.view == clip.view and c is not session.primary]
    return f"_{clip.view}" + (f"{same_view.index(clip) + 1}" if len(same_view) > 1 else "")


def write_data_files(session: Session | Analysis, out_dir: Path) -> dict[str, Path]:
    """Write report.json, steps.csv (all clips, with ``clip`` and ``view`` columns) and the cleaned
    landmarks of each clip (``landmarks.csv``, ``landmarks_<view>.csv``) into ``out_dir``."""
    if isinstance(session, Analysis):
        session = Session.of(session)
    report = session_report_dict(session) if len(session.clips) > 1 else report_dict(session.primary)
    paths = {"report": out_dir / "report.json", "steps": out_dir / "steps.csv"}
    paths["report"].write_text(json.dumps(report, indent=2) + "\n")
    tables = [c.steps.assign(clip=c.info.name, view=c.view) for c in session.clips]
    steps = pd.concat(tables, ignore_index=True)
    steps = steps[["clip", "view"] + [col for col in steps.columns if col not in ("clip", "view")]]
    steps.to_csv(paths["steps"], index=False, float_format="%.4f")
    for clip in session.clips:
        path = out_dir / f"landmarks{clip_suffix(session, clip)}.csv"
        landmark_table(clip).to_csv(path, index=False, float_format="%.2f")
        paths[path.stem] = path
    return paths
