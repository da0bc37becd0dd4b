"""The trust gate, running or not, from the body's motion (module notes below)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait import errors as E
from gait.errors import GaitInputError
from gait.gate.length import VIEW_WORDS, length_rule
from gait.landmarks import SIDES, PoseSeries

# ---- running or not, from the body's motion -------------------------------------------------------------
#
# Running and walking differ in any view and at any frame rate in the phase of the body's height against
# mid-stance: a runner bounces (spring-mass: lowest at mid-stance, airborne between steps), a walker vaults
# over a straight-ish stance leg (highest at mid-stance, both feet down between steps). Mid-stance is when
# one foot passes the other: from the side, where the feet's forward positions (relative to the hip) are
# equal; from behind or in front, where the body sways furthest towards the stance foot (MediaPipe's ankles
# barely show the swing from behind: on the rear sample their alternation is 0.08 leg lengths and
# uncorrelated, while the sway is clear). All times are in units of the clip's own step period, so slowed
# footage reads the same. A run also needs legs that alternate: standing, exercises on the spot and hops
# with both feet together have no alternation.

MOTION_PARTS = ("shoulder", "hip")  # the body's height and sway: the mid-point of these pairs
MAX_STEP_HZ = 5.0  # 300 steps/min
MIN_CYCLES = 3  # steps a clip must hold for its rhythm to be estimated
# Side view: the feet alternate when their forward positions swing >= ALTERNATION_SIDE leg lengths apart
# and back (peak to peak, at the stride rhythm) in opposite phase (correlation <= -ALTERNATION_CORR). Shared
# running clips 0.85-2.5 leg lengths, correlation -0.69 to -1.00; rendered standing, squats, hops: <= 0.04.
ALTERNATION_SIDE = 0.3
ALTERNATION_CORR = 0.3
# Rear or front view: the body sways >= ALTERNATION_FRONTAL leg lengths peak to peak at the stride rhythm.
# Rendered runners and walkers 0.033-0.054, the real front jog 0.050; rendered standing, arm curls and hops
# with both feet 0.002-0.004.
ALTERNATION_FRONTAL = 0.012
# Highest at mid-stance: correlation of the body's height with mid-stance (at the step rhythm). Shared and
# rendered running clips -0.96 to +0.03 (sprint starts, accelerating, the least clear); rendered walking
# +0.80 (side) to +0.95 (front).
MIN_VAULT = 0.4
MIN_BOUNCE = 0.015  # leg lengths, peak to peak: less, and the body's height has no rhythm to read a phase from
# Lunges alternate and vault like walking, but the body goes down and up far more with each step: rendered
# lunges (80 deg of knee flexion) 0.21 leg lengths, rendered walking 0.03-0.07 (a walker's 4-5 cm is ~0.05),
# the shared running clips 0.03-0.17, sprint starts up to 0.39 (none vaults). A vaulting motion with a
# bounce of EXERCISE_BOUNCE or more is an exercise on the spot.
EXERCISE_BOUNCE = 0.15
STILL = 0.06  # leg lengths: no body point moves more than this (5-95 % range): standing still
# Hops with both feet: the two ankles' image heights move together (correlation >= FEET_TOGETHER_CORR)
# by >= FEET_TOGETHER_MOTION leg lengths, the body bouncing with them
FEET_TOGETHER_CORR = 0.5
FEET_TOGETHER_MOTION = 0.03


@dataclass(frozen=True)
class Motion:
    """What the body's motion says about running (module notes above). Amplitudes in leg lengths, peak to
    peak; correlations in [-1, 1]; NaN where the clip holds no rhythm to measure."""

    view: str
    step_period_s: float  # of the body's rhythm (file time)
    alternation: float  # side: the feet's forward swing; rear/front: the body's sway
    feet_correlation: float  # of the two feet's motion at the stride rhythm: -1 alternate, +1 together
    bounce: float  # the body's rise and fall at the step rhythm
    vault: float  # +1: highest at mid-stance (walking); -1: lowest (running)
    feet_together: float  # correlation of the two ankles' image heights at the step rhythm
    ankle_motion: float  # the ankles' image up-and-down at the step rhythm
    movement: float  # the largest 5-95 % range of any body point

    @property
    def alternating(self) -> bool:
        if self.view == "side":
            return self.alternation >= ALTERNATION_SIDE and self.feet_correlation <= -ALTERNATION_CORR
        return self.alternation >= ALTERNATION_FRONTAL

    @property
    def vaulting(self) -> bool:
        return self.alternating and self.bounce >= MIN_BOUNCE and self.vault >= MIN_VAULT

    @property
    def lunging(self) -> bool:
        return self.vaulting and self.bounce >= EXERCISE_BOUNCE

    @property
    def hopping(self) -> bool:
        return (not self.alternating and self.bounce >= MIN_BOUNCE and self.feet_together >= FEET_TOGETHER_CORR
                and self.ankle_motion >= FEET_TOGETHER_MOTION)

    @property
    def still(self) -> bool:
        return self.movement < STILL


def _filled(x: np.ndarray) -> np.ndarray:
    finite = np.isfinite(x)
    return np.where(finite, x, np.mean(x[finite]) if finite.any() else 0.0)


def _band(x: np.ndarray, fps: float, f: float) -> np.ndarray:
    """``x`` (NaN filled) band-passed around ``f`` Hz (0.6 f to 1.6 f, zero phase)."""
    from scipy import signal

    x = _filled(np.asarray(x, float))
    nyquist = fps / 2
    lo, hi = 0.6 * f / nyquist, min(1.6 * f / nyquist, 0.95)
    if not (0 < lo < hi) or len(x) < 16:
        return np.zeros_like(x)
    sos = signal.butter(2, [lo, hi], "band", output="sos")
    return signal.sosfiltfilt(sos, x - x.mean(), padlen=min(len(x) - 1, 3 * 6))


def _power(x: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    x = _filled(np.asarray(x, float))
    x = (x - x.mean()) * np.hanning(len(x))
    n_fft = max(8192, 1 << int(np.ceil(np.log2(len(x) * 8))))
    return np.fft.rfftfreq(n_fft, 1.0 / fps), np.abs(np.fft.rfft(x, n_fft)) ** 2


def _step_frequency(height: np.ndarray | None, alternation: np.ndarray, fps: float) -> float:
    """The step rhythm (Hz) that the body's height (once per step) and the alternation (once per stride)
    show together: the frequency f maximising the height's power at f plus the alternation's at f / 2,
    each relative to its largest; from the alternation alone when ``height`` is None."""
    n = len(alternation)
    lo, hi = MIN_CYCLES * fps / max(n, 1), min(MAX_STEP_HZ, 0.4 * fps)
    if n < 16 or lo >= hi:
        return float("nan")
    f, p_a = _power(alternation, fps)
    p_h = _power(height, fps)[1] if height is not None else np.zeros_like(p_a)
    band = (f >= lo) & (f <= hi)
    half = (f >= lo / 2) & (f <= hi / 2)
    if p_a[half].max() <= 0:
        return float("nan")
    score = np.interp(f / 2, f, p_a / p_a[half].max())
    if p_h[band].max() > 0:
        score = score + p_h / p_h[band].max()
    return float(f[band][int(np.argmax(score[band]))])


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def _amplitude(x: np.ndarray) -> float:
    """Peak-to-peak amplitude of a sinusoid with the standard deviation of ``x``."""
    return float(2 * np.sqrt(2) * np.std(x))


def measure_motion(pose: PoseSeries, view: str, direction: int) -> Motion:
    """The body's motion of a cleaned pose (sides the runner's own; a side view's legs ordered)."""
    from gait.cleaning import midpoint
    from gait.events import foot_forward, leg_length_px

    fps = pose.fps
    leg = leg_length_px(pose)
    nan = float("nan")
    if not np.isfinite(leg) or pose.n_frames < 16:
        return Motion(view, nan, 0.0, nan, 0.0, nan, nan, 0.0, 0.0)
    parts = np.stack([midpoint(pose, part) for part in MOTION_PARTS])
    known = np.isfinite(parts)
    with np.errstate(invalid="ignore"):  # frames with neither pair: NaN
        centre = np.where(known, parts, 0.0).sum(axis=0) / known.sum(axis=0) / leg
    height, sway = -centre[:, 1], centre[:, 0]
    points = (pose.xy_px[:, 11:29] / leg).reshape(pose.n_frames, -1)  # shoulders to ankles
    tracked = points[:, np.isfinite(points).sum(axis=0) >= 2]
    ranges = [np.ptp(np.percentile(x[np.isfinite(x)], [5, 95])) for x in tracked.T]
    movement = float(max(ranges, default=0.0))
    ankles = [pose.joint(f"{s}_ankle")[:, 1] / leg for s in SIDES]
    if view == "side":
        feet = [foot_forward(pose, s, direction, leg) for s in SIDES]
    else:
        feet = [-(a - centre[:, 1]) for a in ankles]  # the ankle's height below the body
    alternation_signal = feet[0] - feet[1] if view == "side" else sway
    # from the side the feet's swing is large and sets the rhythm alone (the body's height may drift: a
    # sprint start rises from a crouch); from behind or in front the height and the sway agree on it
    f_step = _step_frequency(None if view == "side" else height, alternation_signal, fps)
    if not np.isfinite(f_step):
        return Motion(view, nan, 0.0, nan, 0.0, nan, nan, 0.0, movement)
    f_stride = f_step / 2
    alt = _band(alternation_signal, fps, f_stride)
    height_step = _band(height, fps, f_step)
    if view == "side":
        mid_stance = -_band(alt ** 2, fps, f_step)  # the feet pass each other
    else:
        mid_stance = _band(alt ** 2, fps, f_step)  # the body is furthest towards the stance foot
    ankle_step = [_band(a, fps, f_step) for a in ankles]
    return Motion(
        view=view,
        step_period_s=1.0 / f_step,
        alternation=_amplitude(alt),
        feet_correlation=_corr(*(_band(x, fps, f_stride) for x in feet)),
        bounce=_amplitude(height_step),
        vault=_corr(height_step, mid_stance),
        feet_together=_corr(*ankle_step),
        ankle_motion=float(np.mean([_amplitude(a) for a in ankle_step])),
        movement=movement,
    )


