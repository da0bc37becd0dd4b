"""HDR copies of an SDR clip, coded as a phone codes them (BT.2100, BT.2408's mapping of SDR white to the HDR
reference white, BT.2020 colours, HEVC 10-bit): the exact forward mapping, with the HLG system gamma on the
luminance (gait.hdr undoes it per channel)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

from gait.hdr import HLG, HLG_ABC, HLG_GAMMA, HLG_PEAK_NITS, PQ, PQ_M1_M2_C1_C2_C3, REFERENCE_WHITE_NITS

BT709_TO_BT2020 = np.array([[0.6274, 0.3293, 0.0433], [0.0691, 0.9195, 0.0114], [0.0164, 0.0880, 0.8956]])
BT2020_LUMA = np.array([0.2627, 0.6780, 0.0593])


def hdr_signal(frame_bgr: np.ndarray, transfer: str) -> np.ndarray:
    """(h, w, 3) RGB signal, 0-1, of an SDR frame (shown on a gamma 2.4 display) coded with ``transfer``."""
    rgb = frame_bgr[..., ::-1].astype(np.float64) / 255.0
    nits = (rgb ** 2.4) @ BT709_TO_BT2020.T * REFERENCE_WHITE_NITS
    if transfer == PQ:
        m1, m2, c1, c2, c3 = PQ_M1_M2_C1_C2_C3
        y = np.power(nits / 10000.0, m1)
        return np.power((c1 + c2 * y) / (1 + c3 * y), m2)
    display = nits / HLG_PEAK_NITS  # BT.2100's OOTF undone on the luminance: scene = display / Ys^(gamma - 1)
    scene_luma = np.maximum(display @ BT2020_LUMA, 1e-9) ** (1.0 / HLG_GAMMA)
    scene = np.clip(display / scene_luma[..., None] ** (HLG_GAMMA - 1.0), 0.0, 1.0)
    a, b, c = HLG_ABC
    return np.where(scene <= 1 / 12, np.sqrt(3 * scene), a * np.log(np.maximum(12 * scene - b, 1e-9)) + c)


def hdr_copy(source: Path, out: Path, transfer: str = HLG, frames: int | None = None) -> Path:
    """``source`` (its first ``frames``, default all) as an HDR HEVC 10-bit clip tagged with ``transfer``."""
    cap = cv2.VideoCapture(str(source))
    fps = cap.get(cv2.CAP_PROP_FPS)
    ok, frame = cap.read()
    h, w = frame.shape[:2]
    tags = f"colorprim=bt2020:transfer={transfer}:colormatrix=bt2020nc"
    encoder = subprocess.Popen(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb48le",
         "-s", f"{w}x{h}", "-r", str(fps), "-i", "-", "-vf", "scale=out_color_matrix=bt2020:out_range=tv,"
         "format=yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast", "-crf", "18",
         "-x265-params", f"log-level=error:{tags}", "-color_primaries", "bt2020", "-color_trc", transfer,
         "-colorspace", "bt2020nc", "-tag:v", "hvc1", str(out)], stdin=subprocess.PIPE)
    count = 0
    while ok and (frames is None or count < frames):
        encoder.stdin.write(np.round(hdr_signal(frame, transfer) * 65535).astype("<u2").tobytes())
        count += 1
        ok, frame = cap.read()
    encoder.stdin.close()
    assert encoder.wait() == 0
    return out
