"""Ground-truth metrics of a synthetic clip, computed from the model at the exact event times.

The 2D metrics are what a perfect 2D analyser would measure through the given camera (projected joints,
image pixels); ``*_orthographic`` variants use an orthographic projection on the sagittal plane (side
metrics) or the frontal plane seen from behind (frontal metrics); a few true 3D values are added.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from gait.landmarks import other_side
from gait.synth.model import SIDES, RunnerModel

Proj2D = Callable[[dict], dict]  # 3D joints -> 2D image points (x right, y down)
Joints = Callable[[float], dict[str, np.ndarray]]  # time (s) -> the body's 3D points (RunnerModel.joints)


def remembered_joints(model: RunnerModel) -> Joints:
    """``model.joints`` remembering each instant it was asked for: the truth's metrics sample the same
    instants for each projection (the model is not changed after it is made; the points are not to be
    changed by the caller)."""
    seen: dict[float, dict[str, np.ndarray]] = {}

    def joints(t: float) -> dict[str, np.ndarray]:
        if t not in seen:
            seen[t] = model.joints(t)
        return seen[t]
    return joints


N_STANCE_SAMPLES = 61


def _angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle a-b-c at b in degrees."""
    u, v = a - b, c - b
    return float(np.degrees(np.arccos(np.clip(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v), -1, 1))))


def knee_flexion_deg(j: dict, side: str) -> float:
    return 180.0 - _angle_deg(j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"])


def sagittal_metrics_at_contact(j: dict, side: str, direction: int) -> dict:
    hip, knee, ankle = j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]
    heel, toe = j[f"{side}_heel"], j[f"{side}_foot_index"]
    mid_hip = (j["left_hip"] + j["right_hip"]) / 2
    leg = np.linalg.norm(knee - hip) + np.linalg.norm(ankle - knee)
    return {
        "knee_flexion_at_contact_deg": knee_flexion_deg(j, side),
        "shank_angle_at_contact_deg": float(np.degrees(np.arctan2(direction * (ankle[0] - knee[0]),
                                                                  ankle[1] - knee[1]))),
        "overstride_pct_leg": float(100.0 * direction * (heel[0] - mid_hip[0]) / leg),
        "foot_strike_angle_deg": float(np.degrees(np.arctan2(-(toe[1] - heel[1]), direction * (toe[0] - heel[0])))),
    }


def trunk_lean_deg(j: dict, direction: int) -> float:
    mh = (j["left_hip"] + j["right_hip"]) / 2
    ms = (j["left_shoulder"] + j["right_shoulder"]) / 2
    return float(np.degrees(np.arctan2(direction * (ms[0] - mh[0]), mh[1] - ms[1])))


def frontal_values(j: dict, side: str) -> dict:
    """FPPA (valgus +), pelvic drop (+ when the other side is lower), hip adduction (+ knee medial)."""
    hip, knee, ankle = j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]
    other = j[f"{other_side(side)}_hip"]
    medial = np.sign(other[0] - hip[0]) or 1.0
    # knee offset from the hip-ankle line, along x
    line = ankle - hip
    f = (knee[1] - hip[1]) / line[1] if abs(line[1]) > 1e-9 else 0.5
    off = knee[0] - (hip[0] + f * line[0])
    fppa = 180.0 - _angle_deg(hip, knee, ankle)
    fppa = fppa if off * medial >= 0 else -fppa
    drop = float(np.degrees(np.arctan2(other[1] - hip[1], abs(other[0] - hip[0]))))
    pelvis = (other - hip) / np.linalg.norm(other - hip)
    perp = np.array([-pelvis[1], pelvis[0]])
    perp = perp if perp[1] > 0 else -perp  # perpendicular to the hip-hip line, pointing down the image
    thigh = knee - hip
    cross = lambda a, b: a[0] * b[1] - a[1] * b[0]  # noqa: E731
    angle = np.degrees(np.arctan2(cross(perp, thigh), np.dot(perp, thigh)))
    add = float(angle * np.sign(cross(perp, pelvis)))  # positive: thigh turned towards the other hip
    return {"knee_valgus_fppa_deg": float(fppa), "pelvic_drop_deg": drop, "hip_adduction_deg": add}


def _summary(steps: list[dict], key: str) -> dict:
    vals = {s: [st[key] for st in steps if st["side"] == s and st.get(key) is not None] for s in SIDES}
    allv = vals["left"] + vals["right"]
    mean = lambda v: float(np.mean(v)) if v else None  # noqa: E731
    return {"mean": mean(allv), "left": mean(vals["left"]), "right": mean(vals["right"])}


