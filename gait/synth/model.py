"""Parametric 3D model of a runner on a treadmill, with exact contact kinematics.

World frame (metres): X forward (the runner's direction of travel), Y to the runner's left, Z up. The belt
surface is the plane Z = 0 and moves towards -X at the belt speed. The pelvis stays at X = 0 on average.

Gait-cycle phase ``phi`` runs from 0 to 1 over one stride and is 0 at the RIGHT foot's initial contact;
the left foot's initial contact is at ``phi = 0.5``. Each foot is in stance for the first
``stance_fraction`` of its own cycle.

Exactness, by construction:

- At initial contact the leg is built from the parameters (shank angle, knee flexion, hip adduction, foot
  strike angle), and the pelvis height at that instant is chosen so that the foot's lowest point is exactly
  on the belt plane.
- During stance the foot is a rigid body that rolls about a contact point (the heel, then the flat sole,
  then the toe) that stays on the belt plane and moves backwards at exactly the belt speed (no slip). The
  knee follows by inverse kinematics from the hip and the ankle.
- The pelvis is in free fall (exactly -g vertically) during flight, from toe-off to the next contact, so
  it descends fastest at the instant of contact and rises fastest at toe-off; in stance its vertical
  velocity rises monotonically, lowest point at mid-stance (``RunnerModel._setup_vertical``).
- The swing leg is interpolated (C1) between toe-off and the next contact through literature-like
  keypoints (peak swing knee flexion, peak hip flexion followed by terminal-swing retraction), so the foot
  leaves the belt exactly at toe-off and meets it exactly at the next initial contact.

Terminal swing (the last ~100 ms before contact), as measured in runners:

- The hip reaches its peak flexion in late swing and extends before contact (swing-leg retraction); the
  knee reaches its straightest in terminal swing, a few degrees straighter than at contact, and is
  already flexing at contact (Novacheck 1998, Gait Posture 7:77, running kinematics figures; Seyfarth,
  Geyer & Herr 2003, J Exp Biol 206:2547, on retraction in human and model running). So the foot's most
  forward point relative to the pelvis comes before contact, and at contact the foot moves backwards
  relative to the pelvis (though slower than the ground: Clark et al. 2023, J Hum Kinet 87:1, "backward
  foot speed at touchdown" below running speed: ``RunnerParams.touchdown_ground_speed_m_per_s``, by
  default 1 m/s, a round value of that order, not a table value). Keypoint timing, as fractions of the
  stride before contact: ``HIP_PEAK_FLEXION_BEFORE_IC`` and ``KNEE_MIN_FLEXION_BEFORE_IC``. With the
  defaults the foot is furthest ahead of the pelvis 40-50 ms before contact.
- The hip and knee rates at contact are solved so that the landing point has both the touchdown speed
  below and the ground speed difference, within limits (the hip not flexing, the knee flexing, at most
  3x its mean rate since its straightest); what is reached is in ``RunnerModel.touchdown``.
- The foot does not land softly: its lowest point reaches the belt with a downward speed
  (``RunnerParams.touchdown_descent_m_per_s``, default 0.7 m/s, within the 0.5-1 m/s range of heel
  vertical velocity at touchdown in running; the lower limb's touchdown velocity that sets the impact
  force is of this order, Clark, Ryan & Weyand 2014, J Exp Biol 217:2037). The stance then stops it at
  once (a collision), so the foot's vertical speed is discontinuous at contact, as in real footfalls.

Early swing (the first ~100 ms after toe-off), as measured in runners: the thigh is at its most extended at
about toe-off and flexes from there, and the knee flexes fast from toe-off (Novacheck 1998: hip extension
peaks at toe-off, knee flexion is fastest early in swing; Fellin et al. 2010, J Sci Med Sport 13:646: peak
knee extension marks toe-off within 5 ms). So the foot, carried backwards by the belt until toe-off, is at
its most backward point relative to the pelvis soon after: 21 ms after the hand-marked sprint toe-offs
(median, ../shared/videos) and 0-33 ms after toe-offs read frame by frame on two real treadmill side clips.
Keypoints: ``HIP_MAX_EXTENSION_AFTER_TO`` and the early-swing knots ``HIP_EARLY_SWING_KNOT``,
``KNEE_EARLY_SWING_KNOT``; with the defaults the foot is furthest behind the pelvis 20-30 ms after toe-off
and the toe is 10 mm up within 25 ms.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from scipy.interpolate import CubicHermiteSpline, CubicSpline

FOOT_STRIKE_ANGLES_DEG = {"rearfoot": 15.0, "midfoot": 2.0, "forefoot": -8.0}
SIDES = ("left", "right")
# Terminal-swing keypoints, in fractions of the stride before initial contact (Novacheck 1998, Fig. 6-7:
# hip flexion peaks at about 85-90 % of the running cycle and the knee is straightest at about 95 %).
HIP_PEAK_FLEXION_BEFORE_IC = 0.13
KNEE_MIN_FLEXION_BEFORE_IC = 0.05
PEAK_KNEE_FLEXION_SWING_PROGRESS = 0.55  # of the swing (mid-swing, ~70 % of the cycle)
# Early-swing keypoints (module notes): the thigh's most extended point, in fractions of the stride after
# toe-off; then a knot on the way to peak flexion: (its place between the two, as a fraction; the share of
# the flexion done there; the flexion rate there, times the mean rate between the two). The knee's knot:
# (swing progress; share of the flexion to its swing peak done; rate there, times the mean rate to the peak).
HIP_MAX_EXTENSION_AFTER_TO = 0.01
HIP_EARLY_SWING_KNOT = (0.15, 0.4, 2.5)
KNEE_EARLY_SWING_KNOT = (0.1, 0.3, 2.0)
GRAVITY_M_PER_S2 = 9.81
# Stance pelvis profile (``RunnerModel._setup_vertical``): the exponent n is 1 for a constant push over
# each half of the stance (a parabola), 8 for a push concentrated around mid-stance (peak ~4 body weights at
# the defaults); its range bounds the stance depth and so the vertical oscillation that can be reached. The
# initial slope is the share of the push that starts at once at the contact (ends at toe-off).
STANCE_SHAPE_EXPONENT_RANGE = (1.0, 8.0)
STANCE_SHAPE_INITIAL_SLOPE = 0.1
_SWING_KNEE_POLE = np.array([1.0, 0.0, 0.0])  # the swing knee bends forward (``two_link_ik``'s pole)


@dataclass(frozen=True)
class SideScale:
    """Per-side multipliers of some parameters (1.0 = as given), for left/right asymmetry."""

    knee_flexion_at_contact: float = 1.0
    shank_angle_at_contact: float = 1.0
    foot_strike_angle: float = 1.0
    contact_time: float = 1.0
    knee_valgus: float = 1.0
    hip_adduction: float = 1.0
    pelvic_drop: float = 1.0  # drop of the OPPOSITE side of the pelvis while this leg is in stance
    arm_swing: float = 1.0
    rearfoot_eversion: float = 1.0


@dataclass(frozen=True)
class Build:
    """Body shape beyond the height, as multipliers of the standard body (1.0): the distance between the
    hip joint centres (the model), and the girths the renderer draws (``gait.synth.draw``): pelvis and
    buttocks (the shorts), thigh, calf and ankle. The standard body is :data:`STANDARD_BUILD`."""

    name: str = "standard"
    hip_width: float = 1.0
    pelvis_girth: float = 1.0
    thigh_girth: float = 1.0
    calf_girth: float = 1.0


STANDARD_BUILD = Build()
# a heavier, wider-hipped body: thighs nearly touching below the shorts, a fuller calf
BROAD_BUILD = Build("broad", hip_width=1.12, pelvis_girth=1.18, thigh_girth=1.3, calf_girth=1.2)
BUILDS = {b.name: b for b in (STANDARD_BUILD, BROAD_BUILD)}


# The landing of the samples, the validation sweep and its test (issue 13): more swing-leg retraction than the
# default, so the foot comes down at 1 m/s and 1 m/s over the belt, both reached (the default reaches 0.74
# and 0.87), and the feet's vertical motion shows the landings as on real side clips. RunnerParams(**FIRM_LANDING)
FIRM_LANDING = {"terminal_swing_retraction_deg": 14.0, "touchdown_descent_m_per_s": 1.0}


@dataclass(frozen=True)
class RunnerParams:
    """What the synthetic runner does. Angles in degrees, as in ``gait.landmarks``.

    ``knee_flexion_at_contact_deg`` is the true 3D knee flexion (0 = straight) at initial contact.
    ``shank_angle_at_contact_deg``: knee->ankle segment from vertical at contact in the sagittal plane,
    positive when the ankle is ahead of the knee (overstride).
    ``foot_strike_angle_deg`` (overrides ``foot_strike`` when given): pitch of the sole at contact, positive
    toe up (rearfoot strike), negative toe down (forefoot strike).
    ``toe_off_foot_angle_deg``: pitch of the sole at toe-off (negative, toe down).
    ``hip_adduction_deg``: medial inclination of the whole leg (hip->ankle) at contact in the frontal plane;
    it sets where the foot lands laterally (narrower steps when larger).
    ``knee_valgus_deg``: peak (mid-stance) medial swivel of the knee about the hip-ankle axis.
    ``pelvic_drop_deg``: peak drop of the pelvis on the swing side during stance (pelvic obliquity).
    ``rearfoot_eversion_deg``: peak (mid-stance) eversion of the shoe's heel against the shank, a roll of the
    drawn shoe about its sole line (heel and toe contact points stay where they are: no joint moves), the
    heel counter's top turning medially; 0 in swing (``RunnerModel.rearfoot_roll``).
    ``build``: the body's shape (:class:`Build`).
    ``vertical_oscillation_cm``: peak-to-trough rise and fall of the pelvis per step (highest in flight,
    lowest at mid-stance): free fall in flight, so it is bounded by what the flight and contact times allow
    (the reached value is in ``RunnerModel.adjustments``; ``RunnerModel._setup_vertical``).
    ``terminal_swing_retraction_deg``: how far the thigh swings back from its peak flexion in late swing
    to contact; ``terminal_swing_knee_extension_deg``: how much straighter the knee is at its straightest
    in terminal swing than at contact (it flexes from there through contact);
    ``touchdown_descent_m_per_s``: downward speed of the foot's lowest point at contact;
    ``touchdown_ground_speed_m_per_s``: forward speed of the landing point over the belt at contact (the
    "ground speed difference": running speed minus the foot's backward speed; module notes).
    ``start_phase``: gait-cycle phase at time 0 (0 = right initial contact).
    """

    cadence_spm: float = 170.0
    speed_kmh: float = 11.0
    height_m: float = 1.75
    duty_factor_pct: float = 35.0
    knee_flexion_at_contact_deg: float = 18.0
    shank_angle_at_contact_deg: float = 6.0
    foot_strike: str = "rearfoot"
    foot_strike_angle_deg: float | None = None
    toe_off_foot_angle_deg: float = -35.0
    peak_knee_flexion_swing_deg: float = 100.0
    terminal_swing_retraction_deg: float = 6.0
    terminal_swing_knee_extension_deg: float = 5.0
    touchdown_descent_m_per_s: float = 0.7
    touchdown_ground_speed_m_per_s: float = 1.0
    vertical_oscillation_cm: float = 8.0
    trunk_lean_deg: float = 6.0
    knee_valgus_deg: float = 4.0
    hip_adduction_deg: float = 3.0
    pelvic_drop_deg: float = 4.0
    pelvis_rotation_deg: float = 5.0
    arm_swing_amplitude_deg: float = 28.0
    elbow_flexion_deg: float = 80.0
    left: SideScale = field(default_factory=SideScale)
    right: SideScale = field(default_factory=SideScale)
    start_phase: float = 0.13
    rearfoot_eversion_deg: float = 0.0
    build: Build = field(default_factory=Build)

    def __post_init__(self) -> None:
        if not 100.0 <= self.cadence_spm <= 260.0:
            raise ValueError("cadence_spm must be in [100, 260]")
        if not 3.0 <= self.speed_kmh <= 30.0:
            raise ValueError("speed_kmh must be in [3, 30]")
        if not 1.0 <= self.height_m <= 2.3:
            raise ValueError("height_m must be in [1, 2.3]")
        for s in (self.left, self.right):
            if not 15.0 <= self.duty_factor_pct * s.contact_time <= 48.0:
                raise ValueError("duty_factor_pct (times contact_time scale) must be in [15, 48]: running "
                                 "with a flight phase")
        if not 0.05 <= self.touchdown_descent_m_per_s <= 3.0:
            raise ValueError("touchdown_descent_m_per_s must be in [0.05, 3]")
        if not 0.0 <= self.terminal_swing_knee_extension_deg < self.knee_flexion_at_contact_deg * min(
                self.left.knee_flexion_at_contact, self.right.knee_flexion_at_contact) + 1e-9 or \
                self.terminal_swing_retraction_deg < 0:
            raise ValueError("terminal_swing_knee_extension_deg must be in [0, knee flexion at contact] and "
                             "terminal_swing_retraction_deg >= 0")
        if self.foot_strike_angle_deg is None and self.foot_strike not in FOOT_STRIKE_ANGLES_DEG:
            raise ValueError(f"foot_strike must be one of {sorted(FOOT_STRIKE_ANGLES_DEG)}")

    def side(self, side: str) -> SideScale:
        return self.left if side == "left" else self.right

    @property
    def strike_angle_deg(self) -> float:
        if self.foot_strike_angle_deg is not None:
            return float(self.foot_strike_angle_deg)
        return FOOT_STRIKE_ANGLES_DEG[self.foot_strike]

    def replace(self, **changes: Any) -> "RunnerParams":  # any field: dataclasses.replace checks them
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Anthropometry:
    """Segment lengths and sizes in metres (Winter's fractions of standing height; the hip width times
    ``hip_width_scale``, a :class:`Build`'s)."""

    height_m: float
    hip_width_scale: float = 1.0

    def __getattr__(self, name: str) -> float:  # fractions of height
        try:
            value = _FRACTIONS[name] * self.__dict__["height_m"]
        except KeyError:
            raise AttributeError(name) from None
        return value * self.__dict__["hip_width_scale"] if name == "hip_width" else value


_FRACTIONS = {
    "thigh": 0.245, "shank": 0.246, "ankle_height": 0.039, "heel_back": 0.036, "toe_forward": 0.112,
    "hip_width": 0.100, "shoulder_width": 0.200, "trunk": 0.290, "upper_arm": 0.172, "forearm": 0.150,
    "hand": 0.060, "neck": 0.060, "head_radius": 0.062, "foot_width": 0.055,
    # the running shoe (drawn by gait.synth.draw; see SHOE there): midsole + outsole stack under the heel
    # point and under the forefoot (~34 and ~23 mm at 1.75 m: a typical neutral trainer, 10 mm drop)
    "shoe_heel_stack": 0.0192, "shoe_forefoot_stack": 0.0128,
}
# Foot points (``RunnerModel._foot_local``): ``heel`` and ``toe`` are the outsole's rear and front contact points
# on the shoe's sole line; the ankle is the ankle joint centre.


def _smoothstep(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


def _bump(u: float) -> float:
    """0 at both ends of [0, 1] (zero slope), 1 in the middle."""
    return np.sin(np.pi * min(max(u, 0.0), 1.0)) ** 2


def _rot_x(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _rot_y_pitch(theta: float) -> np.ndarray:
    """Pitch in the X-Z plane, positive = toe (+X) up."""
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, 0, -s], [0, 1, 0], [s, 0, c]])


def _rot_z(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def two_link_ik(hip: np.ndarray, ankle: np.ndarray, l1: float, l2: float, pole: np.ndarray) -> np.ndarray:
    """Knee position for a hip-ankle pair: in the plane of hip->ankle and ``pole``, on the pole's side."""
    d = ankle - hip
    r = float(np.linalg.norm(d))
    u = d / r
    p = pole - np.dot(pole, u) * u
    p /= np.linalg.norm(p)
    if r >= l1 + l2:
        return hip + l1 * u
    r = max(r, abs(l1 - l2) + 1e-9)
    cos_h = (l1 * l1 + r * r - l2 * l2) / (2 * l1 * r)
    sin_h = np.sqrt(max(0.0, 1.0 - cos_h * cos_h))
    return hip + l1 * cos_h * u + l1 * sin_h * p


def _planar_ik(dx: float, dz: float, l1: float, l2: float) -> tuple[float, float]:
    """(thigh angle from downward vertical, knee flexion) in radians for an ankle at (dx, dz) from the hip."""
    r = min(np.hypot(dx, dz), l1 + l2 - 1e-12)
    gamma = np.arctan2(dx, -dz)
    kappa = np.pi - np.arccos(np.clip((l1 * l1 + l2 * l2 - r * r) / (2 * l1 * l2), -1, 1))
    alpha = gamma + np.arccos(np.clip((l1 * l1 + r * r - l2 * l2) / (2 * l1 * r), -1, 1))
    return alpha, kappa


def _planar_fk(alpha: float, kappa: float, l1: float, l2: float) -> tuple[float, float]:
    beta = alpha - kappa
    return l1 * np.sin(alpha) + l2 * np.sin(beta), -l1 * np.cos(alpha) - l2 * np.cos(beta)


# the face's points around the head's centre, in head radii (X forward, Y left, Z up)
FACE_POINTS = {"nose": (1.08, 0.0, -0.12), "left_eye": (0.86, 0.34, 0.12), "right_eye": (0.86, -0.34, 0.12),
               "left_ear": (0.0, 1.0, 0.0), "right_ear": (0.0, -1.0, 0.0),
               "mouth_left": (0.86, 0.2, -0.48), "mouth_right": (0.86, -0.2, -0.48)}


class BodyPoints:
    """All the 3D points of a body at a time, from its ``upper_body(t)`` (head included) and each side's
    ``leg(side, t)`` (hip, knee, ankle, heel, toe, pitch)."""

    a: Anthropometry

    def upper_body(self, t: float) -> dict:
        raise NotImplementedError

    def leg(self, side: str, t: float) -> dict:
        raise NotImplementedError

    def _arms_and_head(self, out: dict, lean: float, rz: np.ndarray,
                       arms: dict[str, tuple[float, float, np.ndarray]]) -> dict:
        """``out`` (which holds ``mid_shoulder``) with each side's shoulder, elbow, wrist and hand tip, and the
        neck top and head. ``lean``: the trunk's (radians, forward +); ``rz``: the thorax's turn;
        ``arms[side]``: the upper arm's flexion forward and abduction (radians) and the forearm's direction
        (any length)."""
        a = self.a
        mid_sh = out["mid_shoulder"]
        for side, sgn in (("left", 1.0), ("right", -1.0)):
            sh = mid_sh + rz @ np.array([0.0, sgn * a.shoulder_width / 2, 0.0])
            rho, ab, forearm = arms[side]
            d_ua = np.array([np.sin(rho) * np.cos(ab), sgn * np.sin(ab), -np.cos(rho) * np.cos(ab)])
            d_fa = forearm / np.linalg.norm(forearm)
            elbow = sh + a.upper_arm * d_ua
            wrist = elbow + a.forearm * d_fa
            out[f"{side}_shoulder"] = sh
            out[f"{side}_elbow"] = elbow
            out[f"{side}_wrist"] = wrist
            out[f"{side}_hand_tip"] = wrist + a.hand * d_fa
        neck_top = mid_sh + a.neck * np.array([np.sin(lean) * 0.5, 0.0, 1.0])
        out["neck_top"] = neck_top
        out["head"] = neck_top + np.array([0.012 * a.height_m, 0.0, a.head_radius * 0.95])
        return out

    def joints(self, t: float) -> dict[str, np.ndarray]:
        """All 3D points of the body at time t (MediaPipe names where they correspond)."""
        out = self.upper_body(t)
        hr = self.a.head_radius
        c = out["head"]
        for k, v in FACE_POINTS.items():
            out[k] = c + hr * np.array(v)
        for side in SIDES:
            leg = self.leg(side, t)
            out[f"{side}_hip"] = leg["hip"]
            out[f"{side}_knee"] = leg["knee"]
            out[f"{side}_ankle"] = leg["ankle"]
            out[f"{side}_heel"] = leg["heel"]
            out[f"{side}_foot_index"] = leg["toe"]
            out[f"{side}_foot_pitch"] = np.array([leg["pitch"], 0.0, 0.0])
        return out


class StrideClock:
    """The timing of a gait whose sides alternate at half a stride: the phase, each side's stance and its
    events. Needs ``p.start_phase``, ``stride_s``, ``ic_phase`` (per side, 0 right, 0.5 left) and
    ``stance_frac`` (per side, the share of the stride in stance)."""

    p: Any
    stride_s: float
    ic_phase: dict[str, float]
    stance_frac: dict[str, float]

    def phase(self, t: float) -> float:
        """Gait-cycle phase (0 = right initial contact) at time t."""
        return (self.p.start_phase + t / self.stride_s) % 1.0

    def side_phase(self, side: str, t: float) -> float:
        return (self.phase(t) - self.ic_phase[side]) % 1.0

    def contact_s(self, side: str) -> float:
        return self.stance_frac[side] * self.stride_s

    def in_stance(self, side: str, t: float) -> bool:
        return self.side_phase(side, t) < self.stance_frac[side]

    def events(self, t0: float, t1: float) -> list[dict]:
        """Initial contacts and toe-offs with t0 <= time_s < t1, sorted by time."""
        found: list[tuple[float, str, str]] = []
        base = self.p.start_phase * self.stride_s
        k0 = int(np.floor((t0 + base) / self.stride_s)) - 1
        k1 = int(np.ceil((t1 + base) / self.stride_s)) + 1
        for k in range(k0, k1 + 1):
            for side in SIDES:
                ic = (k + self.ic_phase[side]) * self.stride_s - base
                for kind, t in (("initial_contact", ic), ("toe_off", ic + self.contact_s(side))):
                    if t0 <= t < t1:
                        found.append((t, side, kind))
        found.sort(key=lambda e: e[0])
        return [{"side": side, "type": kind, "time_s": t} for t, side, kind in found]

    def _time_of_side_phase(self, side: str, u: float) -> float:
        return ((self.ic_phase[side] + u) - self.p.start_phase) * self.stride_s


class RunnerModel(StrideClock, BodyPoints):
    """Kinematics of the runner: ``joints(t)`` gives 3D points at any time ``t`` (seconds)."""

    p: RunnerParams

    def __init__(self, params: RunnerParams):
        self.p = params
        self.a = Anthropometry(params.height_m, params.build.hip_width)
        self.stride_s = 120.0 / params.cadence_spm
        self.speed_ms = params.speed_kmh / 3.6
        self.stance_frac = {s: params.duty_factor_pct / 100.0 * params.side(s).contact_time for s in SIDES}
        self.medial = {"right": 1.0, "left": -1.0}  # +Y is medial for the right leg
        self.ic_phase = {"right": 0.0, "left": 0.5}
        self.toe_off_pitch = {side: np.radians(params.toe_off_foot_angle_deg) for side in SIDES}
        self.heel_rise_frac = {side: 0.5 for side in SIDES}
        self._setup_contact()
        self._fit_reach()
        self._setup_swing()

    def rearfoot_roll(self, side: str, t: float) -> float:
        """Roll of the drawn shoe about its sole line (radians, right-handed about the heel->toe direction):
        the rearfoot eversion, peak at mid-stance, 0 in swing; everting turns the top of the heel counter
        medially (towards -Y for the left foot, +Y for the right)."""
        u = self.side_phase(side, t) / self.stance_frac[side]
        if u >= 1.0 or not self.p.rearfoot_eversion_deg:
            return 0.0
        eversion = np.radians(self.p.rearfoot_eversion_deg * self.p.side(side).rearfoot_eversion) * _bump(u)
        return float(-self.medial[side] * eversion)

    # ------------------------------------------------------------------ pelvis and trunk
    def _pelvis_angles(self, phi: float) -> tuple[float, float]:
        """(yaw, roll) of the pelvis in radians."""
        p = self.p
        yaw = np.radians(p.pelvis_rotation_deg) * np.cos(2 * np.pi * phi)
        roll = 0.0
        for side in SIDES:
            u = ((phi - self.ic_phase[side]) % 1.0) / self.stance_frac[side]
            if u < 1.0:
                drop = np.radians(p.pelvic_drop_deg * p.side(side).pelvic_drop) * _bump(u)
                # the opposite side drops: rolling about +X lowers +Y (left) for a negative angle
                roll += -drop if side == "right" else drop
        return yaw, roll

    def pelvis(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """(centre, rotation matrix) of the pelvis; the centre is the midpoint of the hip joints."""
        phi = self.phase(t)
        d = np.mean(list(self.stance_frac.values()))
        z = self._pelvis_z(phi)
        sway = -0.008 * self.p.height_m * np.cos(2 * np.pi * (phi - d / 2))
        yaw, roll = self._pelvis_angles(phi)
        return np.array([0.0, sway, z]), _rot_z(yaw) @ _rot_x(roll)

    def _pelvis_z(self, phi: float) -> float:
        """Height of the pelvis centre at gait phase ``phi`` (``_setup_vertical``)."""
        for side in SIDES:
            tau = ((phi - self.ic_phase[side]) % 1.0) * self.stride_s
            if tau < self.stride_s / 2:
                break
        v = self._vertical[side]
        t_m = v["tc"] / 2
        if tau >= v["tc"]:  # flight: free fall
            dt = tau - v["tc"]
            return v["z_to"] + v["v_to"] * dt - GRAVITY_M_PER_S2 / 2 * dt * dt
        e = STANCE_SHAPE_INITIAL_SLOPE
        if tau < t_m:  # stance, first half: z' = v_ic (1 - e x - (1 - e) x^n1), x = tau / t_m
            n, x = v["n1"], tau / t_m
            return v["z_ic"] + v["v_ic"] * t_m * (x - e * x * x / 2 - (1 - e) * x ** (n + 1) / (n + 1))
        n, x = v["n2"], (v["tc"] - tau) / t_m  # second half, mirrored: z' = v_to (1 - e x - (1 - e) x^n2)
        return v["z_to"] - v["v_to"] * t_m * (x - e * x * x / 2 - (1 - e) * x ** (n + 1) / (n + 1))

    def _setup_vertical(self, h_ic: dict[str, float]) -> None:
        """The pelvis height over each step (one side's stance, then the flight to the other side's contact),
        given the pelvis heights at the contacts ``h_ic`` that the leg geometry sets.

        Flight: free fall (-g), starting and ending at the next contact's height, so it leaves the ground at
        ``g tf / 2`` upwards and lands at ``g tf / 2`` downwards (tf: flight time). Stance: from the
        contact's height to the next contact's height; each half is ``z' = v (1 - e x - (1 - e) x^n)`` (x:
        time from the contact, or to the toe-off, over half the stance; v the contact or toe-off velocity;
        e = ``STANCE_SHAPE_INITIAL_SLOPE``): position and velocity join the flight, the velocity rises
        monotonically through the stance from the first instant (the ground pushes more than the body weight
        from the contact to the toe-off; so the pelvis descends fastest at the contact and rises fastest at
        toe-off), it is lowest at mid-stance, and the half's depth is ``|v| tc / 2 (1 - e / 2 - (1 - e) /
        (n + 1))``. Peak-to-trough (mean of the flight
        apexes around the stance minus the stance's lowest point) is ``vertical_oscillation_cm`` when the
        exponents can stay within ``STANCE_SHAPE_EXPONENT_RANGE``, else the nearest reachable value (in
        ``adjustments``)."""
        g = GRAVITY_M_PER_S2
        other = {"right": "left", "left": "right"}
        e = STANCE_SHAPE_INITIAL_SLOPE
        lo, hi = (1 - e / 2 - (1 - e) / (n + 1) for n in STANCE_SHAPE_EXPONENT_RANGE)  # depth / (|v| tc / 2)
        v_fall = {side: g * (self.stride_s / 2 - self.contact_s(side)) / 2 for side in SIDES}  # after side's stance
        self._vertical, self._vertical_oscillation_cm = {}, {}
        for side in SIDES:
            tc, z_ic, z_to = self.contact_s(side), h_ic[side], h_ic[other[side]]
            v_ic, v_to = -v_fall[other[side]], v_fall[side]
            apexes = (h_ic[side] + v_fall[other[side]] ** 2 / (2 * g), z_to + v_to ** 2 / (2 * g))
            peak = float(np.mean(apexes))
            r1, r2, rise = -v_ic * tc / 2, v_to * tc / 2, z_to - z_ic
            want = z_ic - peak + self.p.vertical_oscillation_cm / 100.0  # trough below the contact height
            depth = min(max(want, r1 * lo, r2 * lo - rise), r1 * hi, r2 * hi - rise)
            n1, n2 = ((1 - e) / (1 - e / 2 - d / r) - 1 for d, r in ((depth, r1), (depth + rise, r2)))
            self._vertical[side] = {"tc": tc, "z_ic": z_ic, "z_to": z_to, "v_ic": v_ic, "v_to": v_to,
                                    "n1": n1, "n2": n2}
            self._vertical_oscillation_cm[side] = 100.0 * (peak - z_ic + depth)

    def hip(self, side: str, t: float) -> np.ndarray:
        c, r = self.pelvis(t)
        y = self.a.hip_width / 2 * (1 if side == "left" else -1)
        return c + r @ np.array([0.0, y, 0.0])

    # ------------------------------------------------------------------ contact geometry
    def _foot_local(self) -> dict[str, np.ndarray]:
        """The shod foot, in metres, ankle-centred (X forward along the sole line, Z up from it):

        - ``heel``: the outsole's rear contact point, on the sole line below the back of the heel, where the
          heel bevel meets the ground (the point a rearfoot strike lands on; the shoe's heel counter and
          bevel reach ~17 mm further back, higher up);
        - ``toe`` (MediaPipe's ``foot_index``): the outsole's front contact point, on the sole line below the
          toes, where the toe spring starts (the point the foot rolls over at toe-off; the toe cap reaches
          ~20 mm further forward and curls up);
        - ``ankle``: the ankle joint centre, at the barefoot ankle height (Winter: 0.039 x height) plus the
          shoe's heel stack.
        """
        a = self.a
        return {"heel": np.array([-a.heel_back, 0, 0]), "toe": np.array([a.toe_forward, 0, 0]),
                "ankle": np.array([0, 0, a.ankle_height + a.shoe_heel_stack])}

    def _setup_contact(self) -> None:
        p, a = self.p, self.a
        fl = self._foot_local()
        self._ic = {}
        h_ic = {}
        for side in SIDES:
            sc = p.side(side)
            kappa = np.radians(p.knee_flexion_at_contact_deg * sc.knee_flexion_at_contact)
            sigma = np.radians(p.shank_angle_at_contact_deg * sc.shank_angle_at_contact)
            theta = np.radians(p.strike_angle_deg * sc.foot_strike_angle)
            add = np.radians(p.hip_adduction_deg * sc.hip_adduction) * self.medial[side]
            alpha = sigma + kappa
            leg = np.array([a.thigh * np.sin(alpha) + a.shank * np.sin(sigma), 0.0,
                            -a.thigh * np.cos(alpha) - a.shank * np.cos(sigma)])
            ankle_rel = _rot_x(add) @ leg
            pivot = "heel" if theta >= 0 else "toe"
            ankle_from_pivot = _rot_y_pitch(theta) @ (fl["ankle"] - fl[pivot])
            h_ic[side] = ankle_from_pivot[2] - ankle_rel[2]
            self._ic[side] = dict(theta=theta, pivot=pivot, ankle_rel=ankle_rel,
                                  ankle_from_pivot=ankle_from_pivot)
        self._setup_vertical(h_ic)
        foot_len = a.heel_back + a.toe_forward
        for side in SIDES:
            ic = self._ic[side]
            t_ic = self._time_of_side_phase(side, 0.0)
            ankle = self.hip(side, t_ic) + ic["ankle_rel"]
            piv = ankle - ic["ankle_from_pivot"]
            ic["foot_y"] = piv[1]
            ic["heel_x0"] = piv[0] if ic["pivot"] == "heel" else piv[0] - foot_len

    def _max_reach(self, side: str) -> float:
        tc = self.contact_s(side)
        return max(float(np.linalg.norm(self._stance_foot(side, tau)["ankle"] -
                                        self.hip(side, self._time_of_side_phase(side, 0.0) + tau)))
                   for tau in np.linspace(0.0, tc, 60))

    def _fit_reach(self) -> None:
        """Keep the stance leg reachable (knee flexion >= ~6 deg): a long contact (fast running, short leg
        behind) lifts the heel earlier and plantarflexes the foot more at toe-off. See ``adjustments``."""
        limit = (self.a.thigh + self.a.shank) * np.cos(np.radians(3.0))
        for side in SIDES:
            while self._max_reach(side) > limit:
                if self.toe_off_pitch[side] > np.radians(-70.0):
                    self.toe_off_pitch[side] -= np.radians(2.5)
                elif self.heel_rise_frac[side] > 0.25:
                    self.heel_rise_frac[side] -= 0.05
                else:
                    break
        self.adjustments = {side: {"toe_off_foot_angle_deg": float(np.degrees(self.toe_off_pitch[side])),
                                   "heel_rise_fraction_of_stance": self.heel_rise_frac[side],
                                   "max_leg_stretch_m": max(0.0, self._max_reach(side) - self.a.thigh - self.a.shank),
                                   "vertical_oscillation_cm": self._vertical_oscillation_cm[side]}
                            for side in SIDES}

    def foot(self, side: str, t: float) -> dict[str, np.ndarray | float]:
        """Foot points (ankle, heel, toe: heel and toe are on the sole line) and pitch while in stance."""
        return self._stance_foot(side, self.side_phase(side, t) * self.stride_s)

    def _foot_pitch(self, side: str, tau: float) -> tuple[float, str]:
        tc = self.contact_s(side)
        ic = self._ic[side]
        t_rise = self.heel_rise_frac[side] * tc
        t_flat = min(0.22 * tc, 0.8 * t_rise)
        if tau < t_flat and ic["theta"] != 0.0:
            return ic["theta"] * (1.0 - _smoothstep(tau / t_flat)), ic["pivot"]
        if tau < t_rise:
            return 0.0, "heel"
        u = (tau - t_rise) / (tc - t_rise)
        return self.toe_off_pitch[side] * u * u, "toe"

    def _stance_foot(self, side: str, tau: float) -> dict:
        ic = self._ic[side]
        a = self.a
        theta, pivot = self._foot_pitch(side, tau)
        heel_x = ic["heel_x0"] - self.speed_ms * tau
        piv_x = heel_x if pivot == "heel" else heel_x + a.heel_back + a.toe_forward
        piv = np.array([piv_x, ic["foot_y"], 0.0])
        fl = self._foot_local()
        rot = _rot_y_pitch(theta)
        pts = {k: piv + rot @ (v - fl[pivot]) for k, v in fl.items()}
        pts["pitch"] = theta
        return pts

    def _stance_leg(self, side: str, tau: float) -> dict:
        t = self._time_of_side_phase(side, 0.0) + tau
        foot = self._stance_foot(side, tau)
        hip = self.hip(side, t)
        psi = np.radians(self.p.knee_valgus_deg * self.p.side(side).knee_valgus) * _bump(tau / self.contact_s(side))
        pole = np.array([np.cos(psi), self.medial[side] * np.sin(psi), 0.0])
        knee = two_link_ik(hip, foot["ankle"], self.a.thigh, self.a.shank, pole)
        return dict(foot, hip=hip, knee=knee)

    # ------------------------------------------------------------------ swing
    def _sagittal_state(self, leg: dict) -> np.ndarray:
        d = leg["ankle"] - leg["hip"]
        alpha, kappa = _planar_ik(d[0], d[2], self.a.thigh, self.a.shank)
        sk = leg["ankle"] - leg["knee"]
        beta = np.arctan2(sk[0], -sk[2])
        return np.array([alpha, kappa, leg["pitch"] - beta, d[1]])

    def _setup_swing(self) -> None:
        """Swing splines in swing progress ``u`` (0 at toe-off, 1 at the next contact) of the thigh angle,
        the knee flexion, the foot pitch relative to the shank and the lateral offset, and the vertical
        lift that sets the touchdown speed and the clearance (module notes, "Terminal swing")."""
        self._swing: dict[str, list[CubicHermiteSpline]] = {}  # hip, knee, foot pitch, lateral offset
        self._lift: dict[str, tuple[float, float]] = {}  # (c1, c2), below
        self.touchdown = {}  # what the landing looks like, per side (see module notes)
        h = 1e-5
        for side in SIDES:
            tc, T = self.contact_s(side), self.stride_s
            span = T - tc
            swing_frac = span / T
            s_to = self._sagittal_state(self._stance_leg(side, tc))
            d_to = (s_to - self._sagittal_state(self._stance_leg(side, tc - h))) / h * span
            # the next contact: same kinematics one stride later, hip included (periodic model)
            s_ic = self._sagittal_state(self._stance_leg(side, 0.0))
            d_ic = (self._sagittal_state(self._stance_leg(side, h)) - s_ic) / h * span
            u_hip = 1.0 - HIP_PEAK_FLEXION_BEFORE_IC / swing_frac
            u_knee = 1.0 - KNEE_MIN_FLEXION_BEFORE_IC / swing_frac
            k_pk = np.radians(self.p.peak_knee_flexion_swing_deg)
            ret = np.radians(self.p.terminal_swing_retraction_deg)
            k_min = s_ic[1] - np.radians(self.p.terminal_swing_knee_extension_deg)
            # knee: peak flexion in mid-swing, straightest at u_knee, flexing again at contact
            # foot pitch relative to the shank: dorsiflexed through mid-swing (toe clearance), set for the
            # landing by the time the knee is straightest (within 1 deg of its contact value); the foot does
            # not rotate at contact (the ankle moves against the shank's rotation), as in stance at contact
            pitch_knots = [s_to[2], np.radians(2.0), max(np.radians(12.0), s_ic[2] + np.radians(4.0)),
                           s_ic[2] + np.radians(1.0), s_ic[2]]
            lateral = CubicSpline([0, 1], [s_to[3], s_ic[3]], bc_type=((1, d_to[3]), (1, d_ic[3])))
            # early swing (module notes): the thigh most extended just after toe-off, then flexing fast
            u_ext = HIP_MAX_EXTENSION_AFTER_TO / swing_frac
            hip_ext = s_to[0] + 0.5 * d_to[0] * u_ext  # the stance's extension rate, slowing to 0
            at, share, rate = HIP_EARLY_SWING_KNOT
            u_hip_early = u_ext + at * (u_hip - u_ext)
            hip_early = hip_ext + share * (s_ic[0] + ret - hip_ext)
            hip_early_rate = rate * (s_ic[0] + ret - hip_ext) / (u_hip - u_ext)
            u_knee_early, share, rate = KNEE_EARLY_SWING_KNOT
            knee_early = s_to[1] + share * (k_pk - s_to[1])
            knee_early_rate = rate * (k_pk - s_to[1]) / PEAK_KNEE_FLEXION_SWING_PROGRESS

            def legs(hip_rate: float, knee_rate: float) -> list:
                # hip: most extended at u_ext, peak flexion at u_hip, then extension (retraction) into contact
                hip = CubicHermiteSpline([0, u_ext, u_hip_early, u_hip, 1],
                                         [s_to[0], hip_ext, hip_early, s_ic[0] + ret, s_ic[0]],
                                         [d_to[0], 0.0, hip_early_rate, 0.0, hip_rate])
                knee = CubicHermiteSpline([0, u_knee_early, PEAK_KNEE_FLEXION_SWING_PROGRESS, u_knee, 1],
                                          [s_to[1], knee_early, k_pk, k_min, s_ic[1]],
                                          [d_to[1], knee_early_rate, 0.0, 0.0, knee_rate])
                pitch = CubicSpline([0, 0.3, 0.7, u_knee, 1], pitch_knots,
                                    bc_type=((1, d_to[2]), (1, knee_rate - hip_rate)))
                return [hip, knee, pitch, lateral]

            # The hip's and the knee's rates at contact set the landing point's velocity: forward over the
            # belt at the ground speed difference, downward at the touchdown speed (pelvis motion included).
            # Both are linear in the two rates: three trials give the map.
            want = np.array([(-self.speed_ms + self.p.touchdown_ground_speed_m_per_s) * span,
                             self.p.touchdown_descent_m_per_s * span])

            def landing_velocity(hip_rate: float, knee_rate: float) -> np.ndarray:
                self._swing[side] = legs(hip_rate, knee_rate)
                self._lift[side] = (0.0, 0.0)
                return np.array([self._contact_point_dx_per_u(side),
                                 self._unlifted_low(side, 1.0 - 1e-4) / 1e-4])

            v0 = landing_velocity(0.0, 0.0)
            jac = np.stack([landing_velocity(1.0, 0.0) - v0, landing_velocity(0.0, 1.0) - v0], axis=1)
            hip_rate, knee_rate = np.linalg.solve(jac, want - v0)
            rise = (s_ic[1] - k_min) / (1.0 - u_knee)
            knee_rate = float(np.clip(knee_rate, 0.0, 3.0 * rise))  # flexing, monotone since u_knee
            hip_rate = float(min(0.0, (want[0] - v0[0] - jac[0, 1] * knee_rate) / jac[0, 0]))  # retracting
            self._swing[side] = legs(hip_rate, knee_rate)
            # Vertical lift of the swing foot: c1 (1 - u) u^2 + c2 (1 - u)^2 u^2. Both vanish at toe-off
            # (with zero slope) and at contact; c1 (>= 0: never pushing the leg beyond its reach) makes up
            # the touchdown speed if the joint rates could not, c2 (>= 0) keeps the foot above the belt
            # during the swing (at least 4 mm at mid-swing).
            descent_per_u = self._unlifted_low(side, 1.0 - 1e-4) / 1e-4
            c1 = max(0.0, want[1] - descent_per_u)
            us = np.linspace(0.01, 0.995, 400)
            z_low = np.array([self._unlifted_low(side, u) for u in us])
            w1, w2 = (1 - us) * us * us, (1 - us) ** 2 * us * us
            c2 = max(0.0, float(np.max((0.004 * w2 / w2.max() - z_low - c1 * w1) / w2)))
            self._lift[side] = (c1, c2)
            self.touchdown[side] = {
                "descent_m_per_s": float((descent_per_u + c1) / span),
                "ground_speed_m_per_s": float(self._contact_point_dx_per_u(side) / span + self.speed_ms),
                "hip_extension_rate_deg_per_s": float(-np.degrees(hip_rate) / span),
                "knee_flexion_rate_deg_per_s": float(np.degrees(knee_rate) / span)}

    def _contact_point_dx_per_u(self, side: str) -> float:
        """Forward speed (per unit swing progress, relative to the pelvis) at contact of the swing foot's
        point that lands (heel or toe)."""
        eps = 1e-4
        pivot = "heel" if self._ic[side]["pivot"] == "heel" else "toe"
        a, b = (self._unlifted_forward(side, u, pivot) for u in (1.0 - eps, 1.0))
        return (b - a) / eps

    def _swing_joints(self, side: str, t: float, u: float) -> tuple[np.ndarray, np.ndarray, float]:
        """Hip, ankle before the vertical lift, and foot pitch of the swing leg at swing progress ``u``
        (hip taken at time ``t``)."""
        alpha, kappa, delta, dy = (float(s(u)) for s in self._swing[side])
        dx, dz = _planar_fk(alpha, kappa, self.a.thigh, self.a.shank)
        hip = self.hip(side, t)
        ankle = hip + np.array([dx, dy, dz])
        knee = two_link_ik(hip, ankle, self.a.thigh, self.a.shank, _SWING_KNEE_POLE)
        sk = ankle - knee
        return hip, ankle, np.arctan2(sk[0], -sk[2]) + delta

    def _swing_time(self, side: str, u: float) -> float:
        """A time at swing progress ``u``: where the hip is taken for the swing leg without the lift."""
        return self._time_of_side_phase(side, 0.0) + self.contact_s(side) + u * (self.stride_s - self.contact_s(side))

    def _unlifted_low(self, side: str, u: float) -> float:
        """Height of the swing foot's lowest point (heel or toe) at swing progress ``u``, without the lift."""
        _, ankle, theta = self._swing_joints(side, self._swing_time(side, u), u)
        fl = self._foot_local()
        rot = _rot_y_pitch(theta)
        return min((ankle + rot @ (fl[k] - fl["ankle"]))[2] for k in ("heel", "toe"))

    def _unlifted_forward(self, side: str, u: float, point: str) -> float:
        """Forward position, relative to the pelvis centre, of the swing foot's ``point`` at swing progress
        ``u``, without the lift (which is vertical)."""
        t = self._swing_time(side, u)
        _, ankle, theta = self._swing_joints(side, t, u)
        fl = self._foot_local()
        rot = _rot_y_pitch(theta)
        return float((ankle + rot @ (fl[point] - fl["ankle"]))[0] - self.pelvis(t)[0][0])

    def _swing_leg(self, side: str, t: float, u: float) -> dict:
        hip, ankle, theta = self._swing_joints(side, t, u)
        fl = self._foot_local()
        c1, c2 = self._lift[side]
        ankle = ankle + np.array([0.0, 0.0, (c1 + c2 * (1 - u)) * (1 - u) * u * u])
        knee = two_link_ik(hip, ankle, self.a.thigh, self.a.shank, _SWING_KNEE_POLE)
        rot = _rot_y_pitch(theta)
        pts = {k: ankle + rot @ (v - fl["ankle"]) for k, v in fl.items()}
        return dict(pts, pitch=theta, hip=hip, knee=knee)

    def leg(self, side: str, t: float) -> dict:
        """hip, knee, ankle, heel, toe (3D) and foot pitch of one leg at time t."""
        tau = self.side_phase(side, t) * self.stride_s
        tc = self.contact_s(side)
        if tau < tc:
            return self._stance_leg(side, tau)
        return self._swing_leg(side, t, (tau - tc) / (self.stride_s - tc))

    def lowest_foot_z(self, side: str, t: float) -> float:
        leg = self.leg(side, t)
        return min(leg["heel"][2], leg["toe"][2])

    # ------------------------------------------------------------------ upper body
    def upper_body(self, t: float) -> dict:
        p, a = self.p, self.a
        phi = self.phase(t)
        centre, _ = self.pelvis(t)
        lean = np.radians(p.trunk_lean_deg + 1.0 * np.cos(4 * np.pi * phi))
        up = np.array([np.sin(lean), 0.0, np.cos(lean)])
        mid_sh = centre + a.trunk * up
        yaw = -1.4 * np.radians(p.pelvis_rotation_deg) * np.cos(2 * np.pi * phi)
        rz = _rot_z(yaw)
        arms = {}
        for side, sgn in (("left", 1.0), ("right", -1.0)):
            ph = self.side_phase(side, t)
            amp = np.radians(p.arm_swing_amplitude_deg * p.side(side).arm_swing)
            rho = np.radians(-6.0) - amp * np.cos(2 * np.pi * (ph - 0.85))
            elbow_flex = np.radians(p.elbow_flexion_deg) + 0.3 * amp * np.sin(2 * np.pi * (ph - 0.85) + np.pi / 2)
            fa = rho + elbow_flex
            arms[side] = (rho, np.radians(10.0), np.array([np.sin(fa), -sgn * 0.25, -np.cos(fa)]))
        return self._arms_and_head({"mid_shoulder": mid_sh, "trunk_up": up, "thorax_yaw": yaw, "mid_hip": centre},
                                   lean, rz, arms)

    @cached_property
    def leg_length_m(self) -> float:
        return self.a.thigh + self.a.shank
