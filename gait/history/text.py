"""The history as plain text, for the command line (``gait history ...``): tables of runners, sessions,
comparisons and smallest detectable changes."""

from __future__ import annotations

from collections.abc import Sequence

from gait.catalogue import NOT_GIVEN, spec_of, withdrawn_measures
from gait.history.compare import (
    BEYOND,
    BEYOND_MEANING,
    NOT_COMPARABLE,
    NOT_DAY_TO_DAY,
    WITHIN,
    Comparison,
    SessionPoint,
    compare_series,
    sdc_table,
    trend_keys,
)
from gait.history.sessions import StoredSession
from gait.history.store import History


def table(rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Rows of cells as aligned columns (the first row is the header); columns in ``right`` right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in right else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def runners_text(history: History) -> str:
    runners = history.runners()
    if not runners:
        return (f"no runner yet in the history {history.path} (save an analysis with: gait analyze VIDEO "
                "--save-to-history NAME)")
    rows = [("runner", "sessions", "last filmed", "height")]
    rows += [(r.name, str(r.sessions), r.last_filmed or NOT_GIVEN,
              f"{r.height_cm:.0f} cm" if r.height_cm else NOT_GIVEN) for r in runners]
    return f"history: {history.path} (schema {history.schema_version})\n" + table(rows, right=(1,))


def sessions_text(history: History, runner: str) -> str:
    who = history.runner(runner)
    sessions = history.sessions(who.id)
    rows = [("session", "filmed", "views", "cadence", "steps", "label")]
    for s in sessions:
        cadence = s.metrics["cadence_spm"]
        rows.append((str(s.id), s.filmed_on, "+".join(s.views) or "?", spec_of("cadence_spm").format(cadence["value"]),
                     str(cadence["n"]), s.label))
    head = f"{who.name}: {len(sessions)} session(s) in {history.path}"
    return head + ("\n" + table(rows, right=(0, 4)) if sessions else "")


def session_text(history: History, stored: StoredSession) -> str:
    lines = [f"session {stored.id} of {stored.runner}: filmed {stored.filmed_on}, saved {stored.saved_at}, "
             f"gait {stored.tool_version}" + (f", label {stored.label!r}" if stored.label else "")]
    lines.append("clips:")
    for clip in stored.clips:
        settings = ", ".join(f"{k} {v}" for k, v in clip.settings.items() if v not in (None, False))
        lines.append(f"  {clip.file_name}: {clip.view} view, sha256 {clip.content_sha256[:16] or '–'}"
                     + (f"; {settings}" if settings else ""))
    frames = history.key_frames(stored.id)
    if frames:
        lines.append(f"  key frames saved: {', '.join(f'{f.view} {f.side}' for f in frames)}")
    lines.append("measures:")
    withdrawn = withdrawn_measures(stored.report)  # as saved, marked: not compared (gait.catalogue.without_withdrawn)
    rows = [(spec_of(k).title, spec_of(k).format(m["value"]),
             stored.methods.get(k, "") + (" (no longer given, not compared)" if k in withdrawn else ""))
            for k, m in stored.metrics.items() if m["value"] is not None]
    lines += ["  " + line for line in table([("measure", "value", "method"), *rows]).splitlines()]
    if stored.cues:
        lines.append("cues:")
        lines += [f"  - {c.get('severity', '')}: {c.get('title', '')}" for c in stored.cues]
    if stored.files:
        lines.append("files written:")
        lines += [f"  {kind}: {path}" for kind, path in stored.files]
    return "\n".join(lines)


def comparison_text(comparison: Comparison, runner: str = "") -> str:
    """Two sessions, measure by measure: before, now, change, smallest detectable change, verdict."""
    before, after = comparison.before, comparison.after
    head = (f"{runner + ': ' if runner else ''}{before.name} ({'+'.join(before.views) or '?'} view) -> "
            f"{after.name} ({'+'.join(after.views) or '?'} view)")
    rows = [("measure", "before", "now", "change", "smallest detectable change", "judged")]
    rows += [(c.spec.title, c.before_text, c.after_text, c.change_text, c.sdc_text, c.short_verdict)
             for c in comparison.shown]
    lines = [head, table(rows, right=(1, 2, 3, 4))]
    beyond = [c.spec.title for c in comparison.shown if c.verdict == BEYOND]
    within = [c.spec.title for c in comparison.shown if c.verdict == WITHIN]
    lines.append(f"beyond the smallest detectable change ({BEYOND_MEANING}): {', '.join(beyond) or 'none'}. "
                 f"{NOT_DAY_TO_DAY}")
    if within:
        lines.append(f"within it (may be noise): {', '.join(within)}")
    for c in comparison.shown:
        if c.verdict == NOT_COMPARABLE:
            lines.append(f"not comparable: {c.spec.title}, {c.reason}")
    lines += [f"note: {note}" for note in comparison.capture_notes]
    used = [f"  {c.spec.title}: {c.sdc_text}, {c.sdc.basis_text}" for c in comparison.shown if c.sdc is not None]
    if used:
        lines.append("smallest detectable change = the larger of the published figure and 2.77 x this tool's measured "
                     "error:")
        lines += used
    return "\n".join(lines)


def series_text(points: Sequence[SessionPoint], runner: str = "") -> str:
    """A series: each measure's value per session, and each later one's change from the first, judged."""
    comparisons = compare_series(points)
    marks = {BEYOND: "beyond", WITHIN: "within", NOT_COMPARABLE: "not comparable"}
    rows = [("measure", *(p.short for p in points), "SDC")]
    for key in trend_keys(points):
        spec = spec_of(key)
        cells = [spec.format(points[0].metrics[key]["value"])]
        for comparison in comparisons:
            c = comparison.change(key)
            text = c.after_text
            if c.change is not None:
                text += f" ({c.change_text.split(' (')[0]}, {marks.get(c.verdict, c.short_verdict)})"
            cells.append(text)
        sdc = comparisons[0].change(key).sdc_text if comparisons else NOT_GIVEN
        rows.append((spec.title, *cells, sdc))
    head = (f"{runner + ': ' if runner else ''}{len(points)} sessions; each change is from the first session, "
            "judged against the smallest detectable change (SDC)")
    notes = [f"note ({c.before.short} -> {c.after.short}): {note}" for c in comparisons for note in c.capture_notes]
    return "\n".join([head, table(rows), *notes])


def sdc_text() -> str:
    rows = [("measure", "smallest detectable change", "from")]
    rows += [(title, s.value_text, s.basis_text) for title, s in sdc_table()]
    return ("smallest detectable change per measure: the larger of the published figure and 2.77 x this tool's "
            "measured error\n" + table(rows) + "\nother measures: none known; their changes are shown, not judged")
