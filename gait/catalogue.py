"""The metric catalogue: every fact about each reported measure, in one place.

Each measure has one :class:`MetricSpec`: its key in report.json, title, unit and digits, definition with its
sign convention, the views that measure it, what to compare it with and the source, whether it is
validated, and whether its timing comes from the pelvis when filmed from behind. The app's cards, the
report's table, the command line's summary, the annotated video's panel, the cue texts and
``schema/report.schema.json`` all derive from :data:`CATALOGUE`. Its own order is report.json's (timing,
side view, rear view); readers are shown :data:`DISPLAY_ORDER` (``MetricSpec.order``: the measures linked to
runner's knee first). Adding a measure: one entry here and the function that computes it.

A summary of a clip or a session (:data:`Metrics`) holds a :class:`MetricSummary` for every key of the
catalogue: the mean over the steady steps (or the most common category), its SD, the left and right means
and the number of steps; None where not measured.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, TypedDict, cast

VIEWS = ("side", "rear", "front")  # the camera views, as the command line, the manifests and the renderer name them
SIDE_VIEW = frozenset(VIEWS[:1])
FRONTAL_VIEWS = frozenset(VIEWS[1:])
ALL_VIEWS = SIDE_VIEW | FRONTAL_VIEWS

# from behind or in front the contacts are timed by the pelvis's up-and-down motion (gait.events), which reads
# contact times this much short on rendered runners: contact times are given from a side clip only
PELVIS_TIMING_SHORT_MS = 100

# units of report.json as shown to a reader
_SHOWN_UNITS = {"deg": "°", "% leg length": "% leg", "% hip width": "% hip", "% of steps": "%"}
_ASCII_UNITS = {"deg": "deg", "steps/min": "spm"}


class MetricSummary(TypedDict):
    """One measure over the steady steps (report.json ``metrics[key]``)."""

    value: float | str | None  # mean, or the most common category
    left: float | str | None
    right: float | str | None
    sd: float | None
    n: int  # steps with a value
    unit: str | None  # None for a category


class AsymmetrySummary(MetricSummary, total=False):
    """A left/right asymmetry: a :class:`MetricSummary` with its interval and each side's uncertainty
    (described in :data:`EXTRA_SUMMARY_FIELDS`)."""

    ci95_low: float | None
    ci95_high: float | None
    left_uncertainty_ms: float | None
    right_uncertainty_ms: float | None
    exceeds_uncertainty: bool | None


Metrics = dict[str, MetricSummary]

# the smallest detectable change of a measure (gait.history): the larger of a published figure and this factor
# times this tool's measured error (1.96 x sqrt(2): two measurements, each with that error, 95 % of the time)
SDC_ERROR_FACTOR = 2.77
_SIDE_SETUPS = "SD of its errors over the 14 side set-ups of the rendered runner (docs/accuracy.md)"
_REAR_SETUPS = "SD of its errors over the 5 rear/front set-ups of the rendered runner (docs/accuracy.md)"


@dataclass(frozen=True)
class SdcInputs:
    """What a change of a measure between two sessions must exceed to be more than measurement noise: a
    published smallest detectable change of the 2-D measure (../shared/DOMAIN.md, the upper end of a range)
    and this tool's measured error (the SD of its analysed-minus-true errors across test set-ups; the larger
    view where two views measure it), each with its source. :mod:`gait.history` takes the larger of the
    published figure and :data:`SDC_ERROR_FACTOR` x the error. ``side_measured_error``: the error over the
    side set-ups where the rear/front ones' is larger, or not known (:meth:`for_view`)."""

    published: float | None = None
    published_source: str = ""
    measured_error: float | None = None
    measured_error_source: str = ""
    side_measured_error: float | None = None
    # a published variation between days (DOMAIN.md: the runner's own and the filming's), which the SDC does not
    # take in, in the reader's words: said with it
    between_days: str = ""

    def for_view(self, view: str | None) -> SdcInputs:
        """The inputs for two sessions that both measured it from ``view`` (None: not known, or not the same
        view): a side view's own error where it has one, else these."""
        if view != "side" or self.side_measured_error is None:
            return self
        return replace(self, measured_error=self.side_measured_error, measured_error_source=_SIDE_SETUPS,
                       side_measured_error=None)

    @property
    def value(self) -> float | None:
        """The smallest detectable change: the larger of the published figure and :data:`SDC_ERROR_FACTOR` x the
        measured error (None when neither is known)."""
        known = [v for v in (self.published, None if self.measured_error is None else
                             round(SDC_ERROR_FACTOR * self.measured_error, 6)) if v is not None]
        return max(known) if known else None

    @property
    def degrees_text(self) -> str:
        """:attr:`value` of a measure in degrees, as the reader's words give it: "7.2°"."""
        return f"{self.value:.1f}°"

    def noise_words(self) -> str:
        """The reader's words for :attr:`value` (a measure in degrees), e.g. "Between two videos, a change smaller
        than 7.2° is within this tool's measurement noise (published for 2-D video: 2.3-3.8°, Dingenen 2018)"."""
        published = f" (published for 2-D video: {self.published_source.split(': ', 1)[-1]}, " \
                    f"{self.published_source.split(':', 1)[0]})" if self.published_source else ""
        days = (f" {self.between_days[0].upper()}{self.between_days[1:]}: a change within that may be day-to-day "
                "variation." if self.between_days else "")
        return f"Between two videos, a change smaller than {self.degrees_text} is within this tool's measurement " \
               f"noise{published}.{days}"


