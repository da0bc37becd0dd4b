"""The trust gate: checks that a clip can be measured at all, before any running measure is computed.

Each check either passes, adds a :class:`~gait.errors.GaitWarning`, or refuses the clip with a
:class:`~gait.errors.GaitInputError` whose code says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gait import errors as E
from gait.errors import GaitInputError, GaitWarning
from gait.landmarks import INDEX, SIDES, PoseSeries
from gait.metrics import MIN_STEPS_PER_SIDE
from gait.video_io import MIN_FRAMES, VideoInfo

# A frame shows the legs when at least LEG_POINTS_NEEDED of the hips, knees and ankles are inside the frame
# with MediaPipe visibility >= LEG_VISIBILITY. On the shared clips that are analysed, the legs were in view
# in 96-100 % of the frames where a person was found (the far leg of a sprinter is often below 0.5, hence 4
# of 6); on a face close-up (640x480, nothing below the neck) in none: MediaPipe places the legs below the
# frame edge.
LEG_INDICES = (23, 24, 25, 26, 27, 28)  # left/right hip, knee, ankle
LEG_VISIBILITY = 0.5
LEG_POINTS_NEEDED = 4
MIN_LEGS_FRACTION = 0.5  # of the frames where a person was found

# A file is damaged when it stops decoding more than this many frames (or this share) before its end.
DAMAGE_TOLERANCE_FRAMES = 3
DAMAGE_TOLERANCE_FRACTION = 0.02


def legs_in_view(raw: PoseSeries) -> np.ndarray:
    """Per frame: True where the legs are in the frame and visible (see ``LEG_*``)."""
    xy = raw.xy_px[:, LEG_INDICES, :]
    inside = ((xy[..., 0] >= 0) & (xy[..., 0] < raw.width) & (xy[..., 1] >= 0) & (xy[..., 1] < raw.height))
    visible = inside & (np.nan_to_num(raw.visibility[:, LEG_INDICES]) >= LEG_VISIBILITY)
    return np.asarray(visible.sum(axis=1) >= LEG_POINTS_NEEDED)


def refuse_if_legs_not_in_view(raw: PoseSeries, name: str) -> None:
    """Refuse a clip whose person is found but whose legs are out of frame in most frames (a face or an
    upper body close-up): no step can be measured from it."""
    found = np.isfinite(raw.xy_px[:, 0, 0])
    if not found.any():
        return
    fraction = float(np.mean(legs_in_view(raw)[found]))
    if fraction < MIN_LEGS_FRACTION:
        raise GaitInputError(
            f"the legs are out of the frame or hidden in {100 * (1 - fraction):.0f} % of the frames of {name!r} "
            "where a person was found: only the upper body is in view. Film the whole runner, head to feet, "
            "from 3-5 m away.", E.LEGS_NOT_IN_VIEW)


def decoded_end(info: VideoInfo, start: int, end: int, decoded: np.ndarray) -> int | None:
    """The frame index where a damaged file stops decoding, or None when [start, end) decoded whole.

    ``decoded`` holds the file frame indices that decoded."""
    last = int(decoded.max()) + 1 if len(decoded) else start
    missing = end - last
    if missing <= max(DAMAGE_TOLERANCE_FRAMES, DAMAGE_TOLERANCE_FRACTION * (end - start)):
        return None
    return last


def damage_message(info: VideoInfo, stop: int) -> str:
    return (f"the file is damaged after {stop / info.fps:.1f} s: only {stop} of the {info.frame_count} frames "
            f"its header promises ({info.duration_s:.1f} s) could be read")


def check_decoded(info: VideoInfo, start: int, end: int, decoded: np.ndarray) -> GaitWarning | None:
    """A warning when the file stops decoding part way; a refusal (``damaged_file``) when less than 1 s
    (or :data:`MIN_FRAMES` frames) of the chosen segment decodes."""
    stop = decoded_end(info, start, end, decoded)
    if stop is None:
        return None
    if stop - start < max(MIN_FRAMES, info.fps):
        raise GaitInputError(
            f"{info.name!r}: {damage_message(info, stop)}, too little to analyse. The copy is incomplete or "
            "corrupt: copy the video again from the camera or phone.", E.DAMAGED_FILE)
    return GaitWarning(E.FILE_DAMAGED_PART_WAY,
                       f"{damage_message(info, stop)}: only the frames before that were analysed. Copy the "
                       "video again from the camera or phone for a complete analysis.")


# ---- how long a clip must be: one rule per view, counted in steps -------------------------------------

TYPICAL_CADENCE_SPM = 170.0
MIN_STEADY_STEPS = 3  # fewer regular steps than this: refused, whatever the view
ADVISED_STEPS_PER_SIDE = MIN_STEPS_PER_SIDE  # averaged per side for reliable measures (Dingenen 2018)

VIEW_WORDS = {"side": "from the side", "rear": "from behind", "front": "from the front"}


@dataclass(frozen=True)
class LengthRule:
    """How many steps a clip of one view must hold: refused under ``min_steady_steps`` regular steps;
    ``advised_steps_per_side`` per side are asked for (a warning below), shown in seconds at the clip's
    cadence."""

    view: str
    min_steady_steps: int
    advised_steps_per_side: int
    needs: str  # what the camera must see in this view

    @property
    def advised_steps(self) -> int:
        return 2 * self.advised_steps_per_side

    def seconds(self, steps: int, cadence_spm: float | None) -> float:
        return 60.0 * steps / (cadence_spm or TYPICAL_CADENCE_SPM)

    def ask(self, cadence_spm: float | None = None) -> str:
        """What to film, e.g. "Film at least 14 steady steps (7 per side) from behind: about 5 s at its
        cadence of 172 steps/min, ..."."""
        if cadence_spm is not None and np.isfinite(cadence_spm) and cadence_spm > 0:
            cadence, whose = float(cadence_spm), "the cadence measured"
        else:
            cadence, whose = TYPICAL_CADENCE_SPM, "a typical cadence"
        return (f"Film at least {self.advised_steps} steady steps ({self.advised_steps_per_side} per side) "
                f"{VIEW_WORDS.get(self.view, 'from the side')}: about "
                f"{self.seconds(self.advised_steps, cadence):.0f} s at {whose} of {cadence:.0f} steps/min, "
                f"{self.needs}.")


