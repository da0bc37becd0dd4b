"""The one analysis function that the CLI, the app and the notebook call: video in, measurements out.

This module holds the pose pass's side of it and what the callers hold (options, the analysis, the session);
:mod:`gait.analysis` the rest, imported once the pass is over, or, when it is split, once the calling thread's
tracker is closed (its libraries are not held beside two trackers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable

import numpy as np

from gait import errors as E
from gait.catalogue import CATALOGUE, FRONTAL_METRICS, Metrics, number
from gait.errors import GaitInputError, GaitWarning
from gait.landmarks import PoseSeries, other_side
from gait.pose import FrameWork, PosePass, ProgressCallback
from gait.pose_cache import PoseCache, pose_pass
from gait.video_io import VideoInfo, probe
from gait.view import VIEWS, near_side, seen_view

if TYPE_CHECKING:
    import pandas as pd

    from gait.cleaning import CleaningSummary
    from gait.events import EventDetection
    from gait.kinematics import FrontalAngles, SagittalAngles
    from gait.markers import MarkerReport


@dataclass(frozen=True)
class Options:
    capture_fps: float | None = None
    start_s: float | None = None
    end_s: float | None = None
    view: str | None = None  # None: detect
    direction: int | None = None  # None: detect (side view)
    mirrored: bool = False
    height_cm: float | None = None
    speed_kmh: float | None = None
    markers: str | None = None  # marker mode: "auto", a colour name or #RRGGBB (gait.markers); None: off


@dataclass(frozen=True)
class Analysis:
    info: VideoInfo
    options: Options
    pose: PoseSeries  # cleaned, sides the runner's own
    view: str
    direction: int
    detection: EventDetection
    angles: SagittalAngles | FrontalAngles
    steps: pd.DataFrame
    metrics: Metrics
    leg_length_px: float
    cleaning: CleaningSummary
    detected_fraction: float
    warnings: list[GaitWarning] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    markers: MarkerReport | None = None  # marker mode's record (rear clip with --markers), else None
    # the pose pass's own record (raw landmarks, per-frame fingerprints that check a later seek into the clip,
    # the other-person check); None for an analysis of landmarks alone
    pose_pass: PosePass | None = None
    # the frontal measures taken from the person mask (set by gait.frontal_mask.apply_mask where it decides so)
    mask_measured: tuple[str, ...] = ()

    @property
    def near_leg(self) -> str | None:
        """The side facing the camera in a side view (:func:`gait.view.near_side`); None from behind or in front."""
        return near_side(self.direction, self.options.mirrored) if self.view == "side" else None

    @property
    def far_leg(self) -> str | None:
        """The side away from the camera in a side view; None from behind or in front."""
        return None if self.near_leg is None else other_side(self.near_leg)

    @cached_property
    def frontal_fields(self) -> dict:
        """report.json's ``quality`` entries on the frontal measures (:func:`gait.measured_error.frontal_fields`:
        their methods and measured errors; nothing for a side clip), worked out once per analysis (a changed
        copy, :func:`dataclasses.replace`, works them out again) and read by the report, the cues, the command
        line and the app: not to be changed."""
        from gait.measured_error import frontal_fields

        return frontal_fields(self)

    @property
    def pass_fingerprints(self) -> np.ndarray | None:
        """The pose pass's per-frame fingerprints (:func:`gait.video_io.fingerprint`), one per pose row, that
        check a seek into the clip; None when the pass kept none or its frames are not the pose rows'."""
        found = self.pose_pass
        if found is None or "fingerprint" not in found.frames:
            return None
        if not np.array_equal(found.frame_index, self.pose.frame_index):
            return None
        return found.frames["fingerprint"]