_KNEE_AT_LANDING_SDC = SdcInputs(3.8, "Dingenen 2018: 2.3-3.8°", 2.62, _SIDE_SETUPS, between_days=(
    "filmed on two days, 2-D knee and hip angles at foot strike on a treadmill varied within a 95 % prediction "
    "interval of 9-14° (Damsted 2015)"))
# marker mode's: the only way pelvic drop is measured (gait.kinematics.frontal_angles)
_PELVIC_DROP_SDC = SdcInputs(2.8, "Dingenen 2018: 2.7-2.8°", 0.08,
                             "SD of its errors over the 16 sticker renders from behind (docs/markers.md)")


@dataclass(frozen=True)
class MetricSpec:
    """Everything the tool says about one measure."""

    key: str  # report.json and steps.csv name, unit in the name
    title: str
    unit: str | None  # as written in report.json; None for a category
    digits: int
    definition: str  # what is measured and its sign convention
    reference: str  # what the value can be compared with
    source: str
    views: frozenset[str]
    short: str = ""  # the annotated video's panel label (ASCII); empty: not on the panel
    contact_timed: bool = False  # timed by the feet's contacts and toe-offs: from a side clip only
    tag: str | None = None  # a short caveat shown beside the value ("2D projection", "indicative")
    shown_instead: str | None = None  # a measure of the same thing shown instead when it has a value
    categories: tuple[str, ...] = ()  # the values of a category (unit None)
    order: int = 0  # place in what a reader is shown: the measures linked to runner's knee first
    sdc: SdcInputs | None = None  # smallest detectable change between sessions; None: not known

    @property
    def shown_unit(self) -> str:
        """The unit as a reader sees it ("°", "% leg"); empty for a category."""
        return _SHOWN_UNITS.get(self.unit or "", self.unit or "")

    @property
    def ascii_unit(self) -> str:
        """The unit for text drawn into video frames, which have no degree sign."""
        return _ASCII_UNITS.get(self.unit or "", self.shown_unit)

    def format(self, value: object, unit: bool = True) -> str:
        """A value of this measure for display, with its unit unless ``unit`` is False."""
        return fmt(value, self.digits, self.shown_unit if unit else "")


NOT_GIVEN = "–"  # what a value not measured or not known is shown as, in every table and text


def fmt(value: object, digits: int, unit: str = "", missing: str = NOT_GIVEN) -> str:
    """A number rounded to ``digits`` with its unit ("12.3°", "25.0 % leg"), a string as is, a missing
    value (None, NaN) as ``missing``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return missing
    if isinstance(value, str):
        return value
    if not isinstance(value, (int, float)):
        return str(value)
    text = f"{float(value):.{digits}f}"
    if text.lstrip("-").strip("0.") == "":  # no "-0.0"
        text = text.lstrip("-")
    return with_unit(text, unit)


def with_unit(text: str, unit: str) -> str:
    """A number's text and its unit: "12°" and "5%" close up, "25 % leg" and "170 steps/min" spaced."""
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("°", "%") else f"{text} {unit}"


