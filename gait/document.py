"""The gait report for the runner and their physical therapist: a PDF and a self-contained HTML file.

Layers (the data flows one way):

- :func:`build_content` (pure): report.json's content -> :class:`Content`, the words and numbers of the
  report (session, capture quality, metric table with references, cues, retraining plan, methods and
  the measured accuracy).
- :func:`cycle_figure_png` (cycles from :func:`gait.metrics.gait_cycles`): knee flexion (side view) or
  knee valgus and pelvic drop (rear/front view) over the gait cycle, IC to the next IC of the same foot,
  0-100 %, mean +- SD per side (matplotlib, Agg backend).
- :func:`render_pdf` (fpdf2, DejaVu fonts shipped with matplotlib: no network, no system fonts) and
  :func:`render_html` (inline CSS, images as data: URIs, a Content-Security-Policy that forbids any
  fetch): :class:`Content` plus the pictures -> file bytes/text.
- :func:`write_documents`: an analysis or session and its output folder (key frames already written by
  :func:`gait.rendering.write_annotated`) -> ``report.pdf``, ``report.html`` and the metronome WAVs.

Every page says that the report is not a diagnosis.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from gait.catalogue import PELVIS_TIMED_METRICS, unvalidated_metrics
from gait.cues import (
    NOT_A_DIAGNOSIS,
    PLAN_EVIDENCE,
    RULES,
    SEE_A_PROFESSIONAL,
    Cue,
    PlanStage,
    cadence_targets,
    cues_from_metrics,
    retraining_plan,
)
from gait.metrics import gait_cycles, mean_toe_off_pct
from gait.metronome import metronome_file_name, write_metronome

TITLE = "Running gait report"
SUBTITLE = "Running form and runner's knee (patellofemoral pain): measurements from a phone video"
SIDE_COLOURS = {"left": "#2878EB", "right": "#FF8C28"}  # as in the annotated video
SEVERITY_COLOURS = {"consider": "#D68910", "info": "#5D6D7E"}
FORMATS = ("pdf", "html")


@dataclass(frozen=True)
class MetricInfo:
    title: str
    digits: int
    reference: str
    source: str


TIMED_FROM_BEHIND = "Timed from behind: not validated (about 100 ms short on rendered runners). "

# The metric table: the measures linked to runner's knee first. Reference texts: ../shared/DOMAIN.md.
METRIC_INFO: dict[str, MetricInfo] = {
    "cadence_spm": MetricInfo("Cadence", 0, "No universal target (not 180). Retraining: your own +5-10 %.",
                              "Heiderscheit 2011; Lenhart 2014"),
    "overstride_pct_leg": MetricInfo("Overstride (heel ahead of hip)", 1,
                                     "Smaller is the aim. Poorly reproducible from one camera: read with "
                                     "the shin angle.", "Souza 2016"),
    "shank_angle_at_contact_deg": MetricInfo("Shin angle at landing", 1,
                                             "Near vertical (0°) is the aim; + = foot ahead of knee.",
                                             "Souza 2016"),
    "knee_flexion_at_contact_deg": MetricInfo("Knee bend at landing", 0,
                                              "Straighter knee at landing linked to injury. Change < 2.3-3.8° "
                                              "is noise.", "Bramah 2018; Dingenen 2018"),
    "peak_knee_flexion_stance_deg": MetricInfo("Peak knee bend in stance", 0,
                                               "Largest bend between landing and toe-off.", "Souza 2016"),
    "foot_strike_pattern": MetricInfo("Foot strike", 0,
                                      "Rearfoot > 8°, forefoot < -1.6° foot angle (indicative: no standing "
                                      "trial).", "Altman & Davis 2012"),
    "foot_strike_angle_deg": MetricInfo("Foot angle at landing", 1,
                                        "+ = toe up. Forefoot strike: -27 % peak knee-cap stress.",
                                        "Vannatta & Kernozek 2015"),
    "pelvic_drop_deg": MetricInfo("Pelvic drop (swing side)", 1,
                                  "Not validated here (see Methods). +1° drop: 80 % higher odds of injury. "
                                  "2D: change < 2.8° is noise.",
                                  "Bramah 2018; Dingenen 2018"),
    "knee_valgus_fppa_deg": MetricInfo("Knee valgus (2D FPPA)", 1,
                                       "Squat/landing: controls 8-13°, knee pain 17-22°. In running an "
                                       "observation only (2D).", "Dingenen 2018; Straub & Powers 2022"),
    "hip_adduction_deg": MetricInfo("Hip adduction (2D)", 1,
                                    "With pelvic drop, explained 88 % of 3D hip adduction.", "Souza 2016"),
    "step_width_pct_hip": MetricInfo("Step width", 0, "Feet should not cross the midline (0 or less: "
                                     "crossing).", "Souza 2016"),
    "crossover_pct": MetricInfo("Crossover steps", 0, "Feet should not cross the midline.", "Souza 2016"),
    "ground_contact_time_ms": MetricInfo("Ground contact time", 0,
                                         "Landing to toe-off; uncertain by half a frame.", "Young 2023"),
    "flight_time_ms": MetricInfo("Flight time", 0, "Toe-off to the other foot's landing; > 0 in running.",
                                 "definition"),
    "duty_factor_pct": MetricInfo("Duty factor", 0, "Share of the stride on the ground; < 50 % running.",
                                  "definition"),
    "trunk_lean_deg": MetricInfo("Trunk forward lean", 1,
                                 "Some forward lean is often advised for knee pain: not a fault.",
                                 "Barton 2016; dos Santos 2019"),
    "vertical_oscillation_cm": MetricInfo("Vertical oscillation", 1, "Rise and fall of the hips per step "
                                          "(leg = 0.491 x height).", "Winter 2009"),
    "vertical_oscillation_pct_leg": MetricInfo("Vertical oscillation", 1, "Rise and fall of the hips per "
                                               "step, % of leg length.", "Souza 2016"),
    "stride_length_m": MetricInfo("Stride length", 2, "Belt speed x stride time. +10 % step length: +31 % "
                                  "knee-cap stress per step.", "Willson 2014"),
}

UNIT_SHOWN = {"deg": "°", "steps/min": "steps/min", "% leg length": "% leg", "% hip width": "% hip",
              "% of steps": "%"}

# Measured accuracy (README "Measured accuracy": real clips against ../shared/videos ground truth;
# scripts/validate.py on the rendered runner, 19 conditions, 2026-11-26; rendered rear/front runners from
# tests/test_frontal_synth.py). Errors are analysed minus true.
ACCURACY: tuple[tuple[str, str, str], ...] = (
    ("Cadence", "real treadmill clip 168.7 vs 168.6 steps/min; rendered runner within 0.2 (side view), "
     "0.8 (rear/front view)",
     "real clip; rendered runner"),
    ("Landing (initial contact) time", "sprint starts: 25 of 28 hand-marked touchdowns found within 2 "
     "frames at 30 fps; rendered runner: within 0.2 frame at 60 fps in 13 of 14 side set-ups, timed 45 ms "
     "after the foot's most forward point (the typical delay, from the sprint marks); about 1 frame late "
     "where the feet's vertical motion is used (forefoot strike)", "real clips, marked by hand; rendered "
     "runner"),
    ("Ground contact time", "sprint starts: 28 ms shorter than hand-marked (median of 22 steps); rendered "
     "runner: 15 to 85 ms too long (toe-off read late)", "real clips, marked by hand; rendered runner"),
    ("Knee bend at landing", "rendered runner: 2-4.5° more bent than true in most set-ups (-4 to +8°)",
     "rendered runner"),
    ("Shin angle at landing", "rendered runner: within 3° in 13 of 14 set-ups (8° too vertical with a "
     "forefoot strike)", "rendered runner"),
    ("Overstride", "separated labelled overstriding from not on 9 real clips (AUC 1.00); rendered runner: "
     "within 3 % of leg length", "real clips, labelled by eye; rendered runner"),
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
    "of leg length of the truth on the rendered runner, but contact time reads long, and pelvic drop and "
    "knee valgus from behind are not validated. Look at the key frames, and treat the numbers as a first "
    "impression for your physical therapist."
)
REFERENCES = (
    "Altman & Davis 2012 (foot strike classification)", "Barton 2016, Br J Sports Med",
    "Bramah 2018 (running kinematics and injury)", "Davis 2020 (gait retraining)",
    "Dingenen 2018 (2D running analysis reliability)", "dos Santos 2019 (trunk lean)",
    "Esculier 2018 (education and gait retraining, RCT)", "Heiderscheit 2011, Med Sci Sports Exerc",
    "Lenhart 2014, Med Sci Sports Exerc", "Souza 2016, Phys Med Rehabil Clin N Am 27:217",
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


def fmt(value: object, digits: int, unit: str = "") -> str:
    """A number rounded with its unit, a string as is, a missing value as a dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, str):
        return value
    text = f"{float(value):.{digits}f}"  # type: ignore[arg-type]
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("°", "%") else f"{text} {unit}"