LENGTH_RULES = {
    "side": LengthRule("side", MIN_STEADY_STEPS, ADVISED_STEPS_PER_SIDE,
                       "with the camera at hip height square to the running direction and the whole body, "
                       "feet included, in view"),
    "rear": LengthRule("rear", MIN_STEADY_STEPS, ADVISED_STEPS_PER_SIDE,
                       "with the camera square behind the runner at hip height and the pelvis and both feet "
                       "in view"),
    "front": LengthRule("front", MIN_STEADY_STEPS, ADVISED_STEPS_PER_SIDE,
                        "with the camera square in front of the runner at hip height and the pelvis and both "
                        "feet in view"),
}


def length_rule(view: str) -> LengthRule:
    return LENGTH_RULES.get(view, LENGTH_RULES["side"])


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


# ---- the feet in view --------------------------------------------------------------------------------
#
# MediaPipe places the feet even when they are out of the frame, and says they are visible (a rendered
# runner with the feet below the frame edge: foot visibility 0.7-0.8 at landing), so a foot counts only
# where its points are inside the frame. A step's foot is in view when, in every frame from its landing to
# its toe-off, the ankle, heel and toe points are inside the frame by FOOT_MARGIN_LEG leg lengths (the shoe
# reaches ~2 cm beyond MediaPipe's heel and toe points), with visibility >= FOOT_VISIBILITY in at least
# MIN_SEEN_FRACTION of those frames. On the shared running clips every such point inside the frame in the
# steady steps' stances had visibility >= 0.59 (0.5th percentile of 3049 frames; 1st percentile 0.65),
# while feet hidden or leaving the frame (the ends of the sprint clips) drop to 0.0: 0.5 keeps every step
# whose feet are in the frame.

