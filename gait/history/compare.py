"""Before and after: the change of each measure between two sessions, judged against its smallest detectable
change (SDC).

A measure's SDC is the larger of the published figure for the 2-D measure and 2.77 x this tool's measured
error (``MetricSpec.sdc`` in :mod:`gait.catalogue`, with their sources); :class:`Sdc` says which applied. A
change larger than the SDC is beyond what measurement noise explains; a smaller one may be noise. Values
measured by different methods (from the side view in one session and from the rear view in the other, or
markers against body keypoints) are not compared. No file and no database here: plain values in, plain
values out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gait.catalogue import (
    DISPLAY_ORDER,
    FAR_LEG_PEAK_KNEE_LOW_DEG,
    KNEE_MORE_BENT_AT_30_FPS_DEG,
    LEFT_RIGHT_TIMING_BOUND_MS,
    LOW_FPS,
    NOT_GIVEN,
    SDC_ERROR_FACTOR,
    TIMED_BY_FOOT,
    TIMED_BY_PRIOR,
    Metrics,
    MetricSpec,
    empty_summary,
    fmt,
    number,
    read_metrics,
    spec_of,
    with_unit,
    withdrawn_measures,
    without_withdrawn,
)
from gait.history.schema import metric_methods
from gait.level import ROLL_WARN_DEG, turn_words
from gait.view import FACING, OBLIQUE_WARN_DEG, VIEW_WORDS, camera_angle_words, near_side

if TYPE_CHECKING:
    from gait.history.sessions import StoredSession

# what a change beyond the smallest detectable change is more than, and what it is not (said wherever it is judged)
BEYOND_MEANING = "more than this tool's measurement noise"
NOT_DAY_TO_DAY = ("It is not a runner's day-to-day variation, which can be larger: compare sessions filmed the "
                  "same way, at the same speed, after the same warm-up.")

# MetricChange.verdict
BEYOND = "beyond"  # |change| > SDC
WITHIN = "within"  # |change| <= SDC
NOT_COMPARABLE = "not_comparable"  # measured by different methods
NO_SDC = "no_sdc"  # no published figure and no measured error for this measure
NOT_MEASURED = "not_measured"  # missing in one session or both
CHANGED = "changed"  # a category that changed
SAME = "same"  # a category that did not

VERDICT_WORDS = {
    BEYOND: "beyond the smallest detectable change",
    WITHIN: "within the smallest detectable change: may be noise",
    NOT_COMPARABLE: "not comparable",
    NO_SDC: "not judged: no smallest detectable change known",
    NOT_MEASURED: "not measured in both",
    CHANGED: "changed",
    SAME: "same",
}
SHORT_VERDICTS = {BEYOND: "beyond SDC", WITHIN: "within SDC", NOT_COMPARABLE: "not comparable", NO_SDC: "not judged",
                  NOT_MEASURED: "not in both", CHANGED: "changed", SAME: "same"}
PUBLISHED = "published"
RELATIVE_UNITS = ("steps/min", "ms", "m", "cm")  # changes also given in % of the value before (cadence +5 %)
MEASURED = "this tool"


@dataclass(frozen=True)
class Sdc:
    """A measure's smallest detectable change, and which input gave it (``basis``: published or this tool)."""

    key: str
    value: float
    basis: str
    published: float | None
    published_source: str
    measured_error: float | None
    measured_error_source: str
    between_days: str = ""  # SdcInputs.between_days: a published variation between days, not in the SDC

    @property
    def spec(self) -> MetricSpec:
        return spec_of(self.key)

    @property
    def value_text(self) -> str:
        """The SDC with its unit, one digit finer than the measure's own."""
        spec = self.spec
        return fmt(self.value, max(spec.digits, 1), spec.shown_unit)

    @property
    def basis_text(self) -> str:
        """Which input applied, and the other one: "this tool: 2.77 x 2.62° measured error, larger than the
        published 3.8° (Dingenen 2018: 2.3-3.8°)"."""
        unit = self.spec.shown_unit
        tool = (None if self.measured_error is None else
                f"{SDC_ERROR_FACTOR} x {with_unit(f'{self.measured_error:g}', unit)} measured error")
        published = (None if self.published is None else
                     f"{with_unit(f'{self.published:g}', unit)} ({self.published_source})")
        if self.basis == PUBLISHED:
            text = f"published: {published}, larger than {tool} of this tool" if tool else f"published: {published}"
        else:
            text = f"this tool: {tool}, larger than the published {published}" if published else (
                f"this tool: {tool}; no published figure")
        days = f"; {self.between_days}" if self.between_days else ""
        return text + days


