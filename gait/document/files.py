"""The report's files: ``report.pdf``, ``report.html`` and the metronome WAVs of an analysis or session."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gait.cues import cadence_targets
from gait.document.content import build_content
from gait.document.cycles import cycle_caption, cycle_figure_png
from gait.document.html import render_html
from gait.document.pdf import render_pdf
from gait.document.pictures import Box, Picture, key_frame_boxes, key_frame_pictures
from gait.metronome import metronome_file_name, write_metronome
from gait.report import FORMATS, clip_suffix, report_dict, session_report_dict
from gait.results import Analysis, Session

if TYPE_CHECKING:
    from gait.history.compare import Comparison


def report_of(source: Analysis | Session | dict) -> dict:
    """report.json's content of an Analysis or a Session (a dict is returned as is)."""
    if isinstance(source, dict):
        return source
    if isinstance(source, Analysis):
        return report_dict(source)
    if isinstance(source, Session):
        return session_report_dict(source) if len(source.clips) > 1 else report_dict(source.primary)
    raise TypeError(f"expected an Analysis, a Session or a report dict, got {type(source).__name__}")


def _clips_and_suffixes(source: Analysis | Session | dict) -> list[tuple[str, Analysis]]:
    """Each analysed clip with the suffix of its files ('' for the primary clip); none for a report dict."""
    if isinstance(source, Analysis):
        return [("", source)]
    if isinstance(source, Session):
        return [(clip_suffix(source, c), c) for c in source.clips]
    return []


def write_metronomes(cadence_spm: float | None, out_dir: Path, duration_s: float = 60.0) -> list[Path]:
    """Metronome WAVs at the runner's +5 % and +10 % cadence targets; none when cadence is unknown."""
    targets = cadence_targets(cadence_spm)
    if not targets:
        return []
    return [write_metronome(Path(out_dir) / metronome_file_name(t), t, duration_s) for t in targets.values()]


def _pictures(source: Analysis | Session | dict, out_dir: Path) -> tuple[list[Picture], list[Picture]]:
    """The key frames found in ``out_dir``, cropped around the runner, and each clip's gait-cycle figure."""
    clips = _clips_and_suffixes(source)
    views = {suffix: clip.view for suffix, clip in clips}
    boxes: dict[tuple[str, str], Box | None] = {
        (suffix, side): box for suffix, clip in clips for side, box in key_frame_boxes(clip).items()}
    key_frames = key_frame_pictures(out_dir, views, boxes)
    plots = []
    for _suffix, clip in clips:
        png = cycle_figure_png(clip)
        if png is not None:
            plots.append(Picture(f"{clip.view.capitalize()} view. {cycle_caption(clip)}", png))
    return key_frames, plots


def write_documents(source: Analysis | Session | dict, out_dir: Path, formats: tuple[str, ...] | str = FORMATS,
                    runner_name: str | None = None, metronome: bool = True,
                    created: str | None = None, before_after: Comparison | None = None) -> dict[str, Path]:
    """Write ``report.pdf`` and/or ``report.html`` (and the metronome WAVs) into ``out_dir``.

    ``source`` is an Analysis, a Session, or a report.json dict (no gait-cycle plots then). Key frames
    are taken from ``out_dir`` when :func:`gait.rendering.write_annotated` has written them.
    ``before_after``, this session against the runner's previous saved one (:mod:`gait.history`), adds the
    before/after section. Returns {"pdf": path, "html": path, "metronome_<spm>": path, ...}.
    """
    if isinstance(formats, str):
        formats = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s) {', '.join(sorted(unknown))}: use pdf, html")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = report_of(source)
    written: dict[str, Path] = {}
    cadence = ((report.get("metrics") or {}).get("cadence_spm") or {}).get("value")
    if metronome:
        for path in write_metronomes(cadence, out_dir):
            written[path.stem] = path
    content = build_content(report, runner_name, created, [p.name for p in written.values()], before_after)
    key_frames, plots = _pictures(source, out_dir)
    if "pdf" in formats:
        written["pdf"] = out_dir / "report.pdf"
        written["pdf"].write_bytes(render_pdf(content, key_frames, plots))
    if "html" in formats:
        written["html"] = out_dir / "report.html"
        written["html"].write_text(render_html(content, key_frames, plots), encoding="utf-8")
    return written
