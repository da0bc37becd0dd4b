"""Command line: ``gait analyze VIDEO [options]`` (the same as ``python -m gait analyze VIDEO [options]``).

Exit status: 0 success; 2 bad input or a refused clip (last stderr line starts ``error:``); 1 internal
fault (a short message, no traceback).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from gait.catalogue import shown_metrics, spec_of, unvalidated_metrics
from gait.cues import cues_for
from gait.errors import BAD_OPTION, NO_SUCH_FILE, OUTPUT_EXISTS, GaitInputError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from tqdm import tqdm

    from gait.history import Comparison, History
    from gait.pipeline import Options, Session
    from gait.pose_cache import PoseCache
    from gait.report import SessionFiles, WriteProgress

VIEW_CHOICES = ("side", "rear", "front")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _report_formats(text: str) -> tuple[str, ...]:
    from gait.document import FORMATS

    formats = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    if not formats or any(f not in FORMATS for f in formats):
        raise argparse.ArgumentTypeError(f"{text!r}: give {', '.join(FORMATS)} or {','.join(FORMATS)}")
    return formats


def _non_negative(text: str) -> float:
    value = float(text) if text.replace(".", "", 1).isdigit() else -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds, 0 or more")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # exit 2 with an ``error:`` line, as for bad input
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    from gait.document import FORMATS
    from gait.report import output_name

    parser = _Parser(prog="gait", description="Running-form analysis of a treadmill video.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    a = sub.add_parser("analyze", help="analyse running clips (side, rear or front view)",
                       description="Analyse one or more clips of one run (e.g. side and rear) and write the "
                                   "report files.")
    a.add_argument("video", nargs="+",
                   help="the clip(s) of one run, e.g. a side and a rear clip (mp4, mov, avi, webm, mkv)")
    a.add_argument("--out", type=Path, help="output folder (default: a folder named after the video)")
    a.add_argument("--fps", type=_positive, help="capture frame rate, for slow-motion files")
    a.add_argument("--start", type=_non_negative, help="start of the part to analyse, seconds")
    a.add_argument("--end", type=_positive, help="end of the part to analyse, seconds")
    a.add_argument("--view", help="camera view per clip, comma-separated: side, rear or front "
                   "(default: detected), e.g. --view side,rear")
    a.add_argument("--facing", choices=("left", "right"),
                   help="side view: the image edge the runner faces (default: detected)")
    a.add_argument("--mirrored", action="store_true", help="the footage is mirrored (selfie camera)")
    a.add_argument("--height-cm", type=_positive, help="runner's height: oscillation in cm")
    a.add_argument("--speed-kmh", type=_positive, help="treadmill speed: stride length in m")
    a.add_argument("--force", action="store_true", help="replace files already in the output folder")
    a.add_argument("--no-video", action="store_true", help="skip the annotated video and key frames")
    documents = ", ".join(output_name(f"report_{f}") for f in FORMATS)
    a.add_argument("--report", type=_report_formats, default=(), metavar=",".join(FORMATS),
                   help=f"also write the gait report ({documents}) and metronome WAVs at the "
                        "runner's +5 %% and +10 %% cadence")
    a.add_argument("--blur-face", action="store_true",
                   help="blur the runner's face in the annotated video, the key frames and the report")
    a.add_argument("--markers", nargs="?", const="auto", metavar="COLOUR",
                   help="marker mode: the runner wears round stickers of one bright colour (docs/markers.md); the "
                        "rear clip's frontal measures come from them. COLOUR: auto (found on the runner, the "
                        "default), green, magenta, cyan, yellow, ... or #RRGGBB. Ignored in a side clip")
    a.add_argument("--video-size", choices=("fit", "full"), default="fit",
                   help="the annotated video's size: fit (the long side at most 1280 px, the default) or full "
                        "(the clip's own size)")
    a.add_argument("--no-pose-cache", action="store_true",
                   help="find the pose again rather than take it from the pose cache (a clip analysed before, "
                        "kept in $GAIT_CACHE_DIR or the user's cache folder)")
    _add_save_options(a)
    _add_history_parser(sub)
    _add_batch_parser(sub)
    return parser


def _output_dir(video: str, out: Path | None, force: bool) -> Path:
    from gait.report import output_patterns

    out_dir = out if out is not None else Path.cwd() / (Path(video).stem or "analysis")
    if out_dir.exists() and not out_dir.is_dir():
        raise GaitInputError(f"{str(out_dir)!r} exists and is not a folder. Choose another --out.", OUTPUT_EXISTS)
    existing = sorted({p.name for pattern in output_patterns() for p in out_dir.glob(pattern)})
    if existing and not force:
        raise GaitInputError(
            f"{str(out_dir)!r} already holds {', '.join(existing)}. Add --force to replace them, or "
            "choose another folder with --out.", OUTPUT_EXISTS
        )
    return out_dir


class _Progress:
    """A tqdm bar on stderr, created on first use; in a log (stderr not a terminal) one line at the start
    and one at the end instead of a stream of carriage-return updates."""

    def __init__(self, desc: str):
        self.desc = desc
        self.bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self.bar
        if bar is None:
            terminal = sys.stderr.isatty()
            if not terminal:
                print(f"{self.desc}: {total} frames...", file=sys.stderr, flush=True)
            bar = self.bar = tqdm(total=total, desc=self.desc, unit="frame", file=sys.stderr, leave=True,
                                  disable=not terminal)
        bar.update(done - bar.n)
        if bar.disable and done == total:
            print(f"{self.desc}: done", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _ClipBars:
    """One :class:`_Progress` per clip for one stage of :func:`gait.report.write_session`'s progress, each
    closed when the next clip starts."""

    def __init__(self, stage: str, names: list[str]):
        self.stage, self.names = stage, names
        self.index: int | None = None
        self.bar: _Progress | None = None

    def __call__(self, index: int, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            return
        if index != self.index or self.bar is None:
            self.close()
            self.index, self.bar = index, _Progress(f"{self.stage} {self.names[index][:23]}")
        self.bar(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = None


def _views(text: str | None, n_clips: int) -> list[str | None]:
    if text is None:
        return [None] * n_clips
    views: list[str | None] = [v.strip() for v in text.split(",")]
    if len(views) != n_clips or any(v not in VIEW_CHOICES for v in views):
        raise GaitInputError(f"--view {text!r}: give one of {', '.join(VIEW_CHOICES)} per clip, separated by "
                             f"commas ({n_clips} clip(s)), e.g. --view side,rear.", BAD_OPTION)
    return views


def _print_summary(session: Session) -> None:
    for clip in session.clips:
        print(f"{clip.info.name}: {clip.view} view, {int(clip.steps['steady'].sum())} steps used")
    from gait.markers import marker_measures

    stickers = {name for clip in session.clips for name in marker_measures(clip)}
    unvalidated = unvalidated_metrics(session.primary.view, stickers)
    for name in shown_metrics(session.metrics):
        spec = spec_of(name)
        print(f"  {spec.title:32s} {spec.format(session.metrics[name]['value'])}"
              + ("  (not validated)" if name in unvalidated else "") + ("  (stickers)" if name in stickers else ""))
    for w in session.warnings:
        print(f"  warning: {w}")
    cues = cues_for(session)
    if cues:
        print("to discuss with a physical therapist (not a diagnosis; the reasons, evidence and drills are in "
              "the report: --report pdf,html):")
        for cue in cues:
            print(f"  - {cue.severity_label}: {cue.title}")


def analyze_and_write(videos: Sequence[str], options: Sequence[Options], out_dir: Path, *,
                      formats: Sequence[str] = (), video: bool = True, blur_face: bool = False,
                      runner_name: str | None = None, pose_progress: Callable[[int, int, int], None] | None = None,
                      write_progress: WriteProgress | None = None,
                      before_after: Callable[[Session], Comparison | None] | None = None,
                      video_size: str = "fit", cache: PoseCache | None = None,
                      ) -> tuple[Session, SessionFiles]:
    """One session as `gait analyze` runs it, and `gait batch` runs each of its sessions: the clips analysed
    (:func:`gait.pipeline.analyze_session`, ``pose_progress(clip_index, done, total)``; the pose taken from
    ``cache`` when it is there), then the output folder written (:func:`gait.report.write_session`: staged,
    then moved in; the annotated videos at ``video_size``). ``before_after(session)`` gives the report's
    before/after comparison. A refused clip raises :class:`GaitInputError` and writes nothing. Callers run it
    inside :func:`gait.pose.native_logs_silenced`, with their progress bars made and closed inside too."""
    from gait.pipeline import analyze_session
    from gait.report import write_session

    session = analyze_session(list(videos), list(options), pose_progress, cache=cache)
    written = write_session(session, out_dir, formats=formats, video=video, blur_face=blur_face,
                            runner_name=runner_name, progress=write_progress, video_size=video_size,
                            before_after=before_after(session) if before_after is not None else None)
    return session, written


def run_analyze(args: argparse.Namespace) -> int:
    from gait.pipeline import Options
    from gait.pose import native_logs_silenced
    from gait.pose_cache import PoseCache

    if args.start is not None and args.end is not None and args.end <= args.start:
        raise GaitInputError("--end must be later than --start.", BAD_OPTION)
    if args.markers is not None:
        from gait.markers import parse_colour

        parse_colour(args.markers)  # a colour it does not know stops here, before the pose pass
    out_dir = _output_dir(args.video[0], args.out, args.force)
    history = _history_for_saving(args)  # opened first: a damaged or newer history file stops here
    options = [Options(capture_fps=args.fps, start_s=args.start, end_s=args.end, view=view,
                       direction={"right": 1, "left": -1}.get(args.facing), mirrored=args.mirrored,
                       height_cm=args.height_cm, speed_kmh=args.speed_kmh, markers=args.markers)
               for view in _views(args.view, len(args.video))]
    with native_logs_silenced():
        bars = [_Progress(f"pose {Path(v).name[:24]}") for v in args.video]
        video_bars = _ClipBars("video", [Path(v).name for v in args.video])

        def video_progress(index: int, stage: str, done: int, total: int) -> None:
            for bar in bars:  # the pose pass is over
                bar.close()
            video_bars(index, stage, done, total)

        try:
            session, written = analyze_and_write(
                args.video, options, out_dir, formats=args.report, video=not args.no_video,
                blur_face=args.blur_face, pose_progress=lambda k, done, total: bars[k](done, total),
                write_progress=video_progress, before_after=lambda s: _before_after(history, args, s),
                video_size=args.video_size, cache=None if args.no_pose_cache else PoseCache())
        finally:
            for bar in bars:
                bar.close()
            video_bars.close()
    _print_summary(session)
    print(f"written to {out_dir}")
    if history is not None:
        _save_to_history(history, args, session, written)
    return 0


# ---- run history: `gait analyze ... --save-to-history RUNNER` and `gait history ...` (gait.history) --------

def _db_option(parser: argparse.ArgumentParser, default: object = argparse.SUPPRESS) -> None:
    from gait.history import ENV_VAR

    parser.add_argument("--db", type=Path, default=default, metavar="FILE",
                        help=f"the history file (default: ${ENV_VAR}, else history.sqlite3 in your data folder)")


def _add_save_options(a: argparse.ArgumentParser) -> None:
    a.add_argument("--save-to-history", metavar="RUNNER",
                   help="save this analysis in the run history under RUNNER (a name or alias; created if new); "
                        "with --report, the report compares it with RUNNER's previous session")
    a.add_argument("--filmed-on", metavar="YYYY-MM-DD", help="with --save-to-history: the date filmed (default: today)")
    _db_option(a, default=None)


def _add_history_parser(sub: argparse._SubParsersAction) -> None:
    h = sub.add_parser("history", help="saved analyses: list, show, compare, export, delete",
                       description="The run history: analyses saved with `gait analyze ... --save-to-history RUNNER`, "
                                   "compared against each measure's smallest detectable change.")
    _db_option(h, default=None)
    hs = h.add_subparsers(dest="history_command", required=True, parser_class=_Parser)
    p = hs.add_parser("list", help="the runners, or one runner's sessions")
    p.add_argument("runner", nargs="?", help="a runner's name (or number): list their sessions")
    p = hs.add_parser("show", help="one session: clips, settings, measures, cues, files")
    p.add_argument("session", help="the session's number (see `gait history list RUNNER`)")
    p = hs.add_parser("compare", help="two sessions (before, after) or a series, against the smallest detectable "
                                      "change", description="Compare two sessions (A then B), or a series (each "
                                                            "session against the first): per measure the change and "
                                                            "whether it exceeds the smallest detectable change.")
    p.add_argument("sessions", nargs="*", help="session numbers, oldest first: two for before/after, more for a series")
    p.add_argument("--runner", help="a runner's whole series instead of session numbers")
    p = hs.add_parser("export", help="a runner's data as CSV and JSON")
    p.add_argument("runner")
    p.add_argument("--format", default="csv,json", help="csv, json or csv,json (default)")
    p.add_argument("--out", type=Path, help="folder (default: exports/<runner> in the history's data folder)")
    p = hs.add_parser("delete", help="delete a runner and everything of theirs")
    p.add_argument("runner")
    p.add_argument("--yes", action="store_true", help="really delete (without it: say what would be deleted)")
    hs.add_parser("sdc", help="the smallest detectable change of each measure, and where it comes from")
    for leaf in hs.choices.values():
        _db_option(leaf)


def _history_for_saving(args: argparse.Namespace) -> History | None:
    if not getattr(args, "save_to_history", None):
        if getattr(args, "filmed_on", None):
            raise GaitInputError("--filmed-on goes with --save-to-history RUNNER.", BAD_OPTION)
        return None
    from gait.history import History

    return History(args.db)


def _before_after(history: History | None, args: argparse.Namespace, session: Session) -> Comparison | None:
    if history is None:
        return None
    from gait.document import report_of
    from gait.history import previous_comparison

    return previous_comparison(history, args.save_to_history, report_of(session), args.filmed_on)


def _save_to_history(history: History, args: argparse.Namespace, session: Session, written: SessionFiles) -> None:
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
            stored = history.sessions(args.runner) if args.runner else [history.session(s) for s in args.sessions]
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
            for path in history.export(args.runner, formats, args.out):
                print(f"written {path}")
        elif command == "delete":
            who = history.runner(args.runner)
            if not args.yes:
                raise GaitInputError(f"this would delete {who.name} and their {who.sessions} session(s), and their "
                                     f"exported files under {history.folder}: add --yes to delete.", BAD_OPTION)
            print(history.delete_runner(who.id).message)
    return 0


# ---- `gait batch INPUTS... --out DIR`: a whole archive, one Dask task per session (gait.batch) -------------

def _add_batch_parser(sub: argparse._SubParsersAction) -> None:
    from gait.document import FORMATS

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
    b.add_argument("--out", type=Path, required=True, help="output folder: a folder per session, and the tables")
    b.add_argument("--scheduler", metavar="ADDRESS",
                   help="an existing Dask cluster's scheduler, e.g. tcp://host:8786 (its workers need this package "
                        "and must see the inputs and --out at the same paths; default: a local cluster)")
    b.add_argument("--workers", type=workers, help="worker processes of the local cluster (default: the cores)")
    b.add_argument("--pair-by", type=pattern, metavar="PATTERN",
                   help="a regular expression with a group named session, searched in each file's path within "
                        "its folder: files with the same session are one session, e.g. "
                        "'(?P<session>.+)_(side|rear)\\.mp4'")
    b.add_argument("--report", type=_report_formats, default=(), metavar=",".join(FORMATS),
                   help="also write each session's gait report and metronome WAVs")
    b.add_argument("--no-video", action="store_true", help="skip the annotated videos and key frames")
    b.add_argument("--force", action="store_true", help="analyse again the sessions done before")
    b.add_argument("--save-to-history", action="store_true",
                   help="save each session analysed to the run history under its runner (a manifest's runner "
                        "column; sessions without one are not saved)")
    _db_option(b, default=None)


def run_batch(args: argparse.Namespace) -> int:
    """``gait batch INPUTS... --out DIR``: 0 when every session ran (failed clips are in the summary), 1 when
    interrupted."""
    from gait.batch import BatchSettings, find_sessions, run_sessions
    from gait.video_io import VIDEO_SUFFIXES

    if args.scheduler and args.workers:
        raise GaitInputError("--workers sizes the local cluster: leave it out with --scheduler (the cluster's "
                             "own workers run the sessions).", BAD_OPTION)
    if args.out.exists() and not args.out.is_dir():
        raise GaitInputError(f"{str(args.out)!r} exists and is not a folder. Choose another --out.", OUTPUT_EXISTS)
    jobs = find_sessions(args.inputs, args.out, args.pair_by)
    if not jobs:
        raise GaitInputError(f"no video files ({', '.join(VIDEO_SUFFIXES)}) found in {', '.join(args.inputs)}.",
                             NO_SUCH_FILE)
    history = None
    if args.save_to_history:  # opened first: a damaged or newer history file stops here
        from gait.history import History

        history = History(args.db)
    result = run_sessions(jobs, args.out, BatchSettings(formats=tuple(args.report), video=not args.no_video,
                                                        force=args.force),
                          scheduler=args.scheduler, workers=args.workers, history=history)
    print(result.text())
    if result.interrupted:
        print("error: interrupted: the sessions finished are in the summary; run the same command again to go on "
              "(they are skipped).", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """The ``gait`` command (and ``python -m gait``): the exit status."""
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
    except KeyboardInterrupt:
        print("error: interrupted; nothing was replaced in the output folder.", file=sys.stderr)
        return 1
    except Exception as exc:  # an internal fault: short message, no traceback
        print(f"internal error ({type(exc).__name__}: {exc}). Please report it with the clip's details.",
              file=sys.stderr)
        return 1
