"""The trust gate, zooms within a shot, from the runner's size in the frame (module notes below)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait.landmarks import PoseSeries

# ---- zooms within a shot --------------------------------------------------------------------------------
#
# The runner's size in the frame, per frame: the median over body segments (torso, thighs, shanks, upper
# arms) of each segment's log length, smoothed by a running median over ZOOM_BASELINE_S (a stride at 120
# steps/min or more) and taken relative to its median in the shot. A zoom scales every segment by one
# factor; the runner's own motion changes them unlike each other. Its rate of change is taken over
# 2 x ZOOM_BASELINE_S. A zoom: the size changing at ZOOM_RATE (log units a second, ~10 %/s) or faster, by
# ZOOM_SCALE or more in all, while the runner stays in place (the mid-hip moves across the frame less than
# ZOOM_STAY_LEGS leg lengths, 5-95 %, over it: a treadmill); it spans the frames around that where the
# rate is ZOOM_RATE / 2 or more. The shared clips: those whose runner stays in place (treadmills, the jog on
# the spot, overground runners followed by the camera) at most 0.063 a second (size range 1.16 times);
# the sprint starts change size at up to 0.17 a second (1.57 times in all) as they cross the frame, 6.5-8.4
# leg lengths while their size changes fastest: not zooms. A rendered treadmill runner zoomed 1.4 times
# over 2 s: 0.147 a second. A zoom slower than ZOOM_RATE is not detected.

ZOOM_SCALE = 1.15  # of the runner's size: less, not a zoom (also across a cut)
ZOOM_BASELINE_S = 1.0
ZOOM_RATE = 0.1
ZOOM_STAY_LEGS = 1.0
SIZE_SEGMENTS = (("left_hip", "left_knee"), ("right_hip", "right_knee"), ("left_knee", "left_ankle"),
                 ("right_knee", "right_ankle"), ("left_shoulder", "left_elbow"), ("right_shoulder", "right_elbow"))


def runner_size(raw: PoseSeries) -> np.ndarray:
    """Per frame: the log of the runner's size in the frame relative to its median (module notes above);
    NaN where the body is not found."""
    import warnings

    from gait.cleaning import midpoint

    window = max(3, int(round(ZOOM_BASELINE_S * raw.fps)))
    lengths = [np.linalg.norm(midpoint(raw, "shoulder") - midpoint(raw, "hip"), axis=1)]
    lengths += [np.linalg.norm(raw.joint(a) - raw.joint(b), axis=1) for a, b in SIZE_SEGMENTS]
    logs = []
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a body: all-NaN medians
        for length in lengths:
            log = np.log(np.where(length > 0, length, np.nan))
            smooth = pd.Series(log).rolling(window, center=True, min_periods=window // 2).median().to_numpy()
            logs.append(smooth - np.nanmedian(smooth))
        return np.asarray(np.nanmedian(np.array(logs), axis=0))


def zooms(raw: PoseSeries) -> list[tuple[int, int, float]]:
    """The zooms within one shot (module notes above): (first row, end row, the runner's size at the end
    over that at the start) of each."""
    from gait.cleaning import midpoint, true_runs
    from gait.events import leg_length_px

    size, k = runner_size(raw), int(round(ZOOM_BASELINE_S * raw.fps))
    rate = np.zeros(raw.n_frames)
    if raw.n_frames > 2 * k:
        rate[k:raw.n_frames - k] = np.nan_to_num((size[2 * k:] - size[:-2 * k]) / (2 * ZOOM_BASELINE_S))
    hip_x, leg = midpoint(raw, "hip")[:, 0], leg_length_px(raw)
    found = []
    for lo, hi in true_runs(np.abs(rate) >= ZOOM_RATE / 2):
        ends = size[[lo, hi - 1]]
        x = hip_x[lo:hi][np.isfinite(hip_x[lo:hi])]
        if (np.abs(rate[lo:hi]).max() < ZOOM_RATE or not np.isfinite(ends).all() or len(x) == 0
                or not np.isfinite(leg)):
            continue
        factor = float(np.exp(ends[1] - ends[0]))
        travel = float(np.ptp(np.percentile(x, [5, 95]))) / leg
        if max(factor, 1 / factor) >= ZOOM_SCALE and travel < ZOOM_STAY_LEGS:
            found.append((lo, hi, factor))
    return found