def frame_range(info: VideoInfo, options: Options) -> tuple[int, int]:
    """File frame indices [start, end) of the segment the user chose (capture-time seconds)."""
    start = 0 if options.start_s is None else int(round(options.start_s * info.fps))
    end = info.frame_count if options.end_s is None else int(round(options.end_s * info.fps))
    start, end = max(0, start), min(info.frame_count, end)
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
    in a few frames before the pass (:func:`gait.view.glimpse_view`, its verdict kept in ``cache``:
    :func:`gait.view.seen_view`). Decided the same whatever passes of the clip the cache holds (which then
    serves the pass asked for, or not)."""
    if options.view == "side" or options.markers:
        return []
    if options.view is None and seen_view(info, start, end, cache) == "side":
        return []
    from gait.frontal_mask import MaskWork  # with its analysis's libraries: a frontal view's pass needs them

    return [MaskWork(outlines)]


def analyze(path: str, options: Options = Options(), progress: ProgressCallback | None = None, *,
            workers: int | None = None, cache: PoseCache | None = None, mask_outlines: bool = False) -> Analysis:
    """Analyse one clip. Raises :class:`GaitInputError` for bad input or a clip that is not running.

    The pose pass runs in ``workers`` processes (default :func:`gait.pose.default_workers`; 1 inside a
    Dask worker); with a ``cache`` (:class:`gait.pose_cache.PoseCache`) it is skipped when the clip's pose
    is there, and stored there otherwise. ``mask_outlines``: a rear or front clip's pass also measures the
    person mask's outlines (knee middles and valgus, which only scripts/validate_frontal_mask.py reads)."""
    if options.view is not None and options.view not in VIEWS:
        raise GaitInputError(f"unknown view {options.view!r}: use one of {', '.join(VIEWS)}.", E.BAD_OPTION)
    info = probe(path, options.capture_fps)
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


@dataclass(frozen=True)
class Session:
    """Clips of one run (e.g. a side and a rear clip) analysed together."""

    clips: tuple[Analysis, ...]
    metrics: Metrics  # each metric from the clip whose view measures it
    warnings: list[GaitWarning]

    @classmethod
    def of(cls, analysis: Analysis) -> "Session":
        """A session of one clip."""
        return cls(clips=(analysis,), metrics=analysis.metrics, warnings=list(analysis.warnings))

    @property
    def primary(self) -> Analysis:
        """The side clip if there is one, else the first clip."""
        return next((c for c in self.clips if c.view == "side"), self.clips[0])


CADENCE_AGREEMENT_SPM = 3.0


def merge_metrics(clips: tuple[Analysis, ...]) -> Metrics:
    """Sagittal metrics from the side clip, frontal ones from the rear or front clip, timing from the side
    clip when there is one (its contacts are seen, not inferred from the pelvis)."""
    side = [c for c in clips if c.view == "side"]
    frontal = [c for c in clips if c.view != "side"]
    merged: Metrics = {}
    for spec in CATALOGUE:
        source = (frontal or side) if spec.key in FRONTAL_METRICS else (side or frontal)
        merged[spec.key] = source[0].metrics[spec.key]
    return merged


def session_of(analyses: list[Analysis] | tuple[Analysis, ...]) -> Session:
    """A session of clips already analysed: merged metrics, every clip's warnings (prefixed with its file
    name when there are several) and, first, a warning when their cadences disagree by more than 3
    steps/min."""
    clips = tuple(analyses)
    if len(clips) == 1:
        return Session.of(clips[0])
    warnings = [GaitWarning(E.warning_code(w), f"{c.info.name}: {w}") for c in clips for w in c.warnings]
    cadences = [(c.info.name, number(c.metrics["cadence_spm"]["value"])) for c in clips]
    measured = [(name, spm) for name, spm in cadences if spm is not None]
    if len(measured) > 1:
        low, high = min(measured, key=lambda x: x[1]), max(measured, key=lambda x: x[1])
        if high[1] - low[1] > CADENCE_AGREEMENT_SPM:
            warnings.insert(0, GaitWarning(
                E.CADENCE_DISAGREES,
                f"the clips disagree on cadence: {low[1]:.1f} steps/min in {low[0]} and {high[1]:.1f} in "
                f"{high[0]}. They may not be from the same run, or one was filmed in slow motion (--fps)."))
    return Session(clips=clips, metrics=merge_metrics(clips), warnings=warnings)


def analyze_session(paths: list[str], options: list[Options],
                    progress: Callable[[int, int, int], None] | None = None, *, workers: int | None = None,
                    cache: PoseCache | None = None) -> Session:
    """Analyse several clips of one run; ``progress(clip_index, done, total)``; ``workers`` and ``cache`` as
    for :func:`analyze`."""
    clips = []
    for k, (path, opts) in enumerate(zip(paths, options, strict=True)):
        clip_progress = (lambda done, total, k=k: progress(k, done, total)) if progress else None
        clips.append(analyze(path, opts, clip_progress, workers=workers, cache=cache))
    return session_of(clips)