def smallest_detectable_change(key: str, method: str = "") -> Sdc | None:
    """The SDC of a measure (None when neither a published figure nor a measured error is known) between two
    sessions that both measured it by ``method`` (``<kind>/<view>``, :func:`~gait.history.schema.metric_methods`;
    empty: not known): a side view's contact time and cadence have a smaller error than from behind."""
    spec = spec_of(key)
    if spec.sdc is None:
        return None
    inputs = spec.sdc.for_view(method.partition("/")[2] or None)
    value = inputs.value
    if value is None:
        return None
    basis = PUBLISHED if value == inputs.published else MEASURED
    return Sdc(key, value, basis, inputs.published, inputs.published_source, inputs.measured_error,
               inputs.measured_error_source, inputs.between_days)


def sdc_table() -> list[tuple[str, Sdc]]:
    """The SDC of every measure that has one, in display order, as (the measure's title, the SDC); where two
    side-view sessions have a smaller one, two rows: "..., side view" and "..., other views" (none where only
    the side view's error is known)."""
    rows = []
    for spec in DISPLAY_ORDER:
        sdc, side = smallest_detectable_change(spec.key), smallest_detectable_change(spec.key, "keypoints/side")
        if side is not None and side != sdc:
            rows.append((f"{spec.title}, side view", side))
            if sdc is not None:
                rows.append((f"{spec.title}, other views", sdc))
        elif sdc is not None:
            rows.append((spec.title, sdc))
    return rows


@dataclass(frozen=True)
class Capture:
    """How a session's clip of one view was filmed and timed, from its report.json."""

    fps: float | None  # the capture frame rate
    contact_timing: str | None  # quality.contact_timing: TIMED_BY_FOOT, TIMED_BY_PRIOR, ...
    near_leg: str | None = None  # from the side: the runner's leg nearer the camera
    camera_angle_deg: float | None = None  # from the side: quality.camera_angle_deg, + towards the runner's front
    camera_roll_deg: float | None = None  # quality.camera_roll_deg: the uprights' lean at the runner, + clockwise


def _near_leg(clip: dict) -> str | None:
    """The leg nearer the camera in a side clip's report.json (its facing direction and mirroring)."""
    facing = FACING.get(clip.get("direction") or "")
    if clip.get("view") != "side" or facing is None:
        return None
    return near_side(facing, bool((clip.get("runner") or {}).get("mirrored")))


def captures(report: dict) -> dict[str, Capture]:
    """Each view's :class:`Capture` in a session's report.json (its clips' own reports in a session of several)."""
    return {str(c["view"]): Capture((c.get("video") or {}).get("fps"), (c.get("quality") or {}).get("contact_timing"),
                                    _near_leg(c), (c.get("quality") or {}).get("camera_angle_deg"),
                                    (c.get("quality") or {}).get("camera_roll_deg"))
            for c in report.get("clips") or [report] if c.get("view")}


SQUARE_DEG = 5.0  # a camera angle under this is called square (the near-square real clips: 2-10 deg)


def _angle_words(angle_deg: float) -> str:
    if abs(angle_deg) < SQUARE_DEG:
        return "square to the belt"
    return camera_angle_words(angle_deg)


@dataclass(frozen=True)
class SessionPoint:
    """A session as a comparison sees it: its values and how each was measured."""

    metrics: Metrics
    methods: dict[str, str]
    filmed_on: str
    id: int | None = None  # None: not saved (this analysis)
    label: str = ""
    views: tuple[str, ...] = ()
    capture: dict[str, Capture] = field(default_factory=dict)  # view -> how that clip was filmed and timed

    @classmethod
    def of_report(cls, report: dict, *, id: int | None = None, filmed_on: str | None = None,
                  label: str = "") -> SessionPoint:
        """A session from report.json's content (e.g. the analysis just made, before it is saved)."""
        clips = report.get("clips") or [report]
        return cls(metrics=read_metrics(without_withdrawn(report).get("metrics")), methods=metric_methods(report),
                   filmed_on=filmed_on or dt.date.today().isoformat(), id=id, label=label,
                   views=tuple(str(c.get("view")) for c in clips if c.get("view")), capture=captures(report))

    @classmethod
    def of_stored(cls, stored: StoredSession) -> SessionPoint:
        """A session read from the history."""
        withdrawn = withdrawn_measures(stored.report)  # kept in the file and its export, not compared or drawn
        metrics = {k: empty_summary(m["unit"]) if k in withdrawn else m for k, m in stored.metrics.items()}
        return cls(metrics=metrics, methods=stored.methods, filmed_on=stored.filmed_on, id=stored.id,
                   label=stored.label, views=stored.views, capture=captures(stored.report))

    @property
    def name(self) -> str:
        """"session 3 of 2026-02-01" or "this session of 2026-02-01"."""
        return f"{'this session' if self.id is None else f'session {self.id}'} of {self.filmed_on}"

    def value(self, key: str) -> float | str | None:
        """A measure's value (None when not measured)."""
        summary = self.metrics.get(key)
        return None if summary is None else summary["value"]

    @property
    def short(self) -> str:
        return f"#{self.id} {self.filmed_on}" if self.id is not None else f"new {self.filmed_on}"


