"""The report as an A4 PDF (fpdf2), DejaVu Sans embedded (matplotlib's copy: no network, no system fonts).

:mod:`gait.document.pdf_style` holds every size, margin and colour; :class:`ReportPdf` is the page set
with the report's footer and its few text blocks (heading, paragraph, key-value table); one function per
section of the report draws it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace
from fpdf.recorder import FPDFRecorder
from fpdf.table import Table

from gait.catalogue import NOT_GIVEN
from gait.cues import NOT_A_DIAGNOSIS, PLAN_EVIDENCE, SEE_A_PROFESSIONAL, Cue
from gait.document.before_after import COLUMNS as BEFORE_AFTER_COLUMNS
from gait.document.before_after import HEADING as BEFORE_AFTER_HEADING
from gait.document.before_after import BeforeAfter
from gait.document.content import (
    ACCURACY,
    ACCURACY_CONSEQUENCE,
    KEY_FRAMES_LEGEND,
    METHODS,
    PUBLISHED,
    REFERENCES,
    SEVERITY_COLOURS,
    SUBTITLE,
    TITLE,
    Content,
    cue_fields,
    plan_intro,
    summary_lines,
)
from gait.document.pdf_style import STYLE, Font, PdfStyle, TableLook, rgb
from gait.document.pictures import Picture


class ReportPdf(FPDF):
    """The A4 pages of the report: the style's margins and fonts, a footer on every page, and the text
    blocks the sections are made of."""

    def __init__(self, footer_text: str, look: PdfStyle = STYLE) -> None:
        super().__init__(format="A4")
        self.look = look
        self.footer_text = footer_text
        self.set_margins(*look.margins_mm)
        self.set_auto_page_break(True, margin=look.page_break_mm)
        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        for emphasis, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
            self.add_font(look.font, emphasis, str(fonts / name))

    def footer(self) -> None:
        self.set_y(self.look.footer_y_mm)
        self.use(self.look.footer)
        self.set_text_color(*self.look.footer_colour)
        self.cell(0, self.look.footer.line_mm, f"{self.footer_text}   Page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(*self.look.text)

    def use(self, font: Font) -> None:
        self.set_font(self.look.font, font.emphasis, font.size)

    def fits(self, height_mm: float) -> bool:
        """Whether ``height_mm`` more fits on this page."""
        return self.get_y() + height_mm <= self.h - self.look.foot_room_mm

    def heading(self, text: str, font: Font | None = None, keep_mm: float | None = None) -> None:
        """A heading with a rule under it; a new page first unless ``keep_mm`` (the heading and what must
        stay with it) fits below."""
        look = self.look
        if not self.fits(look.heading_keep_mm if keep_mm is None else keep_mm):
            self.add_page()
        self.ln(look.heading_before_mm)
        font = font or look.heading
        self.use(font)
        self.set_text_color(*look.heading_colour)
        self.cell(0, font.line_mm, text, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*look.rule_colour)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.ln(look.heading_after_mm)
        self.set_text_color(*look.text)

    def para(self, text: str, font: Font | None = None) -> None:
        """A paragraph over the page's width; ``**bold**`` marks bold words."""
        font = font or self.look.body
        self.use(font)
        self.multi_cell(0, font.line_mm, text, new_x="LMARGIN", new_y="NEXT", markdown=True, align="L")

    def key_values(self, rows: list[tuple[str, str]]) -> None:
        """Two columns without borders: the key in bold, its value."""
        look = self.look.key_values
        self.set_font(self.look.font, "", look.size)
        with self.table(col_widths=look.widths(self.epw), first_row_as_headings=False, borders_layout="NONE",
                        line_height=look.line_mm, text_align=("LEFT", "LEFT"), padding=look.padding_mm) as table:
            for k, v in rows:
                row = table.row()
                row.cell(k, style=FontFace(emphasis="BOLD", size_pt=look.size))
                row.cell(v, style=FontFace(size_pt=look.size))

    def grid_table(self, look: TableLook, **options: Any) -> AbstractContextManager[Table]:
        """``self.table`` with horizontal rules, a shaded header row and cells aligned to the top."""
        self.set_font(self.look.font, "", look.size)
        head = FontFace(emphasis="BOLD", size_pt=look.head_size or look.size, fill_color=self.look.table_head_fill)
        return self.table(col_widths=look.widths(self.epw), line_height=look.line_mm, padding=look.padding_mm,
                          borders_layout="HORIZONTAL_LINES", headings_style=head, v_align="TOP", **options)


