"""What the app shows next to the numbers: metric cards, messages in the app's words, progress.

No streamlit here: these are plain functions and tables that the pages read, and tests call directly.
Each measure's title, unit, digits, reference and source come from :mod:`gait.catalogue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from gait import errors as E
from gait.catalogue import (
    FAR_LEG_CORRECTED,
    FAR_LEG_PEAK_KNEE_LOW_DEG,
    FRONTAL_METRICS,
    MetricSummary,
    asymmetry_words,
    spec_of,
)

if TYPE_CHECKING:
    from gait.pipeline import Analysis, Session

SIDES = ("left", "right")
SIDE_COLOURS = {"left": "#2878EB", "right": "#FF8C28"}  # the annotated video's blue and orange
# the colours st.badge takes
BadgeColour = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"]
SEVERITY_BADGES: dict[str, BadgeColour] = {"consider": "orange", "info": "gray"}  # gait.cues severities
SEVERITY_ICONS = {"consider": ":material/priority_high:", "info": ":material/info:"}


# a line's start that markdown reads as a list item or a heading: "+ = toe up." showed as a bullet, its sign lost
_BLOCK_MARKER = re.compile(r"^([ \t]*)(?:([-+*]|#{1,6})(?=[ \t]|$)|(\d{1,9})(?=[.)](?:[ \t]|$)))", re.MULTILINE)


def md(text: str) -> str:
    """Plain text for st.markdown: a single ``~`` would strike through ("~8-13 deg"), ``$`` start LaTeX, a line
    starting "+ ", "- ", "1. " or "# " a list or a heading."""
    text = text.replace("~", "\\~").replace("$", "\\$")
    return _BLOCK_MARKER.sub(lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\"), text)


# what markdown would read as emphasis, code, a link or a table in a file's or a runner's name, besides md()'s:
# "_warm up_.mov" showed in italics without its underscores; an underscore inside a word stays as it is
_MARKDOWN_IN_NAMES = re.compile(r"[\\`*\[\]<>|]|(?<![^\W_])_|_(?![^\W_])")
TITLE_NAME_CHARS = 60  # a longer file name is shortened in the middle in a page's title


def md_literal(text: str, most_chars: int | None = None) -> str:
    """A name for st.markdown, shown as it is written; longer than ``most_chars``, its middle left out."""
    if most_chars is not None and len(text) > most_chars:
        tail = max(12, most_chars // 4)
        text = text[:most_chars - tail - 1] + "…" + text[-tail:]
    return md(_MARKDOWN_IN_NAMES.sub(lambda m: "\\" + m[0], text))


def clip_line(analysis: Analysis) -> str:
    """One line about a clip, for st.markdown: name, view, length, frame rate, steps used."""
    info = analysis.info
    steady = int(analysis.steps["steady"].sum())
    facing = {1: ", runner facing right", -1: ", runner facing left"}.get(analysis.direction, "")
    return (f"{md_literal(info.name)}: {analysis.view} view{facing} · {info.duration_s:.1f} s at {info.fps:.0f} fps · "
            f"{steady} steady steps used of {len(analysis.steps)} found")


@dataclass(frozen=True)
class Card:
    """The words of one metric card."""

    name: str
    title: str
    value: str
    sides: str
    spread: str
    reference: str
    source: str
    tag: str | None


def card(name: str, summary: MetricSummary, far_leg: str | None = None) -> Card:
    """The text of one metric card from its summary; ``far_leg``: the leg away from the camera in a side view,
    named beside the peak knee bend's sides, the measure whose far-leg value is corrected
    (:data:`gait.catalogue.FAR_LEG_PEAK_KNEE_LOW_DEG`)."""
    spec = spec_of(name)
    spread = f"{summary['n']} steps"
    if summary["sd"] is not None:
        spread = f"SD ± {spec.format(summary['sd'], unit=False)} · {spread}"
    sides = f"left {spec.format(summary['left'], unit=False)} · right {spec.format(summary['right'], unit=False)}"
    if far_leg is not None and name == FAR_LEG_CORRECTED:
        sides += f" ({far_leg} far from the camera: {FAR_LEG_PEAK_KNEE_LOW_DEG:.0f}° added)"
    asymmetry = asymmetry_words(name, summary)
    if asymmetry:  # a left/right asymmetry: its interval and whether the measurement can tell, not its sides
        sides = asymmetry
    return Card(name=name, title=spec.title, value=spec.format(summary["value"]), sides=sides, spread=spread,
                reference=spec.reference, source=spec.source, tag=spec.tag)


# the rear upload's view as the user may choose it on the Analyze page (Options.view, which the side upload does
# not use); None: behind or in front as the runner's face tells (gait_app.analysis.SLOT_VIEWS)
REAR_SLOT_VIEWS = {"told from the face": None, "behind": "rear", "in front": "front"}
REAR_VIEW_LABEL = "Rear clip filmed from"
REAR_VIEW_WORDS = {view: words for words, view in REAR_SLOT_VIEWS.items() if view is not None}

_CLI_WORDING = (
    # every message that names --fps asks for the capture rate in these words (gait.errors.capture_rate_request)
    (re.compile(r"(g|G)ive the capture frame rate with --fps \(e\.g\. --fps (\d+)([^)]*)\)"),
     lambda m: f"{'e' if m[1] == 'g' else 'E'}nter the capture frame rate (e.g. {m[2]}{m[3]}) under 'Slow motion' "
               "and analyse again"),
    (re.compile(r"--start and --end"), "'Start' and 'End' under 'More options'"),
    (re.compile(r"give --view side"), "check that this is the side-view clip"),
    (re.compile(r" \(--view side\)"), ""),
    (re.compile(r" \(--view (rear|front)\)"),
     lambda m: f" (choose '{REAR_VIEW_WORDS[m[1]]}' under '{REAR_VIEW_LABEL}' on the Analyze page)"),
    (re.compile(r"Give it as the side view"), "Upload it as the side view"),
    (re.compile(r"--height-cm"), "your height"),
    (re.compile(r"--speed-kmh"), "the treadmill speed"),
    (re.compile(r"give the colour with --markers COLOUR"), "pick their colour under 'Stickers on the runner'"),
    (re.compile(r"--markers (#[0-9A-Fa-f]{6}): "), r"the sticker colour \1: "),
    (re.compile(r"analyse without --markers"), "choose 'none' there"),
)


def source_clip(name: str, frontal_view: str | None) -> str:
    """Which clip of a session of two measured a card's measure: a frontal one the rear or front clip
    (``frontal_view``), the others the side clip."""
    return f"from the {frontal_view} clip" if name in FRONTAL_METRICS and frontal_view else "from the side clip"


def slowed_footage(session: Session) -> bool:
    """Whether a clip of the session played slower than it was filmed, its times not given
    (:func:`gait.analysis.analyze_pose`): the pages then ask for the capture rate."""
    return any(w.code == E.SLOWED_FOOTAGE for w in session.warnings)


def plain_words(message: str) -> str:
    """A package message with command-line options named as the app's fields, as a sentence
    (:func:`gait.errors.sentence_start`)."""
    for pattern, words in _CLI_WORDING:
        message = pattern.sub(words, message)
    return E.sentence_start(message)


class ProgressText:
    """Overall progress and the time left, from the analysis's (clip, stage, done, total) reports.

    Each clip gets an equal share; within a clip, finding the pose takes about 90 % of the time and the
    results files the rest. An AV1 clip's H.264 copy, made first, has no share (few clips need one). The
    annotated video is drawn afterwards, with its own progress on the pages.
    """

    STAGE_SHARE = {"copy": (0.0, 0.0), "pose": (0.0, 0.9), "report": (1.0, 0.0)}
    STAGE_WORDS = {"copy": "copying its video to H.264 to read it", "pose": "finding the runner"}

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