def _method_words(method: str) -> str:
    kind, _, view = method.partition("/")
    return f"{view} view" + ("" if kind == "keypoints" else f" ({kind})") if view else kind or "?"


@dataclass(frozen=True)
class MetricChange:
    """One measure, before and after."""

    key: str
    before: float | str | None
    after: float | str | None
    change: float | None
    sdc: Sdc | None
    verdict: str
    reason: str = ""  # why not comparable ("side view vs rear view")

    @property
    def spec(self) -> MetricSpec:
        return spec_of(self.key)

    @property
    def beyond(self) -> bool:
        return self.verdict == BEYOND

    @property
    def change_pct(self) -> float | None:
        before = number(self.before)
        return None if self.change is None or not before else 100.0 * self.change / abs(before)

    @property
    def before_text(self) -> str:
        return self.spec.format(self.before)

    @property
    def after_text(self) -> str:
        return self.spec.format(self.after)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return NOT_GIVEN
        spec = self.spec
        digits = max(spec.digits, 1)  # as fine as the SDC (Sdc.value_text): a change beyond it shows
        text = fmt(self.change, digits)
        text = with_unit(text if text.startswith("-") or text == fmt(0, digits) else f"+{text}", spec.shown_unit)
        pct = self.change_pct
        if pct is None or spec.unit not in RELATIVE_UNITS:
            return text
        pct_text = f"{pct:+.0f}"
        return f"{text} ({f'{pct:+.1f}' if pct_text in ('+0', '-0') else pct_text} %)"

    @property
    def sdc_text(self) -> str:
        return NOT_GIVEN if self.sdc is None else self.sdc.value_text

    @property
    def verdict_text(self) -> str:
        words = VERDICT_WORDS[self.verdict]
        return f"{words}: {self.reason}" if self.reason else words

    @property
    def short_verdict(self) -> str:
        return SHORT_VERDICTS[self.verdict]


@dataclass(frozen=True)
class Comparison:
    """Every measure of two sessions of one runner, before and after."""

    before: SessionPoint
    after: SessionPoint
    changes: tuple[MetricChange, ...] = field(default_factory=tuple)

    def change(self, key: str) -> MetricChange:
        return next(c for c in self.changes if c.key == key)

    @property
    def shown(self) -> list[MetricChange]:
        """The measures with a value in either session, in display order, less those shown through another
        measure of the same thing (oscillation in % of leg length when it is known in cm in both)."""
        measured = {c.key for c in self.changes if c.before is not None or c.after is not None}
        both_cm = {c.key for c in self.changes if c.before is not None and c.after is not None}
        return [c for c in self.changes if c.key in measured and (c.spec.shown_instead or "") not in both_cm]

    @property
    def not_comparable(self) -> list[MetricChange]:
        return [c for c in self.changes if c.verdict == NOT_COMPARABLE]

    @property
    def capture_notes(self) -> list[str]:
        """What differed in how the two sessions were filmed that can move a measure by itself: the frame rate
        (below :data:`LOW_FPS` in one of them), the side filmed and how the landings were timed
        (:func:`capture_notes`)."""
        return capture_notes(self.before, self.after)