def _unit(unit: str | None) -> str:
    return UNIT_SHOWN.get(unit or "", unit or "")


def metric_rows(metrics: dict[str, dict], primary_view: str | None = "side") -> list[MetricRow]:
    """The metric table: known measures in :data:`METRIC_INFO` order, then unknown ones; only measured
    ones (value not None). Vertical oscillation in cm replaces the % of leg length when both exist.
    ``primary_view``: the view that timed the steps; from behind, the timing measures say so."""
    timed_from_behind = unvalidated_metrics(primary_view) & PELVIS_TIMED_METRICS
    names = [n for n in METRIC_INFO if n in metrics] + [n for n in metrics if n not in METRIC_INFO]
    names = [n for n in names if isinstance(metrics[n], dict) and metrics[n].get("value") is not None]
    if "vertical_oscillation_cm" in names and "vertical_oscillation_pct_leg" in names:
        names.remove("vertical_oscillation_pct_leg")
    rows = []
    for name in names:
        m = metrics[name]
        info = METRIC_INFO.get(name) or MetricInfo(
            re.sub(r"_(deg|pct|ms|m|cm|spm)$", "", name).replace("_", " ").capitalize(), 1, "", "")
        unit = _unit(m.get("unit"))
        rows.append(MetricRow(
            name=name, title=info.title, value=fmt(m.get("value"), info.digits, unit),
            left=fmt(m.get("left"), info.digits), right=fmt(m.get("right"), info.digits),
            sd=fmt(m.get("sd"), info.digits), n=str(m.get("n") or 0),
            reference=TIMED_FROM_BEHIND + info.reference if name in timed_from_behind else info.reference,
            source=info.source))
    return rows


def _name(path: object) -> str:
    return str(path or "").replace("\\", "/").rsplit("/", 1)[-1] or "–"


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
    return "; ".join(parts) or "–"


