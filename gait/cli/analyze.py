"""``gait analyze VIDEO [VIDEO ...] [options]``: one session, its clips analysed and its output folder written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gait.catalogue import (
    NEEDS_STICKERS,
    VIEWS,
    asymmetry_words,
    by_reason,
    shown_metrics,
    spec_of,
    titles,
    unvalidated_metrics,
)
from gait.cli.history import add_save_options, history_comparison, history_for_saving, save_to_history
from gait.cli.options import non_negative, pose_cache_option, positive, report_formats
from gait.cues import cues_for
from gait.errors import BAD_OPTION, OUTPUT_EXISTS, GaitInputError

if TYPE_CHECKING:
    from tqdm import tqdm

    from gait.results import Session

LABEL_NAME_CHARS = 32  # a clip's name in a progress bar's label, at most


def clip_label(name: str, width: int = LABEL_NAME_CHARS) -> str:
    """A clip's file name as a progress bar's label shows it: whole when it has at most ``width`` characters,
    else its start and its end (where the names of takes differ: a number, the extension) around "...",
    e.g. ``label_no_overs...M_Running_2.mp4``."""
    if len(name) <= width:
        return name
    tail = (width - 3 + 1) // 2
    return f"{name[:width - 3 - tail]}...{name[-tail:]}"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``analyze`` subcommand and its options."""
    from gait.report import FORMATS, output_name

    a = sub.add_parser("analyze", help="analyse running clips (side, rear or front view)",
                       description="Analyse one or more clips of one run (e.g. side and rear) and write the "
                                   "report files.")
    a.add_argument("video", nargs="+",
                   help="the clip(s) of one run, e.g. a side and a rear clip (mp4, mov, avi, webm, mkv)")
    a.add_argument("-o", "--out", type=Path, help="output folder (default: a folder named after the video)")
    a.add_argument("--fps", type=positive, help="capture frame rate, for slow-motion files")
    a.add_argument("--start", type=non_negative, help="start of the part to analyse, seconds")
    a.add_argument("--end", type=positive, help="end of the part to analyse, seconds")
    a.add_argument("--view", help="camera view per clip, comma-separated: side, rear or front "
                   "(default: detected), e.g. --view side,rear")
    a.add_argument("--facing", choices=("left", "right"),
                   help="side view: the image edge the runner faces (default: detected)")
    a.add_argument("--mirrored", action="store_true", help="the footage is mirrored (selfie camera)")
    a.add_argument("--height-cm", type=positive, help="runner's height: oscillation in cm")
    a.add_argument("--speed-kmh", type=positive, help="treadmill speed: stride length in m")
    a.add_argument("--force", action="store_true",
                   help="replace an earlier analysis's files in the output folder (those not written again are "
                        "removed)")
    a.add_argument("--no-video", action="store_true", help="skip the annotated video and key frames")
    documents = ", ".join(output_name(f"report_{f}") for f in FORMATS)
    a.add_argument("--report", type=report_formats, default=(), metavar=",".join(FORMATS),
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
    pose_cache_option(a)
    add_save_options(a)


def _output_dir(video: str, out: Path | None, force: bool) -> Path:
    from gait.output import check_writable, earlier_outputs

    out_dir = out if out is not None else Path.cwd() / (Path(video).stem or "analysis")
    if out_dir.exists() and not out_dir.is_dir():
        raise GaitInputError(f"{str(out_dir)!r} exists and is not a folder. Choose another --out.", OUTPUT_EXISTS)
    existing = [p.name for p in earlier_outputs(out_dir)]
    if existing and not force:
        raise GaitInputError(
            f"{str(out_dir)!r} already holds {', '.join(existing)}. Add --force to replace them (those this run "
            "does not write are removed), or choose another folder with --out.", OUTPUT_EXISTS
        )
    check_writable(out_dir)
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
    """One :class:`_Progress` per clip for one stage of a progress reported as (clip, stage, done, total)
    (:func:`gait.output.write_session`'s; the AV1 clips' H.264 copies'), each closed when the next clip
    starts."""

    def __init__(self, stage: str, names: list[str]):
        self.stage, self.names = stage, names
        self.index: int | None = None
        self.bar: _Progress | None = None

    def __call__(self, index: int, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            return
        if index != self.index or self.bar is None:
            self.close()
            self.index, self.bar = index, _Progress(f"{self.stage} {clip_label(self.names[index])}")
        self.bar(done, total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = None


def _views(text: str | None, n_clips: int) -> list[str | None]:
    if text is None:
        return [None] * n_clips
    views: list[str | None] = [v.strip() for v in text.split(",")]
    if len(views) != n_clips or any(v not in VIEWS for v in views):
        raise GaitInputError(f"--view {text!r}: give one of {', '.join(VIEWS)} per clip, separated by "
                             f"commas ({n_clips} clip(s)), e.g. --view side,rear.", BAD_OPTION)
    return views


def _print_summary(session: Session) -> None:
    for clip in session.clips:
        print(f"{clip.info.name}: {clip.view} view, {int(clip.steps['steady'].sum())} steps used")
    from gait.markers import marker_measures
    from gait.measured_error import error_words
    from gait.results import mask_measures, measured_errors, not_measured_in

    stickers = {name for clip in session.clips for name in marker_measures(clip)}
    errors = measured_errors(session.clips)
    outline = mask_measures(session.clips)
    unvalidated = unvalidated_metrics(errors)
    for name in shown_metrics(session.metrics):
        spec = spec_of(name)
        print(f"  {spec.title:32s} {spec.format(session.metrics[name]['value'])}"
              + ("  (not validated)" if name in unvalidated else "") + ("  (stickers)" if name in stickers else "")
              + ("  (body outline)" if name in outline else ""))
        error = error_words(errors.get(name), tagged=name in unvalidated) or None
        for detail in (asymmetry_words(name, session.metrics[name]), error):
            if detail is not None:
                print(f"  {'':32s} {detail}")
    for why, names in by_reason(not_measured_in(session)).items():
        how = "add --markers" if why == NEEDS_STICKERS else "add a side clip: gait analyze SIDE.mp4 REAR.mp4"
        print(f"  {titles(names)}: {why}: {how}")
    for w in session.warnings:
        print(f"  warning: {w}")
    cues = cues_for(session)
    if cues:
        print("to discuss with a physical therapist (not a diagnosis; the reasons, evidence and drills are in "
              "the report: --report pdf,html):")
        for cue in cues:
            print(f"  - {cue.severity_label}: {cue.title}")


def run_analyze(args: argparse.Namespace) -> int:
    from gait.output import SessionFiles, analyze_and_write
    from gait.pose import native_logs_silenced
    from gait.pose_cache import PoseCache
    from gait.results import Options
    from gait.view import FACING

    resolved = [Path(v).resolve() for v in args.video]
    repeated = sorted({Path(v).name for v, path in zip(args.video, resolved, strict=True) if resolved.count(path) > 1})
    if repeated:
        raise GaitInputError(f"{' and '.join(repr(name) for name in repeated)} given more than once: give each clip "
                             "of the run once (e.g. gait analyze side.mp4 rear.mp4).", BAD_OPTION)
    if args.markers is not None:
        from gait.markers import parse_colour

        parse_colour(args.markers)  # a colour it does not know stops here, before the pose pass
    options = [Options(capture_fps=args.fps, start_s=args.start, end_s=args.end, view=view,
                       direction=FACING.get(args.facing), mirrored=args.mirrored,
                       height_cm=args.height_cm, speed_kmh=args.speed_kmh, markers=args.markers)
               for view in _views(args.view, len(args.video))]
    out_dir = _output_dir(args.video[0], args.out, args.force)
    history = history_for_saving(args)  # opened first: a damaged or newer history file stops here
    with native_logs_silenced():
        bars = [_Progress(f"pose {clip_label(Path(v).name)}") for v in args.video]
        copy_bars = _ClipBars("H.264 copy", [Path(v).name for v in args.video])  # an AV1 clip's, to read it
        video_bars = _ClipBars("video", [Path(v).name for v in args.video])

        def pose_progress(index: int, done: int, total: int) -> None:
            copy_bars.close()  # every copy is made before the first pose pass
            bars[index](done, total)

        def video_progress(index: int, stage: str, done: int, total: int) -> None:
            for bar in bars:  # the pose pass is over
                bar.close()
            video_bars(index, stage, done, total)

        results_in: list[SessionFiles] = []  # the results moved into the folder, before the videos are drawn
        try:
            session, written = analyze_and_write(
                args.video, options, out_dir, formats=args.report, video=not args.no_video,
                blur_face=args.blur_face, pose_progress=pose_progress,
                write_progress=video_progress, before_after=lambda s: history_comparison(history, args, s),
                video_size=args.video_size, cache=None if args.no_pose_cache else PoseCache(),
                on_results=results_in.append,
                copy_progress=lambda k, done, total: copy_bars(k, copy_bars.stage, done, total))
        except KeyboardInterrupt:
            if results_in:
                raise KeyboardInterrupt(
                    f"the results are in {str(out_dir)!r} without the annotated video, which was being drawn. Run "
                    "the command again with --force to draw it.") from None
            raise
        finally:
            for bar in bars:
                bar.close()
            copy_bars.close()
            video_bars.close()
    _print_summary(session)
    print(f"written to {out_dir}")
    if history is not None:
        save_to_history(history, args, session, written)
    return 0