def capture_notes(before: SessionPoint, after: SessionPoint) -> list[str]:
    """For each view both sessions filmed: a note when one was filmed below :data:`LOW_FPS` and the other at
    another rate, when a side view was filmed from the runner's other side (the near leg swapped) or with the
    camera :data:`~gait.view.OBLIQUE_WARN_DEG` or more further round the runner, and when
    one's landings were placed by the typical delay and the other's by the feet's motion; each says which
    measures it can move, beyond the smallest detectable change's noise."""
    notes = []
    for view in [v for v in before.capture if v in after.capture]:
        b, a = before.capture[view], after.capture[view]
        if b.fps and a.fps and round(b.fps) != round(a.fps) and min(b.fps, a.fps) < LOW_FPS:
            knee = (f", and at landing the knee reads more bent (the side sample at 30 fps: "
                    f"{KNEE_MORE_BENT_AT_30_FPS_DEG:.0f}° more than at {LOW_FPS:.0f})" if view == "side" else "")
            notes.append(f"Filmed {VIEW_WORDS.get(view, view)} at {b.fps:.0f} fps, then at {a.fps:.0f} fps: below "
                         f"{LOW_FPS:.0f} fps contact and flight times are less sure{knee}, so part of a change in "
                         f"them may come from the frame rate. Film every session the same way, at {LOW_FPS:.0f} fps.")
        if b.near_leg and a.near_leg and b.near_leg != a.near_leg:
            notes.append(f"Filmed with the runner's {b.near_leg} side to the camera, then the {a.near_leg}: from "
                         "one side the leg away from the camera is partly hidden and reads differently (its peak knee "
                         f"bend in stance has {FAR_LEG_PEAK_KNEE_LOW_DEG:.0f}° added; the two feet's contact times can "
                         f"read up to {LEFT_RIGHT_TIMING_BOUND_MS:.0f} ms apart by the measurement alone), so part of "
                         "a change in the left and right values and in contact time left vs right may come from the "
                         "side filmed. Film every session from the same side.")
        if b.camera_angle_deg is not None and a.camera_angle_deg is not None \
                and abs(b.camera_angle_deg - a.camera_angle_deg) >= OBLIQUE_WARN_DEG:
            notes.append(f"Filmed from the side with the camera {_angle_words(b.camera_angle_deg)}, then "
                         f"{_angle_words(a.camera_angle_deg)}: a side view's angles and distances are read in the "
                         "image, and on a rendered runner 20° off square the angles at landing read up to 9° "
                         "differently, so part of a change in them and in overstride may come from where the camera "
                         "stood. Film every session from the same place, square to the belt.")
        if b.camera_roll_deg is not None and a.camera_roll_deg is not None \
                and abs(b.camera_roll_deg - a.camera_roll_deg) >= ROLL_WARN_DEG:
            notes.append(f"Filmed {VIEW_WORDS.get(view, view)} with the room's upright lines leaning "
                         f"{turn_words(b.camera_roll_deg)} where the runner was, then {turn_words(a.camera_roll_deg)}: "
                         "what is read against the upright (from the side trunk lean, the shin and foot "
                         "angles at landing and overstride; from behind pelvic drop and hip adduction) was turned "
                         "back by as much, but the pose model reads a turned picture a little differently (a "
                         "rendered runner turned 3 to 8° kept up to 4 % of leg length in overstride), so part of a "
                         "change in them may come from the camera. Level the phone for every session.")
        timings = {b.contact_timing, a.contact_timing}
        if timings == {TIMED_BY_FOOT, TIMED_BY_PRIOR}:
            guessed = before.name if b.contact_timing == TIMED_BY_PRIOR else after.name
            notes.append(f"The landings of {guessed} were placed the typical delay after the foot's furthest-forward "
                         "point (its feet's up-and-down motion showed too few clear landings), the other session's "
                         "where the feet were seen to land: the angles at landing and the contact times of "
                         f"{guessed} are less sure, and part of a change in them may come from that.")
    return notes


def compare_metric(key: str, before: SessionPoint, after: SessionPoint) -> MetricChange:
    """One measure of two sessions, judged against its SDC."""
    b, a = before.value(key), after.value(key)
    mb, ma = before.methods.get(key, ""), after.methods.get(key, "")
    sdc = smallest_detectable_change(key, mb if mb == ma else "")
    if b is None or a is None:
        return MetricChange(key, b, a, None, sdc, NOT_MEASURED)
    nb, na = number(b), number(a)
    change = None if nb is None or na is None else na - nb
    if mb and ma and mb != ma:
        return MetricChange(key, b, a, change, sdc, NOT_COMPARABLE,
                            f"measured from the {_method_words(mb)}, then from the {_method_words(ma)}")
    if change is None:
        return MetricChange(key, b, a, None, None, SAME if a == b else CHANGED)
    if sdc is None:
        return MetricChange(key, b, a, change, None, NO_SDC)
    return MetricChange(key, b, a, change, sdc, BEYOND if abs(change) > sdc.value else WITHIN)


def compare(before: SessionPoint, after: SessionPoint) -> Comparison:
    """Every catalogue measure (and any other measure either session has) of two sessions."""
    keys = dict.fromkeys([*(s.key for s in DISPLAY_ORDER), *before.metrics, *after.metrics])
    return Comparison(before, after, tuple(compare_metric(k, before, after) for k in keys))


def compare_series(points: Sequence[SessionPoint]) -> list[Comparison]:
    """A runner's series: each later session against the first (the baseline)."""
    return [compare(points[0], p) for p in points[1:]]


def trend_keys(points: Sequence[SessionPoint]) -> list[str]:
    """The measures with a number in at least one session, in display order; oscillation in % of leg length
    left out when it is known in cm."""
    measured = {k for p in points for k, m in p.metrics.items() if number(m["value"]) is not None}
    keys = [s.key for s in DISPLAY_ORDER if s.key in measured and s.unit is not None]
    return [k for k in keys if (spec_of(k).shown_instead or "") not in measured]
