"""Marker mode, step 4 (:mod:`gait.markers`): a rear clip's frontal measures taken from the stickers'
tracks (:func:`apply_markers`) and the hip width from the stickers; what report.json says of it is in
:mod:`gait.markers.record`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

import numpy as np

from gait import errors as E
from gait.errors import GaitWarning
from gait.landmarks import SIDES
from gait.markers.record import MEASURES, MarkerReport, frontal_methods
from gait.markers.steps import SITES_OF, marker_step_table
from gait.markers.track import MarkerTracks, track_markers
from gait.metrics import summarise

if TYPE_CHECKING:
    from gait.results import Analysis

REARFOOT_MIN_FPS = 120.0
# the hip joint centre lies on the thigh line (thigh -> knee sticker) this far below the PSIS, as a fraction
# of the PSIS-to-knee-sticker height: 0.15 on the rendered runner; on real bodies the femoral head lies ~8-10
# cm below the PSIS, ~0.18 of that height. An error of 0.03 in it moves each hip point ~1.5 cm up or down its
# thigh line, sideways by that times the thigh's tilt in the image (0.3 cm at 10 deg): ~3 % of hip width
HIP_BELOW_PSIS = 0.15
SITE_WORDS = {"psis": "PSIS (low back)", "thigh": "back of the thigh", "knee": "back of the knee",
              "calf": "mid-calf", "achilles": "Achilles (ankle height)", "heel_top": "upper heel",
              "heel_bottom": "lower heel"}



def hip_width_from_markers(tracks: MarkerTracks, stance: dict[str, np.ndarray]) -> float | None:
    """The distance between the hip joint centres (pixels) from the stickers: each side's hip joint on its
    thigh line (thigh -> knee sticker) at :data:`HIP_BELOW_PSIS` of the way from the PSIS down to the knee
    sticker, its distance from the PSIS midpoint taken in that side's stance frames (median), the two
    summed."""
    p = tracks.points
    mid_x = (p["left_psis"][:, 0] + p["right_psis"][:, 0]) / 2
    halves = []
    for s in SIDES:
        thigh, knee, psis = p[f"{s}_thigh"], p[f"{s}_knee"], p[f"{s}_psis"]
        y = psis[:, 1] + HIP_BELOW_PSIS * (knee[:, 1] - psis[:, 1])
        with np.errstate(invalid="ignore", divide="ignore"):
            x = knee[:, 0] + (thigh[:, 0] - knee[:, 0]) * (y - knee[:, 1]) / (thigh[:, 1] - knee[:, 1])
        half = np.abs(x - mid_x)[stance[s]]
        half = half[np.isfinite(half)]
        if len(half) == 0:
            return None
        halves.append(float(np.median(half)))
    return sum(halves)


def _words(measure: str) -> str:
    from gait.catalogue import spec_of

    return spec_of(measure).title.lower()


def apply_markers(analysis: Analysis, asked: str, progress: Callable[[int, int], None] | None = None) -> Analysis:
    """The analysis of a clip with its frontal measures taken from the stickers (rear view), or, for a side
    or front clip, unchanged but for a note. Raises :class:`GaitInputError` when no stickers are found."""
    if analysis.view == "side":
        return replace(analysis, notes=[*analysis.notes, "Marker mode: the stickers are not needed from the "
                                        "side and were ignored in this clip."])
    if analysis.view == "front":
        return replace(analysis, notes=[*analysis.notes, "Marker mode: the stickers are on the back of the "
                                        "body and cannot be seen from in front; this clip's frontal measures "
                                        "come from the pose model's points. Film from behind for marker mode."])
    pose = analysis.pose
    left_minus_right = np.nanmedian(pose.joint("left_hip")[:, 0] - pose.joint("right_hip")[:, 0])
    left_outward = float(np.sign(left_minus_right) or -1.0)
    tracks = track_markers(analysis.info.path, pose, asked, analysis.leg_length_px, left_outward, progress,
                           analysis.pass_fingerprints, analysis.camera_roll_deg)
    steps, missing, stance = marker_step_table(pose, analysis.steps, tracks)
    hip_width = hip_width_from_markers(tracks, stance)
    if hip_width:
        steps, missing, stance = marker_step_table(pose, analysis.steps, tracks, hip_width)
    metrics = summarise(steps)
    metrics["cadence_spm"] = analysis.metrics["cadence_spm"]
    methods, reasons = {}, {}
    steady = steps[steps["steady"]]
    for measure in MEASURES:
        methods[measure] = "markers"
        if measure == "rearfoot_eversion_deg" and pose.fps < REARFOOT_MIN_FPS:
            reasons[measure] = (f"rearfoot eversion needs {REARFOOT_MIN_FPS:.0f} fps or more (this clip: "
                                f"{pose.fps:.0f} fps): film at 120 fps")
            continue
        if measure in ("step_width_pct_hip", "crossover_pct") and not hip_width:
            reasons[measure] = "no hip width from the thigh and knee stickers"
        column = "crossover" if measure == "crossover_pct" else measure
        if metrics[measure]["value"] is None and measure not in reasons:
            own, other = SITES_OF[measure]
            hidden = sorted({SITE_WORDS[s] for s in own + other
                             if np.mean([tracks.seen[f"{side}_{s}"].mean() for side in SIDES]) < 0.5})
            reasons[measure] = (f"its stickers were hidden in most of the stance of every step ({', '.join(hidden)})"
                                if hidden else "its stickers were not seen through enough of any stance")
        if column in steady and steady[column].isna().all() and measure not in reasons:
            reasons[measure] = "its stickers were not seen through enough of any stance"
    for measure in reasons:
        metrics[measure] = {**metrics[measure], "value": None, "left": None, "right": None, "sd": None, "n": 0}
    seen = {k: round(float(v.mean()), 3) for k, v in tracks.seen.items()}
    report = MarkerReport(colour=tracks.colour.to_dict(), seen_fraction=seen, methods=methods,
                          steps_missing={k: int(v) for k, v in missing.items()}, null_reasons=reasons,
                          hip_width_px=hip_width)
    warnings = list(analysis.warnings)
    dropped = {k: v for k, v in missing.items() if v and k not in reasons}
    if dropped:
        warnings.append(GaitWarning(E.MARKERS_HIDDEN, "marker mode: " + "; ".join(
            f"{v} step(s) left out of {_words(k)} (its stickers hidden in most of the stance)"
            for k, v in dropped.items()) + "."))
    for measure, why in reasons.items():
        if measure != "crossover_pct":
            code = E.MARKERS_LOW_FPS if measure == "rearfoot_eversion_deg" and "fps" in why else E.MARKERS_HIDDEN
            warnings.append(GaitWarning(code, f"marker mode: no {_words(measure)}: {why}."))
    return replace(analysis, steps=steps, metrics=metrics, angles=tracks.angles, warnings=warnings,
                   markers=report)


def marker_measures(analysis: Analysis) -> list[str]:
    """The measures of a clip that came from the stickers (with a value)."""
    if analysis.markers is None:
        return []
    return [k for k, v in frontal_methods(analysis.view, analysis.markers)["frontal_method"].items()
            if v == "markers"]