FOOT_POINTS = ("ankle", "heel", "foot_index")
FOOT_VISIBILITY = 0.5
FOOT_MARGIN_LEG = 0.025
MIN_TRACKED_FRACTION = 0.5  # of a stance's frames: fewer with the foot tracked, the foot is not in view
# of a stance's tracked frames with the foot's points visible: a one-frame dropout, filled by the cleaning,
# does not hide a foot (the landmark runner's 3 % dropouts left a knee angle in no step at 60 and 120 fps)
MIN_SEEN_FRACTION = 0.8
# the measures taken from the feet: at landing, over the stance, or timed by the feet
FOOT_MEASURES = {
    "side": ("ground_contact_time_ms", "flight_time_ms", "duty_factor_pct", "knee_flexion_at_contact_deg",
             "peak_knee_flexion_stance_deg", "shank_angle_at_contact_deg", "overstride_pct_leg",
             "foot_strike_angle_deg", "foot_strike_pattern"),
    "frontal": ("step_width_pct_hip", "crossover"),
}
FOOT_WORDS = {"side": "contact and flight times, duty factor, knee angles at landing and in stance, shank angle, "
                      "overstride and foot strike",
              "frontal": "step width and crossover"}


def feet_in_view(pose: PoseSeries, steps: pd.DataFrame, leg_px: float) -> np.ndarray:
    """Per step: True when its foot's ankle, heel and toe points are inside the frame and visible from its
    landing to its toe-off (module notes above)."""
    margin = FOOT_MARGIN_LEG * leg_px if np.isfinite(leg_px) else 0.0
    out = np.zeros(len(steps), bool)
    for k, (side, ic, to) in enumerate(zip(steps["side"], steps["ic_time_s"], steps["toe_off_time_s"],
                                           strict=True)):
        first = ic * pose.fps - pose.frame_index[0]
        last = to * pose.fps - pose.frame_index[0] if np.isfinite(to) else first
        lo, hi = max(int(np.floor(first)), 0), min(int(np.ceil(last)) + 1, pose.n_frames)
        if hi <= lo:
            continue
        idx = [INDEX[f"{side}_{j}"] for j in FOOT_POINTS]
        xy, vis = pose.xy_px[lo:hi, idx], pose.visibility[lo:hi, idx]
        tracked = np.isfinite(xy).all(axis=(1, 2))
        with np.errstate(invalid="ignore"):
            in_frame = ((xy[..., 0] >= margin) & (xy[..., 0] <= pose.width - margin) & (xy[..., 1] >= margin)
                        & (xy[..., 1] <= pose.height - margin)).all(axis=1)
        seen = (vis >= FOOT_VISIBILITY).all(axis=1)
        out[k] = (tracked.mean() >= MIN_TRACKED_FRACTION and bool(in_frame[tracked].all())
                  and seen[tracked].mean() >= MIN_SEEN_FRACTION)
    return out


def keep_feet_in_view(pose: PoseSeries, steps: pd.DataFrame, view: str, leg_px: float, name: str
                      ) -> tuple[pd.DataFrame, GaitWarning | None]:
    """The step table with the foot measures (``FOOT_MEASURES``) left out of the steps whose foot is not in
    view, and a warning; all of them left out when more than half the steady steps lack their foot
    (``feet_out_of_view``). A side view none of whose steady steps has its foot in view is refused
    (``feet_not_in_view``): its contacts, which divide the run into steps, are then all guesses."""
    kind = "side" if view == "side" else "frontal"
    columns = [c for c in FOOT_MEASURES[kind] if c in steps]
    in_view = feet_in_view(pose, steps, leg_px)
    steady = steps["steady"].to_numpy(bool)
    n_steady, lacking = int(steady.sum()), int((steady & ~in_view).sum())
    if n_steady == 0 or lacking == 0:
        return steps, None
    where = f"out of the frame or hidden in {lacking} of the {n_steady} steady steps"
    if kind == "side" and lacking == n_steady:
        raise GaitInputError(
            f"the feet of {name!r} are {where}, from landing to toe-off (seen from the side): the contacts "
            "cannot be timed, so nothing can be measured. " + length_rule(view).ask(), E.FEET_NOT_IN_VIEW)
    steps = steps.astype({c: object for c in columns if steps[c].dtype == bool})  # a flag becomes None
    if lacking > 0.5 * n_steady:
        steps[columns] = None
        return steps, GaitWarning(E.FEET_OUT_OF_VIEW, (
            f"the feet were {where}: {FOOT_WORDS[kind]} are not given. Film with both feet in the frame, "
            "with some room below them."))
    steps.loc[~in_view, columns] = None
    return steps, GaitWarning(E.FEET_PARTLY_OUT_OF_VIEW, (
        f"the feet were {where}: those steps are left out of the {FOOT_WORDS[kind]}."))


