"""Form cues: the measurements tied to runner's-knee (patellofemoral pain) retraining, with their evidence.

One table of rules, :data:`RULES`: each names a metric of the summary (``metrics[name]["value"]``, and the
``left`` / ``right`` means), a condition and a threshold, the evidence (../shared/DOMAIN.md), and the words
of the cue (the measure's title, unit and digits are the catalogue's, :mod:`gait.catalogue`).
:func:`cues_from_metrics` applies the table to a summary (report.json ``metrics``); :func:`cues_for` takes an
analysis or a session. :func:`retraining_plan` gives the weeks of a cadence retraining from the runner's own
cadence (+5 % then +10 %: no universal 180 steps/min target).

Conventions
-----------
- A rule fires when the metric's mean, or either side's mean, meets the condition: ``"at_least"`` is
  ``value >= threshold``, ``"at_most"`` is ``value <= threshold``, ``"equals"`` compares a category.
  Missing values (None, NaN) never fire.
- Severity: ``"consider"`` (worth discussing), ``"info"`` (an observation: not a fault). No measure is
  marked more urgent: pelvic drop, the strongest predictor of injury, is not validated here (its rule
  says so).
- Where the literature gives a direction but no cut-off, the threshold is this project's screening
  choice, and :attr:`Rule.threshold_basis` says so.
- A cue met only within the measure's measured error of its threshold (:func:`borderline_error`) is an
  observation titled "(borderline)"; one whose method is not validated, "(not validated)".

None of this is a diagnosis: cues are options to discuss with a physical therapist (Esculier 2018: gait
retraining added to education did not add benefit in one trial).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from gait.catalogue import METRICS, Metrics, MetricSpec, MetricSummary, number, unvalidated_metrics, with_unit

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gait.results import Analysis, Session

NOT_A_DIAGNOSIS = (
    "This report is not a diagnosis. It describes how you ran on one day, measured from a phone video, "
    "with the errors given under Methods. Discuss it with a physical therapist or doctor before you "
    "change your running, and stop any change that makes your pain worse."
)

SEE_A_PROFESSIONAL = (
    "See a physical therapist or doctor if knee pain lasts more than a few weeks, gets worse from run to "
    "run, is there at rest or at night, or comes with swelling, locking or the knee giving way."
)

SEVERITY_LABELS = {"consider": "Worth discussing", "info": "For information"}
SEVERITY_ORDER = ("consider", "info")

CADENCE_STEPS_PCT = (5.0, 10.0)  # Heiderscheit 2011; Lenhart 2014


@dataclass(frozen=True)
class Rule:
    """One line of the cue table.

    ``why`` and ``try_words`` may use ``{plus5}`` and ``{plus10}``: the runner's own cadence targets.
    """

    id: str
    metric: str
    condition: str  # "at_least", "at_most" or "equals"
    threshold: float | str
    severity: str
    title: str
    why: str
    try_words: str
    drill: str
    see_professional: str
    evidence: str
    threshold_basis: str

    @property
    def spec(self) -> MetricSpec:
        return METRICS[self.metric]

    def met_by(self, value: object) -> bool:
        """Whether one value meets the condition (None, NaN and wrong types never do)."""
        if value is None:
            return False
        if self.condition == "equals":
            return isinstance(value, str) and value == self.threshold
        if isinstance(value, str) or isinstance(value, bool):
            return False
        if not isinstance(value, (int, float)):
            return False
        number = float(value)
        if not math.isfinite(number):
            return False
        if self.condition == "at_least":
            return number >= float(self.threshold)
        if self.condition == "at_most":
            return number <= float(self.threshold)
        raise ValueError(f"unknown condition {self.condition!r} in rule {self.id!r}")

    @property
    def condition_text(self) -> str:
        if self.condition == "equals":
            return f"= {self.threshold}"
        sign = "≥" if self.condition == "at_least" else "≤"
        return f"{sign} {with_unit(f'{float(self.threshold):g}', self.spec.shown_unit)}"


# pelvic drop is measured from stickers only (gait.kinematics.frontal_angles)
FROM_STICKERS_WHY = ("Measured here from the stickers on the low back (marker mode), which follow the pelvis: on "
                     "rendered runners within 0.2° of the stickers' true tilt.")
_STRENGTH = ("Hip abductor and quadriceps strengthening, 2-3 times a week (side-lying leg raises, side "
             "plank with a top-leg lift, slow step-downs from a low step watching the knee in a mirror): "
             "the first-line treatment of the patellofemoral pain guideline (Willy 2019).")

RULES: tuple[Rule, ...] = (
    Rule(
        id="pelvic_drop", metric="pelvic_drop_deg", condition="at_least", threshold=6.0,
        severity="consider", title="Hip drop on the swing side",
        why="The pelvis drops on the side of the swinging leg while you stand on the other. Of all the "
            "running measures, more pelvic drop was the strongest predictor of injury: each degree more "
            "went with 80 % higher odds (Bramah 2018). " + FROM_STICKERS_WHY,
        try_words="'Run tall, level hips', or 'squeeze the glute as the foot lands'.",
        drill=_STRENGTH,
        see_professional="A physical therapist can check hip strength and control, and whether the drop "
                         "is the same in a single-leg squat.",
        evidence="Bramah 2018; reliability Dingenen 2018 (ICC 0.59-0.77, change < 2.8° is noise for 2-D "
                 "video; this tool's smallest detectable change: "
                 f"{METRICS['pelvic_drop_deg'].sdc.degrees_text}); Willy 2019",  # type: ignore[union-attr]
        threshold_basis="screening choice of this project: the studies give odds per degree, no cut-off"),
    Rule(
        id="overstride", metric="overstride_pct_leg", condition="at_least", threshold=20.0,
        severity="consider", title="Foot lands far ahead of the body",
        why="Landing with the heel well ahead of the hips brakes each step and loads the front of the "
            "knee. Longer steps raise the knee-cap (patellofemoral) stress of each step: +10 % step length "
            "raised it 31 %, -10 % lowered it 22 % (Willson 2014).",
        try_words="'Land under your hips', 'quick, light steps'. Shorter, quicker steps: a cadence of "
                  "{plus5} steps/min (+5 %), later {plus10} (+10 %), with the metronome.",
        drill="Short blocks (2-5 min) at the metronome's beat inside an easy run; see the plan.",
        see_professional="A physical therapist can confirm it by eye or with a second video; one camera "
                         "measures this distance poorly (Souza 2016).",
        evidence="Souza 2016; Willson 2014; Heiderscheit 2011",
        threshold_basis="screening choice of this project (heel ahead of the hip by 20 % of leg "
                        "length, about 17 cm for a 175 cm runner; on the project's labelled real clips the "
                        "runners judged to overstride measured 21-25 %, the others 18 % or less)"),
    Rule(
        id="shank_angle", metric="shank_angle_at_contact_deg", condition="at_least", threshold=4.0,
        severity="consider", title="Shin tilted forward at landing",
        why="At landing the shin should be near vertical. A shin reaching forward (the ankle ahead of "
            "the knee) is the other sign of overstriding, and more reproducible from one camera than the "
            "heel's distance (Souza 2016).",
        try_words="'Land with the shin vertical', 'feet under you'. Quicker steps usually fix it: "
                  "{plus5} steps/min (+5 %), later {plus10}.",
        drill="Metronome blocks as in the plan; a few strides barefoot on grass can help the feel.",
        see_professional="Worth showing a physical therapist with the key frames of this report.",
        evidence="Souza 2016; Heiderscheit 2011",
        threshold_basis="screening choice of this project: vertical (0°) is the aim, no published "
                        "cut-off; on the project's labelled real clips (a small sample) the runners judged "
                        "to overstride measured 5-6°, the others below 0°"),
    Rule(
        id="cadence", metric="cadence_spm", condition="at_most", threshold=170.0,
        severity="consider", title="Room for quicker, shorter steps",
        why="Raising your own cadence 5-10 % lowered the energy the knee absorbs (Heiderscheit 2011); "
            "+10 % cut the peak knee-cap force 14 % (Lenhart 2014). The aim is your own cadence plus a "
            "little, not a universal 180.",
        try_words="Run to a metronome at {plus5} steps/min (+5 %); when that feels natural, {plus10} "
                  "(+10 %). Keep the same speed: the steps get shorter.",
        drill="Metronome blocks in easy runs, fading the beat over the weeks (Davis 2020); see the plan.",
        see_professional="Discuss the change with a physical therapist if your knee hurts while running.",
        evidence="Heiderscheit 2011; Lenhart 2014; Davis 2020",
        threshold_basis="screening choice of this project; the targets are always your own cadence "
                        "+5 % and +10 %"),
    Rule(
        id="knee_straight_at_contact", metric="knee_flexion_at_contact_deg", condition="at_most",
        threshold=15.0, severity="consider", title="Straight knee at landing",
        why="Landing on a straighter knee was linked to injury in runners (Bramah 2018): the leg meets "
            "the ground stiffly, ahead of the body.",
        try_words="'Soft knees', 'land with the knee a little bent under you'. Quicker steps usually "
                  "bring more knee bend at landing.",
        drill="Metronome blocks as in the plan.",
        see_professional=METRICS["knee_flexion_at_contact_deg"].sdc.noise_words(),  # type: ignore[union-attr]
        evidence="Bramah 2018; Dingenen 2018",
        threshold_basis="screening choice of this project: the study compared groups, no cut-off"),
    Rule(
        id="hip_adduction", metric="hip_adduction_deg", condition="at_least", threshold=10.0,
        severity="consider", title="Thigh swings in towards the midline",
        why="The thigh moving in towards the other leg in stance (hip adduction) turns the knee inwards "
            "and changes how the knee-cap tracks. With pelvic drop it explained 88 % of 3D hip "
            "adduction.",
        try_words="'Knees straight ahead', 'run on two lines, not one'.",
        drill=_STRENGTH,
        see_professional="A physical therapist can test hip strength and single-leg control.",
        evidence="Souza 2016; Willy 2019",
        threshold_basis="screening choice of this project: no published 2D cut-off in running"),
    Rule(
        id="crossover", metric="step_width_pct_hip", condition="at_most", threshold=0.0,
        severity="consider", title="Feet cross the midline",
        why="Each foot lands on or across the line under the middle of the body: a narrow, crossing "
            "step goes with more hip adduction and knee-inward motion. Feet should not cross the "
            "midline (Souza 2016).",
        try_words="'Run on two tracks', 'a little space between the feet'.",
        drill="On the treadmill, land each foot on its own side of the belt's centre line for short "
              "blocks; hip strengthening as for hip drop (Willy 2019).",
        see_professional="A physical therapist can check whether it comes from the hip or the foot.",
        evidence="Souza 2016; Willy 2019",
        threshold_basis="definition: step width 0 or less means the feet meet or cross"),
    Rule(
        id="knee_valgus", metric="knee_valgus_fppa_deg", condition="at_least", threshold=15.0,
        severity="info", title="Knee moves inward (observation)",
        why="Seen from behind, the knee moves in towards the midline. This is a 2D projection: in "
            "running it does not match 3D knee motion (Dingenen 2018) and overestimates it (Straub & "
            "Powers 2022). Read it as an observation, not a joint angle.",
        try_words="No running cue from this alone; if it goes with hip drop or crossing feet, those "
                  "cues apply.",
        drill="A single-leg squat in front of a mirror shows whether the knee also moves in there; "
              "hip and quadriceps strengthening (Willy 2019).",
        see_professional="A physical therapist can assess it with a single-leg squat or landing test, "
                         "where the reference values come from.",
        evidence="Dingenen 2018; Straub & Powers 2022; squat/landing references: controls ~8-13°, "
                 "knee pain ~17-22°",
        threshold_basis="between the single-leg squat/landing ranges of controls (8-13°) and of "
                        "people with knee pain (17-22°); not validated for running"),
    Rule(
        id="rearfoot_strike", metric="foot_strike_pattern", condition="equals", threshold="rearfoot",
        severity="info", title="Heel-first landing (observation)",
        why="Most runners land heel first and that is not a fault. A forefoot landing lowered peak "
            "knee-cap stress 27 % in one study (Vannatta & Kernozek 2015), but moves load to the calf "
            "and Achilles tendon.",
        try_words="Changing foot strike is an option to discuss, not a must; quicker steps often "
                  "soften the heel strike by themselves.",
        drill="If you and your physical therapist choose to change it: short blocks only, with calf "
              "strengthening first.",
        see_professional="Discuss before changing, especially with calf or Achilles trouble.",
        evidence="Vannatta & Kernozek 2015; foot angle thresholds Altman & Davis 2012 (indicative)",
        threshold_basis="foot angle at contact above 8° (Altman & Davis 2012)"),
    Rule(
        id="trunk_upright", metric="trunk_lean_deg", condition="at_most", threshold=5.0,
        severity="info", title="Upright trunk (observation, not a fault)",
        why="For knee pain, a little more forward lean from the ankles is sometimes promoted: it moves "
            "some load from the knee to the hip (Barton 2016; dos Santos 2019). Whether it suits you "
            "depends on you: an upright trunk is not a fault.",
        try_words="An option to try with your physical therapist: 'lean slightly forward from the "
                  "ankles, not the waist'.",
        drill="A few minutes inside an easy run, only if it feels comfortable.",
        see_professional="Discuss with your physical therapist, especially with back or hip trouble.",
        evidence="Barton 2016; dos Santos 2019",
        threshold_basis="screening choice of this project; lean depends on the runner"),
)
RULES_BY_ID = {r.id: r for r in RULES}


@dataclass(frozen=True)
class Cue:
    """One fired rule, in words for the runner.

    ``measured`` says what was measured (with left and right); ``try_words`` the cue words, ``drill``
    a drill, ``see_professional`` when to see a physical therapist; ``evidence`` the sources.
    """

    id: str
    metric: str
    severity: str
    title: str
    measured: str
    why: str
    try_words: str
    drill: str
    see_professional: str
    evidence: str
    threshold_text: str
    threshold_basis: str
    value: float | str | None = None
    sides: tuple[str, ...] = field(default_factory=tuple)  # the sides that met the condition

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def text(self) -> str:
        """One line for lists: title, what was measured and what to try."""
        return f"{self.title}: {self.measured} {self.try_words}"


def cadence_targets(cadence_spm: float | None) -> dict[float, int] | None:
    """The runner's own cadence targets, {5.0: +5 %, 10.0: +10 %} in whole steps/min; None if unknown."""
    if cadence_spm is None or not math.isfinite(float(cadence_spm)) or cadence_spm <= 0:
        return None
    return {pct: int(round(cadence_spm * (1 + pct / 100))) for pct in CADENCE_STEPS_PCT}