# how the initial contacts of a clip were timed (report.json's quality.contact_timing; gait.events)
TIMED_BY_FOOT = "foot"  # the feet's vertical motion: landing seen in most steps
TIMED_BY_PRIOR = "typical delay"  # the foot's most forward point + gait.events.LANDING_DELAY_PRIOR_S
TIMED_BY_PELVIS = "pelvis"  # rear/front view: the pelvis's fastest descent

# Below this frame rate the analysis warns (gait.analysis) and a before/after says that the two sessions were
# filmed at different rates (gait.history.compare): contact and flight times are less sure, and at landing the
# knee reads more bent than it was, by this much on the side sample at 30 fps against 60.
LOW_FPS = 60.0
KNEE_MORE_BENT_AT_30_FPS_DEG = 5.0

# How far the same timing rule reads one foot's contact time against the other's from the side: the foot
# nearer the camera reads long (its points are dragged towards the passing swing foot). On the hand-marked
# sprint steps it reads 21.5 ms longer than the far foot (means of 12 and 10 steps, standard error 10.4 ms); on
# the rendered symmetric runner left minus right reads -13.9 to +2.1 ms over the 14 side set-ups (-36.4 to +1.0
# on the former renders, where this bound was set; docs/accuracy.md). gait.metrics.contact_time_asymmetry
# reports no left/right difference within it (tests/test_contact_time.py checks it against the marks).
LEFT_RIGHT_TIMING_BOUND_MS = 37.0

# From the side, the leg away from the camera reads its peak knee flexion in stance low: mid-stance, as the
# near leg swings past it, the pose model places its ankle ahead (docs/accuracy.md). The near leg's peak
# minus the far one's is a median 7.0 deg on the shared real side clips (10 clips; runners taken as even;
# 9.6 while the frame after the toe-off counted as stance) and 8.5 deg on the 14 rendered side set-ups
# (truth even): the far leg's per-step peak has this added (gait.metrics.step_table).
FAR_LEG_PEAK_KNEE_LOW_DEG = 9.0
FAR_LEG_CORRECTED = "peak_knee_flexion_stance_deg"  # the measure it is added to