# ---- edited clips: shot cuts and zooms ----------------------------------------------------------------
#
# A cut shows as one frame-to-frame change far larger than any other near it: the mean absolute difference
# of consecutive frames' fingerprints (16x16 pixels sampled on a grid, gait.video_io.fingerprint) at least
# CUT_RATIO times the largest within CUT_WINDOW_S either side, and at least CUT_MIN_DIFFERENCE grey levels.
# Rendered clips cut from a close-up to a wide shot and from a side to a rear view: 5.95 and 3.57 times,
# 36.6 and 20.2 levels; the shared clips (none edited): at most 2.42 times (a sprint start's 2.6 levels)
# and 14.8 levels. A cut across which the runner's size (torso length) changes by ZOOM_SCALE or more is a
# zoom (or a cut to a closer or wider shot). The longest continuous shot that shows the whole body is
# analysed.

CUT_RATIO = 3.0
CUT_MIN_DIFFERENCE = 10.0
CUT_WINDOW_S = 0.5
ZOOM_SCALE = 1.15
WHOLE_BODY_POINTS = ("nose", "left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index",
                     "right_foot_index")


PRINT_SIZE = 16  # pixels across and down of each frame's fingerprint


def frame_prints(path: str, frame_index: np.ndarray) -> np.ndarray | None:
    """(n, 16, 16, 3) fingerprints of the file frames ``frame_index``: each frame scaled by ffmpeg to 16x16
    pixels, nearest neighbour (pixels sampled on a grid), ~2 ms a frame for a 1280x720 clip. None when the
    file's frames cannot all be read this way (a damaged file, an ffmpeg fault): no cut is looked for."""
    import subprocess

    import imageio_ffmpeg

    size = PRINT_SIZE * PRINT_SIZE * 3
    try:
        done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "quiet", "-i", path, "-an", "-sn",
                               "-vf", f"scale={PRINT_SIZE}:{PRINT_SIZE}:flags=neighbor", "-fps_mode", "passthrough",
                               "-f", "rawvideo", "-pix_fmt", "bgr24", "-"], capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return None
    n = len(done.stdout) // size
    if len(frame_index) == 0 or int(np.max(frame_index)) >= n:
        return None
    prints = np.frombuffer(done.stdout[:n * size], np.uint8).reshape(n, PRINT_SIZE, PRINT_SIZE, 3)
    return prints[np.asarray(frame_index, dtype=int)]


def shot_starts(fingerprints: np.ndarray | None, frame_index: np.ndarray, fps: float) -> list[int]:
    """File frame indices where a new shot starts (module notes above); ``fingerprints`` has one row per
    decoded frame of ``frame_index``. None or too few frames: no cut."""
    if fingerprints is None or len(fingerprints) < 3 or len(fingerprints) != len(frame_index):
        return []
    prints = np.asarray(fingerprints, dtype=np.float32).reshape(len(fingerprints), -1)
    change = np.abs(np.diff(prints, axis=0)).mean(axis=1)
    half = max(1, int(round(CUT_WINDOW_S * fps)))
    starts = []
    for t, value in enumerate(change):
        around = np.concatenate([change[max(0, t - half):t], change[t + 1:t + 1 + half]])
        if value >= CUT_MIN_DIFFERENCE and len(around) and value >= CUT_RATIO * max(float(around.max()), 1.0):
            starts.append(int(frame_index[t + 1]))
    return starts


def whole_body_in_view(raw: PoseSeries) -> np.ndarray:
    """Per frame: the legs in view (:func:`legs_in_view`) and the nose, ankles, heels and toes inside the
    frame with visibility >= ``FOOT_VISIBILITY``."""
    idx = [INDEX[name] for name in WHOLE_BODY_POINTS]
    xy, vis = raw.xy_px[:, idx], np.nan_to_num(raw.visibility[:, idx])
    with np.errstate(invalid="ignore"):
        inside = ((xy[..., 0] >= 0) & (xy[..., 0] < raw.width) & (xy[..., 1] >= 0) & (xy[..., 1] < raw.height)
                  & (vis >= FOOT_VISIBILITY))
    return np.asarray(inside.all(axis=1) & legs_in_view(raw))


