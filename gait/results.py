"""What an analysis gives: the options a clip was analysed with (:class:`Options`), one clip's analysis
(:class:`Analysis`) and the clips of one run together (:class:`Session`), made by :mod:`gait.pipeline`
and :mod:`gait.analysis` and read by every output (report, documents, video, history, the app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, NamedTuple

import numpy as np

from gait import errors as E
from gait.catalogue import CATALOGUE, FRONTAL_METRICS, Metrics, not_measured, number
from gait.errors import GaitInputError, GaitWarning
from gait.landmarks import PoseSeries, other_side
from gait.level import levelled, pitch_deg
from gait.pose import PosePass
from gait.video_io import VideoInfo
from gait.view import near_side

if TYPE_CHECKING:
    import pandas as pd

    from gait.cleaning import CleaningSummary
    from gait.events import EventDetection
    from gait.kinematics import FrontalAngles, SagittalAngles
    from gait.markers.record import MarkerReport


class OptionRange(NamedTuple):
    low: float
    high: float
    label: str  # the number's name in a message
    unit: str
    what: str  # what to give
    example: str


# The runner's own numbers, which are easy to give wrongly (metres for centimetres, a slip of the keyboard in the
# speed): the range each must fall in and what to give, per field of :class:`Options`. The app's inputs are
# bounded by them; Options refuses a value outside them (``bad_option``), as the command line and batch
# manifests give it.
OPTION_RANGES: dict[str, OptionRange] = {
    "capture_fps": OptionRange(1.0, 1000.0, "capture frame rate", "fps", "the frame rate it was filmed at",
                               "e.g. 240 for a phone's slow motion"),
    "height_cm": OptionRange(100.0, 230.0, "height", "cm", "the runner's height in centimetres", "e.g. 175 for 1.75 m"),
    "speed_kmh": OptionRange(1.0, 40.0, "treadmill speed", "km/h", "the treadmill speed in km/h",
                             "e.g. 11; 6.8 mph is 11 km/h"),
}


@dataclass(frozen=True)
class Options:
    """How to analyse a clip; a number outside :data:`OPTION_RANGES` is refused (:class:`GaitInputError`)."""

    capture_fps: float | None = None
    start_s: float | None = None
    end_s: float | None = None
    view: str | None = None  # one of gait.catalogue.VIEWS, or FRONTAL (rear or front: told by the face); None: detect
    direction: int | None = None  # None: detect (side view)
    mirrored: bool = False
    height_cm: float | None = None
    speed_kmh: float | None = None
    markers: str | None = None  # marker mode: "auto", a colour name or #RRGGBB (gait.markers); None: off

    def __post_init__(self) -> None:
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise GaitInputError(f"the end ({self.end_s:g} s) must be later than the start ({self.start_s:g} s).",
                                 E.BAD_OPTION)
        for name, r in OPTION_RANGES.items():
            value = getattr(self, name)
            if value is not None and not r.low <= value <= r.high:  # NaN is refused too
                raise GaitInputError(f"{r.label} {value:g} {r.unit}: give {r.what}, from {r.low:g} to {r.high:g} "
                                     f"({r.example}).", E.BAD_OPTION)


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
    camera_angle_deg: float | None = None  # side view: the camera off square, + towards the runner's front

    @property
    def camera_roll_deg(self) -> float | None:
        """How far the room's uprights lean where the runner is, + clockwise (:func:`gait.level.camera_roll_deg`,
        from the pose pass's lines); None when not seen, or for an analysis of landmarks alone."""
        return None if self.pose_pass is None else self.pose_pass.camera_roll_deg

    @property
    def camera_pitch_deg(self) -> float | None:
        """How far the camera was tipped down (+) or up (-) (:func:`gait.level.pitch_deg`, from the pose
        pass's lines, for a phone's main camera); None when not seen, or for an analysis of landmarks alone."""
        if self.pose_pass is None:
            return None
        return pitch_deg(self.pose_pass.room_uprights, self.info.width, self.info.height)

    @cached_property
    def level_pose(self) -> PoseSeries:
        """:attr:`pose` with its points turned back by the picture's roll (:func:`gait.level.levelled`): what
        the measures are read on. :attr:`pose` keeps the image's points, for the drawing and every look into
        the frames."""
        return levelled(self.pose, self.camera_roll_deg)

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

        return frontal_fields(self.view, self.markers, self.mask_measured)

    @cached_property
    def left_out_contacts(self) -> frozenset[tuple[str, float]]:
        """(side, time_s) of the landings whose steps' foot measures the trust gate left out (the steps'
        ``left_out``): the annotated video marks them."""
        out = self.steps[self.steps["left_out"] != ""]
        return frozenset(zip(out["side"], out["ic_time_s"].astype(float), strict=True))

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
    steps/min. Two clips of one view (two side clips, or two from behind or in front) are refused
    (``view_repeated``): the measures of each view come from one clip."""
    clips = tuple(analyses)
    if len(clips) == 1:
        return Session.of(clips[0])
    for words, same in (("from the side", [c for c in clips if c.view == "side"]),
                        ("from behind or in front", [c for c in clips if c.view != "side"])):
        if len(same) > 1:  # merge_metrics would report the first of them only
            raise GaitInputError(
                f"{' and '.join(repr(c.info.name) for c in same)} are {'both' if len(same) == 2 else 'all'} filmed "
                f"{words}: a session is one side clip and one rear (or front) clip of the same run, and would "
                "report only the first of them. Analyse each on its own (gait analyze CLIP), or a folder of clips "
                "with gait batch.", E.VIEW_REPEATED)
    warnings = [GaitWarning(E.warning_code(w), f"{c.info.name}: {w}") for c in clips for w in c.warnings]
    cadences = [(c.info.name, number(c.metrics["cadence_spm"]["value"])) for c in clips]
    measured = [(name, spm) for name, spm in cadences if spm is not None]
    if len(measured) > 1:
        low, high = min(measured, key=lambda x: x[1]), max(measured, key=lambda x: x[1])
        if high[1] - low[1] > CADENCE_AGREEMENT_SPM:
            warnings.insert(0, GaitWarning(
                E.CADENCE_DISAGREES,
                f"the clips disagree on cadence: {low[1]:.1f} steps/min in {low[0]} and {high[1]:.1f} in "
                f"{high[0]}. They may not be from the same run, or one was filmed in slow motion: "
                f"{E.capture_rate_request(120)}."))
    return Session(clips=clips, metrics=merge_metrics(clips), warnings=warnings)


def mask_measures(clips: Iterable[Analysis]) -> frozenset[str]:
    """The frontal measures the person mask measured (``frontal_method`` ``mask``) in the clips."""
    return frozenset(name for clip in clips for name, method in
                     (clip.frontal_fields.get("frontal_method") or {}).items() if method == "mask")


def not_measured_in(session: Session) -> dict[str, str]:
    """The measures ``session`` did not give that another filming would, each with why
    (:func:`gait.catalogue.not_measured`): what the results say is not measured, and how to have it."""
    frontal = next((clip.frontal_fields for clip in session.clips if clip.view != "side"), {})
    return not_measured(session.primary.view, frontal)


def measured_errors(clips: Iterable[Analysis]) -> dict[str, dict | None]:
    """The frontal measures' measured errors for their methods (:func:`gait.measured_error.frontal_fields`,
    as each clip keeps them: ``Analysis.frontal_fields``) over the clips filmed from behind or in front."""
    return {name: error for clip in clips if clip.view != "side"
            for name, error in clip.frontal_fields.get("frontal_error", {}).items()}
