"""What the app shows next to the numbers: labels, reference ranges with their sources, the gait cycle.

No streamlit here: these are plain functions and tables that the pages read, and tests call directly.

Reference ranges are the DOMAIN notes' figures (Souza 2016 and the studies it cites). A card gets a
colour (``Reference.band``) only where a published cut-off separates groups; for most running-form
measures the literature gives a direction to move in, not a cut-off, and the card stays neutral.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

SIDES = ("left", "right")
SIDE_COLOURS = {"left": "#2878EB", "right": "#FF8C28"}  # the annotated video's blue and orange


@dataclass(frozen=True)
class Reference:
    """What a value can be compared with, and where that comes from."""

    text: str
    source: str
    band: Callable[[float], str | None] | None = None  # value -> "green" / "orange" / None
    tag: str | None = None  # a short grey label such as "2D projection"


@dataclass(frozen=True)
class MetricLabel:
    title: str
    unit: str  # as shown on the card
    digits: int
    reference: Reference | None = None


LABELS: dict[str, MetricLabel] = {
    "cadence_spm": MetricLabel(
        "Cadence", "steps/min", 0,
        Reference("No universal target (180 is a myth). For knee pain, +5-10 % of your own cadence is "
                  "the usual retraining step.", "Heiderscheit 2011; Lenhart 2014")),
    "overstride_pct_leg": MetricLabel(
        "Overstride", "% leg", 1,
        Reference("Heel ahead of the hip at contact; smaller is the aim. One camera measures it "
                  "poorly: read it with the shank angle.", "Souza 2016")),
    "shank_angle_at_contact_deg": MetricLabel(
        "Shank angle at contact", "deg", 1,
        Reference("Aim: shin near vertical (0 deg) at contact; positive = foot ahead of the knee.",
                  "Souza 2016")),
    "knee_flexion_at_contact_deg": MetricLabel(
        "Knee bend at contact", "deg", 0,
        Reference("Landing on a straighter knee is linked to injury. A change smaller than 2.3-3.8 deg "
                  "is within the measurement's noise.", "Bramah 2018; Dingenen 2018")),
    "peak_knee_flexion_stance_deg": MetricLabel(
        "Peak knee bend in stance", "deg", 0,
        Reference("Largest knee bend between contact and toe-off.", "Souza 2016")),
    "foot_strike_pattern": MetricLabel(
        "Foot strike", "", 0,
        Reference("Rearfoot > 8 deg, forefoot < -1.6 deg foot angle at contact. Indicative: no "
                  "standing calibration.", "Altman & Davis 2012", tag="indicative")),
    "foot_strike_angle_deg": MetricLabel(
        "Foot angle at contact", "deg", 1,
        Reference("Toe up = positive. A forefoot strike lowered peak patellofemoral stress 27 %.",
                  "Vannatta & Kernozek 2015")),
    "ground_contact_time_ms": MetricLabel(
        "Ground contact time", "ms", 0,
        Reference("Initial contact to toe-off. Uncertain by half a frame at the filming rate.",
                  "Young 2023")),
    "flight_time_ms": MetricLabel(
        "Flight time", "ms", 0,
        Reference("Toe-off to the other foot's contact; above 0 in running.", "definition")),
    "duty_factor_pct": MetricLabel(
        "Duty factor", "%", 0,
        Reference("Share of the stride each foot is on the ground; below 50 % in running.",
                  "definition")),
    "trunk_lean_deg": MetricLabel(
        "Trunk lean", "deg", 1,
        Reference("Some forward lean is often advised for knee pain: not a fault by default.",
                  "Barton 2016; dos Santos 2019")),
    "vertical_oscillation_pct_leg": MetricLabel(
        "Vertical oscillation", "% leg", 1,
        Reference("Rise and fall of the hips over a step.", "Souza 2016")),
    "vertical_oscillation_cm": MetricLabel(
        "Vertical oscillation", "cm", 1,
        Reference("From your height (leg = 0.491 x height).", "Winter 2009")),
    "stride_length_m": MetricLabel(
        "Stride length", "m", 2,
        Reference("Belt speed x stride time. +10 % step length raised knee stress per step 31 %.",
                  "Willson 2014")),
    # rear (or front) view
    "pelvic_drop_deg": MetricLabel(
        "Pelvic drop", "deg", 1,
        Reference("Each 1 deg more drop went with 80 % higher odds of injury. 2D reliability is "
                  "moderate (a change < 2.8 deg is noise). Not validated here: the pose model's hip "
                  "points did not follow the pelvis of the test runner; check the key frames by eye.",
                  "Bramah 2018; Dingenen 2018", tag="not validated")),
    "knee_valgus_fppa_deg": MetricLabel(
        "Knee valgus (FPPA)", "deg", 1,
        Reference("Squat/landing references: controls ~8-13, knee pain ~17-22 deg. In running 2D valgus "
                  "does not match 3D knee motion: an observation only.",
                  "Dingenen 2018; Straub & Powers 2022", tag="2D projection")),
    "hip_adduction_deg": MetricLabel(
        "Hip adduction", "deg", 1,
        Reference("With pelvic drop, 2D hip adduction explained 88 % of 3D hip adduction.", "Souza 2016",
                  tag="2D projection")),
    "step_width_pct_hip": MetricLabel(
        "Step width", "% hip", 0,
        Reference("Distance between the feet at contact, in hip widths.", "Souza 2016")),
    "crossover_pct": MetricLabel(
        "Crossover steps", "%", 0,
        Reference("Feet should not cross the midline.", "Souza 2016")),
}

# The cards first shown: the measures linked to runner's knee, then timing, then the rest
CARD_ORDER = (
    "cadence_spm", "overstride_pct_leg", "shank_angle_at_contact_deg", "knee_flexion_at_contact_deg",
    "foot_strike_pattern", "peak_knee_flexion_stance_deg", "pelvic_drop_deg", "knee_valgus_fppa_deg",
    "hip_adduction_deg", "step_width_pct_hip", "crossover_pct",
    "ground_contact_time_ms", "flight_time_ms", "duty_factor_pct", "trunk_lean_deg",
    "vertical_oscillation_cm", "vertical_oscillation_pct_leg", "stride_length_m",
    "foot_strike_angle_deg",
)


SEVERITY_BADGES = {"consider": "orange", "info": "gray"}  # gait.cues severities
PELVIS_TIMED_TAG = "timed from behind: not validated"  # gait.metrics.PELVIS_TIMED_METRICS, no side clip


def md(text: str) -> str:
    """Plain text for st.markdown: a single ``~`` would strike through ("~8-13 deg"), ``$`` start LaTeX."""
    return text.replace("~", "\\~").replace("$", "\\$")


def clip_line(analysis) -> str:  # noqa: ANN001  (a gait.pipeline.Analysis)
    """One line about a clip: name, view, length, frame rate, steps used."""
    info = analysis.info
    steady = int(analysis.steps["steady"].sum())
    facing = {1: ", runner facing right", -1: ", runner facing left"}.get(analysis.direction, "")
    name = info.name
    return (f"{name}: {analysis.view} view{facing} · {info.duration_s:.1f} s at {info.fps:.0f} fps · "
            f"{steady} steady steps used of {len(analysis.steps)} found")


def label_of(name: str) -> MetricLabel:
    """The label of a metric; an unknown name gets a readable title and no reference."""
    if name in LABELS:
        return LABELS[name]
    words = re.sub(r"_(deg|pct|ms|m|cm|spm)$", "", name).replace("_", " ")
    return MetricLabel(words.capitalize(), "", 1)


def ordered_metrics(metrics: dict[str, dict]) -> list[str]:
    """Names of the metrics that have a value, in card order (unknown names last, as given)."""
    known = [n for n in CARD_ORDER if n in metrics]
    rest = [n for n in metrics if n not in CARD_ORDER]
    names = [n for n in known + rest if metrics[n].get("value") is not None]
    if "vertical_oscillation_cm" in names and "vertical_oscillation_pct_leg" in names:
        names.remove("vertical_oscillation_pct_leg")  # the same measure twice: keep the cm one
    return names


def fmt(value: object, digits: int, unit: str = "") -> str:
    """A value for display: a number rounded, a string as is, a missing value as a dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, str):
        return value
    text = f"{float(value):.{digits}f}"
    return f"{text} {unit}".strip()


