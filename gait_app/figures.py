"""Pictures for the results page: gait-cycle plots and single frames of the annotated video.

No streamlit here; matplotlib with the Agg backend (no display needed).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gait_app.presentation import SIDE_COLOURS  # noqa: E402


def cycle_figure(title: str, unit: str, cycles: dict[str, np.ndarray], toe_off_pct: dict[str, float | None]
                 ) -> Figure:
    """Mean (line) and +-1 SD (band) of time-normalised strides per side, toe-off marked.

    ``cycles[side]`` is (n_strides, n_points) over 0-100 % of the stride from the foot's contact.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=110, layout="constrained")
    for side, values in cycles.items():
        if len(values) == 0:
            continue
        pct = np.linspace(0, 100, values.shape[1])
        mean, sd = values.mean(axis=0), values.std(axis=0)
        colour = SIDE_COLOURS[side]
        ax.fill_between(pct, mean - sd, mean + sd, color=colour, alpha=0.2, linewidth=0)
        ax.plot(pct, mean, color=colour, linewidth=2, label=f"{side} ({len(values)} strides)")
        if toe_off_pct.get(side) is not None:
            ax.axvline(toe_off_pct[side], color=colour, linestyle="--", linewidth=1)
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of stride from the foot's contact (dashed: toe-off)")
    ax.set_ylabel(unit)
    ax.set_title(title, loc="left", fontsize=11)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9)
    return fig


def video_frame_rgb(path: Path, index: int) -> np.ndarray | None:
    """Frame ``index`` (0-based) of a video written by the package (upright, no rotation tag), RGB."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, frame = cap.read()
    finally:
        cap.release()
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if ok else None
