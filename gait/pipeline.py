"""The one analysis function that the CLI, the app and the notebook call: video in, measurements out.

This module holds the pose pass's side of it; :mod:`gait.analysis` the rest, imported once the pass is over,
or, when it is split, once the calling thread's tracker is closed (its libraries are not held beside two
trackers). What the callers hold (options, the analysis, the session: :mod:`gait.results`) is handed on
from here too."""

from __future__ import annotations

from typing import Callable

from gait import errors as E
from gait.catalogue import VIEWS
from gait.errors import GaitInputError
from gait.glimpse import seen_view
from gait.h264_copy import probe_readable
from gait.pose import FrameWork, ProgressCallback
from gait.pose_cache import PoseCache, pose_pass
from gait.results import Analysis, Options, Session, merge_metrics, session_of
from gait.video_io import VideoInfo
from gait.view import FRONTAL

__all__ = ["Analysis", "Options", "Session", "analyze", "analyze_session", "frame_range", "frame_works",
           "merge_metrics", "session_of"]


def frame_range(info: VideoInfo, options: Options) -> tuple[int, int]:
    """File frame indices [start, end) of the segment the user chose (capture-time seconds)."""
    start = 0 if options.start_s is None else int(round(options.start_s * info.fps))
    end = info.frame_count if options.end_s is None else int(round(options.end_s * info.fps))
    start, end = max(0, start), min(info.frame_count, end)
    if start >= info.frame_count:
        raise GaitInputError(
            f"the chosen start ({options.start_s:g} s) is at or after the end of the {info.duration_s:.1f} s clip. "
            f"Choose a start before {max(0.0, info.duration_s - 1):.1f} s.", E.SEGMENT_TOO_SHORT)
    if end - start < max(15, info.fps):
        raise GaitInputError(
            f"the chosen segment ({start / info.fps:.1f}-{end / info.fps:.1f} s) is shorter than 1 s "
            f"of a {info.duration_s:.1f} s clip. Choose --start and --end further apart.", E.SEGMENT_TOO_SHORT
        )
    return start, end


def frame_works(info: VideoInfo, start: int, end: int, options: Options, cache: PoseCache | None = None,
                outlines: bool = False) -> list[FrameWork]:
    """The pose pass's frame works: the person mask for markerless frontal measures (MediaPipe's
    segmentation, 3-6 ms a frame; :class:`gait.frontal_mask.MaskWork`, with the ``outlines`` only
    scripts/validate_frontal_mask.py reads), unless the clip has stickers or is a side view: said, or seen
    in a few frames before the pass (:func:`gait.glimpse.glimpse_view`, its verdict kept in ``cache``:
    :func:`gait.glimpse.seen_view`). Decided the same whatever passes of the clip the cache holds (which then
    serves the pass asked for, or not)."""
    if options.view == "side" or options.markers:
        return []
    if options.view is None and seen_view(info, start, end, cache) == "side":
        return []
    from gait.frontal_mask import MaskWork  # with its analysis's libraries: a frontal view's pass needs them

    return [MaskWork(outlines)]


def analyze(path: str, options: Options = Options(), progress: ProgressCallback | None = None, *,
            workers: int | None = None, cache: PoseCache | None = None, mask_outlines: bool = False,
            copy_progress: ProgressCallback | None = None) -> Analysis:
    """Analyse one clip. Raises :class:`GaitInputError` for bad input or a clip that is not running.

    A clip in a coding OpenCV cannot decode (AV1) is read from its H.264 copy, made first with
    ``copy_progress`` (:func:`gait.h264_copy.probe_readable`).

    The pose pass runs in ``workers`` processes (default :func:`gait.pose.default_workers`; 1 inside a
    Dask worker); with a ``cache`` (:class:`gait.pose_cache.PoseCache`) it is skipped when the clip's pose
    is there, and stored there otherwise. ``mask_outlines``: a rear or front clip's pass also measures the
    person mask's outlines (knee middles and valgus, which only scripts/validate_frontal_mask.py reads)."""
    if options.view is not None and options.view not in (*VIEWS, FRONTAL):
        raise GaitInputError(f"unknown view {options.view!r}: use one of {', '.join(VIEWS)}.", E.BAD_OPTION)
    info = probe_readable(path, options.capture_fps, copy_progress)
    start, end = frame_range(info, options)
    works = frame_works(info, start, end, options, cache, mask_outlines)
    found = pose_pass(info, start, end, progress, workers=workers, cache=cache, works=works,
                      while_others_end=_load_analysis)
    from gait.analysis import analyze_found

    return analyze_found(info, start, end, found, options, works)


def _load_analysis() -> None:
    """Import the analysis's libraries (pandas, SciPy's filters: about 0.7 s and 120 MB), which the pose pass
    does without: a split pass calls this once its first tracker is closed, while the others end."""
    import gait.analysis  # noqa: F401


def analyze_session(paths: list[str], options: list[Options],
                    progress: Callable[[int, int, int], None] | None = None, *, workers: int | None = None,
                    cache: PoseCache | None = None,
                    copy_progress: Callable[[int, int, int], None] | None = None) -> Session:
    """Analyse several clips of one run; ``progress(clip_index, done, total)``, and ``copy_progress`` alike
    for the H.264 copies of clips OpenCV cannot decode; ``workers`` and ``cache`` as for :func:`analyze`.
    Every clip is opened (and copied when it must be) first, so that a file that is not a readable video is
    refused before any pose pass (the second clip's was found after the first one's whole pass)."""
    for k, (path, opts) in enumerate(zip(paths, options, strict=True)):
        probe_readable(path, opts.capture_fps, _for_clip(copy_progress, k))
    clips = []
    for k, (path, opts) in enumerate(zip(paths, options, strict=True)):
        clips.append(analyze(path, opts, _for_clip(progress, k), workers=workers, cache=cache))
    return session_of(clips)


def _for_clip(progress: Callable[[int, int, int], None] | None, k: int) -> ProgressCallback | None:
    """``progress(k, done, total)`` as the ``progress(done, total)`` of clip ``k``."""
    return None if progress is None else (lambda done, total: progress(k, done, total))
