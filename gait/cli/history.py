"""The run history on the command line: ``gait analyze ... --save-to-history RUNNER`` and ``gait history list |
show | compare | export | delete | sdc`` (:mod:`gait.history`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from gait.cli.options import Parser, db_option
from gait.errors import BAD_OPTION, GaitInputError

if TYPE_CHECKING:
    from gait.history import Comparison, History
    from gait.output import SessionFiles
    from gait.results import Session


def add_save_options(a: argparse.ArgumentParser) -> None:
    a.add_argument("--save-to-history", metavar="RUNNER",
                   help="save this analysis in the run history under RUNNER (a name or alias; created if new); "
                        "with --report, the report compares it with RUNNER's previous session")
    a.add_argument("--filmed-on", metavar="YYYY-MM-DD", help="with --save-to-history: the date filmed (default: today)")
    db_option(a, default=None)


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``history`` subcommand and its own subcommands."""
    h = sub.add_parser("history", help="saved analyses: list, show, compare, export, delete",
                       description="The run history: analyses saved with `gait analyze ... --save-to-history RUNNER`, "
                                   "compared against each measure's smallest detectable change.")
    db_option(h, default=None)
    hs = h.add_subparsers(dest="history_command", required=True, parser_class=Parser)
    p = hs.add_parser("list", help="the runners, or one runner's sessions")
    p.add_argument("runner", nargs="?", help="a runner's name (or number): list their sessions")
    p = hs.add_parser("show", help="one session: clips, settings, measures, cues, files")
    p.add_argument("session", help="the session's number (see `gait history list RUNNER`)")
    p = hs.add_parser("compare", help="two sessions (before, after) or a series, against the smallest detectable "
                                      "change", description="Compare two sessions (A then B), or a series (each "
                                                            "session against the first): per measure the change and "
                                                            "whether it exceeds the smallest detectable change.")
    p.add_argument("sessions", nargs="*", help="session numbers, oldest first: two for before/after, more for a "
                                               "series; or a runner's name, as --runner")
    p.add_argument("--runner", help="a runner's whole series instead of session numbers")
    p = hs.add_parser("export", help="a runner's data as CSV and JSON")
    p.add_argument("runner")
    p.add_argument("--format", default="csv,json", help="csv, json or csv,json (default)")
    p.add_argument("-o", "--out", type=Path, help="folder (default: exports/<runner> in the history's data folder)")
    p = hs.add_parser("delete", help="delete a runner and everything of theirs")
    p.add_argument("runner")
    p.add_argument("--yes", action="store_true", help="really delete (without it: say what would be deleted)")
    hs.add_parser("sdc", help="the smallest detectable change of each measure, and where it comes from")
    for leaf in hs.choices.values():
        db_option(leaf)


def history_for_saving(args: argparse.Namespace) -> History | None:
    if not getattr(args, "save_to_history", None):
        if getattr(args, "filmed_on", None):
            raise GaitInputError("--filmed-on goes with --save-to-history RUNNER.", BAD_OPTION)
        return None
    from gait.history import History

    return History(args.db)


def history_comparison(history: History | None, args: argparse.Namespace, session: Session) -> Comparison | None:
    if history is None:
        return None
    from gait.document import report_of
    from gait.history import previous_comparison

    return previous_comparison(history, args.save_to_history, report_of(session), args.filmed_on)


def save_to_history(history: History, args: argparse.Namespace, session: Session, written: SessionFiles) -> None:
    from gait.history import SessionPoint, compare, new_session
    from gait.history.text import comparison_text

    with history:
        previous = history.latest_session(args.save_to_history)
        record = new_session(session, files=written.session, clip_files=written.clips, filmed_on=args.filmed_on)
        session_id = history.save(args.save_to_history, record, height_cm=args.height_cm)
        saved = history.session(session_id)
        print(f"saved to the history as session {session_id} of {saved.runner} ({history.path})")
        if previous is not None:
            print(comparison_text(compare(SessionPoint.of_stored(previous), SessionPoint.of_stored(saved))))


def run_history(args: argparse.Namespace) -> int:
    """``gait history list | show | compare | export | delete | sdc``."""
    from gait.history import EXPORT_FORMATS, History, SessionPoint, compare
    from gait.history import text as history_text

    command = args.history_command
    if command == "sdc":
        print(history_text.sdc_text())
        return 0
    with History(args.db, create=False) as history:
        if command == "list":
            print(history_text.sessions_text(history, args.runner) if args.runner
                  else history_text.runners_text(history))
        elif command == "show":
            print(history_text.session_text(history, history.session(args.session)))
        elif command == "compare":
            if args.runner and args.sessions:
                raise GaitInputError("give session numbers or --runner, not both.", BAD_OPTION)
            runner_named = len(args.sessions) == 1 and not args.sessions[0].strip().isdigit()  # a name, not a number
            runner_asked = args.sessions[0] if runner_named else args.runner
            stored = history.sessions(runner_asked) if runner_asked else [history.session(s) for s in args.sessions]
            if len(stored) < 2:
                raise GaitInputError("compare needs two sessions or more: `gait history compare A B`, or a runner "
                                     "with two saved sessions (`--runner NAME`).", BAD_OPTION)
            points = [SessionPoint.of_stored(s) for s in stored]
            runners = sorted({s.runner for s in stored})
            runner = runners[0] if len(runners) == 1 else " vs ".join(runners) + " (different runners)"
            print(history_text.comparison_text(compare(*points), runner) if len(points) == 2
                  else history_text.series_text(points, runner))
        elif command == "export":
            formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
            if not formats or any(f not in EXPORT_FORMATS for f in formats):
                raise GaitInputError(f"--format {args.format!r}: give csv, json or csv,json.", BAD_OPTION)
            if args.out is not None:
                from gait.output import check_writable

                check_writable(args.out)
            for path in history.export(args.runner, formats, args.out):
                print(f"written {path}")
        elif command == "delete":
            who = history.runner(args.runner)
            if not args.yes:
                raise GaitInputError(f"this would delete {who.name} and their {who.sessions} session(s), and their "
                                     f"exported files under {history.folder}: add --yes to delete.", BAD_OPTION)
            print(history.delete_runner(who.id).message)
    return 0
