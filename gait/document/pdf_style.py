"""The PDF's look: every size (mm; font sizes in pt), margin and colour, in one frozen :class:`PdfStyle`."""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Font:
    size: float  # pt
    line_mm: float  # height of one line of text
    emphasis: str = ""  # "", "B" (bold) or "I" (italic)


@dataclass(frozen=True)
class TableLook:
    size: float  # pt, the cells' text
    line_mm: float
    padding_mm: tuple[float, float, float, float]  # top, right, bottom, left
    widths_mm: tuple[float | None, ...]  # None: the column that takes the rest of the width
    head_size: float | None = None  # pt, the header row's text; None: as the cells

    def widths(self, total_mm: float) -> tuple[float, ...]:
        rest = total_mm - sum(w for w in self.widths_mm if w is not None)
        return tuple(rest if w is None else w for w in self.widths_mm)


@dataclass(frozen=True)
class PdfStyle:
    """Every size (mm, font sizes in pt), margin and colour of the PDF."""

    font: str = "DejaVu"
    margins_mm: tuple[float, float, float] = (16, 14, 16)  # left, top, right
    page_break_mm: float = 16  # text flows onto a new page this far above the page's foot
    foot_room_mm: float = 18  # a block placed as a whole (a heading and what follows, pictures) ends above this
    footer_y_mm: float = -12  # from the page's foot
    # colours
    text: RGB = (0, 0, 0)
    background: RGB = (255, 255, 255)
    muted: RGB = (86, 101, 115)
    footer_colour: RGB = (110, 110, 110)
    heading_colour: RGB = (28, 40, 51)
    rule_colour: RGB = (200, 204, 208)
    warning_colour: RGB = (126, 81, 9)
    banner_fill: RGB = (254, 245, 231)
    table_head_fill: RGB = (242, 243, 244)
    # text
    title: Font = Font(20, 10, "B")
    subtitle: Font = Font(10, 6)
    heading: Font = Font(13, 8, "B")
    subheading: Font = Font(11, 8, "B")
    table_title: Font = Font(10, 7, "B")
    body: Font = Font(9.5, 4.8)
    lead: Font = Font(9, 4.8)  # the introductions and the methods
    summary: Font = Font(10, 5.4)
    small: Font = Font(8.5, 4.3)
    note: Font = Font(8, 4, "I")
    references: Font = Font(7.5, 3.8)
    banner: Font = Font(9.5, 5)
    footer: Font = Font(7.5, 5)
    caption: Font = Font(7.5, 3.6, "I")
    cue_title: Font = Font(11, 6, "B")
    cue_tag: Font = Font(7.5, 5, "B")
    cue_item: Font = Font(8.8, 4.4)
    # spacing
    title_after_mm: float = 2  # between the subtitle and the banner
    heading_before_mm: float = 3
    heading_after_mm: float = 2
    heading_keep_mm: float = 32  # a heading and a few lines of what follows
    cue_rules_keep_mm: float = 60  # the "Cue rules" heading, the table's header and about three rules
    key_frames_keep_mm: float = 25  # the key frames' heading and introduction, above the first row of pictures
    plots_keep_mm: float = 15  # the gait-cycle heading, above the first picture
    gap_mm: float = 1.0
    paragraph_gap_mm: float = 0.8
    table_gap_mm: float = 1.5
    banner_indent_mm: float = 3
    banner_bar_mm: float = 2.2
    banner_padding_mm: tuple[int, int, int, int] = (2, 3, 2, 3)  # top, right, bottom, left
    cue_before_mm: float = 2
    cue_indent_mm: float = 4
    cue_bar_mm: float = 1.6
    cue_title_pad_mm: float = 3
    cue_tag_pad_mm: float = 4
    cue_item_gap_mm: float = 0.6
    # pictures
    key_frame_max_h_mm: float = 105
    plot_max_h_mm: float = 120
    picture_gap_mm: float = 6
    caption_gap_mm: float = 1  # between a picture and its caption
    caption_room_mm: float = 10  # below a row of pictures, for their captions
    # tables
    key_values: TableLook = TableLook(9, 4.8, (0.6, 1, 0.6, 0), (32, None))
    metrics: TableLook = TableLook(8.5, 4.2, (1.1, 1, 1.1, 1), (38, 20, 15, 15, 11, 12, None))
    reference_size: float = 7.5  # pt, the metric table's reference column
    plan: TableLook = TableLook(9, 4.6, (1.2, 1, 1.2, 1), (24, 26, None))
    accuracy: TableLook = TableLook(8.5, 4.2, (1, 1, 1, 1), (38, None, 40))
    rules: TableLook = TableLook(7.5, 3.9, (0.8, 1, 0.8, 1), (36, 26, None, 46), head_size=8)
    before_after: TableLook = TableLook(8.3, 4.1, (1, 1, 1, 1), (38, 25, 25, 30, 27, None))


STYLE = PdfStyle()


def rgb(colour: str) -> RGB:
    """'#RRGGBB' as (r, g, b)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

