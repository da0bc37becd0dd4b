"""Regenerate the synthetic sample clips in sample_videos/ (same run seen from the side and from behind).

    python scripts/make_samples.py [--out sample_videos] [--seconds 9] [--fps 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gait.synth import render, truth_path  # noqa: E402
from gait.synth.sweep import BASE, REAR, SIDE  # noqa: E402

# the sweep's base runner, with some of each frontal-plane measure for the rear clip to read
PARAMS = BASE.replace(height_m=1.75, trunk_lean_deg=6.0, knee_valgus_deg=5.0, hip_adduction_deg=3.0,
                      pelvic_drop_deg=5.0)
CLIPS = {"side_60fps.mp4": SIDE, "rear_60fps.mp4": REAR}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "sample_videos"))
    ap.add_argument("--seconds", type=float, default=9.0)
    ap.add_argument("--fps", type=float, default=60.0)
    ap.add_argument("--width", type=int, default=540)
    ap.add_argument("--height", type=int, default=960)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, cam in CLIPS.items():
        path = Path(args.out) / name
        t0 = time.time()
        render(PARAMS, cam, path, fps=args.fps, duration_s=args.seconds, width=args.width, height=args.height)
        print(f"{path} ({path.stat().st_size / 1e6:.2f} MB) + {truth_path(path).name} "
              f"in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
