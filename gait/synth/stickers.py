"""Round stickers on the rendered runner: the clinical 2-D marker protocol, with the truth of their centres.

Per leg, on the body's surface facing backwards (seen from behind): the posterior superior iliac spine
(``psis``, on the shorts just below the shirt's hem), the back of the thigh below the shorts (``thigh``), the
back of the knee at the joint line (``knee``), the lower shank's mid-line at mid-calf (``calf``) and at the
Achilles tendon just above the shoe's collar (``achilles``), and a vertical pair on the shoe's heel counter
(``heel_top``, ``heel_bottom``). Each is a flat disc of ``diameter_mm`` (15-20 mm, as sold for 2-D running
analysis) in one bright colour, shaded by its orientation to the light (a darker rim), drawn right after
the body part it sits on, so that whatever is nearer the camera (the other leg, an arm) covers it; motion
blur is the renderer's (``render(..., motion_blur_samples=...)``).

The truth (:func:`sticker_truth`) gives each sticker's centre in image pixels in every frame and, per
step, the frontal measures computed from the true sticker centres (what a clinician measures from the same
stickers: :func:`gait.kinematics.marker_angles`), next to those of the joint centres.

    from gait.synth import Camera, RunnerParams, render
    from gait.synth.stickers import Stickers
    render(RunnerParams(rearfoot_eversion_deg=8), Camera(view="rear"), "clip.mp4", fps=120, stickers=Stickers())
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import cv2
import numpy as np

from gait.kinematics import marker_angles
from gait.landmarks import other_side
from gait.synth.camera import Projector
from gait.synth.draw import DrawItem, Look, Scene, _pts, build_of, shoe_axes
from gait.synth.model import SIDES, RunnerModel
from gait.synth.truth import N_STANCE_SAMPLES, frontal_values

if TYPE_CHECKING:
    from gait.catalogue import Metrics, MetricSummary
    from gait.results import Analysis

SITES = ("psis", "thigh", "knee", "calf", "achilles", "heel_top", "heel_bottom")
# bright sticker colours (BGR) as printed; the runner wears one of them
COLOURS_BGR = {"green": (40, 235, 60), "magenta": (200, 30, 235), "yellow": (20, 230, 245),
               "cyan": (235, 215, 30), "orange": (10, 120, 255)}
LIGHT_3D = np.array([-0.3, -0.5, 0.8]) / np.linalg.norm([-0.3, -0.5, 0.8])
_RING = np.linspace(0.0, 2.0 * np.pi, 28, endpoint=False)
# where on the body (fractions of the runner's height H and of the segments; see the module notes)
PSIS_ABOVE_HIP = 0.035  # x H, along the trunk above the hip joint centres' midpoint (below the shirt's hem)
PSIS_HALF_SPACING = 0.026  # x H x the build's hip width: half the distance between the two PSIS
SHORTS_HEM_END = 0.42  # the drawn shorts' leg ends this far down the thigh (gait.synth.draw), plus its radius
CALF_FRACTION = 0.4  # of the shank from the knee
ACHILLES_ABOVE_ANKLE = 0.01  # x H up the shank from the ankle joint centre: just above the shoe's collar
HEEL_BACK = -0.0092  # x H: the heel counter's back face, behind the truth's heel point
HEEL_HEIGHTS = {"heel_bottom": 0.025, "heel_top": 0.042}  # x H above the sole line


@dataclass(frozen=True)
class Stickers:
    """What the runner wears: the sticker colour (BGR, or a name of :data:`COLOURS_BGR`), its diameter and
    the sites worn on both legs (leave one out to model a sticker hidden all the time, e.g. the PSIS under a
    loose shirt)."""

    colour: tuple[int, int, int] | str = "green"
    diameter_mm: float = 18.0
    sites: tuple[str, ...] = SITES

    def __post_init__(self) -> None:
        if isinstance(self.colour, str) and self.colour not in COLOURS_BGR:
            raise ValueError(f"colour must be BGR or one of {sorted(COLOURS_BGR)}")
        if not 5.0 <= self.diameter_mm <= 40.0:
            raise ValueError("diameter_mm must be in [5, 40]")
        if set(self.sites) - set(SITES):
            raise ValueError(f"sites must be among {SITES}")

    @property
    def bgr(self) -> tuple[int, int, int]:
        if isinstance(self.colour, str):
            return COLOURS_BGR[self.colour]
        b, g, r = self.colour
        return int(b), int(g), int(r)

    @property
    def names(self) -> list[str]:
        return [f"{side}_{site}" for side in SIDES for site in self.sites]

    def to_dict(self) -> dict:
        return {"colour_bgr": list(self.bgr), "diameter_mm": self.diameter_mm, "sites": list(self.sites)}


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _posterior(axis: np.ndarray) -> np.ndarray:
    """The backward direction (-X) made perpendicular to a segment's axis."""
    back = np.array([-1.0, 0.0, 0.0])
    n = back - np.dot(back, axis) * axis
    return n / np.linalg.norm(n) if np.linalg.norm(n) > 1e-6 else np.array([0.0, 0.0, -1.0])


