"""Everything after the pose pass: a clip's landmarks in, an :class:`~gait.results.Analysis` out (view, leg
labels, cleaning, events, angles, steps, metrics, the running checks and the warnings).

:func:`gait.pipeline.analyze` imports this module once its pose pass is over, so that the analysis's
libraries (pandas, SciPy: about 125 MB) are not held through the pass (docs/speed.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
import pandas as pd

from gait import errors as E
from gait.catalogue import KNEE_MORE_BENT_AT_30_FPS_DEG, LOW_FPS, METRICS, PELVIS_TIMING_SHORT_MS, empty_summary, number
from gait.cleaning import CleaningSummary, mask_low_visibility, smooth, with_feet_for_landings
from gait.errors import GaitInputError, GaitWarning
from gait.events import (
    LANDING_DELAY_PRIOR_S,
    TIMED_BY_PRIOR,
    EventDetection,
    detect_events_frontal,
    detect_events_side,
    leg_length_px,
    order_legs,
)
from gait.frontal_mask import apply_mask
from gait.gate import (
    VIEW_WORDS,
    check_decoded,
    choose_shot,
    damage_message,
    dark_warning,
    decoded_end,
    frame_prints,
    keep_feet_in_view,
    keep_legs_found_at_landing,
    length_rule,
    measure_motion,
    refuse_if_legs_not_in_view,
    refuse_if_not_a_run,
    refuse_if_picture_turned,
    shot_starts,
)
from gait.kinematics import FrontalAngles, SagittalAngles, frontal_angles, sagittal_angles
from gait.landmarks import PoseSeries
from gait.level import PITCH_WARN_DEG, ROLL_WARN_DEG, levelled, turn_words
from gait.measured_error import frontal_error
from gait.metrics import (
    MIN_STEPS_PER_SIDE,
    frontal_step_table,
    oscillation_cadence_spm,
    step_table,
    summarise,
    without_contact_times,
)
from gait.pose import FrameWork, PosePass
from gait.results import Analysis, Options
from gait.video_io import VideoInfo
from gait.view import (
    FRONTAL,
    OBLIQUE_WARN_DEG,
    camera_angle_deg,
    camera_angle_words,
    chosen_view,
    estimate_view,
    front_or_rear_doubt,
    near_side,
    to_runner_sides,
)

MIN_DETECTED_FRACTION = 0.5
MIN_REGULAR_FRACTION = 0.5  # of the detected steps
MAX_DUTY_FACTOR_PCT = 50.0  # running has a flight phase: each foot is on the ground < half the stride
LOW_CADENCE_SPM = 140.0
# steps left out (feet not tracked) are warned of from this share of the steps found: a few of a long clip's
# many are listed in the report's capture quality, not put before the numbers as a reason to doubt them
DROPPED_STEPS_WARN_FRACTION = 0.1
# Nobody runs (a flight phase between steps, which the running checks found) at fewer steps a minute in real
# time: running cadences are 150-200, brisk walking 100-130. A clip this slow plays slower than it was filmed.
SLOWED_CADENCE_SPM = 120.0
# the step columns measured in seconds of capture time, not given when the capture rate is unknown
REAL_TIME_COLUMNS = ("cadence_spm", "ground_contact_time_ms", "flight_time_ms", "stride_length_m")
REAL_TIME_METRICS = REAL_TIME_COLUMNS + ("contact_time_asymmetry_pct",)  # the asymmetry's interval is in ms


def analyze_found(info: VideoInfo, start: int, end: int, found: PosePass, options: Options,
                  works: Sequence[FrameWork]) -> Analysis:
    """The analysis of the pose pass over frames [start, end) (:func:`gait.pipeline.analyze` after the pass):
    the decoded-file, shot and light checks, :func:`analyze_pose`, then the stickers or the person mask's
    frontal measures (``works``: the pass's frame works) and the warnings on the whole clip."""
    raw, others = found.series(info), found.other_persons
    damage = check_decoded(info, start, end, raw.frame_index)
    # the frames' fingerprints as the pose pass sampled them (a damaged file's: sampled again by ffmpeg)
    prints = found.frames.get("fingerprint") if damage is None else None
    if prints is None:
        prints = frame_prints(info.path, raw.frame_index)
    dark = dark_warning(prints, raw, info.width, info.height)
    raw, edited = choose_shot(raw, shot_starts(prints, raw.frame_index, info.fps))
    try:
        analysis = analyze_pose(info, raw, options, found.camera_roll_deg)
    except GaitInputError as exc:
        if edited is not None and damage is None:
            raise GaitInputError(f"{info.name!r}: {edited} In that shot, {exc}", exc.code) from exc
        if damage is None:
            raise
        stop = decoded_end(info, start, end, raw.frame_index) or start
        raise GaitInputError(f"{info.name!r}: {damage_message(info, stop)}; in the part that could be read, "
                             f"{exc}", E.DAMAGED_FILE) from exc
    first = [w for w in (edited, damage) if w is not None]  # the file's own trouble, before all else

    def finished(pose_analysis: Analysis) -> Analysis:
        return replace(pose_analysis, pose_pass=found, warnings=[*first, *pose_analysis.warnings])

    analysis = finished(analysis)
    if options.markers:
        analysis = _with_markers(analysis, options.markers, options.view, lambda: finished(analyze_pose(
            info, raw, replace(options, view="rear"), found.camera_roll_deg)))
    elif analysis.view != "side" and works:
        analysis = apply_mask(analysis)
    if dark is not None:
        analysis = replace(analysis, warnings=[*analysis.warnings, dark])
    if (not_level := _level_warning(analysis.camera_roll_deg, analysis.view)) is not None:
        analysis = replace(analysis, warnings=[*analysis.warnings, not_level])
    if analysis.view == "side" and (tipped := _tipped_warning(analysis.camera_pitch_deg)) is not None:
        analysis = replace(analysis, warnings=[*analysis.warnings, tipped])
    if others.another_person:
        analysis = replace(analysis, warnings=analysis.warnings + [GaitWarning(
            E.ANOTHER_PERSON,
            f"another person was in view in {others.found} of the {others.checked} frames checked, and the "
            "analysis follows one person only: check in the key frames or the annotated video that the "
            "skeleton follows the runner you meant, and film with nobody else in view.")])
    return analysis


def analyze_pose(info: VideoInfo, raw: PoseSeries, options: Options = Options(),
                 roll_deg: float | None = None) -> Analysis:
    """Everything after pose estimation (also used on synthetic landmarks in tests).

    A clip whose steps come slower than anyone runs (:data:`SLOWED_CADENCE_SPM`), with no capture rate
    given, plays slower than it was filmed: its smoothing and event timing, set in real time, would be
    several times off (the shared slowed treadmill clip read a 99 deg peak knee bend and 27 % leg overstride
    at its file's 30 fps, 54 deg and 0.4 % at its capture rate). It is analysed again at the common phone
    capture rate that gives a running cadence (:func:`likely_capture_fps`); that rate being a guess, its
    times (:data:`REAL_TIME_METRICS`) are not given, nor anything built on them (the cadence cue, targets
    and metronome), and a warning asks for the capture rate.
    """
    analysis = _analyze_pose(info, raw, options, roll_deg)
    apparent_spm = number(analysis.metrics["cadence_spm"]["value"])
    if apparent_spm is None or apparent_spm >= SLOWED_CADENCE_SPM or info.slow_motion_factor != 1:
        return analysis
    assumed_fps = likely_capture_fps(info.file_fps, apparent_spm)
    assumed = replace(info, fps=assumed_fps)
    again = _analyze_pose(assumed, raw.replace(fps=assumed_fps), options, roll_deg)
    slowed = GaitWarning(E.SLOWED_FOOTAGE, (
        f"the steps come at {apparent_spm:.0f} a minute as the file plays, slower than anyone runs: it plays "
        f"slower than it was filmed (slow motion). It was analysed as filmed at {assumed_fps:.0f} fps, the "
        "phone rate that gives a running cadence; as that is a guess, cadence, contact and flight times are "
        f"not given: {E.capture_rate_request(assumed_fps)} to have them."))
    return replace(again, steps=again.steps.assign(**{c: np.nan for c in REAL_TIME_COLUMNS}),
                   metrics={**again.metrics, **{k: empty_summary(METRICS[k].unit) for k in REAL_TIME_METRICS}},
                   warnings=[slowed, *again.warnings])


def _analyze_pose(info: VideoInfo, raw: PoseSeries, options: Options, roll_deg: float | None) -> Analysis:
    """:func:`analyze_pose` at the given capture rate."""
    detected = float(np.mean(np.isfinite(raw.xy_px[:, 0, 0]))) if raw.n_frames else 0.0
    name = info.name
    if detected < MIN_DETECTED_FRACTION:
        raise GaitInputError(
            f"a person was found in only {100 * detected:.0f} % of the frames of {name!r}. Film the whole "
            "runner, head to feet, in good light, with nobody else in view, and try again.", E.NO_PERSON
        )
    refuse_if_picture_turned(raw, name)
    refuse_if_legs_not_in_view(raw, name)
    masked = mask_low_visibility(raw)
    estimate = estimate_view(smooth(masked)[0])
    view, view_warning = chosen_view(options.view, estimate, name)
    with _view_doubt_first(name, view_warning):  # a clip refused as the view it was said to be: say the view first
        direction = options.direction or (estimate.direction if view == "side" else 0)
        if view == "side" and direction == 0:
            direction = 1
        swapped = 0
        if view == "side":
            masked, swapped = order_legs(masked, direction)
        sided = to_runner_sides(masked, view, direction, options.mirrored)
        pose, cutoff = smooth(sided)
        cleaning = CleaningSummary(swapped_frames=swapped, cutoff_hz=cutoff,
                                   masked_fraction=float(np.mean(np.isnan(masked.xy_px[:, :, 0]))))
        leg_px = leg_length_px(pose)
        level = levelled(pose, roll_deg)  # measured against the room's upright; drawn as found
        refuse_if_not_a_run(measure_motion(level, view, direction), name)
        angles: SagittalAngles | FrontalAngles
        if view == "side":
            detection = detect_events_side(level, direction, with_feet_for_landings(level, levelled(sided, roll_deg)))
            angles = sagittal_angles(level, direction)
            steps = step_table(level, detection, angles, direction, leg_px, near_side(direction, options.mirrored),
                               options.height_cm, options.speed_kmh)
        else:
            detection = detect_events_frontal(level)
            angles = frontal_angles(level, level_pelvis=True)  # the hip points do not follow the pelvis
            steps = frontal_step_table(level, detection, angles, options.speed_kmh)
        _refuse_if_not_running(steps, name, info, detection, view)
        steps, feet_warning = keep_feet_in_view(pose, steps, view, leg_px, name)
        steps, landing_warning = keep_legs_found_at_landing(steps, info.file_fps)
    if view != "side":  # after the walking check, which reads the pelvis's duty factor
        steps = without_contact_times(steps)
    metrics = summarise(steps)
    if view != "side":
        metrics["cadence_spm"]["value"] = oscillation_cadence_spm(level, steps)
    angle = camera_angle_deg(level, direction, near_side(direction, options.mirrored)) if view == "side" else None
    warnings = [w for w in (view_warning, front_or_rear_doubt(options.view, estimate),
                            *_warnings(info, steps, metrics, detection, detected, cleaning),
                            feet_warning, landing_warning, _oblique_warning(angle))
                if w is not None]  # the view's doubt first
    notes = list(FRONTAL_NOTES) if view != "side" else []
    return Analysis(info=info, options=options, pose=pose, view=view, direction=direction,
                    detection=detection, angles=angles, steps=steps, metrics=metrics,
                    leg_length_px=leg_px, cleaning=cleaning, detected_fraction=detected,
                    warnings=warnings, notes=notes, camera_angle_deg=angle)


# What an oblique camera moved on the rendered runner (8 s, 60 fps, 540x960; measured minus the square
# sagittal truth, less the same clip's errors filmed square; docs/accuracy.md, "Camera off square")
OBLIQUE_EFFECTS = {
    -1: "on a rendered runner filmed 20° off square from behind, the foot angle at landing read 9° higher and the "
        "knee at landing 4° less bent; 40° off, overstride 26 % of leg length lower, the shin at landing 23° "
        "further back, the knee 18° more bent and contact time 92 ms shorter",
    1: "on a rendered runner filmed 20° off square from in front, overstride read 3 % of leg length higher and "
       "contact time 8 ms shorter; 40° off, the knee at landing 4° less bent and the foot angle at landing 6° "
       "lower",
}


def _oblique_warning(angle_deg: float | None) -> GaitWarning | None:
    """A side view filmed more than :data:`~gait.view.OBLIQUE_WARN_DEG` off square: how far, from where, and
    what that moved on the rendered runner."""
    if angle_deg is None or abs(angle_deg) < OBLIQUE_WARN_DEG:
        return None
    return GaitWarning(
        E.OBLIQUE_CAMERA,
        f"the camera looks {camera_angle_words(angle_deg)} (judged by how far apart the hips appear): a side "
        f"view's angles and distances are read in the image, and {OBLIQUE_EFFECTS[int(np.sign(angle_deg))]}. Film "
        "with the phone square to the belt, its back parallel to the running direction.")


# what the measures turned back by the roll are, by view, and how near that brought them (docs/accuracy.md,
# "A camera not level")
LEVEL_EFFECTS = {
    "side": "trunk lean, the shin and foot angles at landing and overstride, read against the upright, were "
            "turned back by as much (the shared treadmill clip turned 4.7° either way then read within 1.2 % of "
            "leg length in overstride and 0.5° in trunk lean and the shin of as filmed, where not turned back it "
            "read up to 10.6 % and 5.7° off; but the pose model reads a turned picture a little differently: a "
            "rendered runner turned 3 to 8° kept up to 4 % of leg length in overstride and 5° in the foot angle)",
    FRONTAL: "pelvic drop from the stickers (the line between them) and hip adduction without stickers (the "
             "thigh against the upright) were turned back by as much (the rear sample turned 5° either way "
             "then read hip adduction within 0.5° of as filmed, where it had read 5° off); knee valgus, an "
             "angle between the thigh and the shin, does not turn",
}


def _level_warning(roll_deg: float | None, view: str) -> GaitWarning | None:
    """A picture turned :data:`~gait.level.ROLL_WARN_DEG` or more from level: by how much, what was turned
    back for it in this view and how near that comes, and how to film level."""
    if roll_deg is None or abs(roll_deg) < ROLL_WARN_DEG:
        return None
    return GaitWarning(
        E.CAMERA_NOT_LEVEL,
        f"the room's upright lines lean {turn_words(roll_deg)} where the runner is: the camera was not level "
        f"(turned, or tipped up or down), and {LEVEL_EFFECTS['side' if view == 'side' else FRONTAL]}. Level the "
        "phone (a tripod with a spirit level, or the camera app's level) and film again.")


# What tipping the camera moved on the rendered runner (8 s, 60 fps, 540x960, the camera 4 m away aimed at the
# runner from below or above; measured minus the truth, less the same clip's errors filmed from 1.0 m at 0.8 m:
# docs/accuracy.md, "A camera tipped up or down")
TIPPED_EFFECTS = {
    -1: "on a rendered runner filmed from 17° below, overstride read 6 % of leg length lower, the foot angle at "
        "landing 7° lower and the shin at landing 4° further back (from 11° below: 3 % of leg length, 2° and 2°)",
    1: "on a rendered runner filmed from 11° above, overstride read 2 % of leg length higher and the foot angle "
       "at landing 3° higher",
}


def _tipped_warning(pitch_deg: float | None) -> GaitWarning | None:
    """A side view whose room's uprights converge as a camera tipped :data:`~gait.level.PITCH_WARN_DEG` or more
    up or down makes them: which way, about how far, what that moved on the rendered runner, and how to film."""
    if pitch_deg is None or abs(pitch_deg) < PITCH_WARN_DEG:
        return None
    way = "down" if pitch_deg > 0 else "up"
    return GaitWarning(
        E.CAMERA_TIPPED,
        f"the room's upright lines converge {way}wards: the camera looked {way} at the runner, about "
        f"{abs(pitch_deg):.0f}° (more if zoomed in), and a side view's angles and distances are read in the image: "
        f"{TIPPED_EFFECTS[1 if pitch_deg > 0 else -1]}. Film with the phone at hip height, level, not tipped up "
        "or down.")


def _with_markers(analysis: Analysis, asked: str, view_given: str | None,
                  from_behind: Callable[[], Analysis]) -> Analysis:
    """The analysis with its frontal measures taken from the stickers ``asked`` (:func:`gait.markers.apply_markers`).
    A clip whose view was not given (``view_given``: None, or :data:`~gait.view.FRONTAL`, the app's rear
    upload) and that the pose model read as filmed in front is analysed again as
    filmed from behind (``from_behind``), where the stickers are, when they are found there: its left and
    right were swapped. The rendered runner filmed from behind by a camera on the floor (0.3 m, tipped up
    7 deg), read as facing the camera (:data:`gait.view.FRONT_MIN_FACING_SHARE`: before it, by the median of
    its frames), had its left knee's valgus given as the right's (7.9 deg against a true 1.3, the right 4.4
    against 9.2); analysed from behind, 1.3 and 9.0 (docs/methods.md, "View detection")."""
    from gait.markers import apply_markers

    if analysis.view != "front" or view_given not in (None, FRONTAL):
        marked = apply_markers(analysis, asked)
        if marked.markers is None:
            return marked
        # stickers found on the back: filmed from behind, as read (gait.view.front_or_rear_doubt)
        return replace(marked, warnings=[w for w in marked.warnings if w.code != E.VIEW_UNSURE])
    try:
        behind = apply_markers(from_behind(), asked)
    except GaitInputError:  # no stickers on the back: a clip filmed in front, as read
        return apply_markers(analysis, asked)
    return replace(behind, warnings=[*(w for w in behind.warnings if w.code != E.VIEW_DISAGREES), GaitWarning(
        E.VIEW_FROM_STICKERS,
        "the pose model read the runner as facing the camera, but the stickers on the back of the body were "
        "found: analysed as filmed from behind, with the runner's left on the picture's left (the model can "
        "take the back of the head for a face). Film from behind at hip height, or give the view (--view rear).")])


@contextmanager
def _view_doubt_first(name: str, view_warning: GaitWarning | None) -> Iterator[None]:
    """Clip ``name`` refused while analysed as the view the user gave, which it does not look (``view_warning``,
    :func:`gait.view.chosen_view`): the refusal says so first, as the likely cause (a front clip given as the
    side view read as "does not look like running", with no word of the view)."""
    try:
        yield
    except GaitInputError as exc:
        if view_warning is None:
            raise
        raise GaitInputError(f"{name!r}: {view_warning} Analysed as said: {exc}", exc.code) from exc


_POSE_DROP_SLOPES = sorted(frontal_error("pelvic_drop_deg", "keypoints")["slope_by_build"].values())  # type: ignore[index]
PELVIC_DROP_NOTE = (
    "Pelvic drop is measured only from stickers on the two dimples of the lower back (marker mode, filmed "
    "from behind: docs/markers.md). The pose model's hip points follow the thighs, not the pelvis: on "
    "rendered runners filmed from behind, the tilt of the line between them moved against the true drop "
    f"({_POSE_DROP_SLOPES[0]:.2f} to {_POSE_DROP_SLOPES[-1]:.2f} times it), so without the stickers no pelvic "
    "drop is given, and hip adduction is the thigh from the vertical (the pelvis taken as level).")
FRONTAL_NOTES = (
    "Frontal angles (knee valgus FPPA, hip adduction, pelvic drop) are 2-D projections onto the image: they "
    "depend on the camera being square behind or in front of the runner and at hip height, and a rotated limb "
    "shows as an angle it does not have. In running, 2-D knee valgus is not related to 3-D knee abduction and "
    "overestimates it (Dingenen 2018; Straub & Powers 2022): read it as an observation, not a joint angle.",
    "2-D pelvic drop reliability is moderate (ICC 0.59-0.77, smallest detectable difference 2.7-2.8 deg). "
    + PELVIC_DROP_NOTE,
    "From behind or in front the steps are timed by the pelvis's up-and-down motion. Its rhythm gives a reliable "
    f"cadence, but on rendered runners it read contact times about {PELVIS_TIMING_SHORT_MS} ms short, and in one "
    "clip the left and right step times differed (0.28 and 0.43 s) for a runner whose did not: contact time, "
    "flight time, duty factor and their left-right difference are given from a side clip only.",
)



CAPTURE_RATES_FPS = (60, 120, 240, 480, 960)
TYPICAL_CADENCE_SPM = 170.0


def likely_capture_fps(file_fps: float, apparent_cadence_spm: float) -> float:
    """The common phone capture rate that would bring an apparent cadence nearest a typical one."""
    wanted = file_fps * TYPICAL_CADENCE_SPM / apparent_cadence_spm
    return float(min(CAPTURE_RATES_FPS, key=lambda fps: abs(np.log(fps / wanted))))


def _refuse_if_not_running(steps: pd.DataFrame, name: str, info: VideoInfo, detection: EventDetection,
                           view: str = "side") -> None:
    steady = steps[steps["steady"] & steps["step_time_s"].notna()]  # regular, alternating steps
    rule = length_rule(view)
    if len(steady) < rule.min_steady_steps or len(steady) < MIN_REGULAR_FRACTION * len(steps):
        apparent_spm = 120.0 / detection.stride_period_s if detection.stride_period_s > 0 else float("nan")
        hint = ""
        if apparent_spm < LOW_CADENCE_SPM and info.slow_motion_factor == 1:
            slow = (f"come at {apparent_spm:.0f} a minute, a walking pace or slower: if you walked, film a run;"
                    if apparent_spm < SLOWED_CADENCE_SPM else f"look slow ({apparent_spm:.0f} per minute):")
            hint = (f" The steps {slow} if this is slow-motion footage, "
                    f"{E.capture_rate_request(likely_capture_fps(info.file_fps, apparent_spm))}.")
        raise GaitInputError(
            f"no steady running found in {name!r}, seen {VIEW_WORDS.get(view, view)}: {len(steady)} regular "
            f"steps of {len(steps)} found, and this view needs {rule.min_steady_steps} or more. "
            + rule.ask(apparent_spm if apparent_spm >= LOW_CADENCE_SPM else None) + hint,
            E.NO_STEADY_RUNNING,
        )
    duty = steady["duty_factor_pct"].dropna()
    if len(duty) >= 3 and duty.median() >= MAX_DUTY_FACTOR_PCT:
        raise GaitInputError(
            f"{name!r}, seen {VIEW_WORDS.get(view, view)}, looks like walking, not running: both feet are on "
            f"the ground together, each foot {duty.median():.0f} % of the stride (a runner's under 50 %, with "
            "a flight phase between steps). Check that this is the clip you meant. " + rule.ask(),
            E.NOT_RUNNING_WALKING,
        )


def _warnings(info: VideoInfo, steps: pd.DataFrame, metrics: dict, detection: EventDetection,
              detected: float, cleaning: CleaningSummary) -> list[GaitWarning]:
    out: list[GaitWarning] = []
    steady = steps[steps["steady"]]
    for side in ("left", "right"):
        n = int((steady["side"] == side).sum())
        if n < MIN_STEPS_PER_SIDE:
            out.append(GaitWarning(
                E.FEW_STEPS_PER_SIDE,
                f"only {n} {side} steps were measured; {MIN_STEPS_PER_SIDE} or more per side give "
                "reliable averages (Dingenen 2018): film a longer run."))
    if info.fps < LOW_FPS:
        contact_times = (metrics.get("ground_contact_time_ms") or {}).get("value") is not None  # not from behind
        out.append(GaitWarning(
            E.LOW_FRAME_RATE,
            f"{info.fps:.0f} fps: {'contact and flight times are' if contact_times else 'the landing times are'} "
            "uncertain by about "
            f"+-{1000 / info.fps / 2:.0f} ms"
            + (", and at landing the knee reads more bent than it was (the side sample at 30 fps: "
               f"{KNEE_MORE_BENT_AT_30_FPS_DEG:.0f} deg more than at {LOW_FPS:.0f})"
               if (metrics.get("knee_flexion_at_contact_deg") or {}).get("value") is not None else "")
            + f"; film at {LOW_FPS:.0f} fps."))
    if info.missing_frames:
        out.append(GaitWarning(
            E.VARIABLE_FRAME_RATE,
            f"the phone recorded this clip at a variable frame rate: {info.missing_frames} of its "
            f"{info.frame_count} frames at {info.file_fps:.0f} fps ({100 * info.missing_frames / info.frame_count:.0f} "
            "%) were not recorded. Each frame is timed by its timestamp and the missing ones are filled in "
            "between the frames either side, so the times hold; a landing in a missing frame is placed less "
            "surely. Phones drop frames in dim light: film in good light, with the frame rate fixed if the "
            "camera has the setting."))
    cadence = metrics["cadence_spm"]["value"]
    if cadence is not None and cadence < LOW_CADENCE_SPM and info.slow_motion_factor == 1:
        request = E.capture_rate_request(likely_capture_fps(info.file_fps, cadence), ", this clip's likely rate")
        out.append(GaitWarning(
            E.LOW_CADENCE,
            f"the cadence, {cadence:.0f} steps/min, is unusually low for running: if this is slow-motion footage, "
            f"{request}."))
    if detection.contact_timing == TIMED_BY_PRIOR:
        out.append(GaitWarning(
            E.LANDINGS_FROM_PRIOR,
            "the feet's up-and-down motion showed too few clear landings, or landings too scattered to time "
            f"them, so each landing was placed the typical {1000 * LANDING_DELAY_PRIOR_S:.0f} ms after the foot's "
            "furthest-forward point: angles at landing are less certain. Film with the phone held still on a "
            "tripod at hip height, close enough that the feet are large, in good light, with both feet in view."))
    found = detection.dropped + len(steps)
    if detection.dropped and detection.dropped >= DROPPED_STEPS_WARN_FRACTION * found:
        out.append(GaitWarning(
            E.STEPS_DROPPED,
            f"{detection.dropped} of {found} steps were left out because the feet were not tracked "
            "(hidden, out of frame or blurred)."))
    if detected < 0.9:
        out.append(GaitWarning(
            E.PERSON_PARTLY_FOUND, f"the runner was found in {100 * detected:.0f} % of the frames only."))
    unsteady = len(steps) - len(steady)
    if unsteady:
        out.append(GaitWarning(
            E.UNSTEADY_STEPS, f"{unsteady} step(s) outside the steady running part were not averaged."))
    return out
