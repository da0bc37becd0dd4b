"""Light: a warning when the runner was filmed too dark for the pose model's points to be trusted.

The brightness is read from what the pose pass keeps anyway, each frame's fingerprint
(:func:`gait.video_io.fingerprint`: a 16 x 16 grid of its pixels), over the grid points inside the box of the
runner's landmarks, so that a lit runner in a dark gym passes and a dark runner against a bright window does
not. On the side sample darkened step by step (its frames scaled; luma: this module's median around the
runner), the measures held down to a luma of 29 and drifted from 23 down:

=====  ================  =============  =========================  =================  ==================
luma   contact L/R, ms   asymmetry, %   knee at landing L/R, deg   shin at landing    overstride, % leg
=====  ================  =============  =========================  =================  ==================
157    258 / 264         -2.2           18.3 / 12.2                9.4                27.2
77     266 / 264         +0.6           17.4 / 15.3                9.0                26.2
29     267 / 267         -0.1           16.2 / 14.6                9.8                26.7
23     264 / 285         -7.6           14.8 / 11.7                12.3               29.2
20     257 / 265         -3.3           18.4 / 15.3                7.6                23.7
17     256 / 289         -12.2          19.4 / 15.3                7.5                23.2
9      233 / 246         -5.6           26.2 / 22.7                2.3                19.1
=====  ================  =============  =========================  =================  ==================

(truth: contact 257 / 257 ms, knee 18.0 / 18.2 deg.)
"""

from __future__ import annotations

import numpy as np

from gait import errors as E
from gait.errors import GaitWarning
from gait.landmarks import PoseSeries

MIN_RUNNER_LUMA = 26.0  # of 255: the runner's box in the median frame, see the module's table
_LUMA_BGR = np.array([0.114, 0.587, 0.299], np.float32)  # ITU-R BT.601, as OpenCV's BGR to grey
_BLOCK_FRAMES = 2048


def runner_luma(fingerprints: np.ndarray, raw: PoseSeries, width: int, height: int) -> float | None:
    """The median over frames of the mean luma (0-255) of the fingerprint's grid points inside the box of
    the runner's landmarks; None when no frame has the runner over a grid point.

    ``fingerprints[k]`` is the (n, n, 3) BGR grid of the frame of ``raw`` row k."""
    grid = fingerprints.shape[1]
    xs = (np.arange(grid) + 0.5) * width / grid
    ys = (np.arange(grid) + 0.5) * height / grid
    rows = min(len(fingerprints), raw.n_frames)
    means = []
    for first in range(0, rows, _BLOCK_FRAMES):  # in blocks: memory stays flat in the clip's length
        block = slice(first, min(first + _BLOCK_FRAMES, rows))
        luma = fingerprints[block].astype(np.float32) @ _LUMA_BGR  # (frames, grid, grid)
        points = raw.xy_px[block]
        found = np.all(np.isfinite(points), axis=(1, 2))
        low = np.where(found[:, None], points.min(axis=1), np.inf)  # a frame without the runner covers no point
        high = np.where(found[:, None], points.max(axis=1), -np.inf)
        inside = (((ys >= low[:, 1:]) & (ys <= high[:, 1:]))[:, :, None]
                  & ((xs >= low[:, :1]) & (xs <= high[:, :1]))[:, None, :])
        counts = inside.sum(axis=(1, 2))
        means.append((luma * inside).sum(axis=(1, 2))[counts > 0] / counts[counts > 0])
    found_means = np.concatenate(means) if means else np.empty(0)
    return float(np.median(found_means)) if found_means.size else None


def dark_warning(fingerprints: np.ndarray | None, raw: PoseSeries, width: int, height: int) -> GaitWarning | None:
    """A warning when the runner is darker than :data:`MIN_RUNNER_LUMA`, else None."""
    luma = None if fingerprints is None else runner_luma(fingerprints, raw, width, height)
    if luma is None or luma >= MIN_RUNNER_LUMA:
        return None
    return GaitWarning(E.TOO_DARK, (
        f"the runner is dark in this clip (brightness {luma:.0f} of 255 around the runner): in the dark the "
        "pose model's points wander: on a darkened test clip contact times drifted by up to 32 ms and the knee "
        "at landing by up to 8°, and at the darkest overstride read 8 % of leg length lower and the shin at "
        "landing 7° further back. Film in good light, with the light behind the camera."))