def cadence_not_suggested(cadence_spm: float | None, cues: Sequence[Cue]) -> str | None:
    """Words saying that this report suggests no cadence change: the cadence is known, does not meet the
    cadence cue's threshold and its cue did not fire (one side meeting it fires it); None otherwise, also
    when ``cues`` could not be made. The targets then stay on offer for a change a physical therapist
    advises."""
    rule = RULES_BY_ID["cadence"]
    if cadence_targets(cadence_spm) is None or rule.met_by(cadence_spm) or any(c.id == rule.id for c in cues):
        return None
    return (f"{cadence_spm:.0f} steps/min is above the {rule.threshold:.0f} at or below which this report "
            "suggests quicker steps: no cadence change is suggested")


def _measured_text(rule: Rule, summary: MetricSummary) -> str:
    spec = rule.spec
    text = spec.format(summary["value"])
    left, right = summary["left"], summary["right"]
    if left is not None or right is not None:
        text += f" (left {spec.format(left, unit=False)}, right {spec.format(right, unit=False)})"
    if summary["n"]:
        text += f" over {summary['n']} steps"
    return f"{text}; this cue is for {rule.condition_text}."


def evaluate_rule(rule: Rule, summary: MetricSummary | None, cadence_spm: float | None = None) -> Cue | None:
    """The cue of ``rule`` for one metric summary ({value, left, right, ...}), or None if it does not
    fire. ``cadence_spm`` fills the cadence targets of the cue words."""
    if not summary:
        return None
    sides = tuple(s for s, v in (("left", summary["left"]), ("right", summary["right"])) if rule.met_by(v))
    if not (rule.met_by(summary["value"]) or sides):
        return None
    targets = cadence_targets(cadence_spm)
    words = {"plus5": targets[5.0], "plus10": targets[10.0]} if targets else None
    try_words = rule.try_words.format(**words) if words else _without_targets(rule.try_words)
    return Cue(id=rule.id, metric=rule.metric, severity=rule.severity, title=rule.title,
               measured=_measured_text(rule, summary), why=rule.why, try_words=try_words, drill=rule.drill,
               see_professional=rule.see_professional, evidence=rule.evidence,
               threshold_text=rule.condition_text, threshold_basis=rule.threshold_basis,
               value=summary["value"], sides=sides)


