"""Camera view (side / rear / front) and, for a side view, which way the runner faces.

Decided from the landmarks alone; the user can override both.

- Side or frontal: from behind or in front the hips are wide apart in the image (hip width about 0.35-0.45
  of the trunk length) and the knees bend towards or away from the camera, so the thigh and shank stay
  nearly collinear in the image; from the side the hips overlap and every knee bend shows.
- Facing direction: the knee only bends one way. The 2-D cross product of thigh (hip->knee) and shank
  (knee->ankle) is positive, in image coordinates with y down, when the runner faces image-right.
- Front or rear: MediaPipe's depth puts the nose nearer the camera than the shoulders when the runner
  faces the camera, in nearly every frame, and mostly further when the camera is behind (it turns a runner
  seen from behind round for stretches of a clip): front when in :data:`FRONT_MIN_FACING_SHARE` of the
  frames (checked on rendered front and rear views and on the real front clip; its face landmarks alone
  cannot tell, they are placed on the back of the head too).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait import errors as E
from gait.cleaning import midpoint, mirror_sides, swap_legs
from gait.errors import GaitInputError, GaitWarning
from gait.landmarks import INDEX, LEG_JOINTS, SIDES, PoseSeries

VIEW_WORDS = {"side": "from the side", "rear": "from behind", "front": "from the front"}  # a view in words
# a side view's facing direction as report.json, steps and the command line name it, and as the code counts it
FACING = {"right": 1, "left": -1}
FACING_WORDS = {v: k for k, v in FACING.items()}
# A view to ask for besides VIEWS: filmed from behind or in front, which of the two told by the runner's face
# (the app's rear upload); a clip that looks filmed from the side is then refused
FRONTAL = "frontal"
FRONTAL_MIN_HIP_RATIO = 0.28
FRONTAL_FLIP_HIP_FRACTION = 0.7  # rear/front: narrower hips than this x their median: a flip in progress
SIDE_MIN_KNEE_BEND = 0.3
# knees that never show a bend mean a frontal view even with a narrow-looking pelvis: the rendered runner filmed
# from behind by a camera on the floor (0.3 m, aimed up at the hips) read hips 0.148 of the trunk (0.15 made it a
# side view that "does not look like running"); every shared side clip's knees bend in the image (0.55-0.85)
SIDE_MAX_HIP_RATIO = 0.10
FRONTAL_MAX_KNEE_BEND = 0.1
# A frontal view is taken as filmed in front when MediaPipe's depth puts the nose nearer the camera than the
# shoulders in this share of its frames (smoothed), else as filmed from behind. Filmed in front it does so in
# nearly every frame (the real front clip and 6 rendered front clips, cameras 0.3-1.6 m high: 0.996-1.000); from
# behind it turns the runner round for stretches of the clip (13 rendered rear clips, cameras 0.2-1.9 m high:
# 0.09-0.83), and by the median of the frames 3 of them read as filmed in front, left and right swapped (6 Dec
# 2026). Front views are the rare ones on a treadmill (its console in the way): the doubt goes to behind.
FRONT_MIN_FACING_SHARE = 0.95
# Read as filmed from behind (its view not given) while MediaPipe put the face towards the camera in at least this
# share of the frames: a warning asks for the view, since a front clip so turned round would have its sides swapped.
# Of 13 rendered rear clips, 3 read 0.5-0.83 (one a camera at 1.3 m: 0.54), the others from 0.08; the rear sample
# 0.09 (6 Dec 2026). Neither the feet nor the face's visibility tell instead (docs/methods.md, "View detection").
FRONT_OR_REAR_DOUBT_SHARE = 0.5


@dataclass(frozen=True)
class ViewEstimate:
    view: str
    direction: int  # +1 faces image-right, -1 image-left; 0 when not a side view
    hip_width_ratio: float  # median hip width / trunk length in the image
    knee_bend: float  # mean signed sine of the thigh-shank angle; sign gives the facing direction
    # frontal views: the share of frames whose nose MediaPipe's depth puts nearer the camera than the shoulders
    facing_share: float = float("nan")

    @property
    def clear(self) -> bool:
        """Whether the clip is clearly a side view (the knees bend in the image: :data:`SIDE_MIN_KNEE_BEND`) or
        clearly frontal (apart hips, knees that hardly bend in it). On the shared real clips and the samples the
        side views read 0.45-0.85, the rear and front ones 0.03-0.04."""
        if self.view == "side":
            return abs(self.knee_bend) >= SIDE_MIN_KNEE_BEND
        return self.hip_width_ratio >= SIDE_MAX_HIP_RATIO and abs(self.knee_bend) < FRONTAL_MAX_KNEE_BEND


def knee_bend_sine(pose: PoseSeries, side: str) -> np.ndarray:
    """Per-frame sine of the signed image angle from thigh to shank (+ when facing image-right)."""
    thigh = pose.joint(f"{side}_knee") - pose.joint(f"{side}_hip")
    shank = pose.joint(f"{side}_ankle") - pose.joint(f"{side}_knee")
    cross = thigh[:, 0] * shank[:, 1] - thigh[:, 1] * shank[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return cross / (np.linalg.norm(thigh, axis=1) * np.linalg.norm(shank, axis=1))


def _nanmean(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else float("nan")


def estimate_view(pose: PoseSeries) -> ViewEstimate:
    """Guess the view and facing direction from cleaned landmarks."""
    trunk = np.linalg.norm(midpoint(pose, "shoulder") - midpoint(pose, "hip"), axis=1)
    hip_width = np.abs(pose.joint("left_hip")[:, 0] - pose.joint("right_hip")[:, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        hip_ratio = _nanmean(hip_width / trunk)
    bend = _nanmean(np.concatenate([knee_bend_sine(pose, s) for s in SIDES]))
    frontal = (hip_ratio >= FRONTAL_MIN_HIP_RATIO and not abs(bend) >= SIDE_MIN_KNEE_BEND) or (
        hip_ratio >= SIDE_MAX_HIP_RATIO and abs(bend) < FRONTAL_MAX_KNEE_BEND)
    if not frontal:
        return ViewEstimate("side", 1 if not bend < 0 else -1, hip_ratio, bend)
    shoulders_depth = 0.5 * (pose.depth_px[:, INDEX["left_shoulder"]] + pose.depth_px[:, INDEX["right_shoulder"]])
    nose_ahead = pose.depth_px[:, INDEX["nose"]] - shoulders_depth
    finite = nose_ahead[np.isfinite(nose_ahead)]
    facing = float(np.mean(finite < 0)) if len(finite) else float("nan")
    return ViewEstimate("front" if facing >= FRONT_MIN_FACING_SHARE else "rear", 0, hip_ratio, bend, facing)


def front_or_rear_doubt(asked: str | None, estimate: ViewEstimate) -> GaitWarning | None:
    """A warning when a clip whose view was not given (``asked``: None or :data:`FRONTAL`) is read as filmed from
    behind though the pose model put the runner's face towards the camera in many of its frames
    (:data:`FRONT_OR_REAR_DOUBT_SHARE`): filmed in front, its left and right would be swapped."""
    doubt = estimate.facing_share >= FRONT_OR_REAR_DOUBT_SHARE
    if asked not in (None, FRONTAL) or estimate.view != "rear" or not doubt:
        return None
    return GaitWarning(
        E.VIEW_UNSURE,
        "this clip was read as filmed from behind, with the runner's left on the picture's left, but the pose model "
        f"saw the runner facing the camera in {100 * estimate.facing_share:.0f} % of its frames: if it was filmed in "
        "front, the runner's left and right are swapped in these results. Analyse it again as filmed in front "
        "(--view front); if it was filmed from behind, give that view (--view rear) and this warning goes.")


def chosen_view(asked: str | None, estimate: ViewEstimate, name: str) -> tuple[str, GaitWarning | None]:
    """The view to analyse clip ``name`` as, and a warning when the ``asked`` one (the user's) is not what
    the clip looks like (``estimate``): left and right swapped (rear for front or the reverse), or, where the
    clip's look is not clear (:attr:`ViewEstimate.clear`), the measures of another view. ``None``: the
    estimate; :data:`FRONTAL`: the estimate's rear or front. A :class:`GaitInputError` when a clip given as
    filmed from behind or in front clearly looks filmed from the side (the app's rear upload: any side look),
    or the reverse: the other view's measures of it would be meaningless (the treadmill clip given as rear read
    a step width of -857 % of hip width and a crossover cue)."""
    if asked is None or asked == estimate.view:
        return estimate.view, None
    if estimate.view == "side" and (asked == FRONTAL or estimate.clear):
        given, how = (("the clip filmed from behind (or in front)", "") if asked == FRONTAL else
                      (f"filmed {VIEW_WORDS[asked]}", " (--view side, or leave --view out to have it detected)"))
        raise GaitInputError(
            f"{name!r} was given as {given}, but it looks filmed from the side: its hips overlap in the image and "
            f"its knees bend in it. Give it as the side view{how}, and film the rear view square behind the "
            "runner at hip height.", E.NOT_FRONTAL)
    if asked == FRONTAL:
        return estimate.view, None
    if asked == "side" and estimate.clear:
        raise GaitInputError(
            f"{name!r} was given as filmed from the side, but it looks filmed {VIEW_WORDS[estimate.view]}: its hips "
            "are apart in the image and its knees hardly bend in it. Give it as filmed "
            f"{VIEW_WORDS[estimate.view]} (--view {estimate.view}, or leave --view out to have it detected), and "
            "film the side view square to the running direction at hip height.", E.NOT_SIDE)
    seen = VIEW_WORDS[estimate.view]
    if "side" in (asked, estimate.view):
        consequence = f"if so, the measures of a clip filmed {VIEW_WORDS[asked]} do not apply to it"
    else:  # rear for front or the reverse: MediaPipe's depth of the nose against the shoulders says which
        seen += (" (the runner's face towards the camera)" if estimate.view == "front"
                 else " (the runner's face away from the camera)")
        consequence = "if so, the runner's left and right are swapped in these results"
    return asked, GaitWarning(
        E.VIEW_DISAGREES,
        f"this clip was said to be filmed {VIEW_WORDS[asked]} but looks filmed {seen}: {consequence}. "
        f"Analyse it again as filmed {VIEW_WORDS[estimate.view]} (--view {estimate.view}).")


# A side view filmed off square: the far hip's image position ahead of the near one's (in the running
# direction), over the trunk's length, is about HIP_SPREAD_OF_TRUNK x the sine of the camera's angle round
# the runner. The rendered runner filmed 10, 20, 30 and 40 deg off square towards its front read 0.044, 0.119,
# 0.170 and 0.225, towards its back -0.050, -0.125 and -0.254 (at 40), square -0.004: 0.25-0.40 x the sine,
# 0.34-0.40 from 20 deg; the broad build (hips 12 % wider) read -5, -15 and -41 deg filmed square, 10 and 25 deg
# behind: a screen whose degrees depend on the body. The shared real side clips filmed near square read
# 0.016-0.061 (unsigned); the treadmill clip, filmed from a little behind the runner, -0.148 (about 25 deg);
# the overground clips, filmed by a camera turning to follow the runner, up to 0.275.
HIP_SPREAD_OF_TRUNK = 0.35
OBLIQUE_WARN_DEG = 15.0  # off square by more: a warning (gait.analysis), with what such an angle moves


def camera_angle_deg(pose: PoseSeries, direction: int, near: str) -> float | None:
    """A side view's camera angle round the runner away from square, + towards the runner's front, - towards
    their back, from the median image spread of the hips (:data:`HIP_SPREAD_OF_TRUNK`); None without hips and
    shoulders."""
    far = "left" if near == "right" else "right"
    xy = pose.xy_px
    with np.errstate(invalid="ignore"):
        trunk = np.linalg.norm(midpoint(pose, "shoulder") - midpoint(pose, "hip"), axis=1)
        spread = (xy[:, INDEX[f"{far}_hip"], 0] - xy[:, INDEX[f"{near}_hip"], 0]) * direction / trunk
    spread = spread[np.isfinite(spread)]
    if len(spread) == 0:
        return None
    return float(np.degrees(np.arcsin(np.clip(np.median(spread) / HIP_SPREAD_OF_TRUNK, -1.0, 1.0))))


def camera_angle_words(angle_deg: float) -> str:
    """A side view's camera angle (:func:`camera_angle_deg`) in words, to 5° (a screen whose degrees depend on
    the body), e.g. "about 25° off square from behind the runner"."""
    return (f"about {5 * round(abs(angle_deg) / 5)}° off square from "
            f"{'behind' if angle_deg < 0 else 'in front of'} the runner")


def near_side(direction: int, mirrored: bool = False) -> str:
    """The runner's side that faces the camera in a side view.

    A runner moving towards image-right turns their right side to the camera; in mirrored (selfie)
    footage, their left.
    """
    return "right" if (direction > 0) != mirrored else "left"


def to_runner_sides(pose: PoseSeries, view: str, direction: int, mirrored: bool = False) -> PoseSeries:
    """Relabel the landmarks so that left and right are the runner's own.

    - rear and front: from geometry, not from MediaPipe's labels (which from behind are sometimes those
      of a person facing the camera, sometimes not, and can flip for a few frames around a landing):
      seen from behind the runner's left is on the image left, seen from in front on the image right,
      the other way round in mirrored footage. The labels of every pair are exchanged in each frame where
      the hips disagree; in frames where the hips close up to less than ``FRONTAL_FLIP_HIP_FRACTION`` of
      their usual width (midway through such a flip) the leg points below the hips are dropped, and
      cleaning fills them from the frames around when the gap is short;
    - side: after swap correction the two leg tracks are consistent but their labels are arbitrary; the
      track nearer the camera (smaller MediaPipe depth) is the near side for the facing direction, and
      mirrored (selfie) footage exchanges the sides once more.
    """
    if view in ("rear", "front"):
        left_on_image_left = (view == "rear") != mirrored
        gap = pose.joint("left_hip")[:, 0] - pose.joint("right_hip")[:, 0]
        width = np.nanmedian(np.abs(gap)) if np.isfinite(gap).any() else np.nan  # no hips: NaN, no warning
        with np.errstate(invalid="ignore"):
            unclear = np.abs(gap) < FRONTAL_FLIP_HIP_FRACTION * width
            flipped = ((gap < 0) != left_on_image_left) & np.isfinite(gap) & ~unclear
        pose = mirror_sides(pose, flipped)
        xy = pose.xy_px.copy()
        legs = [INDEX[f"{s}_{j}"] for s in SIDES for j in LEG_JOINTS if j != "hip"]
        xy[np.ix_(unclear, legs)] = np.nan
        return pose.replace(xy_px=xy)
    joints = ("knee", "ankle", "heel")
    leg_depths = {s: pose.depth_px[:, [INDEX[f"{s}_{j}"] for j in joints]] for s in SIDES}
    depth = {s: np.nanmean(d) if np.isfinite(d).any() else np.nan for s, d in leg_depths.items()}
    nearer = "left" if depth["left"] < depth["right"] else "right"
    if nearer != near_side(direction):
        pose = swap_legs(pose, np.ones(pose.n_frames, bool))
    return mirror_sides(pose) if mirrored else pose