@dataclass(frozen=True)
class Card:
    name: str
    title: str
    value: str
    sides: str
    spread: str
    reference: Reference | None
    colour: str | None


def card(name: str, summary: dict) -> Card:
    """The text of one metric card from a summary entry {value, left, right, sd, n, unit}."""
    label = label_of(name)
    value = summary.get("value")
    spread = f"{summary.get('n', 0)} steps"
    if summary.get("sd") is not None:
        spread = f"SD ± {fmt(summary['sd'], label.digits)} · {spread}"
    sides = f"left {fmt(summary.get('left'), label.digits)} · right {fmt(summary.get('right'), label.digits)}"
    ref = label.reference
    colour = ref.band(float(value)) if ref and ref.band and isinstance(value, (int, float)) else None
    return Card(name=name, title=label.title, value=fmt(value, label.digits, label.unit), sides=sides,
                spread=spread, reference=ref, colour=colour)


_CLI_WORDING = (
    (re.compile(r"give the capture frame rate with --fps \(e\.g\. --fps 120\)"),
     "enter the capture frame rate (e.g. 120) under 'Slow motion' and analyse again"),
    (re.compile(r"--fps \d*"), "the capture frame rate field"),
    (re.compile(r"--start and --end"), "'Start' and 'End' under 'More options'"),
    (re.compile(r"give --view side"), "check that this is the side-view clip"),
    (re.compile(r"--height-cm"), "your height"),
    (re.compile(r"--speed-kmh"), "the treadmill speed"),
)


