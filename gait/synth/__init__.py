"""Synthetic runner videos with exact ground truth.

A parametric 3D runner on a treadmill (``model``), drawn with shaded solids back to front (``draw``)
through a pinhole camera (``camera``), written as H.264 with a ``.truth.json`` beside it holding the
projected joints of every frame, the exact gait events and the metrics (``truth``).

    from gait.synth import RunnerParams, Camera, render
    render(RunnerParams(cadence_spm=175), Camera(view="side"), "clip.mp4", fps=60, duration_s=8,
           width=540, height=960)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import numpy as np

from gait.synth.camera import VIEWS, Camera, Projector
from gait.synth.draw import Look, Scene
from gait.synth.model import FIRM_LANDING, FOOT_STRIKE_ANGLES_DEG, RunnerModel, RunnerParams, SideScale
from gait.synth.stickers import Stickers, StickerScene, frame_recorder, sticker_truth
from gait.synth.truth import Proj2D, compute_metrics, remembered_joints, true_3d_values

__all__ = ["Camera", "FIRM_LANDING", "Look", "Projector", "RunnerModel", "RunnerParams", "SideScale", "Scene", "VIEWS",
           "FOOT_STRIKE_ANGLES_DEG", "render", "truth_path", "build_truth", "reused_truth", "TRUTH_JOINTS",
           "JOINT_DEFINITIONS"]

TRUTH_JOINTS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)

JOINT_DEFINITIONS = {
    "heel": "the outsole's rear contact point: on the shoe's sole line below the back of the heel, where the heel "
            "bevel meets the ground (a rearfoot strike lands on it; the shoe reaches ~20 mm further back, higher "
            "up). Not where MediaPipe puts its heel (higher, on the back of the shoe)",
    "foot_index": "the outsole's front contact point: on the shoe's sole line below the toes, where the toe spring "
                  "starts (the foot rolls over it at toe-off; the toe cap reaches ~20 mm further forward and curls "
                  "up). Not where MediaPipe puts its foot_index (higher, on the toe box)",
    "ankle": "the ankle joint centre (barefoot ankle height 0.039 x height plus the shoe's heel stack)",
    "hip": "the hip joint centre",
    "contact": "the foot is in contact when its lowest sole point (heel or foot_index) is on the belt",
}


def truth_path(path_mp4: str | os.PathLike) -> Path:
    """``clip.mp4`` -> ``clip.truth.json``."""
    p = Path(path_mp4)
    return p.with_name(p.stem + ".truth.json")


def _projector_2d(proj: Projector) -> Proj2D:
    def f(j: dict) -> dict:
        return {k: proj.project(v)[0] for k, v in j.items() if k in TRUTH_JOINTS}
    return f


def _orthographic_2d(view_kind: str) -> Proj2D:
    def f(j: dict) -> dict:
        if view_kind == "sagittal":  # seen from the runner's right, facing image-right
            return {k: np.array([v[0], -v[2]]) for k, v in j.items() if k in TRUTH_JOINTS}
        return {k: np.array([-v[1], -v[2]]) for k, v in j.items() if k in TRUTH_JOINTS}  # from behind
    return f


def build_truth(model: RunnerModel, camera: Camera, proj: Projector, fps: float, frame_count: int) -> dict:
    """Everything of the truth JSON except the per-frame joints."""
    duration = frame_count / fps
    events = model.events(0.0, duration)
    for e in events:
        e["frame"] = int(min(frame_count - 1, max(0, round(e["time_s"] * fps))))
    ics = [e for e in events if e["type"] == "initial_contact"]
    view = camera.view
    direction = camera.direction if view == "side" else None
    kind = "sagittal" if view == "side" else "frontal"
    joints = remembered_joints(model)
    steps, metrics = compute_metrics(model, ics, _projector_2d(proj), kind, direction, joints)
    _, ortho_sag = compute_metrics(model, ics, _orthographic_2d("sagittal"), "sagittal", 1, joints)
    _, ortho_front = compute_metrics(model, ics, _orthographic_2d("frontal"), "frontal", None, joints)
    return {
        "generator": "gait.synth", "format_version": 1,
        "fps": fps, "frame_count": frame_count, "duration_s": duration,
        "view": view, "direction": direction,
        "camera": dict(camera.to_dict(), **proj.to_dict()),
        "params": model.p.to_dict(),
        "cadence_spm": model.p.cadence_spm,
        "stride_time_s": model.stride_s,
        "speed_ms": model.speed_ms,
        "leg_length_m": model.leg_length_m,
        "model_adjustments": model.adjustments,
        "touchdown": model.touchdown,
        "joint_definitions": JOINT_DEFINITIONS,
        "shoe_mm": {k: round(1000 * getattr(model.a, k), 1) for k in ("shoe_heel_stack", "shoe_forefoot_stack")},
        "events": events,
        "steps": steps,
        "metrics": metrics,
        "metrics_orthographic_sagittal": ortho_sag,
        "metrics_orthographic_frontal": ortho_front,
        "metrics_3d": true_3d_values(model, ics, joints),
    }


def render(params: RunnerParams, camera: Camera, path_mp4: str | os.PathLike, fps: float = 60.0,
           duration_s: float = 8.0, width: int = 540, height: int = 960, *, look: Look = Look(),
           handrails: str = "auto", console: bool | None = None, motion_blur_samples: int = 1,
           shutter_fraction: float = 0.5, noise_sigma: float = 0.0, lighting_change: float = 0.0,
           seed: int = 0, progress: Callable[[int, int], None] | None = None,
           stickers: Stickers | None = None) -> dict:
    """Render the clip to ``path_mp4`` (H.264) and write ``truth_path(path_mp4)``; returns the truth dict.

    Frame ``i`` shows the instant ``i / fps`` (with motion blur: the average of ``motion_blur_samples``
    instants spread over ``shutter_fraction / fps`` centred on it). ``handrails``: "auto" (the far one in
    side views, both otherwise), "far", "both" or "none"; ``console``: draw the treadmill console (default:
    not in front views, where it would hide the runner). ``noise_sigma``: Gaussian pixel noise (0-255
    scale); ``lighting_change``: relative amplitude of a slow brightness drift. Frames are streamed to the
    writer one at a time. ``stickers``: the runner wears the clinical marker set (:mod:`gait.synth.stickers`);
    the truth then holds ``markers`` (:func:`gait.synth.stickers.sticker_truth`, with each sticker's centre
    per frame under ``frames``).
    """
    from gait.video_io import H264Writer

    model = RunnerModel(params)
    proj = Projector(camera, width, height, params.height_m)
    scene = Scene(model, proj, look, handrails=handrails, console=console) if stickers is None else \
        StickerScene(model, proj, stickers, look, handrails=handrails, console=console)
    frame_count = int(round(duration_s * fps))
    truth = _measured_truth(model, camera, proj, fps, frame_count, stickers)
    record_stickers = None
    if isinstance(scene, StickerScene):
        truth["markers"]["frames"], record_stickers = frame_recorder(scene)
    joints_px: dict[str, list[list[float]]] = {k: [] for k in TRUTH_JOINTS}
    stance: dict[str, list[bool]] = {"left": [], "right": []}
    rng = np.random.default_rng(seed)
    n_sub = max(1, int(motion_blur_samples))
    if n_sub > 256:
        raise ValueError("motion_blur_samples: at most 256 (the frames are summed in 16 bits)")
    with H264Writer(path_mp4, width, height, fps) as writer:
        for i in range(frame_count):
            t = i / fps
            if n_sub == 1:
                img = scene.frame(t)
            else:
                offs = (np.arange(n_sub) + 0.5) / n_sub - 0.5
                acc = np.zeros((height, width, 3), np.uint16)  # the mean rounded down, as in floats, faster
                for o in offs:
                    acc += scene.frame(t + o * shutter_fraction / fps)
                img = (acc // n_sub).astype(np.uint8)
            if lighting_change or noise_sigma:
                f = img.astype(np.float32)
                if lighting_change:
                    f *= 1.0 + lighting_change * np.sin(2 * np.pi * t / 5.0)
                if noise_sigma:
                    f += rng.normal(0.0, noise_sigma, f.shape).astype(np.float32)
                img = np.clip(f, 0, 255).astype(np.uint8)
            writer.write(img)
            j = model.joints(t)
            if record_stickers is not None:
                record_stickers(t)
            for k in TRUTH_JOINTS:
                joints_px[k].append([round(float(c), 2) for c in proj.project(j[k])[0]])
            for s in stance:
                stance[s].append(bool(model.in_stance(s, t)))
            if progress is not None:
                progress(i + 1, frame_count)
    truth["frames"] = {"time_s": [round(i / fps, 6) for i in range(frame_count)],
                       "joints_px": joints_px, "in_stance": stance}
    _write_truth(path_mp4, truth)
    return truth


def _measured_truth(model: RunnerModel, camera: Camera, proj: Projector, fps: float, frame_count: int,
                    stickers: Stickers | None) -> dict:
    """The truth's events and measures (:func:`build_truth`) and the image size, with the stickers'
    (``markers``, without their per-frame centres) when the runner wears them."""
    truth = build_truth(model, camera, proj, fps, frame_count)
    truth.update(width=proj.width, height=proj.height)
    if stickers is not None:
        ics = [e for e in truth["events"] if e["type"] == "initial_contact"]
        truth["markers"] = sticker_truth(model, proj, stickers, ics)
    return truth


def _write_truth(path_mp4: str | os.PathLike, truth: dict) -> None:
    with open(truth_path(path_mp4), "w") as fh:
        json.dump(truth, fh, indent=None, separators=(",", ":"))


def reused_truth(path_mp4: str | os.PathLike, settings: tuple[float, ...], params: RunnerParams, camera: Camera,
                 stickers: Stickers | None = None) -> dict | None:
    """The truth of a clip :func:`render` wrote before at ``settings`` (width, height, fps, seconds), its
    events and measures worked out again from the runner's settings with today's definitions (the
    per-frame records kept), written back and returned; None when there is none at those settings (to be
    rendered). The validation scripts' ``--reuse`` analyses renders again this way, never trusting
    measures an older version wrote. ``params``, ``camera`` and ``stickers`` must be those of the render."""
    if not truth_path(path_mp4).is_file():
        return None
    truth = json.loads(truth_path(path_mp4).read_text())
    if tuple(truth[k] for k in ("width", "height", "fps", "duration_s")) != tuple(settings):
        return None
    model = RunnerModel(params)
    proj = Projector(camera, truth["width"], truth["height"], params.height_m)
    fresh = _measured_truth(model, camera, proj, truth["fps"], truth["frame_count"], stickers)
    if json.loads(json.dumps(fresh["params"])) != truth["params"]:
        raise ValueError(f"{path_mp4}: rendered with other runner settings")
    if stickers is not None:
        fresh["markers"]["frames"] = truth["markers"]["frames"]
    truth.update(fresh)
    _write_truth(path_mp4, truth)
    return truth
