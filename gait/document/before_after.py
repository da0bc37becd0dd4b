"""The report's before/after section, when the runner has a previous saved session (:mod:`gait.history`): per
measure the value then and now, the change, the smallest detectable change (SDC) and whether the change
is beyond it: its content (:class:`BeforeAfter`, :func:`before_after_content`), laid out by
:mod:`gait.document.html` and :mod:`gait.document.pdf` as the other sections are."""

from __future__ import annotations

from dataclasses import dataclass

from gait.history.compare import BEYOND, BEYOND_MEANING, NOT_COMPARABLE, NOT_DAY_TO_DAY, Comparison

HEADING = "Before and after"
COLUMNS = ("Measure", "Before", "Now", "Change", "Smallest detectable change", "Judged")
SDC_RULE = (f"A change counts as {BEYOND_MEANING} when it is larger than the measure's smallest "
            "detectable change: the larger of the published figure for 2-D video and 2.77 x this tool's own "
            "measured error (the SD of its errors across the rendered test set-ups). Measures without either are "
            f"not judged. {NOT_DAY_TO_DAY}")


@dataclass(frozen=True)
class BeforeAfterRow:
    title: str
    before: str
    after: str
    change: str
    sdc: str
    judged: str
    beyond: bool
    basis: str  # which input gave the SDC


@dataclass(frozen=True)
class BeforeAfter:
    """The words and numbers of the section."""

    intro: str
    rows: list[BeforeAfterRow]
    notes: list[str]


def before_after_content(comparison: Comparison) -> BeforeAfter:
    """The section's content from a comparison of the previous session (before) with this one (after)."""
    before, after = comparison.before, comparison.after
    intro = (f"Compared with {before.name} ({' + '.join(before.views) or '?'} view), the runner's previous saved "
             f"session. Now: {after.name}.")
    rows = [BeforeAfterRow(c.spec.title, c.before_text, c.after_text, c.change_text, c.sdc_text, c.short_verdict,
                           c.verdict == BEYOND, "" if c.sdc is None else c.sdc.basis_text)
            for c in comparison.shown]
    notes = [*comparison.capture_notes, SDC_RULE]
    notes += [f"{c.spec.title}: not compared, {c.reason}." for c in comparison.changes if c.verdict == NOT_COMPARABLE]
    basis = [f"{c.spec.title}: {c.sdc.basis_text}." for c in comparison.shown if c.sdc is not None]
    if basis:
        notes.append("Smallest detectable changes used: " + " ".join(basis))
    return BeforeAfter(intro=intro, rows=rows, notes=notes)