def render_pdf(content: Content, key_frames: Sequence[Picture] = (), plots: Sequence[Picture] = (),
               look: PdfStyle = STYLE) -> bytes:
    """The report as an A4 PDF: the front page (session, summary, measurements, pictures), the form cues and
    the retraining plan, then methods and accuracy. Every page's footer says it is not a diagnosis."""
    pdf = ReportPdf(f"{TITLE}, {content.created}. Not a diagnosis: discuss it with a physical therapist.", look)
    pdf.set_title(f"{TITLE} {content.created}")
    pdf.set_creator("gait (open-source running-form analyzer)")
    pdf.add_page()
    _title(pdf, content)
    _session(pdf, content)
    _summary(pdf, content)
    _measurements(pdf, content)
    _before_after(pdf, content.before_after)
    _pictures(pdf, key_frames, plots)
    pdf.add_page()
    _cues(pdf, content)
    _plan(pdf, content)
    pdf.add_page()
    _methods(pdf)
    _rules_and_references(pdf, content)
    return bytes(pdf.output())


def _title(pdf: ReportPdf, content: Content) -> None:
    """The title, the subtitle and the not-a-diagnosis banner."""
    look = pdf.look
    pdf.use(look.title)
    pdf.cell(0, look.title.line_mm, content.title, new_x="LMARGIN", new_y="NEXT")
    pdf.use(look.subtitle)
    pdf.set_text_color(*look.muted)
    pdf.cell(0, look.subtitle.line_mm, SUBTITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*look.text)
    pdf.ln(look.title_after_mm)
    pdf.set_fill_color(*look.banner_fill)
    pdf.use(look.banner)
    y0 = pdf.get_y()
    pdf.set_x(pdf.l_margin + look.banner_indent_mm)
    pdf.multi_cell(pdf.epw - look.banner_indent_mm, look.banner.line_mm, f"**Not a diagnosis.** {NOT_A_DIAGNOSIS}",
                   fill=True, markdown=True, new_x="LMARGIN", new_y="NEXT", padding=look.banner_padding_mm)
    pdf.set_fill_color(*rgb(SEVERITY_COLOURS["consider"]))
    pdf.rect(pdf.l_margin, y0, look.banner_bar_mm, pdf.get_y() - y0, style="F")
    pdf.set_fill_color(*look.background)


def _session(pdf: ReportPdf, content: Content) -> None:
    """Runner and session, capture quality and its warnings."""
    pdf.heading("Runner and session")
    pdf.key_values(content.details)
    pdf.heading("Capture quality")
    pdf.key_values(content.quality)
    for w in content.warnings:
        pdf.set_text_color(*pdf.look.warning_colour)
        pdf.para(f"•  {w}", pdf.look.small)
    pdf.set_text_color(*pdf.look.text)


def _summary(pdf: ReportPdf, content: Content) -> None:
    pdf.heading("Summary")
    for label, text in summary_lines(content):
        pdf.para(f"•  **{label}:** {text}", pdf.look.summary)


def _measurements(pdf: ReportPdf, content: Content) -> None:
    """The metric table, with its references, and the notes under it."""
    look = pdf.look
    pdf.heading("Measurements")
    pdf.para("Mean over the steady steps; left and right are the runner's own sides; SD: step-to-step spread. "
             "The reference column gives the direction or range from the literature and its source.", look.small)
    pdf.ln(look.gap_mm)
    if content.metrics:
        size = look.metrics.size
        with pdf.grid_table(look.metrics, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT",
                                                      "LEFT")) as table:
            table.row(("Measure", "Value", "Left", "Right", "SD", "Steps", "Reference (source)"))
            for r in content.metrics:
                row = table.row()
                row.cell(r.title, style=FontFace(size_pt=size))
                row.cell(r.value, style=FontFace(emphasis="BOLD", size_pt=size))
                if r.detail:  # an asymmetry: its interval and verdict in place of left, right and SD
                    row.cell(r.detail, style=FontFace(size_pt=look.reference_size), align="LEFT", colspan=3)
                else:
                    for text in (r.left, r.right, r.sd):
                        row.cell(text, style=FontFace(size_pt=size))
                row.cell(r.n, style=FontFace(size_pt=size))
                row.cell(f"{r.reference} ({r.source})" if r.source else r.reference,
                         style=FontFace(size_pt=look.reference_size))
    else:
        pdf.para("No measurement could be made.")
    for note in content.notes:
        pdf.ln(look.gap_mm)
        pdf.para(note, look.note)
    for drawing in content.drawings:
        pdf.ln(look.gap_mm)
        _picture_grid(pdf, [drawing], look.plot_max_h_mm)


