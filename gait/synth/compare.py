"""The analyser's output against a synthetic clip's truth: matched contacts and metric errors.

Errors are analysed minus true (signed); timing errors also as mean absolute values. The true metrics are
the truth JSON's ``metrics`` (what a perfect 2D analyser sees through the clip's camera); a metric that the
analyser or the truth lacks for the clip's view has a NaN error.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gait.catalogue import Metrics
from gait.kinematics import frontal_angles
from gait.landmarks import NAMES, SIDES
from gait.metrics import CONTACT_COLUMNS, frontal_step_table, summarise

if TYPE_CHECKING:
    from gait.results import Analysis

METRICS = ("cadence_spm", "ground_contact_time_ms", "flight_time_ms", "duty_factor_pct", "knee_flexion_at_contact_deg",
           "peak_knee_flexion_stance_deg", "shank_angle_at_contact_deg", "overstride_pct_leg", "foot_strike_angle_deg",
           "trunk_lean_deg", "vertical_oscillation_pct_leg", "knee_valgus_fppa_deg", "pelvic_drop_deg",
           "hip_adduction_deg", "step_width_pct_hip")
FRONTAL_ERROR_METRICS = ("knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg", "step_width_pct_hip")
POSE_JOINTS = ("hip", "knee", "ankle")  # the points the frontal metrics are made of


def match_contacts(detected_s: dict[str, list[float]], truth: dict, max_gap_s: float | None = None) -> pd.DataFrame:
    """One row per true initial contact inside the detected span: side, true and detected time (s),
    error in ms and frames (NaN when no detected contact of that side is within ``max_gap_s``, default
    a quarter of the stride)."""
    fps = truth["fps"]
    gap = truth["stride_time_s"] / 4 if max_gap_s is None else max_gap_s
    all_det = [t for ts in detected_s.values() for t in ts]
    if not all_det:
        return pd.DataFrame(columns=["side", "true_s", "detected_s", "error_ms", "error_frames"])
    lo, hi = min(all_det) - gap, max(all_det) + gap
    rows = []
    for e in truth["events"]:
        if e["type"] != "initial_contact" or not lo <= e["time_s"] <= hi:
            continue
        det = np.asarray(detected_s.get(e["side"], []), float)
        k = int(np.argmin(np.abs(det - e["time_s"]))) if len(det) else -1
        d = float(det[k]) if k >= 0 and abs(det[k] - e["time_s"]) <= gap else float("nan")
        rows.append({"side": e["side"], "true_s": e["time_s"], "detected_s": d,
                     "error_ms": 1000 * (d - e["time_s"]), "error_frames": (d - e["time_s"]) * fps})
    return pd.DataFrame(rows)


def contacts_of(analysis: Analysis) -> dict[str, list[float]]:
    """Detected initial contact times per side of a :class:`gait.results.Analysis`."""
    return {s: [e.time_s for e in analysis.detection.of(s, "initial_contact")] for s in ("left", "right")}


def errors(metrics: Metrics, contacts: pd.DataFrame, truth: dict) -> dict:
    """Error summary of one clip: ``metrics`` is the analyser's summary (``{name: {"value": ...}}``)."""
    out: dict[str, float | str] = {}
    for name in METRICS:
        got = metrics[name]["value"]
        want = truth["cadence_spm"] if name == "cadence_spm" else (truth["metrics"].get(name) or {}).get("mean")
        out[f"{name}_error"] = float("nan") if got is None or want is None else float(got) - float(want)
    ok = contacts["error_ms"].dropna() if len(contacts) else pd.Series(dtype=float)
    out["ic_matched"] = f"{len(ok)}/{len(contacts)}"
    out["ic_bias_frames"] = float(ok.mean() * truth["fps"] / 1000) if len(ok) else float("nan")
    out["ic_mean_abs_frames"] = float(ok.abs().mean() * truth["fps"] / 1000) if len(ok) else float("nan")
    out["ic_max_abs_frames"] = float(ok.abs().max() * truth["fps"] / 1000) if len(ok) else float("nan")
    out["ic_mean_abs_ms"] = float(ok.abs().mean()) if len(ok) else float("nan")
    return out


def with_true_joints(analysis: Analysis, truth: dict, joints: tuple[str, ...] = POSE_JOINTS) -> Metrics:
    """The frontal metrics of a rear or front :class:`gait.results.Analysis`, recomputed with the pose
    model's ``joints`` (both sides) replaced by the truth's projected joint centres in every frame, on the
    analysis's own steps (its detected contacts and toe-offs).

    What is left between these metrics and the truth is the error of everything after the pose model
    (events, cleaning, the metrics' definitions); what separates them from the analysis's metrics is the
    error of the pose model's points. Returns the summary (``{name: {"value": ...}}``) like
    ``analysis.metrics``.
    """
    xy = analysis.pose.xy_px.copy()
    rows = analysis.pose.frame_index
    for joint in joints:
        for side in SIDES:
            name = f"{side}_{joint}"
            xy[:, NAMES.index(name)] = np.asarray(truth["frames"]["joints_px"][name], float)[rows]
    pose = replace(analysis.pose, xy_px=xy)
    return summarise(frontal_step_table(pose, analysis.detection, frontal_angles(pose),
                                        analysis.options.speed_kmh))


def compare_analysis(analysis: Analysis, truth: dict) -> tuple[dict, pd.DataFrame]:
    """(error summary, matched contacts) of a :class:`gait.results.Analysis` of a rendered clip.

    Rear and front views also get each frontal metric's error with the truth's hip, knee and ankle points
    in place of the pose model's (:func:`with_true_joints`), as ``<metric>_error_true_joints``, and the errors
    of what the analysis does not give (:func:`gait.frontal_mask.keypoint_step_table`): the pelvic drop of
    the pose model's hip points and the contact times, flight times and duty factors the pelvis times.
    """
    contacts = match_contacts(contacts_of(analysis), truth)
    out = errors(analysis.metrics, contacts, truth)
    if analysis.view != "side":
        from gait.frontal_mask import keypoint_step_table

        not_given = errors(summarise(keypoint_step_table(analysis)), contacts, truth)
        out.update({f"{name}_error": not_given[f"{name}_error"] for name in ("pelvic_drop_deg", *CONTACT_COLUMNS)})
        exact = errors(with_true_joints(analysis, truth), contacts, truth)
        out.update({f"{name}_error_true_joints": exact[f"{name}_error"] for name in FRONTAL_ERROR_METRICS})
    return out, contacts


def compare_report(report: dict, truth: dict) -> tuple[dict, pd.DataFrame]:
    """The same from a ``report.json`` written by ``python -m gait analyze``."""
    det: dict[str, list[float]] = {"left": [], "right": []}
    for e in report["events"]:
        if e["type"] == "initial_contact":
            det[e["side"]].append(e["time_s"])
    contacts = match_contacts(det, truth)
    return errors(report["metrics"], contacts, truth), contacts
