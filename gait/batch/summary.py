"""A batch's tables, from each session's report.json and outcome: ``summary.csv`` and ``summary.parquet`` (one
row per session: status, clips, every measure's value, warnings, cues), ``overview.csv`` (per measure its
distribution across the sessions analysed), ``overview_cues.csv`` (per cue the sessions it flags) and
``overview.md`` (both, with the failures and the warnings counted)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from gait.batch.inputs import SessionJob
from gait.batch.session import DONE, Outcome
from gait.catalogue import DISPLAY_ORDER, read_metrics, without_withdrawn
from gait.cues import RULES, Cue
from gait.errors import warning_record

SUMMARY_NAMES = ("summary.csv", "summary.parquet", "overview.csv", "overview_cues.csv", "overview.md")
METRIC_KEYS = tuple(spec.key for spec in DISPLAY_ORDER)
QUANTILES = (("p10", 0.10), ("p25", 0.25), ("median", 0.50), ("p75", 0.75), ("p90", 0.90))
# how a cue that is an observation is marked (the end of its title in the report and the command line): on a
# measure whose method is not validated, or met only within the measure's measured error of its threshold
NOT_VALIDATED = " (not validated)"
BORDERLINE = " (borderline)"
CAVEATS = (NOT_VALIDATED, BORDERLINE)


def _report(folder: Path) -> dict | None:
    """A session's report.json (without the numbers this version no longer gives: a batch's earlier sessions
    may come from an earlier version); None when it cannot be read."""
    try:
        report = json.loads((folder / "report.json").read_text())
    except (OSError, ValueError):
        return None
    return without_withdrawn(report) if isinstance(report, dict) else None


def report_cues(report: dict) -> list[Cue]:
    """A session's cues as its PDF/HTML report gives them (:func:`gait.document.build_content` from its
    report.json): a cue on a measure whose method is not validated (its measured error,
    ``quality.frontal_error``) is an observation marked :data:`NOT_VALIDATED`, one measured from stickers
    is not."""
    from gait.document.content import build_content

    return build_content(report).cues


def cue_entry(cue: Cue) -> str:
    """A cue in the summary's ``cues``: its id, followed by its caveat (:data:`CAVEATS`) when the report
    marks it so."""
    return cue.id + next((caveat for caveat in CAVEATS if cue.title.endswith(caveat)), "")


def _views(report: dict) -> str:
    clips = report.get("clips") or [report]
    return "+".join(str(c.get("view")) for c in clips if isinstance(c, dict))


def summary_table(jobs: Sequence[SessionJob], outcomes: dict[str, Outcome], out_dir: Path) -> pd.DataFrame:
    """One row per session, in the batch's order: ``session`` (its folder under ``out_dir``), ``status`` (done,
    failed, or not run when the batch was interrupted), ``skipped`` (outputs from an earlier run), ``code`` and
    ``message`` of a failure, ``runner``, ``date``, ``clips`` (paths, ``;``-separated), ``views``, ``seconds``,
    then each measure's value (report.json ``metrics[key].value``, in display order), ``not_validated`` (the
    measures with a value whose method is not validated for the session, ``;``-separated:
    :func:`gait.document.content.report_unvalidated`), ``n_warnings``,
    ``warning_codes``, ``warnings`` (messages, `` | ``-separated) and ``cues`` (the ids of the cues fired, as
    the session's report gives them: most important first, each on a measure not validated marked
    :data:`NOT_VALIDATED`, :func:`cue_entry`)."""
    from gait.document.content import report_unvalidated  # with the report's libraries, as report_cues

    rows = []
    for job in jobs:
        outcome = outcomes.get(job.name)
        row: dict[str, object] = {
            "session": job.name, "status": outcome.status if outcome else "not run",
            "skipped": bool(outcome.skipped) if outcome else False,
            "code": outcome.code if outcome else None, "message": outcome.message if outcome else None,
            "runner": job.runner, "date": job.date, "clips": ";".join(job.paths), "views": None,
            "seconds": round(outcome.seconds, 2) if outcome and outcome.seconds is not None else None,
        }
        report = _report(out_dir / job.name) if outcome and outcome.status == DONE else None
        metrics = read_metrics(report.get("metrics")) if report else None
        for key in METRIC_KEYS:
            row[key] = metrics[key]["value"] if metrics else None
        warnings = [warning_record(w) for w in (report or {}).get("quality", {}).get("warnings", [])]
        unvalidated = report_unvalidated(report) if report else frozenset()
        row.update({
            "views": _views(report) if report else None,
            "not_validated": ";".join(k for k in METRIC_KEYS if k in unvalidated and row[k] is not None)
            if report else None,
            "n_warnings": len(warnings) if report else None,
            "warning_codes": ";".join(w["code"] for w in warnings) if report else None,
            "warnings": " | ".join(w["message"] for w in warnings) if report else None,
            "cues": ";".join(map(cue_entry, report_cues(report))) if report else None,
        })
        rows.append(row)
    table = pd.DataFrame(rows)
    for key in METRIC_KEYS:  # numbers as floats (None as NaN); a category stays text
        if key in table and table[key].map(lambda v: v is None or isinstance(v, (int, float))).all():
            table[key] = pd.to_numeric(table[key], errors="coerce").astype(float)
    table["n_warnings"] = table["n_warnings"].astype("Int64")
    return table


def overview_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per measure (display order), over the sessions done: how many values the statistics are of
    (``n_sessions``), its mean, SD, minimum, 10th, 25th, 50th, 75th and 90th percentiles and maximum; for a
    category (foot strike) the count of each. The statistics are of the values measured by a method validated
    for their session; ``n_not_validated`` values were not (e.g. contact times timed from behind), left out
    when there are validated ones, else the row's only values (``only_not_validated``)."""
    done = summary[summary["status"] == DONE]
    unvalidated_keys = done["not_validated"].map(lambda keys: str(keys).split(";") if isinstance(keys, str) else [])
    rows = []
    for spec in DISPLAY_ORDER:
        column = done[spec.key] if spec.key in done else pd.Series(np.nan, index=done.index)
        unvalidated = column.notna() & unvalidated_keys.map(lambda keys, key=spec.key: key in keys)
        validated = column.notna() & ~unvalidated
        values = column[validated if validated.any() else unvalidated]
        row: dict[str, object] = {"metric": spec.key, "title": spec.title, "unit": spec.unit or "",
                                  "n_sessions": int(len(values)), "n_not_validated": int(unvalidated.sum()),
                                  "only_not_validated": bool(unvalidated.any() and not validated.any())}
        if spec.categories:
            counts = Counter(str(v) for v in values)
            row["categories"] = "; ".join(f"{c} {counts[c]}" for c in spec.categories if counts[c])
        elif len(values):
            numbers = values.to_numpy(dtype=float)
            row.update({"mean": float(np.mean(numbers)),
                        "sd": float(np.std(numbers, ddof=1)) if len(numbers) > 1 else None,
                        "min": float(np.min(numbers))})
            row.update({name: float(np.quantile(numbers, q)) for name, q in QUANTILES})
            row["max"] = float(np.max(numbers))
        rows.append(row)
    columns = ["metric", "title", "unit", "n_sessions", "n_not_validated", "only_not_validated", "mean", "sd", "min",
               *(n for n, _ in QUANTILES), "max", "categories"]
    return pd.DataFrame(rows).reindex(columns=columns)