def build_content(report: dict, runner_name: str | None = None, created: str | None = None,
                  metronome_files: list[str] | None = None) -> Content:
    """The report's content from report.json's content (a single clip's or a session's).

    Tolerates missing or None metrics (rear-view ones in a side-only report and vice versa), missing
    quality fields and an empty metrics dict.
    """
    metrics = report.get("metrics") or {}
    clips = report.get("clips") or [report]
    runner = report.get("runner") or {}
    versions = report.get("versions") or {}
    created = created or _dt.date.today().isoformat()
    details = [("Runner", runner_name or "–"), ("Report date", created)]
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
    warnings = [w[:1].upper() + w[1:] for w in (report.get("quality") or {}).get("warnings") or []]
    cadence = (metrics.get("cadence_spm") or {}).get("value")
    rules = [(METRIC_INFO[r.metric].title if r.metric in METRIC_INFO else r.metric,
              r.condition_text, r.threshold_basis, r.evidence) for r in RULES]
    return Content(
        title=TITLE, created=created, details=details, quality=quality, warnings=warnings,
        metrics=metric_rows(metrics, report.get("view", "side")), cues=cues_from_metrics(metrics),
        cadence_spm=cadence,
        targets=cadence_targets(cadence), plan=retraining_plan(cadence), metronome_files=metronome_files or [],
        notes=list(report.get("notes") or []), rules=rules,
        views=[str(c.get("view")) for c in clips if c.get("view")])


# ---------------------------------------------------------------- gait-cycle plots

def cycle_figure_png(clip: object) -> bytes | None:
    """The gait-cycle figure of one analysed clip as PNG bytes: knee flexion (side view), or knee
    valgus (FPPA) and pelvic drop (rear/front view); mean and +-1 SD per side. None without strides."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    angles, steps, time_s = clip.angles, clip.steps, clip.pose.time_s  # type: ignore[attr-defined]
    if clip.view == "side":  # type: ignore[attr-defined]
        panels = [("Knee flexion over the gait cycle", "knee flexion (°)", angles.knee_flexion_deg, False)]
    else:
        panels = [("Knee valgus (2D FPPA)", "FPPA (°)", angles.fppa_deg, False),
                  ("Pelvic drop while standing on each foot (landing to toe-off)", "drop (°)",
                   angles.pelvic_drop_deg, True)]
    fig = Figure(figsize=(7.0, 2.6 * len(panels)), dpi=150, layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    drawn = False
    for ax, (title, ylabel, series, stance_only) in zip(axes, panels, strict=False):
        for side, colour in SIDE_COLOURS.items():
            cycles = gait_cycles(np.asarray(series[side], float), time_s, steps, side)
            if len(cycles) == 0:
                continue
            drawn = True
            pct = np.linspace(0, 100, cycles.shape[1])
            mean, sd = cycles.mean(axis=0), cycles.std(axis=0)
            toe_off = mean_toe_off_pct(steps, side)
            if stance_only and toe_off is not None:  # the stance side's drop means nothing in swing
                mean, sd = np.where(pct <= toe_off, mean, np.nan), np.where(pct <= toe_off, sd, np.nan)
            ax.fill_between(pct, mean - sd, mean + sd, color=colour, alpha=0.2, linewidth=0)
            ax.plot(pct, mean, color=colour, linewidth=2, label=f"{side} ({len(cycles)} strides)")
            if toe_off is not None:
                ax.axvline(toe_off, color=colour, linestyle="--", linewidth=1)
        ax.set_xlim(0, 100)
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left", fontsize=10)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(frameon=False, fontsize=8)
    axes[-1].set_xlabel("% of stride, from the foot's landing to its next landing (dashed: toe-off); "
                        "band: ±1 SD", fontsize=8)
    if not drawn:
        return None
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# ---------------------------------------------------------------- pictures

@dataclass(frozen=True)
class Picture:
    caption: str
    png: bytes

    @property
    def size_px(self) -> tuple[int, int]:
        """(width, height) from the PNG header."""
        return int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big")


KEY_FRAME_RE = re.compile(r"keyframe(?:_(?P<view>[a-z]+\d*))?_(?P<side>left|right)_contact\.png$")


def runner_box(xy_px: np.ndarray, width: int, height: int, margin: float = 0.12
               ) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the landmarks of one frame (33, 2), with ``margin`` of the body height
    on each side, inside the image; None when fewer than 5 landmarks are known."""
    known = xy_px[np.all(np.isfinite(xy_px), axis=1)]
    if len(known) < 5:
        return None
    (x0, y0), (x1, y1) = known.min(axis=0), known.max(axis=0)
    pad = margin * max(y1 - y0, x1 - x0)
    box = (int(max(0, x0 - pad)), int(max(0, y0 - 1.5 * pad)), int(min(width, x1 + pad)),
           int(min(height, y1 + pad)))
    return box if box[2] - box[0] > 10 and box[3] - box[1] > 10 else None


def crop_png(png: bytes, box: tuple[int, int, int, int] | None) -> bytes:
    """The PNG cropped to ``box`` (x0, y0, x1, y1); unchanged when ``box`` is None."""
    if box is None:
        return png
    import cv2

    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        return png
    x0, y0, x1, y1 = box
    ok, data = cv2.imencode(".png", img[y0:y1, x0:x1])
    return data.tobytes() if ok else png


