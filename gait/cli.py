"""Command line: ``gait analyze VIDEO [options]`` (the same as ``python -m gait analyze VIDEO [options]``).

Exit status: 0 success; 2 bad input or a refused clip (last stderr line starts ``error:``); 1 internal
fault (a short message, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from gait.catalogue import shown_metrics, spec_of, unvalidated_metrics
from gait.cues import cues_for
from gait.errors import BAD_OPTION, OUTPUT_EXISTS, GaitInputError

if TYPE_CHECKING:
    from tqdm import tqdm

    from gait.pipeline import Session

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
    unvalidated = unvalidated_metrics(session.primary.view)
    for name in shown_metrics(session.metrics):
        spec = spec_of(name)
        print(f"  {spec.title:32s} {spec.format(session.metrics[name]['value'])}"
              + ("  (not validated)" if name in unvalidated else ""))
    for w in session.warnings:
        print(f"  warning: {w}")
    cues = cues_for(session)
    if cues:
        print("to discuss with a physical therapist (not a diagnosis; the reasons, evidence and drills are in "
              "the report: --report pdf,html):")
        for cue in cues:
            print(f"  - {cue.severity_label}: {cue.title}")


def run_analyze(args: argparse.Namespace) -> int:
    from gait.pipeline import Options, analyze_session
    from gait.pose import native_logs_silenced
    from gait.report import write_session

    if args.start is not None and args.end is not None and args.end <= args.start:
        raise GaitInputError("--end must be later than --start.", BAD_OPTION)
    out_dir = _output_dir(args.video[0], args.out, args.force)
    options = [Options(capture_fps=args.fps, start_s=args.start, end_s=args.end, view=view,
                       direction={"right": 1, "left": -1}.get(args.facing), mirrored=args.mirrored,
                       height_cm=args.height_cm, speed_kmh=args.speed_kmh)
               for view in _views(args.view, len(args.video))]
    with native_logs_silenced():
        bars = [_Progress(f"pose {Path(v).name[:24]}") for v in args.video]
        try:
            session = analyze_session(args.video, options, lambda k, done, total: bars[k](done, total))
        finally:
            for bar in bars:
                bar.close()
        video_bars = _ClipBars("video", [clip.info.name for clip in session.clips])
        try:
            write_session(session, out_dir, formats=args.report, video=not args.no_video, blur_face=args.blur_face,
                          progress=video_bars)
        finally:
            video_bars.close()
    _print_summary(session)
    print(f"written to {out_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """The ``gait`` command (and ``python -m gait``): the exit status."""
    try:
        return run_analyze(build_parser().parse_args(argv))
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
