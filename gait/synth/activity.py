"""People who are not running, with exact truth: walking on the treadmill and activities on the spot.

The trust gate must refuse what is not a run; these are its exact test cases. They are drawn by the
runner's :class:`gait.synth.draw.Scene` (same body, shoes, treadmill and camera), so a clip differs from
the running samples in the motion alone. World frame and phase conventions are those of
:mod:`gait.synth.model`: X forward, Y to the person's left, Z up, the belt at Z = 0; gait phase 0 at the
right foot's initial contact, the left foot's at 0.5.

- :class:`WalkerModel`: walking (duty factor over 50 %: each foot is on the ground more than half the
  stride, so both are down together twice per stride, double support, and there is no flight). Each stance
  foot rolls heel, flat, toe on the belt at the belt speed (no slip). The pelvis vaults over the stance
  leg (inverted pendulum): it is highest at each foot's mid-stance and lowest in double support, its
  height a sinusoid at the step frequency whose amplitude is the smallest that keeps both stance legs
  within reach (knee flexion at least ``min_knee_flexion_deg``) with the given knee flexion at
  mid-stance. The swing foot follows a C1 curve from toe-off to the next heel strike, lifted clear of the
  belt.
- :class:`InPlaceModel`: ``standing`` (still, with a little postural sway), ``squats`` (both feet flat,
  knees bending together), ``jumping`` (hops on the spot with both feet together: a flight phase and the
  body lowest at mid-stance, like running, but no alternation of the legs), ``arm_curls`` (standing,
  elbows bending with dumbbells' rhythm) and ``lunges`` (alternate forward lunges: the legs alternate, but
  both feet stay on the ground).

    from gait.synth import Camera
    from gait.synth.activity import WalkerModel, WalkerParams, render_activity
    render_activity(WalkerModel(WalkerParams()), Camera(view="side"), "walk.mp4", fps=30, duration_s=5,
                    width=270, height=480)
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, cast

import numpy as np

from gait.synth.camera import Camera, Projector
from gait.synth.model import (
    GRAVITY_M_PER_S2,
    SIDES,
    Anthropometry,
    BodyPoints,
    StrideClock,
    _bump,
    _rot_x,
    _rot_y_pitch,
    _rot_z,
    _smoothstep,
    two_link_ik,
)

if TYPE_CHECKING:
    from gait.synth.model import RunnerModel

_FORWARD_POLE = np.array([1.0, 0.0, 0.0])  # knees bend forward
ACTIVITIES = ("walking", "standing", "squats", "jumping", "arm_curls", "lunges")


def _leg_reach(a: Anthropometry, knee_flexion_deg: float) -> float:
    """Hip-ankle distance of a leg whose knee is flexed ``knee_flexion_deg``."""
    k = np.radians(knee_flexion_deg)
    return float(np.sqrt(a.thigh ** 2 + a.shank ** 2 + 2 * a.thigh * a.shank * np.cos(k)))


def _hermite(p0: np.ndarray, m0: np.ndarray, p1: np.ndarray, m1: np.ndarray, u: float) -> np.ndarray:
    """Cubic Hermite curve at ``u`` in [0, 1] from p0 (slope m0, per unit u) to p1 (slope m1)."""
    u2, u3 = u * u, u * u * u
    return ((2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * m0 + (-2 * u3 + 3 * u2) * p1
            + (u3 - u2) * m1)


class _Body(BodyPoints):
    """What the drawing and the truth need of a body: ``p.height_m``, ``a``, ``speed_ms``, ``pelvis(t)``,
    ``leg(side, t)``, ``joints(t)``; ``in_stance(side, t)`` and ``events(t0, t1)`` come from each model
    (the walker's from :class:`~gait.synth.model.StrideClock`)."""

    p: Any
    speed_ms: float = 0.0

    def __init__(self, height_m: float) -> None:
        self.a = Anthropometry(height_m)

    def _foot_local(self) -> dict[str, np.ndarray]:
        """The shod foot, ankle-centred, as :meth:`gait.synth.model.RunnerModel._foot_local`."""
        a = self.a
        return {"heel": np.array([-a.heel_back, 0, 0]), "toe": np.array([a.toe_forward, 0, 0]),
                "ankle": np.array([0, 0, a.ankle_height + a.shoe_heel_stack])}

    def _foot_on_pivot(self, pivot: str, pivot_xy: tuple[float, float], pitch: float) -> dict:
        """Foot points with the ``pivot`` point (heel or toe) on the belt at ``pivot_xy`` and the sole
        pitched ``pitch`` (radians, toe up positive)."""
        fl = self._foot_local()
        piv = np.array([pivot_xy[0], pivot_xy[1], 0.0])
        rot = _rot_y_pitch(pitch)
        return dict({k: piv + rot @ (v - fl[pivot]) for k, v in fl.items()}, pitch=pitch)

    def _foot_from_ankle(self, ankle: np.ndarray, pitch: float) -> dict:
        fl = self._foot_local()
        rot = _rot_y_pitch(pitch)
        return dict({k: ankle + rot @ (v - fl["ankle"]) for k, v in fl.items()}, pitch=pitch)

    def pelvis(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def hip(self, side: str, t: float) -> np.ndarray:
        c, r = self.pelvis(t)
        return c + r @ np.array([0.0, self.a.hip_width / 2 * (1 if side == "left" else -1), 0.0])

    def leg(self, side: str, t: float) -> dict:
        raise NotImplementedError

    def _posture(self, t: float) -> tuple[float, dict[str, tuple[float, float, float]]]:
        """Trunk lean (radians, forward +) and per side the arm's (shoulder flexion forward, abduction,
        elbow flexion) in radians."""
        raise NotImplementedError

    def upper_body(self, t: float) -> dict:
        a = self.a
        centre, rot = self.pelvis(t)
        lean, arms = self._posture(t)
        up = np.array([np.sin(lean), 0.0, np.cos(lean)])
        mid_sh = centre + a.trunk * up
        yaw = float(np.arctan2(rot[1, 0], rot[0, 0]))
        rz = _rot_z(-0.5 * yaw)  # the thorax turns against the pelvis
        arm_directions = {}
        for side, sgn in (("left", 1.0), ("right", -1.0)):
            rho, ab, elbow = arms[side]
            fa = rho + elbow
            arm_directions[side] = (rho, ab, np.array([np.sin(fa) * np.cos(ab), sgn * np.sin(ab) - sgn * 0.15,
                                                 -np.cos(fa) * np.cos(ab)]))
        return self._arms_and_head({"mid_shoulder": mid_sh, "trunk_up": up, "thorax_yaw": -0.5 * yaw,
                                    "mid_hip": centre}, lean, rz, arm_directions)

    def lowest_foot_z(self, side: str, t: float) -> float:
        leg = self.leg(side, t)
        return float(min(leg["heel"][2], leg["toe"][2]))


# ---------------------------------------------------------------------------------------------- walking

@dataclass(frozen=True)
class WalkerParams:
    """A walker on the treadmill. ``duty_factor_pct`` over 50: each foot is in stance that share of the
    stride, so double support lasts ``duty_factor_pct - 50`` % of the stride twice per stride.
    ``heel_strike_angle_deg``: sole pitch at initial contact (toe up); ``toe_off_foot_angle_deg``: at
    toe-off (toe down); ``heel_rise_fraction``: share of the stance before the heel leaves the belt.
    ``mid_stance_knee_flexion_deg``: knee flexion when the stance foot is flat under the hip; the pelvis
    height follows from it and from ``min_knee_flexion_deg`` (class notes)."""

    cadence_spm: float = 112.0
    speed_kmh: float = 4.0
    height_m: float = 1.75
    duty_factor_pct: float = 62.0
    heel_strike_angle_deg: float = 15.0
    toe_off_foot_angle_deg: float = -40.0
    heel_rise_fraction: float = 0.6
    mid_stance_knee_flexion_deg: float = 12.0
    min_knee_flexion_deg: float = 5.0
    swing_clearance_m: float = 0.04  # the lowest point of the swing foot at mid-swing
    touchdown_descent_m_per_s: float = 0.35  # the heel's downward speed at initial contact
    pelvis_sway_cm: float = 2.0
    pelvic_drop_deg: float = 3.0
    pelvis_rotation_deg: float = 4.0
    trunk_lean_deg: float = 2.0
    arm_swing_amplitude_deg: float = 16.0
    elbow_flexion_deg: float = 20.0
    start_phase: float = 0.13

    def __post_init__(self) -> None:
        if not 60.0 <= self.cadence_spm <= 150.0:
            raise ValueError("cadence_spm must be in [60, 150]")
        if not 1.0 <= self.speed_kmh <= 7.0:
            raise ValueError("speed_kmh must be in [1, 7]")
        if not 52.0 <= self.duty_factor_pct <= 75.0:
            raise ValueError("duty_factor_pct must be in [52, 75]: walking has double support")

    def replace(self, **changes: Any) -> "WalkerParams":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class WalkerModel(StrideClock, _Body):
    """Kinematics of a walker: ``joints(t)`` gives the 3D points at any time ``t`` (module notes)."""

    activity = "walking"

    def __init__(self, params: WalkerParams | None = None):
        params = params or WalkerParams()
        super().__init__(params.height_m)
        self.p = params
        self.stride_s = 120.0 / params.cadence_spm
        self.speed_ms = params.speed_kmh / 3.6
        self.duty = params.duty_factor_pct / 100.0
        self.tc = self.duty * self.stride_s
        self.stance_frac = {side: self.duty for side in SIDES}
        self.ic_phase = {"right": 0.0, "left": 0.5}
        a = self.a
        # the heel lands this far ahead of the pelvis centre: the flat foot's ankle is under it at mid-stance
        self.heel_x0 = self.speed_ms * self.tc / 2 - a.heel_back
        self.foot_y = {"left": a.hip_width / 2, "right": -a.hip_width / 2}
        self._z_mid, self._z_amp = 0.0, 0.0
        self._setup_vertical()
        self._setup_swing()

    # ---- pelvis
    def _pelvis_shape(self, phi: float) -> tuple[np.ndarray, np.ndarray, float]:
        """(horizontal centre, rotation, step-periodic height factor c in [-1, 1], 1 at mid-stance)."""
        p = self.p
        mid = self.duty / 2  # the right foot's mid-stance
        sway = -p.pelvis_sway_cm / 100.0 * np.cos(2 * np.pi * (phi - mid))  # towards the stance foot
        yaw = np.radians(p.pelvis_rotation_deg) * np.cos(2 * np.pi * phi)
        roll = 0.0
        for side in SIDES:
            u = ((phi - self.ic_phase[side]) % 1.0) / self.duty
            if u < 1.0:
                drop = np.radians(p.pelvic_drop_deg) * _bump(u)
                roll += -drop if side == "right" else drop
        c = float(np.cos(4 * np.pi * (phi - mid)))
        return np.array([0.0, sway, 0.0]), _rot_z(yaw) @ _rot_x(roll), c

    def pelvis(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(centre, rotation) of the pelvis: highest at each mid-stance, lowest in double support."""
        centre, rot, c = self._pelvis_shape(self.phase(t))
        centre[2] = self._z_mid - self._z_amp * (1.0 - c)
        return centre, rot

    def _setup_vertical(self) -> None:
        """The pelvis height ``z_mid - A (1 - c)``: ``z_mid`` puts the flat stance foot's knee at
        ``mid_stance_knee_flexion_deg``; ``A`` is the least that keeps every stance leg's hip-ankle distance
        within the reach of a knee flexed ``min_knee_flexion_deg`` through the stride."""
        p, a = self.p, self.a
        far = _leg_reach(a, p.min_knee_flexion_deg)
        mid_reach = _leg_reach(a, p.mid_stance_knee_flexion_deg)
        need = []  # (height needed at mid-stance for this instant, 1 - c)
        z_mid = None
        for phi in np.linspace(0.0, 1.0, 400, endpoint=False):
            centre, rot, c = self._pelvis_shape(phi)
            for side in SIDES:
                tau = ((phi - self.ic_phase[side]) % 1.0) * self.stride_s
                if tau >= self.tc:
                    continue
                ankle = self._stance_foot(side, tau)["ankle"]
                hip = centre + rot @ np.array([0.0, a.hip_width / 2 * (1 if side == "left" else -1), 0.0])
                dxy = float(np.hypot(*(ankle[:2] - hip[:2])))
                top = ankle[2] + np.sqrt(max(far ** 2 - dxy ** 2, 0.0)) - hip[2]  # highest centre allowed
                need.append((top, 1.0 - c))
                if abs(tau - self.tc / 2) < self.stride_s / 400 and side == "right":
                    z_mid = ankle[2] + np.sqrt(max(mid_reach ** 2 - dxy ** 2, 0.0)) - hip[2]
        assert z_mid is not None
        amp = max([(z_mid - top) / one_minus_c for top, one_minus_c in need if one_minus_c > 1e-3] + [0.005])
        self._z_mid, self._z_amp = float(z_mid), float(amp)
        self.vertical_oscillation_cm = 200.0 * amp

    # ---- stance
    def _stance_foot(self, side: str, tau: float) -> dict:
        """Foot points in stance, ``tau`` seconds after this foot's initial contact: heel strike (rolling
        about the heel to flat), flat, then rolling over the toe to toe-off; the pivot moves back with the
        belt."""
        p, a = self.p, self.a
        t_flat = 0.15 * self.tc
        t_rise = p.heel_rise_fraction * self.tc
        heel_x = self.heel_x0 - self.speed_ms * tau
        if tau < t_rise:
            pitch = np.radians(p.heel_strike_angle_deg) * (1.0 - _smoothstep(tau / t_flat))
            return self._foot_on_pivot("heel", (heel_x, self.foot_y[side]), pitch)
        u = (tau - t_rise) / (self.tc - t_rise)
        pitch = np.radians(p.toe_off_foot_angle_deg) * u * u
        return self._foot_on_pivot("toe", (heel_x + a.heel_back + a.toe_forward, self.foot_y[side]), pitch)

    def _stance_leg(self, side: str, t: float, tau: float) -> dict:
        foot = self._stance_foot(side, tau)
        hip = self.hip(side, t)
        knee = two_link_ik(hip, foot["ankle"], self.a.thigh, self.a.shank, _FORWARD_POLE)
        return dict(foot, hip=hip, knee=knee)

    # ---- swing
    def _setup_swing(self) -> None:
        """Ankle and sole pitch from toe-off to the next contact: cubic Hermite curves (C1 with the stance at
        both ends) plus a vertical lift ``c (4 u (1 - u))^2`` that keeps the foot's lowest point at least
        ``swing_clearance_m`` above the belt at mid-swing and above it throughout."""
        h = 1e-5
        span = self.stride_s - self.tc
        to0, to1 = self._stance_foot("right", self.tc - h), self._stance_foot("right", self.tc)
        ic0 = self._stance_foot("right", 0.0)
        # the foot comes down onto the belt (a heel strike): straight down relative to the hip, at
        # ``touchdown_descent_m_per_s``, so the leg reaches its longest at the contact, not before
        landing = np.array([0.0, 0.0, -self.p.touchdown_descent_m_per_s * span])
        pitch_rate = (to1["pitch"] - to0["pitch"]) / h * span
        self._swing_ends: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {
            "ankle": (to1["ankle"], (to1["ankle"] - to0["ankle"]) / h * span, ic0["ankle"], landing),
            "pitch": (np.array(float(to1["pitch"])), np.array(float(pitch_rate)), np.array(float(ic0["pitch"])),
                      np.array(0.0))}
        self._lift = 0.0
        us = np.linspace(0.0, 1.0, 201)[1:-1]
        lows = np.array([self._swing_low(u) for u in us])
        w = (4 * us * (1 - us)) ** 2
        self._lift = float(max(0.0, np.max((self.p.swing_clearance_m * w - lows) / w)))

    def _swing_ankle_pitch(self, side: str, u: float) -> tuple[np.ndarray, float]:
        a0, m0, a1, m1 = self._swing_ends["ankle"]
        ankle = _hermite(a0, m0, a1, m1, u).copy()
        ankle[1] = self.foot_y[side] + (ankle[1] - self.foot_y["right"])
        ankle[2] += self._lift * (4 * u * (1 - u)) ** 2
        pitch = float(_hermite(*self._swing_ends["pitch"], u))
        return ankle, pitch

    def _swing_low(self, u: float) -> float:
        ankle, pitch = self._swing_ankle_pitch("right", u)
        foot = self._foot_from_ankle(ankle, pitch)
        return float(min(foot["heel"][2], foot["toe"][2]))

    def leg(self, side: str, t: float) -> dict:
        """hip, knee, ankle, heel, toe (3D) and foot pitch of one leg at time t."""
        tau = self.side_phase(side, t) * self.stride_s
        if tau < self.tc:
            return self._stance_leg(side, t, tau)
        ankle, pitch = self._swing_ankle_pitch(side, (tau - self.tc) / (self.stride_s - self.tc))
        hip = self.hip(side, t)
        knee = two_link_ik(hip, ankle, self.a.thigh, self.a.shank, _FORWARD_POLE)
        return dict(self._foot_from_ankle(ankle, pitch), hip=hip, knee=knee)

    def _posture(self, t: float) -> tuple[float, dict[str, tuple[float, float, float]]]:
        p = self.p
        amp, elbow = np.radians(p.arm_swing_amplitude_deg), np.radians(p.elbow_flexion_deg)
        arms = {}
        for side in SIDES:
            # the arm swings forward as the other leg does: furthest forward at this foot's toe-off
            ph = self.side_phase(side, t)
            rho = -amp * np.cos(2 * np.pi * (ph - self.duty))
            arms[side] = (float(rho), np.radians(6.0), float(elbow + 0.4 * max(rho, 0.0)))
        return np.radians(p.trunk_lean_deg), arms


# ------------------------------------------------------------------------------------ on the spot

@dataclass(frozen=True)
class InPlaceParams:
    """An activity on the spot (``ACTIVITIES`` less walking). ``rate_per_min``: repetitions (squats, curls,
    lunges) or jumps per minute; ``depth_deg``: peak knee flexion of a squat or lunge, or elbow flexion of
    a curl; ``flight_fraction``: of a jump's cycle, in the air."""

    activity: str = "standing"
    height_m: float = 1.75
    rate_per_min: float | None = None  # None: 0 standing, 20 squats, 100 jumps, 30 curls, 20 lunges
    depth_deg: float | None = None  # None: 90 squats, 120 curls, 80 lunges
    flight_fraction: float = 0.4
    sway_cm: float = 0.6  # postural sway while standing
    start_phase: float = 0.1

    def __post_init__(self) -> None:
        if self.activity not in ACTIVITIES or self.activity == "walking":
            raise ValueError(f"activity must be one of {ACTIVITIES[1:]}")

    @property
    def rate(self) -> float:
        default = {"standing": 0.0, "squats": 20.0, "jumping": 100.0, "arm_curls": 30.0, "lunges": 20.0}
        return float(default[self.activity] if self.rate_per_min is None else self.rate_per_min)

    @property
    def depth(self) -> float:
        default = {"standing": 0.0, "squats": 90.0, "jumping": 0.0, "arm_curls": 120.0, "lunges": 80.0}
        return float(default[self.activity] if self.depth_deg is None else self.depth_deg)

    def replace(self, **changes: Any) -> "InPlaceParams":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class InPlaceModel(_Body):
    """Kinematics of an activity on the spot (module notes); the treadmill belt does not move."""

    def __init__(self, params: InPlaceParams | None = None):
        params = params or InPlaceParams()
        super().__init__(params.height_m)
        self.p = params
        self.activity = params.activity
        a = self.a
        self.period_s = 60.0 / params.rate if params.rate > 0 else float("inf")
        self.stride_s = self.period_s
        self.foot_y = {"left": a.hip_width / 2, "right": -a.hip_width / 2}
        self.ankle_z = float(self._foot_local()["ankle"][2])
        self.stand_z = self.ankle_z + _leg_reach(a, 3.0)  # pelvis height standing, knees almost straight
        if self.activity == "jumping":
            self.tf = params.flight_fraction * self.period_s
            self.tc = self.period_s - self.tf
            self.v_take_off = GRAVITY_M_PER_S2 * self.tf / 2
            self.air_pitch = np.radians(-25.0)
            self.toe_x = a.toe_forward  # the flat foot's ankle is under the hip
            landing = self._foot_on_pivot("toe", (self.toe_x, 0.0), self.air_pitch)
            dx = landing["ankle"][0]
            self.z_land = float(landing["ankle"][2] + np.sqrt(_leg_reach(a, 8.0) ** 2 - dx * dx))

    def _cycle(self, t: float) -> float:
        """Phase of the repetition in [0, 1) (0: standing tall; for jumping: landing)."""
        if not np.isfinite(self.period_s):
            return 0.0
        return (self.p.start_phase + t / self.period_s) % 1.0

    def _bend(self, t: float) -> float:
        """0 standing tall, 1 at the bottom of a squat, lunge or curl."""
        return 0.5 * (1.0 - np.cos(2 * np.pi * self._cycle(t)))

    # ---- pelvis
    def pelvis(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        act = self.activity
        if act in ("standing", "arm_curls"):
            s = self.p.sway_cm / 100.0
            return np.array([s * np.sin(2 * np.pi * 0.23 * t), 0.6 * s * np.sin(2 * np.pi * 0.17 * t + 1.0),
                             self.stand_z]), np.eye(3)
        if act == "squats":
            hip = self._squat_hip(t)
            return hip, np.eye(3)
        if act == "lunges":
            hips = self._lunge_hips(t)
            return (hips["left"] + hips["right"]) / 2, np.eye(3)
        # jumping: free fall in flight, lowest at mid-stance
        x = self._cycle(t) * self.period_s
        if x < self.tc:
            z = self.z_land - self.v_take_off * self.tc / np.pi * np.sin(np.pi * x / self.tc)
        else:
            dt = x - self.tc
            z = self.z_land + self.v_take_off * dt - GRAVITY_M_PER_S2 / 2 * dt * dt
        return np.array([0.0, 0.0, z]), np.eye(3)

    def _squat_hip(self, t: float) -> np.ndarray:
        """Pelvis centre of a squat: both shanks tilt forward (0.45 of the knee flexion), the thighs back."""
        a = self.a
        kappa = np.radians(3.0 + (self.p.depth - 3.0) * self._bend(t))
        sigma = 0.45 * kappa
        knee = np.array([a.shank * np.sin(sigma), 0.0, self.ankle_z + a.shank * np.cos(sigma)])
        return knee + a.thigh * np.array([-np.sin(kappa - sigma), 0.0, np.cos(kappa - sigma)])

    # lunges: the front foot steps forward a stride of 0.45 x height and back, sides alternating
    def _lunge(self, t: float) -> tuple[str, float]:
        """(the side stepping forward in this repetition, its progress 0..1)."""
        if not np.isfinite(self.period_s):
            return "right", 0.0
        k = (self.p.start_phase + t / self.period_s)
        return ("right" if int(np.floor(k)) % 2 == 0 else "left"), float(k % 1.0)

    def _lunge_front_x(self) -> float:
        return 0.45 * self.p.height_m

    def _lunge_feet(self, t: float) -> dict[str, tuple[float, float]]:
        """(heel x, pitch) of each foot: the front foot lifts, moves forward, is planted, comes back."""
        side, u = self._lunge(t)
        L = self._lunge_front_x()
        feet = {s: (-self.a.heel_back, 0.0) for s in SIDES}
        # out in the first 20 % of the repetition, back in the last 20 %, planted between
        if u < 0.2:
            f = _smoothstep(u / 0.2)
        elif u > 0.8:
            f = _smoothstep((1.0 - u) / 0.2)
        else:
            f = 1.0
        feet[side] = (-self.a.heel_back + L * f, 0.0)
        return feet

    def _lunge_lift(self, t: float) -> float:
        side, u = self._lunge(t)
        for lo in (0.0, 0.8):
            if lo <= u < lo + 0.2:
                return 0.05 * np.sin(np.pi * (u - lo) / 0.2)
        return 0.0

    def _lunge_hips(self, t: float) -> dict[str, np.ndarray]:
        """The pelvis goes down between the feet as the front knee bends (the rear heel rises)."""
        side, u = self._lunge(t)
        feet = self._lunge_feet(t)
        front_x = feet[side][0] + self.a.heel_back
        down = _smoothstep(min(1.0, max(0.0, (0.5 - abs(u - 0.5)) / 0.3)))  # 0 while stepping, 1 at the bottom
        drop = (1.0 - np.cos(np.radians(self.p.depth))) * self.a.thigh * 0.9 * down
        centre_x = 0.5 * front_x - 0.05 * self.p.height_m * down * (front_x > 0.01)
        z = self.stand_z - 0.03 * (front_x / self._lunge_front_x()) - drop
        return {s: np.array([centre_x, self.foot_y[s], z]) for s in SIDES}

    def hip(self, side: str, t: float) -> np.ndarray:
        if self.activity == "lunges":
            return self._lunge_hips(t)[side]
        return super().hip(side, t)

    # ---- legs
    def leg(self, side: str, t: float) -> dict:
        a, act = self.a, self.activity
        hip = self.hip(side, t)
        if act == "jumping":
            x = self._cycle(t) * self.period_s
            if x < self.tc:
                pitch = self.air_pitch * (1.0 - np.sin(np.pi * x / self.tc))
                foot = self._foot_on_pivot("toe", (self.toe_x, self.foot_y[side]), pitch)
            else:  # in the air: the legs keep their shape at take-off
                foot0 = self._foot_on_pivot("toe", (self.toe_x, self.foot_y[side]), self.air_pitch)
                lift = self.pelvis(t)[0][2] - self.z_land
                foot = {k: (v + np.array([0.0, 0.0, lift]) if k != "pitch" else v) for k, v in foot0.items()}
        elif act == "lunges":
            heel_x, pitch = self._lunge_feet(t)[side]
            stepping, u = self._lunge(t)
            if side != stepping:  # the rear foot's heel rises as the body goes down
                down = _smoothstep(min(1.0, max(0.0, (0.5 - abs(u - 0.5)) / 0.3)))
                foot = self._foot_on_pivot("toe", (heel_x + a.heel_back + a.toe_forward, self.foot_y[side]),
                                           np.radians(-35.0) * down)
            else:
                foot = self._foot_on_pivot("heel", (heel_x, self.foot_y[side]), 0.0)
                lift = self._lunge_lift(t)
                foot = {k: (v + np.array([0.0, 0.0, lift]) if k != "pitch" else v) for k, v in foot.items()}
        else:  # flat on the belt, the ankle under the hip
            foot = self._foot_on_pivot("heel", (-a.heel_back, self.foot_y[side]), 0.0)
        knee = two_link_ik(hip, foot["ankle"], a.thigh, a.shank, _FORWARD_POLE)
        return dict(foot, hip=hip, knee=knee)

    def in_stance(self, side: str, t: float) -> bool:
        if self.activity == "jumping":
            return bool(self._cycle(t) * self.period_s < self.tc)
        if self.activity == "lunges":
            return self._lunge_lift(t) <= 0.0 or self._lunge(t)[0] != side
        return True

    def events(self, t0: float, t1: float) -> list[dict]:
        """Jumping: both feet land and take off together."""
        if self.activity != "jumping":
            return []
        found = []
        base = self.p.start_phase * self.period_s
        first, last = int(np.floor((t0 + base) / self.period_s)) - 1, int(np.ceil((t1 + base) / self.period_s)) + 1
        for k in range(first, last + 1):
            landing = k * self.period_s - base
            for kind, t in (("initial_contact", landing), ("toe_off", landing + self.tc)):
                if t0 <= t < t1:
                    found += [(t, side, kind) for side in SIDES]
        found.sort()
        return [{"side": side, "type": kind, "time_s": t} for t, side, kind in found]

    def _posture(self, t: float) -> tuple[float, dict[str, tuple[float, float, float]]]:
        act = self.activity
        rest = (np.radians(-3.0), np.radians(8.0), np.radians(12.0))
        if act == "squats":
            b = self._bend(t)
            return np.radians(35.0) * b, {s: (np.radians(80.0) * b, np.radians(8.0), np.radians(12.0)) for s in SIDES}
        if act == "arm_curls":
            e = np.radians(10.0 + (self.p.depth - 10.0) * self._bend(t))
            return np.radians(1.0), {s: (np.radians(3.0), np.radians(8.0), float(e)) for s in SIDES}
        if act == "jumping":
            x = self._cycle(t)
            swing = np.radians(25.0) * np.cos(2 * np.pi * x)
            return np.radians(5.0), {s: (float(-swing), np.radians(10.0), np.radians(30.0)) for s in SIDES}
        if act == "lunges":
            return np.radians(3.0), {s: (np.radians(-3.0), np.radians(25.0), np.radians(90.0)) for s in SIDES}
        return np.radians(1.0), {s: rest for s in SIDES}


# ------------------------------------------------------------------------------------------ rendering

def render_activity(model: WalkerModel | InPlaceModel, camera: Camera, path_mp4: str | os.PathLike,
                    fps: float = 30.0, duration_s: float = 5.0, width: int = 270, height: int = 480, *,
                    handrails: str = "auto", console: bool | None = None,
                    progress: Callable[[int, int], None] | None = None) -> dict:
    """Render ``model`` to ``path_mp4`` (H.264) and write its truth beside it (``gait.synth.truth_path``):
    the activity, the events, and per frame the projected joints, which feet are on the ground and the
    pelvis height (metres). Returns the truth dict."""
    from gait.synth import TRUTH_JOINTS, truth_path
    from gait.synth.draw import Look, Scene
    from gait.video_io import H264Writer

    proj = Projector(camera, width, height, model.p.height_m)
    # the scene draws any body that has the runner's drawing interface (``_Body``)
    scene = Scene(cast("RunnerModel", model), proj, Look(), handrails=handrails, console=console)
    frame_count = int(round(duration_s * fps))
    joints_px: dict[str, list[list[float]]] = {k: [] for k in TRUTH_JOINTS}
    stance: dict[str, list[bool]] = {s: [] for s in SIDES}
    pelvis_z: list[float] = []
    with H264Writer(path_mp4, width, height, fps) as writer:
        for i in range(frame_count):
            t = i / fps
            writer.write(scene.frame(t))
            j = model.joints(t)
            for k in TRUTH_JOINTS:
                joints_px[k].append([round(float(c), 2) for c in proj.project(j[k])[0]])
            for s in SIDES:
                stance[s].append(bool(model.in_stance(s, t)))
            pelvis_z.append(round(float(model.pelvis(t)[0][2]), 5))
            if progress is not None:
                progress(i + 1, frame_count)
    events = model.events(0.0, frame_count / fps)
    both = np.logical_and(stance["left"], stance["right"])
    truth = {
        "generator": "gait.synth.activity", "format_version": 1, "activity": model.activity,
        "fps": fps, "frame_count": frame_count, "duration_s": frame_count / fps, "width": width,
        "height": height, "view": camera.view, "direction": camera.direction if camera.view == "side" else None,
        "camera": dict(camera.to_dict(), **proj.to_dict()), "params": model.p.to_dict(),
        "stride_time_s": model.stride_s if np.isfinite(model.stride_s) else None,
        "double_support_fraction": float(np.mean(both)),
        "events": events,
        "frames": {"time_s": [round(i / fps, 6) for i in range(frame_count)], "joints_px": joints_px,
                   "in_stance": stance, "pelvis_z_m": pelvis_z},
    }
    if isinstance(model, WalkerModel):
        truth.update(cadence_spm=model.p.cadence_spm, duty_factor_pct=model.p.duty_factor_pct,
                     vertical_oscillation_cm=model.vertical_oscillation_cm)
    with open(truth_path(path_mp4), "w") as fh:
        json.dump(truth, fh, indent=None, separators=(",", ":"))
    return truth