def plain_words(message: str) -> str:
    """A package message with command-line options named as the app's fields, first letter upper."""
    for pattern, words in _CLI_WORDING:
        message = pattern.sub(words, message)
    if not re.match(r"[a-z]+\b(?![._\d])", message):  # a file name first ("rear_60fps.mp4: ...") stays as is
        return message
    return message[:1].upper() + message[1:]


class ProgressText:
    """Overall progress and the time left, from the analysis's (clip, stage, done, total) reports.

    Each clip gets an equal share; within a clip, finding the pose takes about 80 % of the time and
    drawing the annotated video the rest (measured on the sample clips).
    """

    STAGE_SHARE = {"pose": (0.0, 0.8), "video": (0.8, 0.2), "report": (1.0, 0.0)}
    STAGE_WORDS = {"pose": "finding the runner", "video": "drawing the annotated video"}

    def __init__(self, slots: list[str], started_s: float):
        self.slots = slots
        self.started_s = started_s

    def update(self, slot: str, stage: str, done: int, total: int, now_s: float) -> tuple[float, str]:
        offset, share = self.STAGE_SHARE[stage]
        within = offset + share * min(done / max(total, 1), 1.0)
        fraction = (self.slots.index(slot) + within) / len(self.slots)
        elapsed = now_s - self.started_s
        if stage == "report":
            return 1.0, "Writing the PDF and HTML report"
        text = f"{slot.capitalize()} clip: {self.STAGE_WORDS[stage]}, frame {done} of {total}"
        if fraction > 0.03 and elapsed > 1.0:
            text += f" · about {time_left(elapsed * (1 - fraction) / fraction)} left"
        return min(fraction, 1.0), text


def time_left(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"
