"""The validation sweep's set-ups: one rendered runner filmed and run in the ways users' clips differ.

scripts/validate.py renders and analyses each (its tables are in docs/accuracy.md); the tests assert the
side view's contact times on every side set-up (tests/test_sweep_contact_time.py). The base runner lands as
the sample clips do (:data:`~gait.synth.model.FIRM_LANDING`), so that the feet's vertical motion times its
contacts, as on users' clips.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from gait.synth import render
from gait.synth.camera import Camera
from gait.synth.model import FIRM_LANDING, RunnerParams

BASE = RunnerParams(cadence_spm=168.0, speed_kmh=11.0, duty_factor_pct=36.0, knee_flexion_at_contact_deg=18.0,
                    shank_angle_at_contact_deg=7.0, foot_strike="rearfoot", start_phase=0.13).replace(**FIRM_LANDING)
SIDE = Camera(view="side", direction=1, distance_m=4.0, height_m=1.0, runner_frac=0.6)
REAR = replace(SIDE, view="rear")  # the same place, behind the runner
SWEEP_SECONDS = 5.0  # each set-up's clip, unless asked otherwise


@dataclass(frozen=True)
class Condition:
    """One set-up: the runner, the camera and the clip's frame rate and size."""

    name: str
    params: RunnerParams = BASE
    camera: Camera = SIDE
    fps: float = 60.0
    width: int = 360
    height: int = 640

    def render(self, path_mp4: str | os.PathLike, seconds: float = SWEEP_SECONDS) -> dict:
        """This set-up's clip of ``seconds`` written to ``path_mp4``; returns its truth (:func:`gait.synth.render`)."""
        return render(self.params, self.camera, path_mp4, fps=self.fps, duration_s=seconds, width=self.width,
                      height=self.height)


CONDITIONS = (
    Condition("base 60 fps"),
    Condition("30 fps", fps=30.0),
    Condition("120 fps", fps=120.0),
    Condition("camera low (0.5 m)", camera=replace(SIDE, height_m=0.5)),
    Condition("camera high (1.5 m)", camera=replace(SIDE, height_m=1.5)),
    Condition("camera near (2.5 m)", camera=replace(SIDE, distance_m=2.5)),
    Condition("camera far (6 m)", camera=replace(SIDE, distance_m=6.0)),
    Condition("runner small (35 % of frame)", camera=replace(SIDE, runner_frac=0.35)),
    Condition("runner large (80 % of frame)", camera=replace(SIDE, runner_frac=0.8)),
    Condition("facing left", camera=replace(SIDE, direction=-1)),
    Condition("no overstride (shank 0 deg)", params=BASE.replace(shank_angle_at_contact_deg=0.0)),
    Condition("overstride (shank 14 deg)", params=BASE.replace(shank_angle_at_contact_deg=14.0)),
    Condition("forefoot strike", params=BASE.replace(foot_strike="forefoot")),
    Condition("valgus 12 deg, side", params=BASE.replace(knee_valgus_deg=12.0)),
    Condition("rear, valgus 0 deg", params=BASE.replace(knee_valgus_deg=0.0), camera=REAR),
    Condition("rear, valgus 12 deg", params=BASE.replace(knee_valgus_deg=12.0), camera=REAR),
    Condition("rear, pelvic drop 9 deg", params=BASE.replace(pelvic_drop_deg=9.0), camera=REAR),
    Condition("rear, hip adduction 6 deg", params=BASE.replace(hip_adduction_deg=6.0), camera=REAR),
    Condition("front, valgus 12 deg", params=BASE.replace(knee_valgus_deg=12.0), camera=replace(SIDE, view="front")),
)
SIDE_CONDITIONS = tuple(c for c in CONDITIONS if c.camera.view == "side")

# Side set-ups that no rule was chosen on (scripts/validate.py --held-out): a rule tuned until the sweep's
# set-ups pass can be checked on these, which differ from them in ways users' clips do too
HELD_OUT = (
    Condition("cadence 180, duty 33 %", params=BASE.replace(cadence_spm=180.0, speed_kmh=12.0, duty_factor_pct=33.0)),
    Condition("cadence 158, duty 40 %", params=BASE.replace(cadence_spm=158.0, speed_kmh=10.0, duty_factor_pct=40.0)),
    Condition("midfoot strike", params=BASE.replace(foot_strike="midfoot")),
    Condition("knee 25 deg, shank 10 deg", params=BASE.replace(knee_flexion_at_contact_deg=25.0,
                                                                shank_angle_at_contact_deg=10.0)),
    Condition("runner 1.6 m, camera 3.5 m at 0.8 m", params=BASE.replace(height_m=1.6),
              camera=replace(SIDE, distance_m=3.5, height_m=0.8)),
    Condition("facing left, camera at 1.2 m", camera=replace(SIDE, direction=-1, height_m=1.2)),
    Condition("14 km/h, cadence 175, duty 31 %", params=BASE.replace(cadence_spm=175.0, speed_kmh=14.0,
                                                                     duty_factor_pct=31.0)),
    Condition("soft landing", params=BASE.replace(terminal_swing_retraction_deg=8.0, touchdown_descent_m_per_s=0.8)),
    Condition("facing left, camera at 0.6 m", camera=replace(SIDE, direction=-1, height_m=0.6)),
    Condition("camera 5 m, runner 50 % of frame", camera=replace(SIDE, distance_m=5.0, runner_frac=0.5)),
    Condition("30 fps, cadence 175", params=BASE.replace(cadence_spm=175.0), fps=30.0),
    Condition("facing left, shank 3 deg", params=BASE.replace(shank_angle_at_contact_deg=3.0),
              camera=replace(SIDE, direction=-1)),
)
