"""The gait-cycle figure of one clip, shown by the app and placed in the PDF and HTML report.

One panel per angle, stacked: mean (line) and ±1 SD (band) of the steady strides of each foot, from its
landing to its next landing (0-100 %, :func:`gait.metrics.gait_cycles`), from the side the foot's mean toe-off dashed.
Side view: knee flexion and shin angle; rear or front view: knee valgus (FPPA), pelvic drop and hip
adduction. Matplotlib's object interface only (no pyplot): nothing is drawn on a display.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gait.metrics import gait_cycles, mean_toe_off_pct
from gait.results import Analysis

SIDE_COLOURS = {"left": "#2878EB", "right": "#FF8C28"}  # as in the annotated video
FIGURE_WIDTH_IN = 7.0
PANEL_HEIGHT_IN = 1.8
AXIS_LABEL_HEIGHT_IN = 0.4  # room for the x axis label under the last panel
DPI = 150
X_LABEL = "% of stride, from the foot's landing to its next landing{}; band: ±1 SD"
TOE_OFF_DASHED = " (dashed: toe-off)"  # from the side only: from behind the toe-off is the pelvis's, read early
FAR_LEG_LINE = ":"  # dotted: from the side, the leg away from the camera
# From the side the leg away from the camera is hidden behind the other one mid-stance and late in its swing,
# where the pose model puts it on the near leg. Largest mean error of each leg's curve (measured minus true,
# deg) over its stance and over its swing on the side sample (sample_videos/side_60fps.mp4, whose truth gives
# every frame's joints): tests/test_document.py measures them again.
SIDE_VIEW_ERRORS_DEG: dict[str, dict[str, tuple[float, float]]] = {
    "knee_flexion_deg": {"far": (-19.6, -41.0), "near": (-10.0, -16.9)},
    "shank_angle_deg": {"far": (15.8, 19.5), "near": (4.1, 9.1)},
}


@dataclass(frozen=True)
class CyclePanel:
    series: str  # an angle series of the clip (a field of gait.kinematics.SagittalAngles or FrontalAngles)
    title: str
    ylabel: str
    stance_only: bool = False  # the value means something only while the foot is on the ground


CYCLE_PANELS: dict[str, tuple[CyclePanel, ...]] = {
    "side": (
        CyclePanel("knee_flexion_deg", "Knee flexion over the gait cycle", "knee flexion (°)"),
        CyclePanel("shank_angle_deg", "Shin angle over the gait cycle (+ foot ahead of the knee)", "shin (°)"),
    ),
    "frontal": (
        CyclePanel("fppa_deg", "Knee valgus (2D FPPA)", "FPPA (°)"),
        # pelvic_drop_deg[side] is the hip line seen with ``side`` as the stance foot: swing has no meaning
        CyclePanel("pelvic_drop_deg", "Pelvic drop while standing on each foot (landing to toe-off; + other "
                   "hip lower)", "drop (°)", stance_only=True),
        CyclePanel("hip_adduction_deg", "Hip adduction (2D)", "adduction (°)"),
    ),
}


def cycle_panels(clip: Analysis) -> tuple[CyclePanel, ...]:
    """The panels of a clip's figure: those of its view whose series it measured (no pelvic drop from behind
    without the stickers: :func:`gait.kinematics.frontal_angles`)."""
    panels = CYCLE_PANELS["side" if clip.view == "side" else "frontal"]
    return tuple(p for p in panels if any(np.isfinite(v).any() for v in getattr(clip.angles, p.series).values()))


def _draw_panel(ax: Axes, panel: CyclePanel, clip: Analysis) -> bool:
    """One panel on ``ax``; False when neither foot has a stride to show."""
    series = getattr(clip.angles, panel.series)
    drawn = False
    for side, colour in SIDE_COLOURS.items():
        cycles = gait_cycles(np.asarray(series[side], float), clip.pose.time_s, clip.steps, side)
        if len(cycles) == 0:
            continue
        drawn = True
        pct = np.linspace(0, 100, cycles.shape[1])
        mean, sd = cycles.mean(axis=0), cycles.std(axis=0)
        toe_off = mean_toe_off_pct(clip.steps, side)
        if panel.stance_only and toe_off is not None:
            mean, sd = np.where(pct <= toe_off, mean, np.nan), np.where(pct <= toe_off, sd, np.nan)
        ax.fill_between(pct, mean - sd, mean + sd, color=colour, alpha=0.2, linewidth=0)
        far = side == clip.far_leg
        ax.plot(pct, mean, color=colour, linewidth=2, linestyle=FAR_LEG_LINE if far else "-",
                label=f"{side} ({len(cycles)} strides{', far from the camera' if far else ''})")
        if toe_off is not None and clip.view == "side":
            ax.axvline(toe_off, color=colour, linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_ylabel(panel.ylabel)
    ax.set_title(panel.title, loc="left", fontsize=10)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=8)
    return drawn


# the rendered rear sample's knee valgus curve against the true angle's (tests/test_frontal.py checks it)
FRONTAL_CURVES_CAVEAT = (
    "From behind or in front, what was checked against rendered runners is each step's peak in stance (the "
    "numbers in the table), not these curves: on the rendered rear sample the knee valgus curve came within 4° "
    "of the true angle from the landing to a tenth of the stride, and up to 15° from it later, when the legs "
    "pass each other and in the swing.")


def cycle_caption(clip: Analysis) -> str:
    """What the figure of ``clip`` shows, and how far its curves can be off: from the side the far leg's,
    from behind or in front all of them but around the landing."""
    caption = ("Each line is the mean of the steady strides of one foot, from its landing to its next landing; "
               "the band is ±1 SD. Left blue, right orange, as in the video.")
    if clip.view != "side":
        return f"{caption} {FRONTAL_CURVES_CAVEAT}"
    if clip.far_leg is None:
        return caption
    knee, shin = SIDE_VIEW_ERRORS_DEG["knee_flexion_deg"], SIDE_VIEW_ERRORS_DEG["shank_angle_deg"]
    return (f"{caption} Dotted: the {clip.far_leg} leg, far from the camera. It is hidden behind the other one "
            "mid-stance and late in its swing, where the pose model reads it poorly: on a rendered runner its "
            f"knee read up to {-knee['far'][0]:.0f}° less bent in stance and {-knee['far'][1]:.0f}° in the swing "
            f"(the near leg's {-knee['near'][0]:.0f}° and {-knee['near'][1]:.0f}°), its shin up to "
            f"{shin['far'][0]:.0f}° and {shin['far'][1]:.0f}° off ({shin['near'][0]:.0f}° and "
            f"{shin['near'][1]:.0f}°). Compare the legs' curves there with care.")


def cycle_figure(clip: Analysis) -> Figure | None:
    """The gait-cycle figure of one analysed clip (:func:`cycle_panels`); None when no steady stride of
    either foot could be cut out."""
    panels = cycle_panels(clip)
    if not panels:
        return None
    height = PANEL_HEIGHT_IN * len(panels) + AXIS_LABEL_HEIGHT_IN
    fig = Figure(figsize=(FIGURE_WIDTH_IN, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    drawn = [_draw_panel(ax, panel, clip) for ax, panel in zip(axes, panels, strict=True)]
    axes[-1].set_xlabel(X_LABEL.format(TOE_OFF_DASHED if clip.view == "side" else ""), fontsize=8)
    return fig if any(drawn) else None


def cycle_figure_png(clip: Analysis) -> bytes | None:
    """:func:`cycle_figure` as PNG bytes, at the figure's own size and resolution."""
    fig = cycle_figure(clip)
    if fig is None:
        return None
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
