"""The gait-cycle figure of one clip, shown by the app and placed in the PDF and HTML report.

One panel per angle, stacked: mean (line) and ±1 SD (band) of the steady strides of each foot, from its
landing to its next landing (0-100 %, :func:`gait.metrics.gait_cycles`), the foot's mean toe-off dashed.
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
X_LABEL = "% of stride, from the foot's landing to its next landing (dashed: toe-off); band: ±1 SD"


@dataclass(frozen=True)
class CyclePanel:
    series: str  # an angle series of the clip (a field of gait.kinematics.SagittalAngles or FrontalAngles)
    title: str
    ylabel: str
    stance_only: bool = False  # the value means something only while the foot is on the ground


CYCLE_PANELS: dict[str, tuple[CyclePanel, ...]] = {
    "side": (
        CyclePanel("knee_flexion_deg", "Knee flexion over the gait cycle (the leg far from the camera reads low "
                   "mid-stance)", "knee flexion (°)"),
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


def cycle_panels(view: str) -> tuple[CyclePanel, ...]:
    """The panels of a ``view`` clip's figure."""
    return CYCLE_PANELS["side" if view == "side" else "frontal"]


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
        away = ", far from the camera" if side == clip.far_leg else ""
        ax.plot(pct, mean, color=colour, linewidth=2, label=f"{side} ({len(cycles)} strides{away})")
        if toe_off is not None:
            ax.axvline(toe_off, color=colour, linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_ylabel(panel.ylabel)
    ax.set_title(panel.title, loc="left", fontsize=10)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=8)
    return drawn


def cycle_figure(clip: Analysis) -> Figure | None:
    """The gait-cycle figure of one analysed clip (:func:`cycle_panels`); None when no steady stride of
    either foot could be cut out."""
    panels = cycle_panels(clip.view)
    height = PANEL_HEIGHT_IN * len(panels) + AXIS_LABEL_HEIGHT_IN
    fig = Figure(figsize=(FIGURE_WIDTH_IN, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    drawn = [_draw_panel(ax, panel, clip) for ax, panel in zip(axes, panels, strict=True)]
    axes[-1].set_xlabel(X_LABEL, fontsize=8)
    return fig if any(drawn) else None


def cycle_figure_png(clip: Analysis) -> bytes | None:
    """:func:`cycle_figure` as PNG bytes, at the figure's own size and resolution."""
    fig = cycle_figure(clip)
    if fig is None:
        return None
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