def _without_targets(words: str) -> str:
    """Cue words when the cadence is unknown: the targets in words."""
    return (words.replace("{plus5} steps/min (+5 %)", "5 % above your own cadence")
            .replace("{plus5} steps/min", "5 % above your own cadence")
            .replace("{plus10} (+10 %)", "10 % above").replace("{plus10}", "10 % above"))


# added to the "why" of a cue on a measure whose method misses its bar (gait.measured_error)
NOT_VALIDATED_WHY = ("Without stickers this tool's reading of it is not validated (its measured error is given "
                     "with the number): confirm it by eye on the key frames, or film from behind with stickers "
                     "(marker mode).")


def cues_from_metrics(metrics: Metrics, rules: tuple[Rule, ...] = RULES,
                      not_validated: frozenset[str] = frozenset(), view: str | None = None) -> list[Cue]:
    """Apply the rule table to a metrics summary (report.json ``metrics``); most important first.

    Missing metrics, or metrics whose values are None, give no cue. A measure whose method is not validated
    (``not_validated``, :func:`gait.measured_error.not_validated_by_error`) gives an observation that says so.
    ``view``: the view the measures were taken from (a session's primary clip's), which decides the measured
    error of :func:`borderline_error`.
    """
    cadence = number(metrics["cadence_spm"]["value"]) if "cadence_spm" in metrics else None
    found = [(evaluate_rule(rule, metrics.get(rule.metric), cadence), rule) for rule in rules]
    cues = [_with_caveats(c, rule, metrics[rule.metric], not_validated, view)
            for c, rule in found if c is not None]
    return sorted(cues, key=lambda c: SEVERITY_ORDER.index(c.severity))


