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

from gait.synth import FIRM_LANDING, Camera, RunnerParams, render, truth_path  # noqa: E402

PARAMS = RunnerParams(cadence_spm=168.0, speed_kmh=11.0, height_m=1.75, duty_factor_pct=36.0,
                      knee_flexion_at_contact_deg=18.0, shank_angle_at_contact_deg=7.0, foot_strike="rearfoot",
                      trunk_lean_deg=6.0, knee_valgus_deg=5.0, hip_adduction_deg=3.0, pelvic_drop_deg=5.0,
                      start_phase=0.13, **FIRM_LANDING)
CLIPS = {
    "side_60fps.mp4": Camera(view="side", direction=1, distance_m=4.0, height_m=1.0, runner_frac=0.6),
    "rear_60fps.mp4": Camera(view="rear", distance_m=4.0, height_m=1.0, runner_frac=0.6),
}


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
