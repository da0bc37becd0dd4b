"""Files an analysis writes: their names (:data:`OUTPUT_NAMES`), and what the data files hold: report.json
(documented by schema/report.schema.json), steps.csv and the cleaned landmark trajectories
(:func:`write_data_files`). The whole output folder is written by :mod:`gait.output`."""

from __future__ import annotations

import json
import math
import re
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import gait
from gait.errors import warning_record
from gait.landmarks import NAMES
from gait.results import Analysis, Session
from gait.view import FACING_WORDS

SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("schema") / "report.schema.json"

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("pdf", "html")  # the report documents (:mod:`gait.document`)
# Every file an analysis writes, by its key in :class:`gait.output.SessionFiles` (and the app's download page). In the
# names, ``{suffix}`` is the clip's :func:`clip_suffix` ("" for the primary clip, "_rear" for a rear clip),
# ``{side}`` is left or right and ``{spm}`` a target cadence in steps/min.
OUTPUT_NAMES: dict[str, str] = {
    "report": "report.json",
    "steps": "steps.csv",
    "landmarks": "landmarks{suffix}.csv",
    "video": "annotated{suffix}.mp4",
    "keyframe": "keyframe{suffix}_{side}_contact.png",
    "report_pdf": "report.pdf",
    "report_html": "report.html",
    "metronome": "metronome_{spm}spm.wav",
}


def output_name(key: str, *, suffix: str = "", side: str = "", spm: int | None = None) -> str:
    """The file name of output ``key`` (:data:`OUTPUT_NAMES`): ``output_name("keyframe", suffix="_rear",
    side="left")`` is ``keyframe_rear_left_contact.png``."""
    return OUTPUT_NAMES[key].format(suffix=suffix, side=side, spm=spm)


def output_patterns() -> tuple[str, ...]:
    """Glob patterns that match every file an analysis may write (``landmarks*.csv``, ...)."""
    return tuple(re.sub(r"\{\w+\}", "*", name) for name in OUTPUT_NAMES.values())


def _clean_number(value: object) -> object:
    """JSON has no NaN: map non-finite floats to None, numpy scalars to Python ones."""
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return _clean_dict(value)
    if isinstance(value, (list, tuple)):
        return [_clean_number(v) for v in value]
    return value


def _clean_dict(value: dict) -> dict:
    """:func:`_clean_number` of each of the dict's values."""
    return {k: _clean_number(v) for k, v in value.items()}


def report_dict(analysis: Analysis) -> dict:
    """The content of report.json."""
    info = analysis.info
    frames = analysis.pose.frame_index
    steady = analysis.steps[analysis.steps["steady"]]
    return _clean_dict({
        "schema_version": SCHEMA_VERSION,
        "versions": {"tool": gait.__version__, "mediapipe": metadata.version("mediapipe")},
        "video": {
            "path": info.source_path, "fps": info.fps, "file_fps": info.file_fps,
            "frame_count": info.frame_count, "width": info.width, "height": info.height,
            "duration_s": info.duration_s, "missing_frames": info.missing_frames,
        },
        "segment": {"start_s": frames[0] / info.fps, "end_s": (frames[-1] + 1) / info.fps,
                    "steady_start_s": steady["ic_time_s"].min() if len(steady) else None,
                    "steady_end_s": steady["ic_time_s"].max() if len(steady) else None},
        "runner": {"height_cm": analysis.options.height_cm, "speed_kmh": analysis.options.speed_kmh,
                   "mirrored": analysis.options.mirrored},
        "view": analysis.view,
        "direction": FACING_WORDS.get(analysis.direction),
        "quality": {
            "pose_detected_fraction": analysis.detected_fraction,
            "steps_used": int(len(steady)),
            "steps_detected": int(len(analysis.steps)),
            "steps_dropped": analysis.detection.dropped,
            "contact_timing": analysis.detection.contact_timing,
            "leg_swaps_corrected_frames": analysis.cleaning.swapped_frames,
            "filter_cutoff_hz": analysis.cleaning.cutoff_hz,
            "leg_length_px": analysis.leg_length_px,
            "camera_angle_deg": analysis.camera_angle_deg,
            "camera_roll_deg": analysis.camera_roll_deg,
            "camera_pitch_deg": analysis.camera_pitch_deg,
            "warnings": [warning_record(w) for w in analysis.warnings],
            **analysis.frontal_fields,
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
    report["metrics"] = _clean_dict(session.metrics)
    report["quality"]["warnings"] = [warning_record(w) for w in session.warnings]
    frontal = [c for c in session.clips if c.view != "side"]
    if frontal:  # the frontal measures are the frontal clip's (gait.results.merge_metrics)
        report["quality"].update(_clean_dict(frontal[0].frontal_fields))
    report["notes"] = list(dict.fromkeys(n for c in session.clips for n in c.notes))  # each once, in order
    report["clips"] = [{k: v for k, v in report_dict(c).items() if k not in ("schema_version", "versions")}
                       for c in session.clips]
    return report


def landmark_table(analysis: Analysis) -> pd.DataFrame:
    """Cleaned trajectories: frame, time_s, then ``<landmark>_x_px`` and ``<landmark>_y_px``."""
    import pandas as pd  # here, as below: the command line reads this module's file names before the pose pass

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
    import pandas as pd

    if isinstance(session, Analysis):
        session = Session.of(session)
    report = session_report_dict(session) if len(session.clips) > 1 else report_dict(session.primary)
    paths = {key: out_dir / output_name(key) for key in ("report", "steps")}
    paths["report"].write_text(json.dumps(report, indent=2) + "\n")
    tables = [c.steps.assign(clip=c.info.name, view=c.view) for c in session.clips]
    steps = pd.concat(tables, ignore_index=True)
    steps = steps[["clip", "view"] + [col for col in steps.columns if col not in ("clip", "view")]]
    steps.to_csv(paths["steps"], index=False, float_format="%.4f")
    for clip in session.clips:
        path = out_dir / output_name("landmarks", suffix=clip_suffix(session, clip))
        table = landmark_table(clip)
        # rounded rather than formatted: pandas writes rounded floats in C, a format per value in Python (3900
        # frames: 0.37 s against 0.61); pixels to 0.01, time to 0.1 ms (0.01 s would merge frames at 60 fps)
        table.round({col: 4 if col == "time_s" else 2 for col in table.columns}).to_csv(path, index=False)
        paths[path.stem] = path
    return paths