def _with_caveats(cue: Cue, rule: Rule, summary: MetricSummary, not_validated: frozenset[str],
                  view: str | None) -> Cue:
    if cue.metric in not_validated:
        return replace(cue, severity="info", title=f"{cue.title} (not validated)", why=f"{cue.why} {NOT_VALIDATED_WHY}")
    error = borderline_error(rule, summary, view)
    if error is not None:
        words = BORDERLINE_WHY.format(error=with_unit(f"{error:.1f}", rule.spec.shown_unit))
        return replace(cue, severity="info", title=f"{cue.title} (borderline)", why=f"{cue.why} {words}")
    return cue


BORDERLINE_WHY = ("Every value that meets this cue's threshold does so by less than this tool's measured error "
                  "({error}, on rendered runners of known form): the true value may well be on the other side. "
                  "Check the key frames before acting on it.")


def borderline_error(rule: Rule, summary: MetricSummary, view: str | None = None) -> float | None:
    """The measure's measured error from ``view`` (:meth:`gait.catalogue.SdcInputs.for_view`: a side view's own
    where it has one; None, the larger) when the rule fires (mean or a side) only by values within that error
    of its threshold, else None: such a cue is an observation, not a finding. A category, or a measure with no
    measured error, is never borderline. A frontal measure's error is the pose model's (a measure from the
    stickers is never borderline: :func:`cues_from_metrics`; one from the mask, step width, takes the pose
    model's larger error)."""
    error = rule.spec.sdc.for_view(view).measured_error if rule.spec.sdc is not None else None
    if error is None or rule.condition == "equals":
        return None
    meeting = [float(v) for v in (summary["value"], summary["left"], summary["right"])
               if isinstance(v, (int, float)) and rule.met_by(v)]
    if meeting and all(abs(v - float(rule.threshold)) < error for v in meeting):
        return error
    return None


