"""HDR video shown as SDR. A phone's HDR clip (an iPhone's default since the iPhone 12: HEVC 10-bit, HLG)
decodes through OpenCV to 8-bit values still coded for an HDR display: pale, flat and darker than the
phone shows it (the side sample coded as HLG: 22 levels from its SDR original on average, the picture's
brightness 132 against 154; coded as PQ 41 levels, 114), in the annotated video, the key frames, the
report and the light check. :func:`tone_map` maps such frames to SDR as BT.2408 does: the HDR reference
white (203 cd/m2) becomes SDR white, brighter highlights are rolled off, and the BT.2020 colours are
brought to BT.709 (the same frames: 2.5 and 3.3 levels from the original, brightness 155 and 154).

The mapping works on the 8-bit frame in two steps, about 2.4 ms a 1080x1920 frame in OpenCV: a table per
channel (the transfer's decoding, the HLG system gamma taken per channel, the roll-off and the SDR display's
gamma 2.4 inverted), then the BT.2020 to BT.709 matrix on the result. Both are exact for greys; on colours
the per-channel gamma and the matrix after the gamma are approximations. The rendered runner's measures
move with the coding by no more than re-encoding alone moves them (docs/methods.md, "HDR clips").
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import cv2
import numpy as np

from gait.per_file import video_stream

HLG, PQ = "arib-std-b67", "smpte2084"  # FFmpeg's names of the two HDR transfers
REFERENCE_WHITE_NITS = 203.0  # BT.2408: HDR reference white (graphics white), shown as SDR white
HLG_PEAK_NITS = 1000.0  # the nominal HLG display the signal is decoded for (BT.2100)
HLG_GAMMA = 1.2  # BT.2100 HLG system gamma at 1000 cd/m2
KNEE = 0.8  # of SDR white: above it brighter light is rolled off towards white instead of clipped
SDR_GAMMA = 2.4  # the SDR display's (BT.1886)
# what an HDR clip's frames (and so its pose, cached) depend on
SETTINGS = [REFERENCE_WHITE_NITS, HLG_PEAK_NITS, HLG_GAMMA, KNEE, SDR_GAMMA, "colours after the table"]
# linear BT.2020 RGB -> linear BT.709 RGB (BT.2087)
BT2020_TO_BT709 = np.array([[1.6605, -0.5876, -0.0728],
                            [-0.1246, 1.1329, -0.0083],
                            [-0.0182, -0.1006, 1.1187]])


HLG_ABC = (0.17883277, 0.28466892, 0.55991073)  # BT.2100 HLG's constants a, b, c
PQ_M1_M2_C1_C2_C3 = (2610 / 16384, 2523 / 4096 * 128, 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32)  # ST 2084


def hlg_to_scene(signal: np.ndarray) -> np.ndarray:
    """BT.2100 HLG inverse OETF: the signal (0-1) to relative scene light (0-1)."""
    a, b, c = HLG_ABC
    signal = np.asarray(signal, dtype=float)
    return np.where(signal <= 0.5, signal ** 2 / 3.0, (np.exp((signal - c) / a) + b) / 12.0)


def pq_to_nits(signal: np.ndarray) -> np.ndarray:
    """SMPTE ST 2084 (PQ) EOTF: the signal (0-1) to display light in cd/m2."""
    m1, m2, c1, c2, c3 = PQ_M1_M2_C1_C2_C3
    p = np.power(np.clip(np.asarray(signal, dtype=float), 0.0, 1.0), 1.0 / m2)
    return 10000.0 * np.power(np.maximum(p - c1, 0.0) / (c2 - c3 * p), 1.0 / m1)


def _roll_off(light: np.ndarray) -> np.ndarray:
    """Relative SDR light: unchanged up to :data:`KNEE`, then approaching 1 smoothly (continuous slope)."""
    over = np.maximum(light - KNEE, 0.0)
    return np.where(light <= KNEE, light, KNEE + (1.0 - KNEE) * np.tanh(over / (1.0 - KNEE)))


@dataclass(frozen=True)
class ToneMap:
    """The SDR picture of an HDR clip's 8-bit BGR frames (see the module docstring)."""

    transfer: str  # :data:`HLG` or :data:`PQ`

    @functools.cached_property
    def table(self) -> np.ndarray:
        """(256,) uint8: each channel's 8-bit HDR value to its SDR value (before the colour matrix)."""
        signal = np.arange(256) / 255.0
        if self.transfer == HLG:
            light = HLG_PEAK_NITS * hlg_to_scene(signal) ** HLG_GAMMA / REFERENCE_WHITE_NITS
        else:
            light = pq_to_nits(signal) / REFERENCE_WHITE_NITS
        return np.round(255.0 * _roll_off(light) ** (1.0 / SDR_GAMMA)).astype(np.uint8)

    def __call__(self, frame_bgr: np.ndarray) -> np.ndarray:
        return cv2.transform(cv2.LUT(frame_bgr, self.table), BT2020_TO_BT709[::-1, ::-1])


def tone_map(path: str | os.PathLike) -> ToneMap | None:
    """The :class:`ToneMap` of a clip coded for an HDR display (HLG or PQ), None for an SDR one (or a file
    FFmpeg cannot describe)."""
    stream = video_stream(path)
    return ToneMap(stream.transfer) if stream is not None and stream.transfer in (HLG, PQ) else None
