"""What the subcommands share: the argument types, the parser that exits 2 with an ``error:`` line, and the
``--db`` option of the run history."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn, Sequence


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def report_formats(text: str) -> tuple[str, ...]:
    from gait.report import FORMATS

    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    if not formats or any(f not in FORMATS for f in formats):
        raise argparse.ArgumentTypeError(f"{text!r}: give {', '.join(FORMATS)} or {','.join(FORMATS)}")
    return formats


def non_negative(text: str) -> float:
    value = float(text) if text.replace(".", "", 1).isdigit() else -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds, 0 or more")
    return value


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 2 with a last stderr line ``error: ...``, an unknown option
    shown with the usage of the subcommand it was given to (``gait analyze``'s, not ``gait``'s)."""

    def error(self, message: str) -> NoReturn:  # exit 2 with an ``error:`` line, as for bad input
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: None = None) -> argparse.Namespace:
        parsed, unknown = self.parse_known_args(args)
        if unknown:
            self._chosen(parsed).error(f"unrecognized arguments: {' '.join(unknown)}")
        return parsed

    def _chosen(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The innermost (sub)command's parser of ``parsed``."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                chosen = action.choices.get(getattr(parsed, action.dest, ""))
                if isinstance(chosen, Parser):
                    return chosen._chosen(parsed)
        return self


def db_option(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    from gait.history import ENV_VAR

    parser.add_argument("--db", type=Path, default=default, metavar="FILE",
                        help=f"the history file (default: ${ENV_VAR}, else history.sqlite3 in your data folder)")


def pose_cache_option(parser: argparse.ArgumentParser) -> None:
    """``--no-pose-cache``: the pose found again rather than taken from the pose cache."""
    parser.add_argument("--no-pose-cache", action="store_true",
                        help="find the pose again rather than take it from the pose cache (a clip analysed "
                             "before, kept in $GAIT_CACHE_DIR or the user's cache folder)")
