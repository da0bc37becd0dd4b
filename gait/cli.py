"""Command line: ``python -m gait analyze VIDEO [options]``.

Exit status: 0 success; 2 bad input or a refused clip (last stderr line starts ``error:``); 1 internal
fault (a short message, no traceback).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from gait.errors import GaitInputError

OUTPUT_NAMES = ("report.json", "steps.csv", "landmarks.csv", "annotated.mp4",
                "keyframe_left_contact.png", "keyframe_right_contact.png")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _non_negative(text: str) -> float:
    value = float(text) if text.replace(".", "", 1).isdigit() else -1.0
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds, 0 or more")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with an ``error:`` line, as for bad input
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m gait", description="Running-form analysis of a treadmill video.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    a = sub.add_parser("analyze", help="analyse a side-view running clip",
                       description="Analyse a side-view running clip and write the report files.")
    a.add_argument("video", help="the clip (mp4, mov, avi, webm, mkv)")
    a.add_argument("--out", type=Path, help="output folder (default: a folder named after the video)")
    a.add_argument("--fps", type=_positive, help="capture frame rate, for slow-motion files")
    a.add_argument("--start", type=_non_negative, help="start of the part to analyse, seconds")
    a.add_argument("--end", type=_positive, help="end of the part to analyse, seconds")
    a.add_argument("--view", choices=("side", "rear", "front"), help="camera view (default: detected)")
    a.add_argument("--facing", choices=("left", "right"),
                   help="side view: the image edge the runner faces (default: detected)")
    a.add_argument("--mirrored", action="store_true", help="the footage is mirrored (selfie camera)")
    a.add_argument("--height-cm", type=_positive, help="runner's height: oscillation in cm")
    a.add_argument("--speed-kmh", type=_positive, help="treadmill speed: stride length in m")
    a.add_argument("--force", action="store_true", help="replace files already in the output folder")
    a.add_argument("--no-video", action="store_true", help="skip the annotated video and key frames")
    return parser


def _output_dir(video: str, out: Path | None, force: bool) -> Path:
    out_dir = out if out is not None else Path.cwd() / (Path(video).stem or "analysis")
    if out_dir.exists() and not out_dir.is_dir():
        raise GaitInputError(f"{str(out_dir)!r} exists and is not a folder. Choose another --out.")
    existing = [n for n in OUTPUT_NAMES if (out_dir / n).exists()]
    if existing and not force:
        raise GaitInputError(
            f"{str(out_dir)!r} already holds {', '.join(existing)}. Add --force to replace them, or "
            "choose another folder with --out."
        )
    return out_dir


class _Progress:
    """A tqdm bar on stderr, created on first use."""

    def __init__(self, desc: str):
        self.desc, self.bar = desc, None

    def __call__(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, desc=self.desc, unit="frame", file=sys.stderr, leave=True)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_analyze(args: argparse.Namespace) -> int:
    from gait.pipeline import Options, analyze
    from gait.pose import native_logs_silenced
    from gait.report import write_data_files

    if args.start is not None and args.end is not None and args.end <= args.start:
        raise GaitInputError("--end must be later than --start.")
    out_dir = _output_dir(args.video, args.out, args.force)
    options = Options(capture_fps=args.fps, start_s=args.start, end_s=args.end, view=args.view,
                      direction={"right": 1, "left": -1}.get(args.facing), mirrored=args.mirrored,
                      height_cm=args.height_cm, speed_kmh=args.speed_kmh)
    with native_logs_silenced():
        progress = _Progress("pose")
        try:
            analysis = analyze(args.video, options, progress)
        finally:
            progress.close()
        staging = out_dir.with_name(f".{out_dir.name}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            write_data_files(analysis, staging)
            if not args.no_video:
                from gait.rendering import write_annotated

                progress = _Progress("video")
                try:
                    write_annotated(analysis, staging / "annotated.mp4", staging, progress)
                finally:
                    progress.close()
            out_dir.mkdir(parents=True, exist_ok=True)
            for name in OUTPUT_NAMES:
                if (out_dir / name).exists():
                    (out_dir / name).unlink()
            for path in staging.iterdir():
                path.replace(out_dir / path.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    m = analysis.metrics
    print(f"{Path(args.video).name}: {analysis.view} view, "
          f"{int(analysis.steps['steady'].sum())} steps used")
    for name in ("cadence_spm", "ground_contact_time_ms", "knee_flexion_at_contact_deg",
                 "shank_angle_at_contact_deg", "overstride_pct_leg"):
        v = m[name]["value"]
        print(f"  {name:32s} {'-' if v is None else f'{v:.1f}'} {m[name]['unit'] or ''}")
    print(f"  foot_strike_pattern              {m['foot_strike_pattern']['value']}")
    for w in analysis.warnings:
        print(f"  warning: {w}")
    print(f"written to {out_dir}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
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