CATALOGUE: tuple[MetricSpec, ...] = (
    MetricSpec("cadence_spm", "Cadence", "steps/min", 0,
               "Steps per minute (60 / mean step time); left/right from stride times.",
               "No universal target (180 is a myth). For knee pain, +5-10 % of your own cadence is the usual "
               "retraining step.", "Heiderscheit 2011; Lenhart 2014", ALL_VIEWS, short="cadence", order=1,
               sdc=SdcInputs(measured_error=0.16, measured_error_source=_REAR_SETUPS, side_measured_error=0.15)),
    MetricSpec("ground_contact_time_ms", "Ground contact time", "ms", 0,
               "Initial contact to toe-off of the same foot.",
               "Landing to toe-off. Uncertain by half a frame at the filming rate.", "Young 2023", SIDE_VIEW,
               short="contact", contact_timed=True, order=12,
               sdc=SdcInputs(measured_error=4.52, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("flight_time_ms", "Flight time", "ms", 0,
               "Toe-off to the other foot's next initial contact.",
               "Toe-off to the other foot's landing; above 0 in running.", "definition", SIDE_VIEW,
               contact_timed=True, order=13,
               sdc=SdcInputs(measured_error=4.55, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("duty_factor_pct", "Duty factor", "%", 0,
               "Contact time / stride time x 100.",
               "Share of the stride each foot is on the ground; below 50 % in running.", "definition", SIDE_VIEW,
               contact_timed=True, order=14,
               sdc=SdcInputs(measured_error=0.63, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("contact_time_asymmetry_pct", "Contact time left vs right", "%", 1,
               "100 x (left - right) / mean(left, right) of the mean ground contact times over the steady steps; "
               "+ when the left contact is longer. With its 95 % interval over the steps (ci95_low, ci95_high) "
               "and whether the left/right difference exceeds the two sides' measurement uncertainty.",
               "0 is even, + the left foot's contact longer, - the right's. A difference inside its 95 % interval, "
               "or within the sides' uncertainty, is not shown as a difference.", "definition", SIDE_VIEW,
               contact_timed=True, order=21,
               # the side renders are symmetric: their reading is the error
               sdc=SdcInputs(measured_error=1.16, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("knee_flexion_at_contact_deg", "Knee bend at landing", "deg", 0,
               "180 minus the hip-knee-ankle angle at initial contact; 0 = straight.",
               "Landing on a straighter knee is linked to injury. " + _KNEE_AT_LANDING_SDC.noise_words(),
               "Bramah 2018; Dingenen 2018", SIDE_VIEW, short="knee at landing", order=4, sdc=_KNEE_AT_LANDING_SDC),
    MetricSpec("peak_knee_flexion_stance_deg", "Peak knee bend in stance", "deg", 0,
               "Largest knee flexion between initial contact and toe-off; from the side, the leg away from the "
               f"camera's has {FAR_LEG_PEAK_KNEE_LOW_DEG:.0f} deg added (it reads low mid-stance).",
               "Largest knee bend between landing and toe-off. From one side, the leg away from the camera reads "
               f"about {FAR_LEG_PEAK_KNEE_LOW_DEG:.0f}° less bent than it is (mid-stance, as the near leg swings "
               f"past it): {FAR_LEG_PEAK_KNEE_LOW_DEG:.0f}° is added to it. "
               "Even so one clip's two legs can read up to 11° apart on real runners (docs/accuracy.md): a "
               "left/right difference from one side view is not one.", "Souza 2016",
               SIDE_VIEW, order=6, sdc=SdcInputs(measured_error=2.37, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("shank_angle_at_contact_deg", "Shin angle at landing", "deg", 1,
               "Knee->ankle from vertical at initial contact; + = ankle ahead of knee.",
               "Near vertical (0°) is the aim; + = foot ahead of the knee.", "Souza 2016", SIDE_VIEW,
               short="shin at landing", order=3,
               sdc=SdcInputs(measured_error=2.46, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("overstride_pct_leg", "Overstride (heel ahead of hip)", "% leg length", 1,
               "Heel ahead of the mid-hip at initial contact, % of leg length (thigh + shank).",
               "Smaller is the aim. One camera measures it poorly: read it with the shin angle.", "Souza 2016",
               SIDE_VIEW, short="overstride", order=2,
               sdc=SdcInputs(measured_error=2.35, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("foot_strike_angle_deg", "Foot angle at landing", "deg", 1,
               "Heel->toe line above horizontal at initial contact; + = toe up.",
               "+ = toe up. A forefoot strike lowered peak knee-cap stress 27 %.", "Vannatta & Kernozek 2015",
               SIDE_VIEW, order=19, sdc=SdcInputs(measured_error=2.61, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("foot_strike_pattern", "Foot strike", None, 0,
               "rearfoot / midfoot / forefoot from the foot strike angle (Altman & Davis 2012 thresholds: > 8 deg "
               "rearfoot, < -1.6 deg forefoot).",
               "Rearfoot > 8°, forefoot < -1.6° foot angle at landing. Indicative: no standing calibration.",
               "Altman & Davis 2012", SIDE_VIEW, tag="indicative", categories=("rearfoot", "midfoot", "forefoot"),
               order=5),
    MetricSpec("trunk_lean_deg", "Trunk forward lean", "deg", 1,
               "Mid-hip->mid-shoulder from vertical, mean over the step; + = forward.",
               "Some forward lean is often advised for knee pain: not a fault by default.",
               "Barton 2016; dos Santos 2019", SIDE_VIEW, order=15,
               sdc=SdcInputs(measured_error=0.29, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("vertical_oscillation_pct_leg", "Vertical oscillation", "% leg length", 1,
               "Range of mid-hip height over a step, % of leg length.",
               "Rise and fall of the hips over a step, % of leg length.", "Souza 2016", SIDE_VIEW,
               shown_instead="vertical_oscillation_cm", order=17,
               sdc=SdcInputs(measured_error=0.79, measured_error_source=_SIDE_SETUPS)),
    MetricSpec("vertical_oscillation_cm", "Vertical oscillation", "cm", 1,
               "Vertical oscillation in cm (needs the runner's height).",
               "Rise and fall of the hips over a step (leg = 0.491 x height).", "Winter 2009", SIDE_VIEW, order=16),
    MetricSpec("stride_length_m", "Stride length", "m", 2,
               "Belt speed x stride time (needs the treadmill speed).",
               "Belt speed x stride time. +10 % step length raised knee-cap stress per step 31 %.", "Willson 2014",
               SIDE_VIEW, order=18),
    MetricSpec("knee_valgus_fppa_deg", "Knee valgus (2D FPPA)", "deg", 1,
               "Rear/front view: frontal plane projection angle, 180 minus the image hip-knee-ankle angle, + when "
               "the knee is medial (valgus); peak in stance. A 2-D projection (see notes).",
               "The largest in each stance, + the knee inside the hip-ankle line. Squat/landing references: "
               "controls 8-13°, knee pain 17-22°. In running 2D valgus does not match 3D knee motion: an "
               "observation only.", "Dingenen 2018; Straub & Powers 2022", FRONTAL_VIEWS,
               short="knee valgus (FPPA)", tag="2D projection", order=8,
               sdc=SdcInputs(8.9, "Munro 2012: 7.5-8.9°, single-leg squat", 1.77, _REAR_SETUPS)),
    MetricSpec("pelvic_drop_deg", "Pelvic drop (swing side)", "deg", 1,
               "Rear view, marker mode only: the line between the two PSIS stickers (the dimples of the lower "
               "back) from horizontal, + when the swing side's is lower (contralateral drop); peak in stance. "
               "A 2-D projection.",
               "Each 1° more drop went with 80 % higher odds of injury. " + _PELVIC_DROP_SDC.noise_words(),
               "Bramah 2018; Dingenen 2018", FRONTAL_VIEWS,
               short="pelvic drop", tag="2D projection", order=7, sdc=_PELVIC_DROP_SDC),
    MetricSpec("hip_adduction_deg", "Hip adduction (2D)", "deg", 1,
               "Rear/front view: thigh from the pelvis normal (the normal to the PSIS stickers' line in marker mode; "
               "without stickers the vertical, the pelvis taken as level), + when the knee is medial; peak in stance.",
               "With pelvic drop, 2D hip adduction explained 88 % of 3D hip adduction.", "Souza 2016",
               FRONTAL_VIEWS, short="hip adduction", tag="2D projection", order=9,
               sdc=SdcInputs(3.8, "Dingenen 2018: 2.3-3.8°", 2.08, _REAR_SETUPS)),
    MetricSpec("step_width_pct_hip", "Step width", "% hip width", 0,
               "Rear/front view: sideways distance between this foot at contact and the other foot at its previous "
               "contact, % of hip width; negative when the feet cross.",
               "Distance between the feet at landing, in hip widths; 0 or less: the feet cross the midline.",
               "Souza 2016", FRONTAL_VIEWS, short="step width", order=10,
               sdc=SdcInputs(measured_error=5.22, measured_error_source=_REAR_SETUPS)),
    MetricSpec("crossover_pct", "Crossover steps", "% of steps", 0,
               "Rear/front view: % of steps whose foot lands beyond the pelvis midline.",
               "Feet should not cross the midline.", "Souza 2016", FRONTAL_VIEWS, order=11),
    MetricSpec("rearfoot_eversion_deg", "Rearfoot eversion (stickers)", "deg", 1,
               "Rear view, marker mode only, filmed at 120 fps or more: the heel line (upper -> lower heel-counter "
               "sticker) against the lower shank line (mid-calf -> Achilles sticker), + when the heel's lower end "
               "is lateral (eversion); peak in stance. A 2-D projection.",
               "The 'overpronation' question. Needs heel and lower-shank stickers, filmed from behind at 120 fps or "
               "more; no cut-off is set here: an observation.", "Souza 2016", FRONTAL_VIEWS,
               short="rearfoot eversion", tag="2D projection", order=20),
)
DISPLAY_ORDER: tuple[MetricSpec, ...] = tuple(sorted(CATALOGUE, key=lambda spec: spec.order))

METRICS: dict[str, MetricSpec] = {spec.key: spec for spec in CATALOGUE}
FRONTAL_METRICS = frozenset(s.key for s in CATALOGUE if s.views == FRONTAL_VIEWS)
CONTACT_TIMED_METRICS = frozenset(s.key for s in CATALOGUE if s.contact_timed)


def spec_of(key: str) -> MetricSpec:
    """The spec of a measure; a key the catalogue does not know gets a readable title and no reference."""
    if key in METRICS:
        return METRICS[key]
    words = key.rsplit("_", 1)[0] if key.endswith(("_deg", "_pct", "_ms", "_m", "_cm", "_spm")) else key
    return MetricSpec(key=key, title=words.replace("_", " ").capitalize(), unit=None, digits=1, definition="",
                      reference="", source="", views=ALL_VIEWS)


def number(value: object) -> float | None:
    """A summary's value as a number, or None for a missing value or a category."""
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def left_right_bound_ms(left_uncertainty_ms: float, right_uncertainty_ms: float) -> float:
    """How far apart the two legs' values can read with no true difference: the two sides' measurement
    uncertainties combined (:func:`gait.metrics.contact_time_asymmetry` judges a difference against it)."""
    return math.hypot(left_uncertainty_ms, right_uncertainty_ms)


WITHIN_UNCERTAINTY = "within the measurement's uncertainty{bound}: not a left/right difference"
BEYOND_UNCERTAINTY = "beyond the measurement's uncertainty{bound}"


def asymmetry_words(name: str, summary: MetricSummary) -> str | None:
    """A left/right asymmetry's 95 % interval over the steps and whether it exceeds the sides' measurement
    uncertainty (:func:`gait.metrics.contact_time_asymmetry`), in the words the app's card and the report's
    table both show, e.g. "95 % interval -9.4 to +3.2 %, within the measurement's uncertainty (±37 ms between
    the legs): ...", the bound being the verdict's (:func:`left_right_bound_ms`). None
    for a measure that is not an asymmetry (no ``exceeds_uncertainty`` field) or has no value."""
    if "exceeds_uncertainty" not in summary or number(summary["value"]) is None:
        return None
    spec = spec_of(name)
    low, high = number(summary.get("ci95_low")), number(summary.get("ci95_high"))
    verdict = summary.get("exceeds_uncertainty")
    if low is None or high is None or verdict is None:
        return "no 95 % interval (fewer than 2 steps a side): not judged a left/right difference"
    low_text, high_text = (_signed(spec.format(v, unit=False)) for v in (low, high))
    interval = f"95 % interval {low_text} to {with_unit(high_text, spec.shown_unit)}"
    left, right = (number(summary.get(f"{side}_uncertainty_ms")) for side in ("left", "right"))
    bound = "" if left is None or right is None else f" (±{left_right_bound_ms(left, right):.0f} ms between the legs)"
    return f"{interval}, {(BEYOND_UNCERTAINTY if verdict else WITHIN_UNCERTAINTY).format(bound=bound)}"


def _signed(text: str) -> str:
    """A formatted number with a + when it is above 0 ("3.2" -> "+3.2")."""
    return text if text.startswith("-") or text.strip("0.") == "" else f"+{text}"


def empty_summary(unit: str | None) -> MetricSummary:
    """The summary of a measure this clip's view does not measure."""
    return {"value": None, "left": None, "right": None, "sd": None, "n": 0, "unit": unit}


def read_metrics(raw: object) -> Metrics:
    """report.json's ``metrics`` as read from a file (possibly older, partial or hand-made) as a complete
    summary: every catalogue measure, a missing or malformed one as not measured; other keys kept."""
    given = raw if isinstance(raw, dict) else {}
    metrics: Metrics = {}
    for key in [s.key for s in CATALOGUE] + [k for k in given if k not in METRICS]:
        entry = given.get(key)
        unit = spec_of(key).unit
        if not isinstance(entry, dict):
            metrics[key] = empty_summary(unit)
            continue
        summary: MetricSummary = {
            "value": entry.get("value"), "left": entry.get("left"), "right": entry.get("right"),
            "sd": entry.get("sd"), "n": int(entry.get("n") or 0), "unit": entry.get("unit", unit)}
        extra = {k: entry[k] for k in EXTRA_SUMMARY_FIELDS.get(key, {}) if k in entry}
        # the extra fields it carries, when given (an AsymmetrySummary's)
        metrics[key] = cast(MetricSummary, {**summary, **extra}) if extra else summary
    return metrics


def unvalidated_metrics(measured_errors: Mapping[str, dict | None] | None = None) -> frozenset[str]:
    """The measures reported but not validated: those whose method's measured error (``measured_errors``:
    report.json's ``quality.frontal_error``) misses the bar."""
    from gait.measured_error import not_validated_by_error

    return not_validated_by_error(measured_errors or {})


def shown_metrics(metrics: Metrics | dict[str, dict]) -> list[str]:
    """The measures a reader is shown: those with a value, in display order (unknown keys last, as
    given), less those shown through another measure of the same thing (oscillation in % of leg length
    when it is known in cm)."""
    names = [s.key for s in DISPLAY_ORDER if s.key in metrics] + [k for k in metrics if k not in METRICS]
    measured = {k for k in names if isinstance(metrics[k], dict) and metrics[k].get("value") is not None}
    return [k for k in names if k in measured and spec_of(k).shown_instead not in measured]


# measured from the stickers only (marker mode): the heel's tilt is out of a pose model's reach, and the pose
# model's hip points do not follow the pelvis (gait.kinematics.frontal_angles)
STICKERS_ONLY = ("pelvic_drop_deg", "rearfoot_eversion_deg")
NEEDS_STICKERS = "not measured: needs round stickers on the runner, filmed from behind (marker mode, docs/markers.md)"


# what a session with no side clip does not give (gait.metrics.without_contact_times)
NEEDS_SIDE_CLIP = ("not measured from behind or in front: the contacts are timed from the feet, seen from the side "
                   f"(the pelvis's motion read contact times about {PELVIS_TIMING_SHORT_MS} ms short on rendered "
                   "runners)")


def not_measured(primary_view: str | None, frontal_quality: Mapping) -> dict[str, str]:
    """The measures a session did not give that another filming would, each with why (:data:`NEEDS_SIDE_CLIP`,
    :data:`NEEDS_STICKERS`), in display order: the contact-timed ones when its ``primary_view`` (the view
    that timed its steps) is not the side, and :func:`needs_stickers` from its rear or front clip's
    ``frontal_quality`` (report.json's ``quality``, or the clip's ``Analysis.frontal_fields``)."""
    why = {k: NEEDS_SIDE_CLIP for k in CONTACT_TIMED_METRICS if primary_view != "side"}
    why.update(dict.fromkeys(needs_stickers(frontal_quality), NEEDS_STICKERS))
    return {s.key: why[s.key] for s in DISPLAY_ORDER if s.key in why}


def by_reason(not_given: Mapping[str, str]) -> dict[str, list[str]]:
    """:func:`not_measured`'s measures grouped by why, each reason once, in order."""
    grouped: dict[str, list[str]] = {}
    for name, why in not_given.items():
        grouped.setdefault(why, []).append(name)
    return grouped


def titles(names: list[str]) -> str:
    """Measures' titles as a list is read: "A", "A and B", "A, B and C"."""
    words = [spec_of(n).title for n in names]
    return " and ".join(filter(None, (", ".join(words[:-1]), words[-1]))) if words else ""


def needs_stickers(quality: Mapping) -> list[str]:
    """The measures only stickers give (:data:`STICKERS_ONLY`) that a rear or front clip filmed without them
    did not measure, from report.json's ``quality`` (or the clip's ``Analysis.frontal_fields``):
    ``frontal_method`` ``none`` and no marker mode (in marker mode a measure it could not give says why in
    the warnings)."""
    methods = quality.get("frontal_method") or {}
    return [] if quality.get("markers") else [k for k in STICKERS_ONLY if methods.get(k) == "none"]


def withdrawn_measures(report: dict) -> frozenset[str]:
    """The measures of report.json's content that an earlier version of this tool gave and this one does
    not: pelvic drop from a rear or front clip's pose model points (``frontal_method`` not ``markers``;
    :func:`gait.kinematics.frontal_angles`), and contact times timed by the pelvis in a session with no
    side clip (:data:`NEEDS_SIDE_CLIP`). What is read back (the history, a batch's earlier sessions, a
    report rebuilt from report.json) is shown, compared and cued as this version would measure it; the
    file itself is not changed."""
    clips = [c for c in report.get("clips") or [report] if isinstance(c, dict) and c.get("view") is not None]
    frontal = [c for c in clips if c.get("view") != "side"]
    given = {k for k, m in (report.get("metrics") or {}).items() if isinstance(m, dict) and m.get("value") is not None}
    withdrawn = set()
    if frontal and "pelvic_drop_deg" in given and not any(map(_drop_from_stickers, frontal)):
        withdrawn.add("pelvic_drop_deg")
    if frontal and len(frontal) == len(clips):
        withdrawn |= CONTACT_TIMED_METRICS & given
    return frozenset(withdrawn)


def _drop_from_stickers(clip: dict) -> bool:
    """Whether a clip's report says its pelvic drop came from the stickers (``quality.frontal_method``, or
    marker mode's own record)."""
    quality = clip.get("quality") or {}
    return "markers" in ((quality.get("frontal_method") or {}).get("pelvic_drop_deg"),
                         ((quality.get("markers") or {}).get("methods") or {}).get("pelvic_drop_deg"))


def without_withdrawn(report: dict) -> dict:
    """report.json's content with its :func:`withdrawn_measures` not measured."""
    withdrawn = withdrawn_measures(report)
    if not withdrawn:
        return report
    metrics = report["metrics"]
    return {**report, "metrics": {**metrics, **{k: {**metrics[k], "value": None, "left": None, "right": None,
                                                     "sd": None, "n": 0} for k in withdrawn}}}


# Fields some summaries carry beyond a MetricSummary's (gait.metrics.contact_time_asymmetry), as JSON schema
EXTRA_SUMMARY_FIELDS: dict[str, dict[str, dict]] = {
    "contact_time_asymmetry_pct": {
        "ci95_low": {"type": ["number", "null"], "description": "95 % interval over the steps, low end"},
        "ci95_high": {"type": ["number", "null"], "description": "95 % interval over the steps, high end"},
        "left_uncertainty_ms": {"type": ["number", "null"],
                                "description": "the left mean contact time's measurement uncertainty"},
        "right_uncertainty_ms": {"type": ["number", "null"],
                                 "description": "the right mean contact time's measurement uncertainty"},
        "exceeds_uncertainty": {"type": ["boolean", "null"],
                                "description": "whether left minus right exceeds the sides' uncertainties "
                                               "combined: only then is a left/right difference reported"},
    },
}


def metrics_schema() -> dict:
    """The JSON schema of report.json's ``metrics``: one :class:`MetricSummary` per catalogue entry."""
    number = {"type": ["number", "null"]}
    properties = {}
    for spec in CATALOGUE:
        value = {"enum": [*spec.categories, None]} if spec.categories else number
        properties[spec.key] = {
            "type": "object",
            "required": list(MetricSummary.__annotations__),
            "properties": {"value": value, "left": value, "right": value,
                           "sd": {"type": "null"} if spec.categories else number,
                           "n": {"type": "integer", "minimum": 0}, "unit": {"const": spec.unit},
                           **EXTRA_SUMMARY_FIELDS.get(spec.key, {})},
            "description": spec.definition,
        }
    return {"type": "object", "required": sorted(properties), "properties": properties}


SCHEMA_PATH = Path(__file__).with_name("schema") / "report.schema.json"
def report_schema() -> dict:
    """report.schema.json with its ``metrics`` part generated from the catalogue."""
    schema = json.loads(SCHEMA_PATH.read_text())
    schema["properties"]["metrics"] = metrics_schema()
    return schema


if __name__ == "__main__":  # python -m gait.catalogue: regenerate the schema's metrics part
    SCHEMA_PATH.write_text(json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n")