def key_frame_boxes(clip: object) -> dict[str, tuple[int, int, int, int] | None]:
    """Per side, the crop box around the runner in the clip's key frame (gait.rendering's choice)."""
    from gait.rendering import PANEL_METRICS, key_frame_rows

    pose = clip.pose  # type: ignore[attr-defined]
    # the summary panel at the top-left of the frame (gait.rendering.annotate_frame): crop it whole or not
    panel_px = 24 * max(0.6, pose.height / 720) * (len(PANEL_METRICS["side"]) + 0.5)
    boxes = {}
    for side, row in key_frame_rows(clip).items():
        box = runner_box(pose.xy_px[row], pose.width, pose.height)
        top = np.nanmin(pose.xy_px[row][:, 1]) if np.any(np.isfinite(pose.xy_px[row])) else 0.0
        if box is not None and box[1] < panel_px:
            box = (box[0], int(panel_px) if top > panel_px + 10 else 0, box[2], box[3])
        boxes[side] = box
    return boxes


def key_frame_pictures(folder: Path, views: dict[str, str] | None = None,
                       boxes: dict[tuple[str, str], tuple[int, int, int, int] | None] | None = None
                       ) -> list[Picture]:
    """The key frames an analysis wrote into ``folder`` (``keyframe[_<view>]_<side>_contact.png``),
    captioned; ``views`` maps a file suffix ('' for the primary clip) to its view name, ``boxes`` a
    (suffix, side) to the crop around the runner."""
    pictures = []
    found = [(KEY_FRAME_RE.search(p.name), p) for p in Path(folder).glob("keyframe*_contact.png")]
    found = sorted(((m, p) for m, p in found if m), key=lambda mp: (mp[0]["view"] or "", mp[0]["side"]))
    for match, path in found:
        suffix = match["view"] or ""
        view = (views or {}).get(suffix, suffix or "side")
        what = "knee bend at landing" if view == "side" else "knee valgus in stance"
        caption = (f"{match['side'].capitalize()} foot landing, {re.sub(r'[0-9]', '', view)} view: the "
                   f"step with the median {what}")
        box = (boxes or {}).get((suffix, match["side"]))
        pictures.append(Picture(caption, crop_png(path.read_bytes(), box)))
    return pictures


