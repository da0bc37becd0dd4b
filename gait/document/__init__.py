"""The gait report for the runner and their physical therapist: a PDF and a self-contained HTML file.

Modules (the data flows one way):

- :mod:`~gait.document.content` (pure): report.json's content -> :class:`Content` (:func:`build_content`),
  the words and numbers of the report (session, capture quality, metric table with references, cues,
  retraining plan), and the fixed prose: methods, the measured accuracy, references.
- :mod:`~gait.document.cycles`: the gait-cycle figure of a clip (:func:`cycle_figure`), also shown by the app.
- :mod:`~gait.document.pictures`: the key frames, cropped around the runner (:func:`key_frame_pictures`).
- :mod:`~gait.document.pdf` (:func:`render_pdf`, its sizes and colours in :mod:`~gait.document.pdf_style`)
  and :mod:`~gait.document.html` (:func:`render_html`): :class:`Content` plus the pictures -> file bytes or
  text.
- :mod:`~gait.document.files`: an analysis or session and its output folder (key frames already written by
  :func:`gait.rendering.write_annotated`) -> ``report.pdf``, ``report.html`` and the metronome WAVs
  (:func:`write_documents`).

Every page says that the report is not a diagnosis.
"""

from gait.document.content import (
    ACCURACY,
    METHODS,
    REFERENCES,
    SUBTITLE,
    TITLE,
    Content,
    MetricRow,
    build_content,
    cue_fields,
    metric_rows,
)
from gait.document.cycles import CYCLE_PANELS, cycle_caption, cycle_figure, cycle_figure_png
from gait.document.files import FORMATS, report_of, write_documents, write_metronomes
from gait.document.html import render_html
from gait.document.pdf import render_pdf
from gait.document.pdf_style import STYLE, PdfStyle
from gait.document.pictures import Picture, crop_png, key_frame_boxes, key_frame_pictures, runner_box

__all__ = [
    "ACCURACY", "CYCLE_PANELS", "FORMATS", "METHODS", "REFERENCES", "STYLE", "SUBTITLE",
    "TITLE", "Content", "MetricRow", "PdfStyle", "Picture",
    "build_content", "crop_png", "cue_fields", "cycle_caption", "cycle_figure", "cycle_figure_png", "key_frame_boxes",
    "key_frame_pictures", "metric_rows", "render_html", "render_pdf", "report_of", "runner_box",
    "write_documents", "write_metronomes",
]
