"""The report's content, before layout: the words and numbers (:class:`Content`, :func:`build_content`)
and the fixed prose (title, methods, measured accuracy, references). Pure: no files, no drawing."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gait.catalogue import (
    NOT_GIVEN,
    Metrics,
    asymmetry_words,
    not_measured,
    number,
    read_metrics,
    shown_metrics,
    spec_of,
    unvalidated_metrics,
    without_withdrawn,
)
from gait.cues import (
    RULES,
    Cue,
    PlanStage,
    cadence_not_suggested,
    cadence_targets,
    cues_from_metrics,
    retraining_plan,
)
from gait.document.before_after import BeforeAfter, before_after_content
from gait.document.pictures import Picture
from gait.errors import sentence_start, warning_text
from gait.measured_error import error_words

if TYPE_CHECKING:
    from gait.history.compare import Comparison

TITLE = "Running gait report"
SUBTITLE = "Running form and runner's knee (patellofemoral pain): measurements from a phone video"
SEVERITY_COLOURS = {"consider": "#D68910", "info": "#5D6D7E"}
# under the key frames (PDF and HTML)
KEY_FRAMES_LEGEND = ("Annotated frames at the landing of each foot (left blue, right orange, knee angle in "
                     "degrees next to the knee). From behind or in front, a white line marks the leg line a "
                     "knee valgus from the body outline or the stickers was measured on.")


# Measured accuracy (README "Measured accuracy": real clips against ../shared/videos ground truth;
# scripts/validate.py on the rendered runner, 19 conditions; rendered rear/front runners from
# tests/test_frontal_synth.py). Errors are analysed minus true.
ACCURACY: tuple[tuple[str, str, str], ...] = (
    ("Cadence", "real treadmill clip 168.7 vs 168.6 steps/min; rendered runner within 0.3 (side view), "
     "0.8 (rear/front view)",
     "real clip; rendered runner"),
    ("Landing (initial contact) time", "sprint starts: 26 of 28 hand-marked touchdowns found within 2 "
     "frames at 30 fps; rendered runner: within 0.44 frame in 13 of 14 side set-ups (0.54 frame with a "
     "forefoot strike)", "real clips, marked by hand; rendered runner"),
    ("Ground contact time", "sprint starts: toe-offs within 2 frames on 22 of 25 hand-marked steps, contact "
     "time 3 ms shorter than marked (median of 22 steps); rendered runner: each side within 10 ms in 14 "
     "of 14 set-ups (-8.8 to +8.1 ms, 10 s clips), left minus right within 10 ms of the truth in 14 of 14: a "
     "left/right difference within 37 ms is not reported", "real clips, marked by hand; rendered runner"),
    ("Knee bend at landing", "rendered runner: within 2° of true in 3 of 14 set-ups (-6.5 to +2.5°, 2.4° low on "
     "average); peak "
     "knee bend in stance reads about 9° low on the leg far from the camera, which is corrected for (left and "
     "right within 3° in 11 of 14 set-ups), but one real clip's two legs still read up to 11° apart",
     "rendered runner; real clips"),
    ("Shin angle at landing", "rendered runner: within 4° in 11 of 14 set-ups (at most 4.9° off, facing "
     "left)", "rendered runner"),
    ("Overstride", "separated labelled overstriding from not on 9 real clips (AUC 1.00); rendered runner: "
     "within 4.6 % of leg length in 13 of 14 set-ups, mostly high (5.1 % at 30 fps)", "real clips, "
     "labelled by eye; rendered runner"),
    ("Knee valgus (rear view)", "ordered, but about half the rendered value (5.4° for 10.7°)",
     "rendered runner"),
    ("Pelvic drop (rear view)", "not validated: 0.2° and 0.9° read for 1° and 9° rendered; the hip "
     "points follow the thighs, not the pelvis",
     "rendered runner"),
)
PUBLISHED = ("For comparison, the best published single-phone systems reach ICC 0.75-0.90 for contact "
             "time, step time and knee flexion with event timing errors of 10-14 ms (BlazePose vs Vicon, "
             "Young 2023), and knee/hip/ankle errors of 5-8° (OpenPose on a treadmill, Van Hooren 2023).")

METHODS = (
    "Pose: MediaPipe Pose (BlazePose, 33 body points) in every frame, offline on the computer that ran "
    "the analysis; nothing was uploaded.",
    "Cleaning: points seen with low confidence are dropped, gaps up to 0.1 s filled, then smoothed "
    "(4th-order zero-phase Butterworth low-pass, at most 10 Hz). Left/right leg label swaps are corrected "
    "from the gait itself.",
    "Steps: each foot's landing and toe-off are found from the foot's motion relative to the hips (side "
    "view; a landing 45 ms after the foot's most forward point when the feet's up-and-down motion is "
    "unclear) or the pelvis' vertical motion (rear view), between video frames. Each value is measured per "
    "step and averaged over the steady running steps; 7 or more steps per side give reliable averages "
    "(Dingenen 2018).",
    "2D: every angle is a projection on the image. It assumes the camera square to the runner at hip "
    "height; a turned limb shows an angle it does not have. Heel eversion (overpronation) cannot be "
    "measured from 33 body points and is not reported.",
    "Cues: a table of rules, one per measure, each with its threshold and evidence (listed below). Where "
    "the literature gives a direction but no cut-off, the threshold is a screening choice of this tool, "
    "not a clinical standard.",
)
ACCURACY_CONSEQUENCE = (
    "What this means for the cues: landing angles and overstride come within a few degrees and a few % "
    "of leg length of the truth on the rendered runner, contact time within 13 ms, the peak knee bend in "
    "stance of the two legs is not comparable from one side (a left/right difference in contact time is "
    "reported only beyond the timing's bound), and pelvic drop and "
    "knee valgus from behind are not validated. Look at the key frames, and treat the numbers as a first "
    "impression for your physical therapist."
)
REFERENCES = (
    "Altman & Davis 2012 (foot strike classification)", "Barton 2016, Br J Sports Med",
    "Bramah 2018 (running kinematics and injury)", "Damsted 2015 (2D running angles between days)",
    "Davis 2020 (gait retraining)", "Dingenen 2018 (2D running analysis reliability)", "dos Santos 2019 (trunk lean)",
    "Esculier 2018 (education and gait retraining, RCT)", "Heiderscheit 2011, Med Sci Sports Exerc",
    "Lenhart 2014, Med Sci Sports Exerc", "Munro 2012 (2D frontal plane projection angle reliability)",
    "Souza 2016, Phys Med Rehabil Clin N Am 27:217",
    "Straub & Powers 2022 (2D vs 3D knee valgus)", "Van Hooren 2023, Scand J Med Sci Sports",
    "Vannatta & Kernozek 2015 (foot strike and patellofemoral stress)",
    "Willson 2014 (step length and patellofemoral stress)", "Willy 2019, J Orthop Sports Phys Ther",
    "Winter 2009 (anthropometry)", "Young 2023, Sensors 23:696",
)


@dataclass(frozen=True)
class MetricRow:
    name: str
    title: str
    value: str
    left: str
    right: str
    sd: str
    n: str
    reference: str
    source: str
    detail: str | None = None  # in place of the left, right and SD cells: an asymmetry's interval and verdict


@dataclass(frozen=True)
class Content:
    """The words and numbers of the report, before layout."""

    title: str
    created: str
    details: list[tuple[str, str]]
    quality: list[tuple[str, str]]
    warnings: list[str]
    metrics: list[MetricRow]
    cues: list[Cue]
    cadence_spm: float | None
    targets: dict[float, int] | None
    plan: list[PlanStage]
    metronome_files: list[str]
    notes: list[str]
    rules: list[tuple[str, str, str, str]]  # measure, cue at, basis, evidence
    views: list[str] = field(default_factory=list)
    before_after: BeforeAfter | None = None  # against the runner's previous saved session
    drawings: list[Picture] = field(default_factory=list)  # shown under the notes (marker mode: the stickers)


def metric_rows(metrics: Metrics, from_markers: frozenset[str] = frozenset(), errors: dict[str, dict] | None = None,
                not_given: Mapping[str, str] | None = None) -> list[MetricRow]:
    """The metric table: the measures shown (:func:`gait.catalogue.shown_metrics`), those measured from
    stickers (``from_markers``, marker mode) said so; then a row for each measure of ``not_given``
    (:func:`gait.catalogue.not_measured`) saying why it is not measured."""
    rows = []
    for name in shown_metrics(metrics):
        m, spec = metrics[name], spec_of(name)
        reference = f"{FROM_STICKERS} {spec.reference}" if name in from_markers else spec.reference
        if errors and errors.get(name):  # a frontal number's measured error for its method (report.json)
            reference = f"{error_words(errors[name]).capitalize()}. {reference}"
        rows.append(MetricRow(
            name=name, title=spec.title, value=spec.format(m["value"]), left=spec.format(m["left"], unit=False),
            right=spec.format(m["right"], unit=False), sd=spec.format(m["sd"], unit=False), n=str(m["n"]),
            reference=reference, source=spec.source, detail=asymmetry_words(name, m)))
    for name, why in (not_given or {}).items():
        spec = spec_of(name)
        rows.append(MetricRow(name=name, title=spec.title, value=NOT_GIVEN, left="", right="", sd="", n="0",
                              reference=f"{why[0].upper()}{why[1:]}.", source=spec.source))
    return rows



FROM_STICKERS = "Measured from the stickers (marker mode; docs/markers.md)."
STICKERS_DRAWING = Path(__file__).with_name("stickers.png")  # where they go (scripts/make_sticker_drawing.py)
STICKERS_CAPTION = "Where the stickers are worn (marker mode), seen from behind: the same on both legs."
STICKERS_NOTE = (
    "Marker mode: the measures marked 'measured from the stickers' come from round stickers on the runner "
    "(per leg: the PSIS at the low back, the back of the thigh below the shorts, the back of the knee, mid-calf, "
    "the Achilles tendon at ankle height and two on the heel counter), not from the pose model's points; on "
    "rendered runners they came within 1.5 deg of the angles of the true sticker centres (rearfoot eversion "
    "2 deg, step width 5 % of hip width).")


def markers_of(report: dict) -> frozenset[str]:
    """The measures of report.json measured from stickers (``quality.frontal_method``)."""
    methods = (report.get("quality") or {}).get("frontal_method") or {}
    return frozenset(k for k, v in methods.items() if v == "markers")


def report_unvalidated(report: dict) -> frozenset[str]:
    """The measures whose method is not validated for the session of report.json
    (:func:`gait.catalogue.unvalidated_metrics`: its measured errors)."""
    return unvalidated_metrics((report.get("quality") or {}).get("frontal_error"))


def _name(path: object) -> str:
    return str(path or "").replace("\\", "/").rsplit("/", 1)[-1] or NOT_GIVEN


def _clip_details(clip: dict) -> str:
    video, segment = clip.get("video") or {}, clip.get("segment") or {}
    fps = video.get("fps")
    text = f"{_name(video.get('path'))}: {clip.get('view') or '?'} view"
    if clip.get("view") == "side" and clip.get("direction"):
        text += f", running towards image {clip['direction']}"
    if fps:
        text += f", {fps:.0f} fps"
        if video.get("file_fps") and abs(video["file_fps"] - fps) > 0.5:
            text += f" (slow motion, file plays at {video['file_fps']:.0f})"
    if segment.get("start_s") is not None and segment.get("end_s") is not None:
        text += f", {segment['start_s']:.1f}-{segment['end_s']:.1f} s analysed"
    return text


def _clip_quality(clip: dict) -> str:
    q = clip.get("quality") or {}
    parts = []
    if q.get("pose_detected_fraction") is not None:
        parts.append(f"runner found in {100 * q['pose_detected_fraction']:.0f} % of frames")
    if q.get("steps_used") is not None:
        parts.append(f"{q['steps_used']} steady steps averaged of {q.get('steps_detected', '?')} found")
    if q.get("steps_dropped"):
        parts.append(f"{q['steps_dropped']} not tracked")
    if q.get("leg_swaps_corrected_frames"):
        parts.append(f"left/right labels corrected in {q['leg_swaps_corrected_frames']} frames")
    fps = (clip.get("video") or {}).get("fps")
    if fps:
        parts.append(f"timing step {1000 / fps:.0f} ms per frame")
    return "; ".join(parts) or NOT_GIVEN


def build_content(report: dict, runner_name: str | None = None, created: str | None = None,
                  metronome_files: list[str] | None = None, before_after: Comparison | None = None) -> Content:
    """The report's content from report.json's content (a single clip's or a session's).

    Tolerates missing or None metrics (rear-view ones in a side-only report and vice versa), missing
    quality fields and an empty metrics dict. ``before_after``, this session against the runner's previous
    saved one (:mod:`gait.history`), adds the before/after section. A number this version no longer gives
    (:func:`gait.catalogue.without_withdrawn`) is left out.
    """
    report = without_withdrawn(report)
    metrics = read_metrics(report.get("metrics"))
    clips = report.get("clips") or [report]
    runner = report.get("runner") or {}
    versions = report.get("versions") or {}
    created = created or _dt.date.today().isoformat()
    details = [("Runner", runner_name or NOT_GIVEN), ("Report date", created)]
    if runner.get("height_cm"):
        details.append(("Height", f"{runner['height_cm']:.0f} cm"))
    if runner.get("speed_kmh"):
        details.append(("Treadmill speed", f"{runner['speed_kmh']:.1f} km/h"))
    for k, clip in enumerate(clips):
        details.append(("Video" if len(clips) == 1 else f"Video {k + 1}", _clip_details(clip)))
    if runner.get("mirrored"):
        details.append(("Mirrored", "yes (left and right swapped back)"))
    details.append(("Analysed with", f"gait {versions.get('tool', '?')}, MediaPipe {versions.get('mediapipe', '?')}"))
    quality = [(f"{clip.get('view') or '?'} view".capitalize() if len(clips) > 1 else "Capture",
                _clip_quality(clip)) for clip in clips]
    warnings = [sentence_start(warning_text(w)) for w in (report.get("quality") or {}).get("warnings") or []]
    cadence = number(metrics["cadence_spm"]["value"])
    rules = [(r.spec.title, r.condition_text, r.threshold_basis, r.evidence) for r in RULES]
    stickers = markers_of(report)
    errors = (report.get("quality") or {}).get("frontal_error")
    notes = list(report.get("notes") or []) + ([STICKERS_NOTE] if stickers else [])
    return Content(
        title=TITLE, created=created, details=details, quality=quality, warnings=warnings,
        metrics=metric_rows(metrics, stickers, errors,
                            not_measured(report.get("view", "side"), report.get("quality") or {})),
        cues=cues_from_metrics(metrics, not_validated=report_unvalidated(report), view=report.get("view", "side")),
        cadence_spm=cadence,
        targets=cadence_targets(cadence), plan=retraining_plan(cadence), metronome_files=metronome_files or [],
        notes=notes, rules=rules,
        views=[str(c.get("view")) for c in clips if c.get("view")],
        before_after=None if before_after is None else before_after_content(before_after),
        drawings=[Picture(STICKERS_CAPTION, STICKERS_DRAWING.read_bytes())] if stickers else [])



def cue_fields(cue: Cue) -> tuple[tuple[str, str], ...]:
    """(label, text) of each part of a cue, in the order both documents show them."""
    return (("What was measured", cue.measured), ("Why it matters for the knee", cue.why),
            ("What to try", cue.try_words), ("Drill", cue.drill),
            ("When to see a professional", cue.see_professional),
            ("Evidence", f"{cue.evidence}. Threshold: {cue.threshold_text} ({cue.threshold_basis})."))


def summary_lines(content: Content) -> list[tuple[str, str]]:
    """(label, text) for the summary: the fired cues (or a line saying none fired), then the cadence targets."""
    lines = [(c.severity_label, c.title) for c in content.cues] or [("Cues", "no rule of the table fired")]
    if content.targets:
        targets = f"{content.targets[5.0]} (+5 %) and {content.targets[10.0]} (+10 %)"
        not_suggested = cadence_not_suggested(content.cadence_spm, content.cues)
        words = (f"yours: {not_suggested}; if your physical therapist advises one, targets {targets}"
                 if not_suggested else f"yours {content.cadence_spm:.0f} steps/min; retraining targets {targets}")
        lines.append(("Cadence", words))
    return lines


def plan_intro(content: Content) -> str:
    """The words above the retraining plan: the runner's cadence targets and the metronome files."""
    if content.targets:
        not_suggested = cadence_not_suggested(content.cadence_spm, content.cues)
        text = (f"Your cadence: {not_suggested}; this plan is for a change your physical therapist advises. "
                if not_suggested else f"Your cadence: {content.cadence_spm:.0f} steps/min. ")
        text += f"Targets: {content.targets[5.0]} (+5 %), then {content.targets[10.0]} (+10 %). "
    else:
        text = "Your cadence could not be measured: targets are your own cadence +5 % and +10 %. "
    if content.metronome_files:
        text += f"Metronome files: {', '.join(content.metronome_files)} (one click per step). "
    return text + ("Keep the same speed: the steps get shorter. Only if your physical therapist agrees, "
                   "and stop any change that makes the pain worse.")