def cue_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Per cue rule: its id, title, measure and severity, the sessions done that it flags (``sessions``, each
    marked with its cue's caveat, :data:`CAVEATS`) and how many of them were not validated
    (``n_not_validated``) or borderline (``n_borderline``): observations, not cues to act on."""
    done = summary[summary["status"] == DONE]
    fired = {name: str(cues).split(";") for name, cues in zip(done["session"], done["cues"], strict=True)
             if isinstance(cues, str) and cues}
    rows = []
    for rule in RULES:
        flagged = [name + entry.removeprefix(rule.id) for name, entries in fired.items() for entry in entries
                   if entry in (rule.id, *(rule.id + caveat for caveat in CAVEATS))]
        rows.append({"cue": rule.id, "title": rule.title, "metric": rule.metric, "severity": rule.severity,
                     "n_flagged": len(flagged), "n_not_validated": sum(f.endswith(NOT_VALIDATED) for f in flagged),
                     "n_borderline": sum(f.endswith(BORDERLINE) for f in flagged),
                     "n_sessions": len(done), "sessions": ";".join(flagged)})
    return pd.DataFrame(rows)


def _number(value: object, digits: int) -> str:
    return "" if value is None or (isinstance(value, float) and not np.isfinite(value)) else f"{value:.{digits}f}"


def overview_markdown(summary: pd.DataFrame, overview: pd.DataFrame, cues: pd.DataFrame) -> str:
    """overview.md: the sessions counted, each measure's distribution, the sessions each cue flags, the
    warnings by code and the failed sessions with their messages."""
    done = summary[summary["status"] == DONE]
    failed = summary[summary["status"] == "failed"]
    lines = ["# Batch overview", "",
             f"{len(summary)} sessions: {len(done)} analysed ({int(done['skipped'].sum())} of them in an earlier "
             f"run), {len(failed)} failed, {len(summary) - len(done) - len(failed)} not run.", "",
             "## Measures across the sessions analysed", "",
             "Of the values measured by a method validated for their session; a value whose method is not "
             "validated there (contact times timed from behind, pelvic drop from the pose model's points, ...) is "
             "left out when validated ones exist, and a row of such values only is marked (not validated).", "",
             "| measure | unit | sessions | mean | SD | min | 10 % | median | 90 % | max |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    digits = {spec.key: spec.digits for spec in DISPLAY_ORDER}
    counted = [f"{n} (not validated)" if only else f"{n} (+{left_out} not validated, left out)" if left_out else f"{n}"
               for n, left_out, only in zip(overview["n_sessions"], overview["n_not_validated"],
                                            overview["only_not_validated"], strict=True)]
    for row, sessions in zip(overview.itertuples(index=False), counted, strict=True):
        d = digits.get(str(row.metric), 1) + 1
        if isinstance(row.categories, str) and row.categories:
            cells = f"{row.categories} | | | | | |"
        else:
            cells = " | ".join(_number(getattr(row, c), d) for c in ("mean", "sd", "min", "p10", "median", "p90",
                                                                        "max"))
        lines.append(f"| {row.title} (`{row.metric}`) | {row.unit} | {sessions} | {cells} |")
    lines += ["", "## Cues: the sessions each one flags", "", "Cues are options to discuss with a physical "
              "therapist, not a diagnosis. A session marked (not validated) had the cue from a measure whose "
              "method is not validated (its measured error on rendered runners misses the bar), one marked "
              "(borderline) from values within the measure's measured error of the cue's threshold: there it "
              "is an observation to confirm by eye, as its report says.", "",
              "| cue | measure | severity | flagged | sessions |",
              "|---|---|---|---|---|"]
    for row in cues.itertuples(index=False):
        names = ", ".join(str(row.sessions).split(";")) if row.sessions else ""
        marked = [f"{str(n)} {words}" for n, words in ((row.n_not_validated, "not validated"),
                                                         (row.n_borderline, "borderline")) if n]
        lines.append(f"| {row.title} | `{row.metric}` | {row.severity} | {row.n_flagged} of {row.n_sessions}"
                     f"{' (' + ', '.join(marked) + ')' if marked else ''} | {names} |")
    codes = Counter(c for text in done["warning_codes"].dropna() for c in str(text).split(";") if c)
    if codes:
        lines += ["", "## Warnings", "", "| warning | sessions |", "|---|---|"]
        lines += [f"| `{code}` | {n} |" for code, n in codes.most_common()]
    if len(failed):
        lines += ["", "## Failed sessions", "", "| session | code | message |", "|---|---|---|"]
        lines += [f"| {r.session} | `{r.code}` | {str(r.message).replace('|', '/')} |"
                  for r in failed.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def write_tables(jobs: Sequence[SessionJob], outcomes: dict[str, Outcome], out_dir: Path) -> dict[str, Path]:
    """Write the summary and overview files (:data:`SUMMARY_NAMES`) into ``out_dir``; each file whole or not at
    all (written next to its name, then renamed). Returns their paths by name."""
    summary = summary_table(jobs, outcomes, out_dir)
    overview = overview_table(summary)
    cues = cue_table(summary)
    paths = {name: out_dir / name for name in SUMMARY_NAMES}
    writers = {
        "summary.csv": lambda p: summary.to_csv(p, index=False),
        "summary.parquet": lambda p: summary.to_parquet(p, index=False),
        "overview.csv": lambda p: overview.to_csv(p, index=False),
        "overview_cues.csv": lambda p: cues.to_csv(p, index=False),
        "overview.md": lambda p: p.write_text(overview_markdown(summary, overview, cues)),
    }
    for name, write in writers.items():
        temporary = out_dir / f".{name}.tmp"
        write(temporary)
        temporary.replace(paths[name])
    return paths