def _seen(view: str) -> str:
    return VIEW_WORDS.get(view, f"in a {view} view")


def refuse_if_not_a_run(motion: Motion, name: str) -> None:
    """Refuse a clip whose motion is not running (module notes above): standing still
    (``not_running_standing``), moving on the spot without steps (``not_running_in_place``: squats, arm
    exercises; lunges: vaulting with a deep bounce), hopping with both feet together
    (``not_running_jumping``), or walking (``not_running_walking``: the body highest at mid-stance)."""
    film = "Check that this is the clip you meant. " + length_rule(motion.view).ask()
    seen = _seen(motion.view)
    if not motion.alternating:
        if motion.still:
            raise GaitInputError(
                f"{name!r}, seen {seen}, does not look like running: the person is standing still (no steps, "
                f"and no body point moves more than {100 * motion.movement:.0f} % of a leg length). " + film,
                E.NOT_RUNNING_STANDING)
        if motion.hopping:
            raise GaitInputError(
                f"{name!r}, seen {seen}, looks like jumping on the spot with both feet: the feet rise and land "
                "together while the body bounces, where a runner's feet take turns, one in the air while the "
                "other is on the ground. " + film, E.NOT_RUNNING_JUMPING)
        feet = ("the feet do not swing past each other in turn" if motion.view == "side"
                else "the body does not sway from one foot to the other")
        raise GaitInputError(
            f"{name!r}, seen {seen}, does not look like running: there are no steps ({feet}), though the body "
            "moves: an exercise on the spot (squats, an arm exercise)? " + film, E.NOT_RUNNING_IN_PLACE)
    if motion.lunging:
        raise GaitInputError(
            f"{name!r}, seen {seen}, does not look like running: the legs take turns, but the body goes down and "
            f"up by {100 * motion.bounce:.0f} % of a leg length with each of them, highest as the feet come "
            "together, where a walker's or a runner's moves a few per cent: an exercise on the spot (lunges)? "
            + film, E.NOT_RUNNING_IN_PLACE)
    if motion.vaulting:
        raise GaitInputError(
            f"{name!r}, seen {seen}, looks like walking, not running: the body is highest as one foot passes "
            "the other, vaulting over the standing leg, with both feet on the ground together between steps; a "
            "runner is lowest then, landing into a bounce, and in the air between steps (the phase of the "
            f"body's rise and fall against the steps: {motion.vault:+.2f}, walking +1, running -1). " + film,
            E.NOT_RUNNING_WALKING)