def cues_for(source: Analysis | Session) -> list[Cue]:
    """The cues of an analysed clip or session."""
    from gait.results import measured_errors

    clips = source.clips if hasattr(source, "clips") else (source,)  # a Session's, or the one clip
    view = source.primary.view if hasattr(source, "primary") else source.view
    return cues_from_metrics(source.metrics, not_validated=unvalidated_metrics(measured_errors(clips)),
                             view=view)


@dataclass(frozen=True)
class PlanStage:
    weeks: str
    cadence_spm: int | None
    what: str


def retraining_plan(cadence_spm: float | None) -> list[PlanStage]:
    """A 6-week cadence retraining from the runner's own cadence (DOMAIN.md: +5-10 %, metronome, short
    blocks, faded feedback, 8-18 sessions over 2-6 weeks, Davis 2020). Three sessions a week: 18."""
    targets = cadence_targets(cadence_spm)
    p5 = targets[5.0] if targets else None
    p10 = targets[10.0] if targets else None
    at5 = f"{p5} steps/min" if p5 else "your cadence +5 %"
    at10 = f"{p10} steps/min" if p10 else "your cadence +10 %"
    return [
        PlanStage("Weeks 1-2", p5,
                  f"3 easy runs a week. Inside each, 3-5 blocks of 2-5 min at {at5} (+5 %) with the "
                  "metronome, normal running between. Same speed or slower; shorter runs, walking breaks "
                  "allowed; avoid hills while painful."),
        PlanStage("Weeks 3-4", p10,
                  f"If +5 % feels natural and the knee is no worse the next day: {at10} (+10 %), longer "
                  "blocks (5-10 min). Metronome on for about half of the blocks: feel the rhythm without "
                  "it (faded feedback)."),
        PlanStage("Weeks 5-6", p10,
                  "The new rhythm for most of easy runs, metronome only for a check at the start and end. "
                  "Add distance slowly, one change at a time (distance, then speed, then hills)."),
        PlanStage("After 6 weeks", None,
                  "Film again the same way and compare with this report. Keep strengthening hips and "
                  "quadriceps 2-3 times a week (Willy 2019)."),
    ]


PLAN_EVIDENCE = ("Davis 2020 (8-18 sessions over 2-6 weeks, faded feedback); Heiderscheit 2011 and "
                 "Lenhart 2014 (+5-10 % cadence); Willy 2019 (strengthening); Esculier 2018 (retraining "
                 "added to education did not add benefit in one trial: discuss it with your physical "
                 "therapist)")