def thigh_fraction(model: RunnerModel) -> float:
    """How far down the thigh (from the hip joint) the thigh sticker sits: on bare skin, below the drawn
    shorts' leg and its rounded end."""
    hem = SHORTS_HEM_END + 0.047 * build_of(model).thigh_girth / 0.245
    return min(hem + 0.08, 0.85)


def sticker_poses(model: RunnerModel, t: float, joints: dict | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every site's sticker at time ``t``: name -> (centre, outward surface normal), world metres."""
    J = model.joints(t) if joints is None else joints
    H = model.p.height_m
    g = build_of(model)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    # pelvis: on the back of the shorts (gait.synth.draw Scene._torso: elliptic rings across the trunk axis)
    up = J["trunk_up"]
    lat = _unit(J["left_hip"] - J["right_hip"])
    fwd = _unit(np.cross(lat, up))
    half_w, half_d = 0.09 * H * g.pelvis_girth, 0.0565 * H * g.pelvis_girth
    y = PSIS_HALF_SPACING * H * g.hip_width
    d = half_d * np.sqrt(max(0.0, 1.0 - (y / half_w) ** 2))
    for side, s in (("left", 1.0), ("right", -1.0)):
        centre = J["mid_hip"] + up * PSIS_ABOVE_HIP * H + lat * s * y - fwd * d
        out[f"{side}_psis"] = (centre, _unit(lat * s * y / half_w ** 2 - fwd * d / half_d ** 2))
    f_thigh = thigh_fraction(model)
    for side in SIDES:
        hip, knee, ankle = J[f"{side}_hip"], J[f"{side}_knee"], J[f"{side}_ankle"]
        thigh_axis, shank_axis = _unit(knee - hip), _unit(ankle - knee)
        n = _posterior(thigh_axis)
        r = (0.05 + (0.033 - 0.05) * f_thigh) * H * g.thigh_girth
        out[f"{side}_thigh"] = (hip + f_thigh * (knee - hip) + r * n, n)
        n = _posterior(_unit(thigh_axis + shank_axis))
        out[f"{side}_knee"] = (knee + 0.033 * H * max(g.thigh_girth, g.calf_girth) * n, n)
        n = _posterior(shank_axis)
        shank = np.linalg.norm(ankle - knee)
        main = 0.033 + (0.019 - 0.033) * CALF_FRACTION
        cap = float(np.sqrt(max(0.0, 0.03 ** 2 - ((CALF_FRACTION - 0.35) * float(shank) / H) ** 2)))
        r = max(main, cap) * H * g.calf_girth
        out[f"{side}_calf"] = (knee + CALF_FRACTION * (ankle - knee) + r * n, n)
        out[f"{side}_achilles"] = (ankle - ACHILLES_ABOVE_ANKLE * H * shank_axis + 0.02 * H * g.calf_girth * n, n)
        heel, toe = J[f"{side}_heel"], J[f"{side}_foot_index"]
        roll = model.rearfoot_roll(side, t)
        f, _, u = shoe_axes(heel, toe, roll)
        for site, z in HEEL_HEIGHTS.items():
            out[f"{side}_{site}"] = (heel + HEEL_BACK * H * f + z * H * u, -f)
    return out


class StickerScene(Scene):
    """A :class:`gait.synth.draw.Scene` whose runner wears :class:`Stickers` (the runner itself is drawn
    exactly as without them)."""

    def __init__(self, model: RunnerModel, proj: Projector, stickers: Stickers, look: Look = Look(),
                 handrails: str = "auto", console: bool | None = None):
        super().__init__(model, proj, look, handrails=handrails, console=console)
        self.stickers = stickers

    def facing(self, centre: np.ndarray, normal: np.ndarray) -> bool:
        """The sticker's face turned towards the camera (more than grazing)."""
        view = self.pj.position - centre
        return float(np.dot(normal, view)) > 0.15 * float(np.linalg.norm(view))

    def _disc(self, img: np.ndarray, centre: np.ndarray, normal: np.ndarray) -> None:
        r = self.stickers.diameter_mm / 2000.0
        e1 = np.cross(normal, [0.0, 0.0, 1.0])
        e1 = _unit(e1) if np.linalg.norm(e1) > 1e-6 else np.array([0.0, 1.0, 0.0])
        e2 = np.cross(normal, e1)
        k = 0.72 + 0.28 * max(0.0, float(np.dot(normal, LIGHT_3D)))
        colour = np.array(self.stickers.bgr, float)
        for scale, shade in ((1.0, 0.8), (0.72, 1.0)):
            ring = centre + scale * r * (np.outer(np.cos(_RING), e1) + np.outer(np.sin(_RING), e2))
            uv, z = self.pj.project(ring)
            if np.any(z <= 0.05):
                return
            cv2.fillConvexPoly(img, cv2.convexHull(_pts(uv).reshape(-1, 2)),
                               tuple(float(c) for c in np.clip(colour * k * shade, 0, 255)), cv2.LINE_AA, 4)

    def _runner_items(self, t: float) -> list[DrawItem]:
        items = super()._runner_items(t)
        J = self.m.joints(t)
        poses = sticker_poses(self.m, t, J)

        def depth(*ps: np.ndarray) -> float:  # as the Scene's own items: the owner's depth
            return float(self.pj.to_camera(np.mean(ps, axis=0))[2])

        owners = {side: depth(J[f"{side}_hip"], J[f"{side}_knee"], J[f"{side}_ankle"]) for side in SIDES}
        torso = depth(J["mid_hip"], J["mid_shoulder"])
        for name in self.stickers.names:
            centre, normal = poses[name]
            if not self.facing(centre, normal):
                continue
            side, site = name.split("_", 1)
            # the PSIS sit on the lower back: in front of the shorts' legs too (drawn with the legs)
            owner = min(torso, *owners.values()) if site == "psis" else owners[side]

            def draw(img: np.ndarray, centre: np.ndarray = centre, normal: np.ndarray = normal) -> None:
                self._disc(img, centre, normal)
            items.append((owner - 1e-6, draw))  # right after (in front of) its owner, before anything nearer
        return items


def _stance_times(model: RunnerModel, ic: float, side: str) -> np.ndarray:
    return ic + model.contact_s(side) * np.arange(N_STANCE_SAMPLES) / (N_STANCE_SAMPLES - 1)


def sticker_truth(model: RunnerModel, proj: Projector, stickers: Stickers, ics: list[dict]) -> dict:
    """The per-step frontal measures from the true sticker centres (image pixels) at the true initial
    contacts ``ics``: peaks over each stance of knee valgus FPPA, pelvic drop, hip adduction and rearfoot
    eversion, step width from the heel pair (% of the true hip-joint width at contact), with their summary
    (mean, left, right), and the same measures from the joint centres (``joint_centres``; eversion there is
    the model's own heel roll in 3-D)."""
    def centres(t: float) -> dict[str, np.ndarray]:
        return {k: proj.project(c)[0] for k, (c, _) in sticker_poses(model, t).items()}

    left_outward = float(np.sign(proj.project(model.joints(0.0)["left_hip"])[0][0]
                                 - proj.project(model.joints(0.0)["right_hip"])[0][0]))
    steps, joint_steps = [], []
    heel_x: dict[str, float] = {}
    for ev in ics:
        side, t = ev["side"], ev["time_s"]
        other = other_side(side)
        times = _stance_times(model, t, side)
        frames = [centres(u) for u in times]
        points = {k: np.array([f[k] for f in frames]) for k in frames[0]}
        angles = marker_angles(points, left_outward)
        j_ic = {k: proj.project(v)[0] for k, v in model.joints(t).items() if v.shape == (3,)}
        hip_w = abs(j_ic["left_hip"][0] - j_ic["right_hip"][0])
        c_ic = centres(t)
        prev = centres(t - model.stride_s / 2)
        x_own = (c_ic[f"{side}_heel_top"][0] + c_ic[f"{side}_heel_bottom"][0]) / 2
        x_prev = (prev[f"{other}_heel_top"][0] + prev[f"{other}_heel_bottom"][0]) / 2
        outward = left_outward if side == "left" else -left_outward
        heel_x[side] = x_own
        steps.append({"side": side, "ic_time_s": t,
                      "knee_valgus_fppa_deg": float(np.max(angles.fppa_deg[side])),
                      "pelvic_drop_deg": float(np.max(angles.pelvic_drop_deg[side])),
                      "hip_adduction_deg": float(np.max(angles.hip_adduction_deg[side])),
                      "rearfoot_eversion_deg": float(np.max(angles.rearfoot_eversion_deg[side])),
                      "step_width_pct_hip": float(100.0 * outward * (x_own - x_prev) / hip_w)})
        fr = [frontal_values({k: proj.project(v)[0] for k, v in model.joints(u).items() if v.shape == (3,)}, side)
              for u in times]
        joint_steps.append({"side": side, "ic_time_s": t,
                            **{k: float(max(f[k] for f in fr)) for k in fr[0]},
                            "rearfoot_eversion_deg": float(max(abs(np.degrees(model.rearfoot_roll(side, u)))
                                                               for u in times))})
    return {"stickers": stickers.to_dict(), "sites": list(SITES), "thigh_fraction": thigh_fraction(model),
            "left_outward_x": left_outward, "steps": steps, "metrics": _summaries(steps),
            "joint_centres": {"steps": joint_steps, "metrics": _summaries(joint_steps)}}


def _summaries(steps: list[dict]) -> dict:
    keys = [k for k in (steps[0] if steps else {}) if k not in ("side", "ic_time_s")]
    out = {}
    for k in keys:
        vals = {s: [st[k] for st in steps if st["side"] == s] for s in SIDES}
        both = vals["left"] + vals["right"]
        out[k] = {"mean": float(np.mean(both)) if both else None,
                  "left": float(np.mean(vals["left"])) if vals["left"] else None,
                  "right": float(np.mean(vals["right"])) if vals["right"] else None}
    return out


def frame_recorder(scene: StickerScene) -> tuple[dict, Callable[[float], None]]:
    """(per-frame record, record(t)): each worn sticker's centre in image pixels and whether it faces the
    camera, appended per call."""
    record: dict = {"centres_px": {k: [] for k in scene.stickers.names},
                    "facing": {k: [] for k in scene.stickers.names}}

    def add(t: float) -> None:
        poses = sticker_poses(scene.m, t)
        for k in scene.stickers.names:
            c, n = poses[k]
            record["centres_px"][k].append([round(float(v), 3) for v in scene.pj.project(c)[0]])
            record["facing"][k].append(scene.facing(c, n))
    return record, add


MARKER_METRICS = ("knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg", "rearfoot_eversion_deg",
                  "step_width_pct_hip")


def with_true_stickers(analysis: Analysis, truth: dict) -> Metrics:
    """A marker-mode analysis's frontal measures recomputed from the truth's sticker centres (every worn
    sticker taken as seen in every frame) on the analysis's own steps (its contacts and toe-offs): what is
    left between these and the truth is the error of the steps and the measures' definitions; what
    separates them from the analysis's own is the error of finding, labelling and tracking the stickers."""
    from gait.markers import NAMES, MarkerTracks, hip_width_from_markers
    from gait.markers.detect import _loose
    from gait.markers.steps import marker_step_table
    from gait.metrics import summarise

    pose = analysis.pose
    rows = pose.frame_index
    given = truth["markers"]["frames"]["centres_px"]
    points = {k: np.asarray(given[k], float)[rows] if k in given else np.full((len(rows), 2), np.nan)
              for k in NAMES}
    seen = {k: np.isfinite(v).all(axis=1) for k, v in points.items()}
    left_outward = float(truth["markers"]["left_outward_x"])
    tracks = MarkerTracks(points, seen, _loose(0.0, "truth"), 0.0, marker_angles(points, left_outward), left_outward)
    _, _, stance = marker_step_table(pose, analysis.steps, tracks)
    steps, _, _ = marker_step_table(pose, analysis.steps, tracks, hip_width_from_markers(tracks, stance))
    return summarise(steps)


def _number(summary: MetricSummary, field: str) -> float | None:
    value = {"value": summary["value"], "left": summary["left"], "right": summary["right"]}[field]
    return float(value) if isinstance(value, (int, float)) else None


def marker_comparison(analysis: Analysis, truth: dict) -> dict[str, dict[str, float | None]]:
    """Per marker measure: the analysis's mean, left and right, the true sticker centres' (``truth_*``), the
    joint centres' (``joints_*``; step width: the truth's, from the soles' contact points) and the analysis's
    steps recomputed from the true sticker centres (``exact_*``, :func:`with_true_stickers`)."""
    exact = with_true_stickers(analysis, truth)
    out: dict[str, dict[str, float | None]] = {}
    for key in MARKER_METRICS:
        row: dict[str, float | None] = {}
        for part, field in (("mean", "value"), ("left", "left"), ("right", "right")):
            row[part] = _number(analysis.metrics[key], field)
            row[f"truth_{part}"] = truth["markers"]["metrics"][key][part]
            joints = truth["markers"]["joint_centres"]["metrics"].get(key) or truth["metrics"].get(key) or {}
            row[f"joints_{part}"] = joints.get(part)
            row[f"exact_{part}"] = _number(exact[key], field)
        row["n"] = analysis.metrics[key]["n"]
        out[key] = row
    return out