# ---------------------------------------------------------------- HTML

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#1c2833;max-width:60rem;margin:1.5rem auto;
padding:0 1rem;line-height:1.45;font-size:15px}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:2px solid #d5d8dc;padding-bottom:.2rem;
margin-top:2rem}h3{font-size:1.05rem;margin:.2rem 0 .4rem}
.sub{color:#566573;margin:0 0 1rem}.banner{background:#fef5e7;border-left:6px solid #d68910;padding:.6rem .9rem;
margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem .4rem;
border-bottom:1px solid #e5e8e8;vertical-align:top}th{background:#f2f3f4}td.num{text-align:right;
white-space:nowrap}.kv th{width:11rem;background:none}.src{color:#566573;font-style:italic}
.cue{border-left:6px solid #5d6d7e;background:#fbfcfc;padding:.5rem .9rem;margin:.8rem 0;page-break-inside:avoid}
.tag{display:inline-block;color:#fff;border-radius:.8rem;padding:0 .6rem;font-size:.8rem;margin-left:.4rem}
.cue dl{margin:.3rem 0}.cue dt{font-weight:bold;margin-top:.35rem}.cue dd{margin:0}
figure{margin:.6rem 0;display:inline-block;vertical-align:top}figure img{max-width:100%;border:1px solid #d5d8dc}
.frames figure{width:48%}.frames img{max-height:30rem}figcaption{font-size:.85rem;color:#566573}
.warn li{color:#7e5109}footer{margin-top:2rem;color:#566573;font-size:.85rem;border-top:1px solid #d5d8dc;
padding-top:.5rem}
@media print{body{font-size:11pt}h2{page-break-after:avoid}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _img(picture: Picture) -> str:
    data = base64.b64encode(picture.png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(picture.caption)}">'
            f"<figcaption>{_e(picture.caption)}</figcaption></figure>")


def _cue_html(cue: Cue) -> str:
    colour = SEVERITY_COLOURS[cue.severity]
    items = (("What was measured", cue.measured), ("Why it matters for the knee", cue.why),
             ("What to try", cue.try_words), ("Drill", cue.drill),
             ("When to see a professional", cue.see_professional),
             ("Evidence", f"{cue.evidence}. Threshold: {cue.threshold_text} "
                          f"({cue.threshold_basis})."))
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return (f'<div class="cue" style="border-left-color:{colour}"><h3>{_e(cue.title)}'
            f'<span class="tag" style="background:{colour}">{_e(cue.severity_label)}</span></h3>'
            f"<dl>{body}</dl></div>")


def render_html(content: Content, key_frames: list[Picture] = (), plots: list[Picture] = ()) -> str:  # type: ignore[assignment]
    """The report as one self-contained HTML page: inline CSS, images as data: URIs, and a
    Content-Security-Policy that forbids loading anything (no network)."""
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; '
           'style-src \'unsafe-inline\'">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(content.title)} – {_e(content.created)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{_e(content.title)}</h1><p class=\"sub\">{_e(SUBTITLE)}</p>",
           f'<div class="banner"><strong>Not a diagnosis.</strong> {_e(NOT_A_DIAGNOSIS)}</div>',
           "<h2>Runner and session</h2><table class=\"kv\">"]
    out += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in content.details]
    out.append("</table><h2>Capture quality</h2><table class=\"kv\">")
    out += [f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in content.quality]
    out.append("</table>")
    if content.warnings:
        out.append('<ul class="warn">' + "".join(f"<li>{_e(w)}</li>" for w in content.warnings) + "</ul>")
    out.append("<h2>Summary</h2>" + _summary_html(content))
    out.append("<h2>Measurements</h2><p>Mean over the steady steps; left and right are the runner's own "
               "sides; SD: step-to-step spread.</p><table><tr><th>Measure</th><th>Value</th><th>Left</th>"
               "<th>Right</th><th>SD</th><th>Steps</th><th>Reference</th></tr>")
    for r in content.metrics:
        out.append(f"<tr><td>{_e(r.title)}</td><td class=\"num\"><strong>{_e(r.value)}</strong></td>"
                   f"<td class=\"num\">{_e(r.left)}</td><td class=\"num\">{_e(r.right)}</td>"
                   f"<td class=\"num\">{_e(r.sd)}</td><td class=\"num\">{_e(r.n)}</td>"
                   f"<td>{_e(r.reference)} <span class=\"src\">({_e(r.source)})</span></td></tr>")
    out.append("</table>")
    if not content.metrics:
        out.append("<p>No measurement could be made.</p>")
    for note in content.notes:
        out.append(f"<p class=\"src\">{_e(note)}</p>")
    if key_frames:
        out.append("<h2>Key frames at landing</h2><div class=\"frames\">" + "".join(map(_img, key_frames))
                   + "</div>")
    if plots:
        out.append("<h2>Over the gait cycle</h2>" + "".join(map(_img, plots)))
    out.append("<h2>Form cues</h2><p>Options to discuss with your physical therapist, most important "
               "first.</p>")
    out += [_cue_html(c) for c in content.cues] or ["<p>No rule of the table fired for these measurements. "
                                                    "That does not rule out a problem: see the methods.</p>"]
    out.append(f"<p><strong>When to see a professional.</strong> {_e(SEE_A_PROFESSIONAL)}</p>")
    out.append("<h2>Retraining plan</h2>" + _plan_intro_html(content) +
               f"<p class=\"src\">Evidence: {_e(PLAN_EVIDENCE)}.</p>"
               "<table><tr><th>When</th><th>Target cadence</th><th>What to do</th></tr>")
    for stage in content.plan:
        target = f"{stage.cadence_spm} steps/min" if stage.cadence_spm else "–"
        out.append(f"<tr><td>{_e(stage.weeks)}</td><td class=\"num\">{_e(target)}</td><td>{_e(stage.what)}"
                   "</td></tr>")
    out.append("</table>")
    out.append("<h2>Methods and accuracy</h2>" + "".join(f"<p>{_e(p)}</p>" for p in METHODS))
    out.append("<h3>Measured accuracy of this tool</h3><table><tr><th>Measure</th><th>Error</th>"
               "<th>Tested on</th></tr>")
    out += [f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td>{_e(c)}</td></tr>" for a, b, c in ACCURACY]
    out.append(f"</table><p>{_e(ACCURACY_CONSEQUENCE)}</p><p>{_e(PUBLISHED)}</p>")
    out.append("<h3>Cue rules</h3><table><tr><th>Measure</th><th>Cue at</th><th>Basis of the threshold</th>"
               "<th>Evidence</th></tr>")
    out += [f"<tr><td>{_e(a)}</td><td class=\"num\">{_e(b)}</td><td>{_e(c)}</td><td class=\"src\">{_e(d)}"
            "</td></tr>" for a, b, c, d in content.rules]
    out.append("</table><h3>References</h3><ul>" + "".join(f"<li>{_e(r)}</li>" for r in REFERENCES) + "</ul>")
    out.append(f"<footer>{_e(NOT_A_DIAGNOSIS)}</footer></body></html>")
    return "\n".join(out)


def _summary_lines(content: Content) -> list[tuple[str, str]]:
    """(severity label, text) for the summary: the fired cues, then the cadence targets."""
    lines = [(c.severity_label, c.title) for c in content.cues]
    if content.targets:
        lines.append(("Cadence", f"yours {content.cadence_spm:.0f} steps/min; retraining targets "
                                 f"{content.targets[5.0]} (+5 %) and {content.targets[10.0]} (+10 %)"))
    return lines


def _summary_html(content: Content) -> str:
    lines = _summary_lines(content)
    if not content.cues:
        lines.insert(0, ("Cues", "no rule of the table fired"))
    return "<ul>" + "".join(f"<li><strong>{_e(k)}:</strong> {_e(v)}</li>" for k, v in lines) + "</ul>"


def _plan_intro(content: Content) -> str:
    if content.targets:
        text = (f"Your cadence: {content.cadence_spm:.0f} steps/min. Targets: {content.targets[5.0]} "
                f"(+5 %), then {content.targets[10.0]} (+10 %). ")
    else:
        text = "Your cadence could not be measured: targets are your own cadence +5 % and +10 %. "
    if content.metronome_files:
        text += f"Metronome files: {', '.join(content.metronome_files)} (one click per step). "
    return text + ("Keep the same speed: the steps get shorter. Only if your physical therapist agrees, "
                   "and stop any change that makes the pain worse.")


def _plan_intro_html(content: Content) -> str:
    return f"<p>{_e(_plan_intro(content))}</p>"


# ---------------------------------------------------------------- PDF

def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


KEY_FRAME_MAX_H_MM = 105.0
PLOT_MAX_H_MM = 120.0
PICTURE_GAP_MM = 6.0
HEADING_KEEP_MM = 32.0  # a heading and a few lines of what follows
CUE_RULES_MIN_MM = 60.0  # the "Cue rules" heading, the table's header and about three rules


def render_pdf(content: Content, key_frames: list[Picture] = (), plots: list[Picture] = ()) -> bytes:  # type: ignore[assignment]
    """The report as an A4 PDF (fpdf2), DejaVu Sans embedded (matplotlib's copy)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class _PDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 7.5)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, f"{TITLE}, {content.created}. Not a diagnosis: discuss it with a physical "
                            f"therapist.   Page {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = _PDF(format="A4")
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.set_title(f"{TITLE} {content.created}")
    pdf.set_creator("gait (open-source running-form analyzer)")
    pdf.add_page()
    width = pdf.epw

    def heading(text: str, size: float = 13, keep_mm: float = HEADING_KEEP_MM) -> None:
        """A new page first unless ``keep_mm`` (the heading and what must stay with it) fits below."""
        if not _fits(pdf, keep_mm):
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(28, 40, 51)
        pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(200, 204, 208)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(2)
        pdf.set_text_color(0, 0, 0)

    def para(text: str, size: float = 9.5, style: str = "", h: float = 4.8) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT", markdown=True, align="L")

    def key_values(rows: list[tuple[str, str]]) -> None:
        pdf.set_font("DejaVu", "", 9)
        with pdf.table(col_widths=(32, width - 32), first_row_as_headings=False, borders_layout="NONE",
                       line_height=4.8, text_align=("LEFT", "LEFT"), padding=(0.6, 1, 0.6, 0)) as table:
            for k, v in rows:
                row = table.row()
                row.cell(k, style=FontFace(emphasis="BOLD", size_pt=9))
                row.cell(v, style=FontFace(size_pt=9))

    # title and the disclaimer
    pdf.set_font("DejaVu", "B", 20)
    pdf.cell(0, 10, content.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(86, 101, 115)
    pdf.cell(0, 6, SUBTITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    pdf.set_fill_color(254, 245, 231)
    pdf.set_font("DejaVu", "", 9.5)
    y0 = pdf.get_y()
    pdf.set_x(pdf.l_margin + 3)
    pdf.multi_cell(width - 3, 5, f"**Not a diagnosis.** {NOT_A_DIAGNOSIS}", fill=True, markdown=True,
                   new_x="LMARGIN", new_y="NEXT", padding=(2, 3, 2, 3))
    pdf.set_fill_color(*_hex(SEVERITY_COLOURS["consider"]))
    pdf.rect(pdf.l_margin, y0, 2.2, pdf.get_y() - y0, style="F")
    pdf.set_fill_color(255, 255, 255)

    heading("Runner and session")
    key_values(content.details)
    heading("Capture quality")
    key_values(content.quality)
    for w in content.warnings:
        pdf.set_text_color(126, 81, 9)
        para(f"•  {w}", 8.5, h=4.3)
    pdf.set_text_color(0, 0, 0)

    heading("Summary")
    lines = _summary_lines(content)
    if not content.cues:
        lines.insert(0, ("Cues", "no rule of the table fired"))
    for label, text in lines:
        para(f"•  **{label}:** {text}", 10, h=5.4)

    heading("Measurements")
    para("Mean over the steady steps; left and right are the runner's own sides; SD: step-to-step spread. "
         "The reference column gives the direction or range from the literature and its source.", 8.5, h=4.3)
    pdf.ln(1)
    if content.metrics:
        pdf.set_font("DejaVu", "", 8.5)
        cols = (38, 20, 15, 15, 11, 12, width - 111)
        with pdf.table(col_widths=cols, line_height=4.2, borders_layout="HORIZONTAL_LINES",
                       text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
                       headings_style=FontFace(emphasis="BOLD", size_pt=8.5, fill_color=(242, 243, 244)),
                       padding=(1.1, 1, 1.1, 1), v_align="TOP") as table:
            table.row(("Measure", "Value", "Left", "Right", "SD", "Steps", "Reference (source)"))
            for r in content.metrics:
                row = table.row()
                row.cell(r.title, style=FontFace(size_pt=8.5))
                row.cell(r.value, style=FontFace(emphasis="BOLD", size_pt=8.5))
                for text in (r.left, r.right, r.sd, r.n):
                    row.cell(text, style=FontFace(size_pt=8.5))
                row.cell(f"{r.reference} ({r.source})" if r.source else r.reference,
                         style=FontFace(size_pt=7.5))
    else:
        para("No measurement could be made.")
    for note in content.notes:
        pdf.ln(1)
        para(note, 8, "I", h=4)

    # a picture heading keeps its first row of pictures
    if key_frames:
        heading("Key frames at landing",
                keep_mm=25 + _picture_row(list(key_frames), width, KEY_FRAME_MAX_H_MM).height_mm)
        para("Annotated frames at the landing of each foot (left blue, right orange, knee angle in degrees "
             "next to the knee).", 8.5, h=4.3)
        _picture_grid(pdf, list(key_frames), width, KEY_FRAME_MAX_H_MM)
    if plots:
        if not key_frames:
            pdf.add_page()
        heading("Over the gait cycle", keep_mm=15 + _picture_row(list(plots), width, PLOT_MAX_H_MM).height_mm)
        for p in plots:
            _picture_grid(pdf, [p], width, PLOT_MAX_H_MM)

    pdf.add_page()
    heading("Form cues")
    para("Options to discuss with your physical therapist, most important first. Each cue says what was "
         "measured, why it matters for the knee, what to try, and when to see a professional.", 9)
    if not content.cues:
        para("No rule of the table fired for these measurements. That does not rule out a problem: see "
             "Methods and accuracy.")
    for cue in content.cues:
        _cue_pdf(pdf, cue, width, para)
    pdf.ln(1)
    para(f"**When to see a professional.** {SEE_A_PROFESSIONAL}", 9.5)

    heading("Retraining plan")
    para(_plan_intro(content), 9.5)
    # the evidence before the table, so that it can never be left alone on a page of its own
    para(f"Evidence: {PLAN_EVIDENCE}.", 8, "I", h=4)
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=(24, 26, width - 50), line_height=4.6, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", size_pt=9, fill_color=(242, 243, 244)),
                   text_align=("LEFT", "LEFT", "LEFT"), padding=(1.2, 1, 1.2, 1), v_align="TOP") as table:
        table.row(("When", "Target cadence", "What to do"))
        for stage in content.plan:
            row = table.row()
            row.cell(stage.weeks, style=FontFace(emphasis="BOLD", size_pt=9))
            row.cell(f"{stage.cadence_spm} steps/min" if stage.cadence_spm else "–", style=FontFace(size_pt=9))
            row.cell(stage.what, style=FontFace(size_pt=9))

    pdf.add_page()
    heading("Methods and accuracy")
    pdf.set_font("DejaVu", "", 9)
    for p in METHODS:
        lead, _, rest = p.partition(": ")
        para(f"**{lead}:** {rest}", 9)
        pdf.ln(0.8)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 7, "Measured accuracy of this tool (analysed minus true)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.5)
    with pdf.table(col_widths=(38, width - 78, 40), line_height=4.2, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", size_pt=8.5, fill_color=(242, 243, 244)),
                   text_align="LEFT", padding=(1, 1, 1, 1), v_align="TOP") as table:
        table.row(("Measure", "Error", "Tested on"))
        for a, b, c in ACCURACY:
            row = table.row()
            for text in (a, b, c):
                row.cell(text, style=FontFace(size_pt=8.5))
    pdf.ln(1.5)
    para(f"**{ACCURACY_CONSEQUENCE}**", 9)
    pdf.ln(0.8)
    para(PUBLISHED, 8.5, h=4.3)
    heading("Cue rules", 11, keep_mm=CUE_RULES_MIN_MM)
    pdf.set_font("DejaVu", "", 7.5)
    with pdf.table(col_widths=(36, 26, width - 62 - 46, 46), line_height=3.9, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", size_pt=8, fill_color=(242, 243, 244)),
                   text_align="LEFT", padding=(0.8, 1, 0.8, 1), v_align="TOP") as table:
        table.row(("Measure", "Cue at", "Basis of the threshold", "Evidence"))
        for cells in content.rules:
            row = table.row()
            for text in cells:
                row.cell(text, style=FontFace(size_pt=7.5))
    heading("References", 11)
    para("; ".join(REFERENCES) + ".", 7.5, h=3.8)
    return bytes(pdf.output())


class _PictureRow(NamedTuple):
    pictures: list[Picture]
    sizes_mm: list[tuple[float, float]]  # each picture's (w, h), scaled to fit
    cell_w_mm: float
    height_mm: float  # with the caption


def _picture_row(pictures: list[Picture], width: float, max_h: float) -> _PictureRow:
    """The first row of ``pictures``: two to a row, one when wide, scaled to fit ``max_h`` mm."""
    w_px, h_px = pictures[0].size_px
    per_row = 1 if w_px > h_px else 2
    row = pictures[:per_row]
    cell_w = (width - PICTURE_GAP_MM * (per_row - 1)) / per_row
    sizes = []
    for p in row:
        pw, ph = p.size_px
        w = min(cell_w, max_h * pw / ph)
        sizes.append((w, w * ph / pw))
    return _PictureRow(row, sizes, cell_w, max(h for _, h in sizes) + 10)


def _fits(pdf, height_mm: float) -> bool:  # noqa: ANN001
    return pdf.get_y() + height_mm <= pdf.h - 18


def _picture_grid(pdf, pictures: list[Picture], width: float, max_h: float) -> None:  # noqa: ANN001
    """Pictures two to a row (one when wide), captioned, scaled to fit ``max_h`` mm."""
    i = 0
    while i < len(pictures):
        row = _picture_row(pictures[i:], width, max_h)
        if not _fits(pdf, row.height_mm):
            pdf.add_page()
        y = pdf.get_y()
        step = row.cell_w_mm + PICTURE_GAP_MM
        for k, (p, (w, h)) in enumerate(zip(row.pictures, row.sizes_mm, strict=False)):
            x = pdf.l_margin + k * step + (row.cell_w_mm - w) / 2
            pdf.image(io.BytesIO(p.png), x=x, y=y, w=w, h=h)
            pdf.set_xy(pdf.l_margin + k * step, y + h + 1)
            pdf.set_font("DejaVu", "I", 7.5)
            pdf.multi_cell(row.cell_w_mm, 3.6, p.caption, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(pdf.l_margin, y + row.height_mm)
        i += len(row.pictures)


def _cue_pdf(pdf, cue: Cue, width: float, para) -> None:  # noqa: ANN001
    colour = _hex(SEVERITY_COLOURS[cue.severity])
    items = (("What was measured", cue.measured), ("Why it matters for the knee", cue.why),
             ("What to try", cue.try_words), ("Drill", cue.drill),
             ("When to see a professional", cue.see_professional),
             ("Evidence", f"{cue.evidence}. Threshold: {cue.threshold_text} "
                          f"({cue.threshold_basis})."))
    with pdf.offset_rendering() as trial:  # keep a cue on one page
        _draw_cue(trial, cue, width, colour, items)
    if trial.page_break_triggered:
        pdf.add_page()
    _draw_cue(pdf, cue, width, colour, items)


def _draw_cue(doc, cue: Cue, width: float, colour: tuple[int, int, int], items) -> None:  # noqa: ANN001
    if True:
        doc.ln(2)
        y0 = doc.get_y()
        doc.set_x(doc.l_margin + 4)
        doc.set_font("DejaVu", "B", 11)
        doc.cell(doc.get_string_width(cue.title) + 3, 6, cue.title)
        doc.set_font("DejaVu", "B", 7.5)
        doc.set_fill_color(*colour)
        doc.set_text_color(255, 255, 255)
        doc.cell(doc.get_string_width(cue.severity_label) + 4, 5, cue.severity_label, fill=True, align="C",
                 new_x="LMARGIN", new_y="NEXT")
        doc.set_fill_color(255, 255, 255)
        doc.set_text_color(0, 0, 0)
        doc.ln(1)
        for label, text in items:
            doc.set_x(doc.l_margin + 4)
            doc.set_font("DejaVu", "", 8.8)
            doc.multi_cell(width - 4, 4.4, f"**{label}:** {text}", markdown=True, new_x="LMARGIN",
                           new_y="NEXT", align="L")
            doc.ln(0.6)
        doc.set_fill_color(*colour)
        doc.rect(doc.l_margin, y0, 1.6, doc.get_y() - y0, style="F")
        doc.set_fill_color(255, 255, 255)


# ---------------------------------------------------------------- files

def report_of(source: object) -> dict:
    """report.json's content of an Analysis or a Session (a dict is returned as is)."""
    if isinstance(source, dict):
        return source
    from gait.pipeline import Analysis, Session
    from gait.report import report_dict, session_report_dict

    if isinstance(source, Analysis):
        return report_dict(source)
    if isinstance(source, Session):
        return session_report_dict(source) if len(source.clips) > 1 else report_dict(source.primary)
    raise TypeError(f"expected an Analysis, a Session or a report dict, got {type(source).__name__}")


def _clips_and_suffixes(source: object) -> list[tuple[str, object]]:
    from gait.pipeline import Analysis, Session
    from gait.report import clip_suffix

    if isinstance(source, Analysis):
        return [("", source)]
    if isinstance(source, Session):
        return [(clip_suffix(source, c), c) for c in source.clips]
    return []


def write_metronomes(cadence_spm: float | None, out_dir: Path, duration_s: float = 60.0) -> list[Path]:
    """Metronome WAVs at the runner's +5 % and +10 % cadence targets; none when cadence is unknown."""
    targets = cadence_targets(cadence_spm)
    if not targets:
        return []
    return [write_metronome(Path(out_dir) / metronome_file_name(t), t, duration_s) for t in targets.values()]


def write_documents(source: object, out_dir: Path, formats: tuple[str, ...] | str = FORMATS,
                    runner_name: str | None = None, metronome: bool = True,
                    created: str | None = None) -> dict[str, Path]:
    """Write ``report.pdf`` and/or ``report.html`` (and the metronome WAVs) into ``out_dir``.

    ``source`` is an Analysis, a Session, or a report.json dict (no gait-cycle plots then). Key frames
    are taken from ``out_dir`` when :func:`gait.rendering.write_annotated` has written them. Returns
    {"pdf": path, "html": path, "metronome_<spm>": path, ...}.
    """
    if isinstance(formats, str):
        formats = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s) {', '.join(sorted(unknown))}: use pdf, html")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = report_of(source)
    written: dict[str, Path] = {}
    cadence = ((report.get("metrics") or {}).get("cadence_spm") or {}).get("value")
    if metronome:
        for path in write_metronomes(cadence, out_dir):
            written[path.stem] = path
    content = build_content(report, runner_name, created, [p.name for p in written.values()])
    clips = _clips_and_suffixes(source)
    views = {suffix: getattr(clip, "view", "side") for suffix, clip in clips}
    boxes = {(suffix, side): box for suffix, clip in clips for side, box in key_frame_boxes(clip).items()}
    key_frames = key_frame_pictures(out_dir, views, boxes)
    plots = []
    for _suffix, clip in clips:
        png = cycle_figure_png(clip)
        if png is not None:
            view = getattr(clip, "view", "")
            plots.append(Picture(f"{view.capitalize()} view: mean (line) and ±1 SD (band) of the steady "
                                 "strides per side", png))
    if "pdf" in formats:
        written["pdf"] = out_dir / "report.pdf"
        written["pdf"].write_bytes(render_pdf(content, key_frames, plots))
    if "html" in formats:
        written["html"] = out_dir / "report.html"
        written["html"].write_text(render_html(content, key_frames, plots), encoding="utf-8")
    return written
