"""Command line: ``gait analyze VIDEO [options]`` (the same as ``python -m gait analyze VIDEO [options]``).

Exit status: 0 success; 2 bad input or a refused clip (last stderr line starts ``error:``); 1 internal
fault (a short message, no traceback); 130 interrupted (Ctrl-C, or a stop signal such as `kill`'s), with
what the output folder holds.

One module per subcommand: :mod:`gait.cli.analyze`, :mod:`gait.cli.history`, :mod:`gait.cli.batch`; what
they share (argument types, the parser) in :mod:`gait.cli.options`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from typing import NoReturn

from gait.cli import analyze, batch, history
from gait.cli.analyze import _print_summary, run_analyze
from gait.cli.batch import run_batch
from gait.cli.history import run_history
from gait.cli.options import Parser
from gait.errors import GaitInputError, write_failure
from gait.memory import use_one_arena

__all__ = ["INTERRUPTED", "_print_summary", "build_parser", "main", "run", "run_analyze", "run_batch", "run_history"]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="gait", description="Running-form analysis of a treadmill video.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    analyze.add_parser(sub)
    history.add_parser(sub)
    batch.add_parser(sub)
    return parser


INTERRUPTED = 130  # the exit status of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells give)


def run() -> NoReturn:
    """The ``gait`` command's entry point: :func:`main`, then exit with its status. An interrupted run exits
    at once (``os._exit``) once its message is out: the files are closed and the staging folders removed by
    then, and Python 3.11's ending of the interpreter stops a thread that is still leaving OpenCV's C++ code
    (a drawing thread just stopped) with a native abort (``terminate called without an active exception``)."""
    status = main()
    if status == INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def main(argv: list[str] | None = None) -> int:
    """The ``gait`` command (and ``python -m gait``): the exit status."""
    use_one_arena()  # before any thread starts (gait.memory)
    # a stop from outside (a closed terminal, `kill`, `timeout`) ends the work as Ctrl-C does: the staging
    # folders removed, the drawing and pose threads ended, and what the folder holds said
    terminate = signal.signal(signal.SIGTERM, signal.default_int_handler) if _main_thread() else None
    try:
        args = build_parser().parse_args(argv)
        if args.command == "history":
            return run_history(args)
        if args.command == "batch":
            return run_batch(args)
        return run_analyze(args)
    except GaitInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # its message, when there is one, says what the output folder holds
        print(f"error: interrupted; {str(exc) or 'nothing was replaced in the output folder.'}", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # the reader of the output stopped (`gait history list | head`): nothing is wrong
        with contextlib.suppress(OSError, ValueError):  # Python's flush at exit must not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        failure = write_failure(exc)
        if failure:
            print(f"error: {failure}. Free some space, or choose another folder with --out.", file=sys.stderr)
            return 2
        # an internal fault: short message, no traceback
        print(f"internal error ({type(exc).__name__}: {exc}). Please report it with the clip's details.",
              file=sys.stderr)
        return 1
    finally:
        if terminate is not None:
            signal.signal(signal.SIGTERM, terminate)


def _main_thread() -> bool:
    """Signal handlers can be set from the main thread only (``main`` may run in another, as in a test)."""
    return threading.current_thread() is threading.main_thread()
