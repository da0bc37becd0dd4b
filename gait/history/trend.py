"""A runner's measures over their sessions: one small plot per measure (:func:`trend_figure`), the first
session's value with a band of ± its smallest detectable change, so that a later point outside the band is a
change beyond measurement noise. A point measured by another method than the first (another view) is drawn
hollow: it is not compared."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.figure import Figure

from gait.catalogue import number, spec_of
from gait.history.compare import SessionPoint, smallest_detectable_change, trend_keys

COLUMNS = 3
BAND_COLOUR = "#AED6F1"
LINE_COLOUR = "#1F618D"


def trend_figure(points: Sequence[SessionPoint], keys: Sequence[str] | None = None) -> Figure | None:
    """One plot per measure across the sessions (oldest first); None when nothing was measured."""
    keys = list(keys) if keys is not None else trend_keys(points)
    if not keys or not points:
        return None
    rows = math.ceil(len(keys) / COLUMNS)
    figure = Figure(figsize=(3.6 * COLUMNS, 2.5 * rows), layout="constrained")
    labels = [p.short for p in points]
    for index, key in enumerate(keys):
        axes = figure.add_subplot(rows, COLUMNS, index + 1)
        spec = spec_of(key)
        values = {k: v for k, p in enumerate(points) if (v := number(p.value(key))) is not None}
        if not values:
            axes.set_axis_off()
            continue
        first = min(values)
        base, base_method = values[first], points[first].methods.get(key, "")
        sdc = smallest_detectable_change(key, base_method)
        if sdc is not None:
            axes.axhspan(base - sdc.value, base + sdc.value, color=BAND_COLOUR, alpha=0.6, lw=0,
                         label=f"first ± SDC ({sdc.value_text})")
        axes.plot(list(values), list(values.values()), color=LINE_COLOUR, lw=1.2)
        for k, value in values.items():
            same = points[k].methods.get(key, "") in ("", base_method)
            axes.plot(k, value, "o", ms=6, color=LINE_COLOUR, mfc=LINE_COLOUR if same else "white")
        axes.set_title(f"{spec.title} ({spec.shown_unit})" if spec.shown_unit else spec.title, fontsize=9)
        axes.set_xticks(range(len(points)), labels, fontsize=7, rotation=20)
        axes.set_xlim(-0.5, len(points) - 0.5)
        axes.tick_params(axis="y", labelsize=7)
        axes.grid(axis="y", alpha=0.3)
        if sdc is not None:
            axes.legend(fontsize=6, loc="best", frameon=False)
    return figure
