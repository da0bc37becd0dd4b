"""The drawing of where the stickers go (marker mode), from the rendered runner seen from behind:
gait/document/stickers.png, shown on the app's "How to film" page, in docs/markers.md and in the report.

    python scripts/make_sticker_drawing.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gait.synth import Camera, Projector, RunnerParams  # noqa: E402
from gait.synth.model import RunnerModel  # noqa: E402
from gait.synth.stickers import Stickers, StickerScene, sticker_poses  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "gait" / "document" / "stickers.png"
LABELS = {"psis": "PSIS, both sides (low back dimples)", "thigh": "back of the thigh, below the shorts",
          "knee": "back of the knee, on the joint line", "calf": "mid-calf, on the shin's mid-line",
          "achilles": "Achilles tendon, ankle height", "heel_top": "heel counter, upper",
          "heel_bottom": "heel counter, lower (2-3 cm below)"}


def main() -> None:
    model = RunnerModel(RunnerParams(knee_valgus_deg=0.0, pelvic_drop_deg=0.0, hip_adduction_deg=2.0))
    w, h = 900, 1600
    proj = Projector(Camera(view="rear", distance_m=3.0, runner_frac=0.75), w, h, 1.75)
    scene = StickerScene(model, proj, Stickers(colour="green", diameter_mm=22.0))
    t = next(t for t in np.arange(0.0, 1.0, 0.002)
             if model.in_stance("right", t) and model.side_phase("right", t) / model.stance_frac["right"] > 0.45)
    img = scene.frame(float(t))
    centres = {k: proj.project(c)[0] for k, (c, _) in sticker_poses(model, float(t)).items()}
    x0, x1 = int(w * 0.22), int(w * 0.78)
    y0 = int(min(c[1] for c in centres.values()) - 0.08 * h)
    y1 = int(max(c[1] for c in centres.values()) + 0.05 * h)
    crop = img[y0:y1, x0:x1]
    pad = 520
    canvas = np.full((crop.shape[0], crop.shape[1] + pad, 3), 255, np.uint8)
    canvas[:, :crop.shape[1]] = crop
    font = cv2.FONT_HERSHEY_SIMPLEX
    for site, text in LABELS.items():
        c = centres[f"right_{site}"] - [x0, y0]
        ty = int(c[1]) + (-10 if site == "heel_top" else 14 if site == "heel_bottom" else 0)
        tx = crop.shape[1] + 20
        cv2.line(canvas, (int(c[0]) + 8, int(c[1])), (tx - 6, ty), (90, 90, 90), 1, cv2.LINE_AA)
        cv2.putText(canvas, text, (tx, ty + 6), font, 0.62, (30, 30, 30), 1, cv2.LINE_AA)
    for k, (text, scale, thick) in enumerate((("Seen from behind,", 0.8, 2), ("the same on both legs:", 0.8, 2),
                                              ("round stickers, 15-20 mm,", 0.65, 1), ("one bright colour", 0.65, 1))):
        cv2.putText(canvas, text, (crop.shape[1] + 20, int(0.25 * crop.shape[0]) + 32 * k), font, scale, (30, 30, 30),
                    thick, cv2.LINE_AA)
    cv2.imwrite(str(OUT), canvas, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f"written {OUT} ({OUT.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