def _runner_size(raw: PoseSeries, rows: np.ndarray) -> float:
    from gait.cleaning import midpoint

    torso = np.linalg.norm(midpoint(raw, "shoulder")[rows] - midpoint(raw, "hip")[rows], axis=1)
    torso = torso[np.isfinite(torso)]
    return float(np.median(torso)) if len(torso) else float("nan")


# ---- zooms within a shot --------------------------------------------------------------------------------
#
# The runner's size in the frame, per frame: the median over body segments (torso, thighs, shanks, upper
# arms) of each segment's log length, smoothed by a running median over ZOOM_BASELINE_S (a stride at 120
# steps/min or more) and taken relative to its median in the shot. A zoom scales every segment by one
# factor; the runner's own motion changes them unlike each other. Its rate of change is taken over
# 2 x ZOOM_BASELINE_S. A zoom: the size changing at ZOOM_RATE (log units a second, ~10 %/s) or faster, by
# ZOOM_SCALE or more in all, while the runner stays in place (the mid-hip moves across the frame less than
# ZOOM_STAY_LEGS leg lengths, 5-95 %, over it: a treadmill); it spans the frames around that where the
# rate is ZOOM_RATE / 2 or more. The shared clips: those whose runner stays in place (treadmills, the jog on
# the spot, overground runners followed by the camera) at most 0.063 a second (size range 1.16 times);
# the sprint starts and the parkour walk cross the frame (7-15 leg lengths) and change size by up to 1.57
# times: not zooms. A rendered treadmill runner zoomed 1.4 times over 2 s: 0.147 a second. A zoom slower
# than ZOOM_RATE is not detected.

ZOOM_BASELINE_S = 1.0
ZOOM_RATE = 0.1
ZOOM_STAY_LEGS = 1.0
SIZE_SEGMENTS = (("left_hip", "left_knee"), ("right_hip", "right_knee"), ("left_knee", "left_ankle"),
                 ("right_knee", "right_ankle"), ("left_shoulder", "left_elbow"), ("right_shoulder", "right_elbow"))


