"""The report's before/after section, when the runner has a previous saved session (:mod:`gait.history`): per
measure the value then and now, the change, the smallest detectable change (SDC) and whether the change
is beyond it. Its content (:class:`BeforeAfter`, :func:`before_after_content`) and its layout in HTML
(:func:`before_after_html`) and PDF (:func:`before_after_pdf`)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fpdf.fonts import FontFace

from gait.document.pdf_style import TableLook
from gait.history.compare import BEYOND, NOT_COMPARABLE, Comparison

if TYPE_CHECKING:
    from gait.document.pdf import ReportPdf

HEADING = "Before and after"
COLUMNS = ("Measure", "Before", "Now", "Change", "Smallest detectable change", "Judged")
TABLE = TableLook(8.3, 4.1, (1, 1, 1, 1), (38, 25, 25, 30, 27, None))
BEYOND_COLOUR = "#1E8449"
SDC_RULE = ("A change counts as more than measurement noise when it is larger than the measure's smallest "
            "detectable change: the larger of the published figure for 2-D video and 2.77 x this tool's own "
            "measured error (the SD of its errors across the rendered test set-ups). Measures without either are "
            "not judged.")


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
    notes = [SDC_RULE]
    notes += [f"{c.spec.title}: not compared, {c.reason}." for c in comparison.changes if c.verdict == NOT_COMPARABLE]
    basis = [f"{c.spec.title}: {c.sdc.basis_text}." for c in comparison.shown if c.sdc is not None]
    if basis:
        notes.append("Smallest detectable changes used: " + " ".join(basis))
    return BeforeAfter(intro=intro, rows=rows, notes=notes)


def before_after_html(section: BeforeAfter | None) -> list[str]:
    """The section as HTML (nothing without a previous session)."""
    if section is None:
        return []

    def e(text: object) -> str:
        return html.escape(str(text), quote=True)

    out = [f"<h2>{e(HEADING)}</h2><p>{e(section.intro)}</p><table><tr>"
           + "".join(f"<th>{e(c)}</th>" for c in COLUMNS) + "</tr>"]
    for r in section.rows:
        judged = f'<strong style="color:{BEYOND_COLOUR}">{e(r.judged)}</strong>' if r.beyond else e(r.judged)
        out.append(f"<tr><td>{e(r.title)}</td><td class=\"num\">{e(r.before)}</td><td class=\"num\">{e(r.after)}</td>"
                   f"<td class=\"num\">{e(r.change)}</td><td class=\"num\">{e(r.sdc)}</td><td>{judged}</td></tr>")
    out.append("</table>")
    out += [f"<p class=\"src\">{e(note)}</p>" for note in section.notes]
    return out


def before_after_pdf(pdf: ReportPdf, section: BeforeAfter | None) -> None:
    """The section in the PDF (nothing without a previous session)."""
    if section is None:
        return
    look = pdf.look
    pdf.heading(HEADING)
    pdf.para(section.intro, look.small)
    pdf.ln(look.gap_mm)
    size = TABLE.size
    with pdf.grid_table(TABLE, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT")) as table:
        table.row(COLUMNS)
        for r in section.rows:
            row = table.row()
            for text in (r.title, r.before, r.after, r.change, r.sdc):
                row.cell(text, style=FontFace(size_pt=size))
            row.cell(r.judged, style=FontFace(emphasis="BOLD" if r.beyond else "", size_pt=size))
    for note in section.notes:
        pdf.ln(look.gap_mm)
        pdf.para(note, look.note)