def _before_after(pdf: ReportPdf, section: BeforeAfter | None) -> None:
    """The before/after section (nothing without a previous session)."""
    if section is None:
        return
    look = pdf.look
    pdf.heading(BEFORE_AFTER_HEADING)
    pdf.para(section.intro, look.small)
    pdf.ln(look.gap_mm)
    size = look.before_after.size
    with pdf.grid_table(look.before_after, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT")) as table:
        table.row(BEFORE_AFTER_COLUMNS)
        for r in section.rows:
            row = table.row()
            for text in (r.title, r.before, r.after, r.change, r.sdc):
                row.cell(text, style=FontFace(size_pt=size))
            row.cell(r.judged, style=FontFace(emphasis="BOLD" if r.beyond else "", size_pt=size))
    for note in section.notes:
        pdf.ln(look.gap_mm)
        pdf.para(note, look.note)


def _pictures(pdf: ReportPdf, key_frames: Sequence[Picture], plots: Sequence[Picture]) -> None:
    """The key frames, then the gait-cycle figures; each heading stays with its first row of pictures."""
    look = pdf.look
    if key_frames:
        first_row = _picture_row(list(key_frames), pdf.epw, look.key_frame_max_h_mm, look)
        pdf.heading("Key frames at landing", keep_mm=look.key_frames_keep_mm + first_row.height_mm)
        pdf.para(KEY_FRAMES_LEGEND, look.small)
        _picture_grid(pdf, list(key_frames), look.key_frame_max_h_mm)
    if plots:
        if not key_frames:
            pdf.add_page()
        first_row = _picture_row(list(plots), pdf.epw, look.plot_max_h_mm, look)
        pdf.heading("Over the gait cycle", keep_mm=look.plots_keep_mm + first_row.height_mm)
        for p in plots:
            _picture_grid(pdf, [p], look.plot_max_h_mm)


class _PictureRow(NamedTuple):
    pictures: list[Picture]
    sizes_mm: list[tuple[float, float]]  # each picture's (w, h), scaled to fit
    cell_w_mm: float
    height_mm: float  # with the caption


def _picture_row(pictures: list[Picture], width: float, max_h: float, look: PdfStyle) -> _PictureRow:
    """The first row of ``pictures``: two to a row, one when wide, scaled to fit ``max_h`` mm."""
    w_px, h_px = pictures[0].size_px
    per_row = 1 if w_px > h_px else 2
    row = pictures[:per_row]
    cell_w = (width - look.picture_gap_mm * (per_row - 1)) / per_row
    sizes = []
    for p in row:
        pw, ph = p.size_px
        w = min(cell_w, max_h * pw / ph)
        sizes.append((w, w * ph / pw))
    return _PictureRow(row, sizes, cell_w, max(h for _, h in sizes) + look.caption_room_mm)


def _picture_grid(pdf: ReportPdf, pictures: list[Picture], max_h: float) -> None:
    """Pictures two to a row (one when wide), captioned, scaled to fit ``max_h`` mm."""
    look = pdf.look
    i = 0
    while i < len(pictures):
        row = _picture_row(pictures[i:], pdf.epw, max_h, look)
        if not pdf.fits(row.height_mm):
            pdf.add_page()
        y = pdf.get_y()
        step = row.cell_w_mm + look.picture_gap_mm
        for k, (p, (w, h)) in enumerate(zip(row.pictures, row.sizes_mm, strict=True)):
            x = pdf.l_margin + k * step + (row.cell_w_mm - w) / 2
            pdf.image(io.BytesIO(p.png), x=x, y=y, w=w, h=h)
            pdf.set_xy(pdf.l_margin + k * step, y + h + look.caption_gap_mm)
            pdf.use(look.caption)
            pdf.multi_cell(row.cell_w_mm, look.caption.line_mm, p.caption, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(pdf.l_margin, y + row.height_mm)
        i += len(row.pictures)


def _cues(pdf: ReportPdf, content: Content) -> None:
    """The form cues, each kept on one page, and when to see a professional."""
    look = pdf.look
    pdf.heading("Form cues")
    pdf.para("Options to discuss with your physical therapist, most important first. Each cue says what was "
             "measured, why it matters for the knee, what to try, and when to see a professional.", look.lead)
    if not content.cues:
        pdf.para("No rule of the table fired for these measurements. That does not rule out a problem: see "
                 "Methods and accuracy.")
    for cue in content.cues:
        with pdf.offset_rendering() as trial:
            _draw_cue(trial, cue, look)
        if trial.page_break_triggered:
            pdf.add_page()
        _draw_cue(pdf, cue, look)
    pdf.ln(look.gap_mm)
    pdf.para(f"**When to see a professional.** {SEE_A_PROFESSIONAL}")


def _draw_cue(doc: FPDF | FPDFRecorder, cue: Cue, look: PdfStyle) -> None:
    """One cue: its title and severity tag, then its fields, with a bar of the severity's colour on the left.
    ``doc`` is the PDF, or a trial rendering of it (:meth:`FPDF.offset_rendering`)."""
    colour = rgb(SEVERITY_COLOURS[cue.severity])
    doc.ln(look.cue_before_mm)
    y0 = doc.get_y()
    doc.set_x(doc.l_margin + look.cue_indent_mm)
    doc.set_font(look.font, look.cue_title.emphasis, look.cue_title.size)
    doc.cell(doc.get_string_width(cue.title) + look.cue_title_pad_mm, look.cue_title.line_mm, cue.title)
    doc.set_font(look.font, look.cue_tag.emphasis, look.cue_tag.size)
    doc.set_fill_color(*colour)
    doc.set_text_color(*look.background)
    doc.cell(doc.get_string_width(cue.severity_label) + look.cue_tag_pad_mm, look.cue_tag.line_mm,
             cue.severity_label, fill=True, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_fill_color(*look.background)
    doc.set_text_color(*look.text)
    doc.ln(look.gap_mm)
    for label, text in cue_fields(cue):
        doc.set_x(doc.l_margin + look.cue_indent_mm)
        doc.set_font(look.font, look.cue_item.emphasis, look.cue_item.size)
        doc.multi_cell(doc.epw - look.cue_indent_mm, look.cue_item.line_mm, f"**{label}:** {text}", markdown=True,
                       new_x="LMARGIN", new_y="NEXT", align="L")
        doc.ln(look.cue_item_gap_mm)
    doc.set_fill_color(*colour)
    doc.rect(doc.l_margin, y0, look.cue_bar_mm, doc.get_y() - y0, style="F")
    doc.set_fill_color(*look.background)


def _plan(pdf: ReportPdf, content: Content) -> None:
    """The retraining plan: the runner's targets, the evidence, then the table of stages."""
    look = pdf.look
    pdf.heading("Retraining plan")
    pdf.para(plan_intro(content))
    # the evidence before the table, so that it can never be left alone on a page of its own
    pdf.para(f"Evidence: {PLAN_EVIDENCE}.", look.note)
    pdf.ln(look.gap_mm)
    size = look.plan.size
    with pdf.grid_table(look.plan, text_align=("LEFT", "LEFT", "LEFT")) as table:
        table.row(("When", "Target cadence", "What to do"))
        for stage in content.plan:
            row = table.row()
            row.cell(stage.weeks, style=FontFace(emphasis="BOLD", size_pt=size))
            row.cell(f"{stage.cadence_spm} steps/min" if stage.cadence_spm else NOT_GIVEN, style=FontFace(size_pt=size))
            row.cell(stage.what, style=FontFace(size_pt=size))


def _methods(pdf: ReportPdf) -> None:
    """How the numbers are made, and the tool's measured accuracy."""
    look = pdf.look
    pdf.heading("Methods and accuracy")
    pdf.use(look.lead)
    for p in METHODS:
        lead, _, rest = p.partition(": ")
        pdf.para(f"**{lead}:** {rest}", look.lead)
        pdf.ln(look.paragraph_gap_mm)
    pdf.use(look.table_title)
    pdf.cell(0, look.table_title.line_mm, "Measured accuracy of this tool (analysed minus true)", new_x="LMARGIN",
             new_y="NEXT")
    with pdf.grid_table(look.accuracy, text_align="LEFT") as table:
        table.row(("Measure", "Error", "Tested on"))
        for cells in ACCURACY:
            row = table.row()
            for text in cells:
                row.cell(text, style=FontFace(size_pt=look.accuracy.size))
    pdf.ln(look.table_gap_mm)
    pdf.para(f"**{ACCURACY_CONSEQUENCE}**", look.lead)
    pdf.ln(look.paragraph_gap_mm)
    pdf.para(PUBLISHED, look.small)


def _rules_and_references(pdf: ReportPdf, content: Content) -> None:
    """The table of cue rules and the references."""
    look = pdf.look
    pdf.heading("Cue rules", look.subheading, keep_mm=look.cue_rules_keep_mm)
    with pdf.grid_table(look.rules, text_align="LEFT") as table:
        table.row(("Measure", "Cue at", "Basis of the threshold", "Evidence"))
        for cells in content.rules:
            row = table.row()
            for text in cells:
                row.cell(text, style=FontFace(size_pt=look.rules.size))
    pdf.heading("References", look.subheading)
    pdf.para("; ".join(REFERENCES) + ".", look.references)
