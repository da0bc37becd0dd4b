"""``gait batch INPUTS... --out DIR``: a whole archive, one Dask task per session (:mod:`gait.batch`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from gait.cli.options import db_option, pose_cache_option, report_formats
from gait.errors import BAD_OPTION, NO_SUCH_FILE, OUTPUT_EXISTS, GaitInputError


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``batch`` subcommand and its options."""
    from gait.report import FORMATS

    def workers(text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(f"{text!r} must be a whole number, 1 or more")
        return int(text)

    def pattern(text: str) -> re.Pattern[str]:
        from gait.batch import pair_pattern

        try:
            return pair_pattern(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    b = sub.add_parser("batch", help="analyse a whole archive of clips, on this machine or a Dask cluster",
                       description="Analyse every session of an archive (a clip, or the side and rear clips of "
                                   "one run), one Dask task each, each into its own folder under --out, as `gait "
                                   "analyze` would; then summary.csv, summary.parquet and an overview. Sessions "
                                   "done before with the same clips and settings are skipped; a clip that cannot "
                                   "be analysed is recorded with its error and does not stop the batch.")
    b.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="clips, folders (searched recursively for videos) or CSV manifests with the columns path "
                        "and optionally runner, date, view, fps, height, speed, session")
    b.add_argument("-o", "--out", type=Path, required=True, help="output folder: a folder per session, and the tables")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="an existing Dask cluster's scheduler, e.g. tcp://host:8786 (its workers need this package "
                        "and must see the inputs and --out at the same paths; default: a local cluster)")
    b.add_argument("--workers", type=workers, help="worker processes of the local cluster (default: the cores)")
    b.add_argument("--pair-by", type=pattern, metavar="PATTERN",
                   help="a regular expression with a group named session, searched in each file's path within "
                        "its folder: files with the same session are one session, e.g. "
                        "'(?P<session>.+)_(side|rear)\\.mp4'")
    b.add_argument("--report", type=report_formats, default=(), metavar=",".join(FORMATS),
                   help="also write each session's gait report and metronome WAVs")
    b.add_argument("--no-video", action="store_true", help="skip the annotated videos and key frames")
    b.add_argument("--force", action="store_true", help="analyse again the sessions done before")
    pose_cache_option(b)
    b.add_argument("--save-to-history", action="store_true",
                   help="save each session analysed to the run history under its runner (a manifest's runner "
                        "column; sessions without one are not saved)")
    db_option(b, default=None)


def run_batch(args: argparse.Namespace) -> int:
    """``gait batch INPUTS... --out DIR``: 0 when a session or more was analysed, now or before (failed clips
    are in the summary), 2 when every session failed, :data:`gait.cli.INTERRUPTED` when interrupted."""
    from gait.batch import BatchSettings, find_sessions, run_sessions
    from gait.batch.session import DONE
    from gait.output import check_writable
    from gait.video_io import VIDEO_SUFFIXES

    if args.scheduler and args.workers:
        raise GaitInputError("--workers sizes the local cluster: leave it out with --scheduler (the cluster's "
                             "own workers run the sessions).", BAD_OPTION)
    if args.out.exists() and not args.out.is_dir():
        raise GaitInputError(f"{str(args.out)!r} exists and is not a folder. Choose another --out.", OUTPUT_EXISTS)
    check_writable(args.out)
    jobs = find_sessions(args.inputs, args.out, args.pair_by)
    if not jobs:
        raise GaitInputError(f"no video files ({', '.join(VIDEO_SUFFIXES)}) found in {', '.join(args.inputs)}.",
                             NO_SUCH_FILE)
    history = None
    if args.save_to_history:  # opened first: a damaged or newer history file stops here
        from gait.history import History

        history = History(args.db)
    result = run_sessions(jobs, args.out, BatchSettings(formats=tuple(args.report), video=not args.no_video,
                                                        force=args.force, pose_cache=not args.no_pose_cache),
                          scheduler=args.scheduler, workers=args.workers, history=history)
    print(result.text())
    if result.interrupted:
        from gait.cli import INTERRUPTED

        print("error: interrupted: the sessions finished are in the summary; run the same command again to go on "
              "(they are skipped).", file=sys.stderr)
        return INTERRUPTED
    if result.count(DONE) == 0:
        print("error: no session could be analysed: the summary above says why for each.", file=sys.stderr)
        return 2
    return 0