def compute_metrics(model: RunnerModel, ics: list[dict], proj2d: Proj2D, kind: str, direction: int | None,
                    joints: Joints) -> tuple[list[dict], dict]:
    """Per-step values and their summary (mean, left, right) for the initial contacts ``ics``.

    ``kind``: "sagittal" (side-view metrics; ``direction`` +1/-1) or "frontal" (rear/front metrics).
    ``joints``: the model's joints by time, shared by calls that sample the same instants
    (:func:`remembered_joints`).
    """
    steps = []
    T = model.stride_s
    for ev in ics:
        side, t = ev["side"], ev["time_s"]
        tc = model.contact_s(side)
        t_to = t + tc
        t_next = t + T / 2  # the other foot's next contact
        st: dict = {"side": side, "ic_time_s": t, "toe_off_time_s": t_to,
                    "ground_contact_time_ms": 1000.0 * tc,
                    "flight_time_ms": 1000.0 * (t_next - t_to),
                    "duty_factor_pct": 100.0 * tc / T}
        j_ic = proj2d(joints(t))
        stance = [proj2d(joints(t + tc * k / (N_STANCE_SAMPLES - 1))) for k in range(N_STANCE_SAMPLES)]
        step = [proj2d(joints(t + (T / 2) * k / (N_STANCE_SAMPLES - 1))) for k in range(N_STANCE_SAMPLES)]
        if kind == "sagittal":
            assert direction is not None, "sagittal metrics need the running direction"
            st.update(sagittal_metrics_at_contact(j_ic, side, direction))
            st["peak_knee_flexion_stance_deg"] = max(knee_flexion_deg(j, side) for j in stance)
            st["trunk_lean_deg"] = float(np.mean([trunk_lean_deg(j, direction) for j in step]))
            leg = (np.linalg.norm(j_ic[f"{side}_knee"] - j_ic[f"{side}_hip"]) +
                   np.linalg.norm(j_ic[f"{side}_ankle"] - j_ic[f"{side}_knee"]))
            ys = [(j["left_hip"][1] + j["right_hip"][1]) / 2 for j in step]
            st["vertical_oscillation_pct_leg"] = float(100.0 * (max(ys) - min(ys)) / leg)
        else:
            fr = [frontal_values(j, side) for j in stance]
            for k in ("knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg"):
                st[k] = max(f[k] for f in fr)
            other = other_side(side)
            t_prev = t - T / 2  # the other foot's previous contact
            j_prev = proj2d(joints(t_prev))
            foot = lambda j, s: (j[f"{s}_heel"][0] + j[f"{s}_foot_index"][0]) / 2  # noqa: E731
            hip_w = abs(j_ic["left_hip"][0] - j_ic["right_hip"][0])
            st["step_width_pct_hip"] = float(100.0 * abs(foot(j_ic, side) - foot(j_prev, other)) / hip_w)
        steps.append(st)
    keys = [k for k in steps[0] if k not in ("side", "ic_time_s", "toe_off_time_s")] if steps else []
    return steps, {k: _summary(steps, k) for k in keys}


def true_3d_values(model: RunnerModel, ics: list[dict], joints: Joints) -> dict:
    """A few values straight from the 3D model (no projection); ``joints`` as :func:`compute_metrics`."""
    steps = []
    for ev in ics:
        side, t = ev["side"], ev["time_s"]
        j = joints(t)
        tc = model.contact_s(side)
        st = {"side": side,
              "knee_flexion_at_contact_deg": knee_flexion_deg(j, side),
              "peak_knee_flexion_stance_deg": max(knee_flexion_deg(joints(t + tc * k / 60), side)
                                                  for k in range(61)),
              "foot_strike_angle_deg": float(np.degrees(j[f"{side}_foot_pitch"][0])),
              "step_width_m": float(abs(j[f"{side}_heel"][1] - joints(t - model.stride_s / 2)[
                  f"{other_side(side)}_heel"][1])),
              "vertical_oscillation_m": float(np.ptp([model.pelvis(t + model.stride_s / 2 * k / 60)[0][2]
                                                      for k in range(61)]))}
        steps.append(st)
    keys = [k for k in steps[0] if k != "side"] if steps else []
    return {k: _summary(steps, k) for k in keys}