def runner_size(raw: PoseSeries) -> np.ndarray:
    """Per frame: the log of the runner's size in the frame relative to its median (module notes above);
    NaN where the body is not found."""
    import warnings

    from gait.cleaning import midpoint

    window = max(3, int(round(ZOOM_BASELINE_S * raw.fps)))
    lengths = [np.linalg.norm(midpoint(raw, "shoulder") - midpoint(raw, "hip"), axis=1)]
    lengths += [np.linalg.norm(raw.joint(a) - raw.joint(b), axis=1) for a, b in SIZE_SEGMENTS]
    logs = []
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a body: all-NaN medians
        for length in lengths:
            log = np.log(np.where(length > 0, length, np.nan))
            smooth = pd.Series(log).rolling(window, center=True, min_periods=window // 2).median().to_numpy()
            logs.append(smooth - np.nanmedian(smooth))
        return np.asarray(np.nanmedian(np.array(logs), axis=0))


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True in ``flags``."""
    edges = np.diff(np.concatenate([[0], flags.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def zooms(raw: PoseSeries) -> list[tuple[int, int, float]]:
    """The zooms within one shot (module notes above): (first row, end row, the runner's size at the end
    over that at the start) of each."""
    from gait.cleaning import midpoint
    from gait.events import leg_length_px

    size, k = runner_size(raw), int(round(ZOOM_BASELINE_S * raw.fps))
    rate = np.zeros(raw.n_frames)
    if raw.n_frames > 2 * k:
        rate[k:raw.n_frames - k] = np.nan_to_num((size[2 * k:] - size[:-2 * k]) / (2 * ZOOM_BASELINE_S))
    hip_x, leg = midpoint(raw, "hip")[:, 0], leg_length_px(raw)
    found = []
    for lo, hi in _runs(np.abs(rate) >= ZOOM_RATE / 2):
        ends = size[[lo, hi - 1]]
        x = hip_x[lo:hi][np.isfinite(hip_x[lo:hi])]
        if (np.abs(rate[lo:hi]).max() < ZOOM_RATE or not np.isfinite(ends).all() or len(x) == 0
                or not np.isfinite(leg)):
            continue
        factor = float(np.exp(ends[1] - ends[0]))
        travel = float(np.ptp(np.percentile(x, [5, 95]))) / leg
        if max(factor, 1 / factor) >= ZOOM_SCALE and travel < ZOOM_STAY_LEGS:
            found.append((lo, hi, factor))
    return found


def _stretches(raw: PoseSeries, starts: list[int]) -> tuple[list[tuple[int, int]], list[tuple[int, int, float]]]:
    """The stretches (file frames [lo, hi)) between the cuts ``starts`` and the zooms within each shot,
    and the zooms (file frames [lo, hi), size factor)."""
    bounds = [int(raw.frame_index[0]), *starts, int(raw.frame_index[-1]) + 1]
    stretches, found = [], []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        rows = np.flatnonzero((raw.frame_index >= lo) & (raw.frame_index < hi))
        if len(rows) == 0:
            continue
        shot = raw.replace(**{name: getattr(raw, name)[rows] for name in ROW_FIELDS})
        edge = lo
        for z_lo, z_hi, factor in zooms(shot):
            first, end = int(shot.frame_index[z_lo]), int(shot.frame_index[z_hi - 1]) + 1
            stretches.append((edge, first))
            found.append((first, end, factor))
            edge = end
        stretches.append((edge, hi))
    return [(lo, hi) for lo, hi in stretches if hi > lo], found


ROW_FIELDS = ("xy_px", "depth_px", "visibility", "frame_index")


def _cut_words(raw: PoseSeries, starts: list[int]) -> list[str]:
    fps, window = raw.fps, max(1, int(round(CUT_WINDOW_S * raw.fps)))
    cuts = []
    for start in starts:
        before = (raw.frame_index >= start - window) & (raw.frame_index < start)
        after = (raw.frame_index >= start) & (raw.frame_index < start + window)
        size = _runner_size(raw, after) / _runner_size(raw, before)
        zoom = np.isfinite(size) and max(size, 1 / size) >= ZOOM_SCALE
        looks = f"{max(size, 1 / size):.1f} times {'larger' if size > 1 else 'smaller'}"
        cuts.append(f"{start / fps:.1f} s" + (f" (the runner appears {looks}: a zoom, or a closer or wider shot)"
                                              if zoom else ""))
    return cuts


def choose_shot(raw: PoseSeries, starts: list[int]) -> tuple[PoseSeries, GaitWarning | None]:
    """The rows of ``raw`` in the stretch, between the cuts ``starts`` and the zooms (:func:`zooms`), with
    the most frames showing the whole body, and a warning (``edited_clip``) naming the cuts, the zooms and
    the stretch analysed; ``raw`` as it is when there is neither."""
    if raw.n_frames == 0:
        return raw, None
    stretches, found = _stretches(raw, starts)
    if not starts and not found:
        return raw, None
    fps, whole = raw.fps, whole_body_in_view(raw)
    lo, hi = max(stretches, key=lambda s: (int(whole[(raw.frame_index >= s[0]) & (raw.frame_index < s[1])].sum()),
                                           s[1] - s[0]))
    parts = []
    if starts:
        cuts = _cut_words(raw, starts)
        parts.append(f"the clip is edited: {len(cuts)} shot {'cut' if len(cuts) == 1 else 'cuts'}, at "
                     f"{', '.join(cuts)}")
    if found:
        parts.append("the camera zooms within the shot: " + ", ".join(
            f"at {z_lo / fps:.1f}-{z_hi / fps:.1f} s the runner appears {max(f, 1 / f):.1f} times "
            f"{'larger' if f > 1 else 'smaller'}" for z_lo, z_hi, f in found)
            + " (a zoom, or the camera moving closer or further)")
    warning = GaitWarning(E.EDITED_CLIP, (
        f"{'; '.join(parts)}. Only the longest continuous stretch without a cut or zoom that shows the whole "
        f"body, {lo / fps:.1f}-{hi / fps:.1f} s, was analysed: film one continuous take, without zooming."))
    keep = (raw.frame_index >= lo) & (raw.frame_index < hi)
    return raw.replace(**{name: getattr(raw, name)[keep] for name in ROW_FIELDS}), warning
