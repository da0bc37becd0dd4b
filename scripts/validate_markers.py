"""Marker mode against the rendered runner's exact sticker centres, full size: two body builds, 60 and 120 fps.

    python scripts/validate_markers.py [--size 1080x1920] [--seconds 8] [--blur 3] [--out DIR [--reuse]]
                                       [--csv FILE] [--data FILE]

Each build and frame rate gets two clips from behind, each leg carrying its own settings: clip A the left leg
at 0 and the right at the high level (knee valgus 12 deg, pelvic drop 9, hip adduction 6, rearfoot eversion
12), clip B both legs at the middle level (6, 5, 0, 6). Every clip is analysed with ``--markers`` (the
standard build's green stickers found automatically, the broad build's magenta named) and compared per side
with the truth: the angles of the true sticker centres (what a clinician measures from the same stickers),
the joint centres' angles, and the analysis's own steps recomputed from the true sticker centres ("exact":
what is left is the steps' and definitions' share). Prints Markdown tables: per clip and side; per build,
frame rate and measure the slope of measured on true and the largest error; and the done-when checks.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gait.pipeline import Options, analyze  # noqa: E402
from gait.pose import native_logs_silenced  # noqa: E402
from gait.synth import Camera, RunnerParams, SideScale, render, reused_truth  # noqa: E402
from gait.synth.model import BROAD_BUILD, STANDARD_BUILD  # noqa: E402
from gait.synth.stickers import MARKER_METRICS, Stickers, marker_comparison  # noqa: E402

VIEW = "rear"  # marker mode measures from behind
HIGH = {"knee_valgus_deg": 12.0, "pelvic_drop_deg": 9.0, "hip_adduction_deg": 6.0, "rearfoot_eversion_deg": 12.0}
MIDDLE = {"knee_valgus_deg": 6.0, "pelvic_drop_deg": 5.0, "hip_adduction_deg": 0.0, "rearfoot_eversion_deg": 6.0}
ZERO_LEFT = SideScale(knee_valgus=0.0, pelvic_drop=0.0, hip_adduction=0.0, rearfoot_eversion=0.0)
BUILDS = {"standard": (STANDARD_BUILD, "green", "auto"), "broad": (BROAD_BUILD, "magenta", "magenta")}
CLIPS = {"A": (HIGH, ZERO_LEFT), "B": (MIDDLE, SideScale())}
TOLERANCE = {"knee_valgus_fppa_deg": 1.5, "pelvic_drop_deg": 1.5, "hip_adduction_deg": 1.5,
             "rearfoot_eversion_deg": 2.0, "step_width_pct_hip": 5.0}
SHORT = {"knee_valgus_fppa_deg": "valgus", "pelvic_drop_deg": "drop", "hip_adduction_deg": "hip add",
         "rearfoot_eversion_deg": "eversion", "step_width_pct_hip": "step width"}


def run(build: str, fps: float, clip: str, folder: Path, size: tuple[int, int], seconds: float,
        blur: int, reuse: bool = False) -> list[dict]:
    body, colour, asked = BUILDS[build]
    settings, left = CLIPS[clip]
    path = folder / f"{build}_{fps:.0f}fps_{clip}.mp4"
    t0 = time.time()
    params = RunnerParams(build=body, left=left, **settings)
    truth = reused_truth(path, (*size, fps, seconds), params, Camera(view=VIEW), Stickers(colour=colour)) \
        if reuse else None
    if truth is None:
        truth = render(params, Camera(view=VIEW), path, fps=fps, duration_s=seconds, width=size[0], height=size[1],
                       stickers=Stickers(colour=colour), motion_blur_samples=blur)
    t1 = time.time()
    with native_logs_silenced():
        analysis = analyze(str(path), Options(markers=asked))
    t2 = time.time()
    print(f"  {path.name}: render {t1 - t0:.0f} s, analysis {t2 - t1:.0f} s", file=sys.stderr)
    comparison = marker_comparison(analysis, truth)
    rows = []
    for side in ("left", "right"):
        row: dict = {"build": build, "fps": fps, "clip": clip, "side": side,
                     "steps": int((analysis.steps["steady"] & (analysis.steps["side"] == side)).sum())}
        for key in MARKER_METRICS:
            c = comparison[key]
            row[f"{key}"] = c[side]
            row[f"{key}_truth"] = c[f"truth_{side}"]
            row[f"{key}_joints"] = c[f"joints_{side}"]
            row[f"{key}_exact"] = c[f"exact_{side}"]
        rows.append(row)
    return rows


def fmt(v: object) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{v:.1f}"


def tables(df: pd.DataFrame) -> str:
    out = ["| build | fps | clip | side | steps | " + " | ".join(
        f"{SHORT[k]} measured / true (joints)" for k in MARKER_METRICS) + " |",
        "|" + "---|" * (5 + len(MARKER_METRICS))]
    for _, r in df.iterrows():
        cells = [f"{fmt(r[k])} / {fmt(r[k + '_truth'])} ({fmt(r[k + '_joints'])})" for k in MARKER_METRICS]
        out.append(f"| {r['build']} | {r['fps']:.0f} | {r['clip']} | {r['side']} | {r['steps']} | " + " | ".join(cells)
                   + " |")
    out += ["", "| build | fps | measure | slope (measured / true) | largest error | largest error, true sticker "
            "centres on the analysis's steps | within tolerance |", "|---|---|---|---|---|---|---|"]
    checks = []
    for (build, fps), part in df.groupby(["build", "fps"], sort=False):
        for key in MARKER_METRICS:
            ok = part[[key, f"{key}_truth"]].dropna()
            if len(ok) < 2:
                out.append(f"| {build} | {fps:.0f} | {SHORT[key]} | – | – | – | not measured |")
                continue
            slope = float(np.polyfit(ok[f"{key}_truth"], ok[key], 1)[0])
            err = float((ok[key] - ok[f"{key}_truth"]).abs().max())
            exact = float((part[f"{key}_exact"] - part[f"{key}_truth"]).abs().max())
            within = err <= TOLERANCE[key] and (0.85 <= slope <= 1.15 or np.ptp(ok[f"{key}_truth"]) < 3.0)
            checks.append(within)
            out.append(f"| {build} | {fps:.0f} | {SHORT[key]} | {slope:.2f} | {err:.2f} | {exact:.2f} | "
                       f"{'yes' if within else 'NO'} |")
    out += ["", f"{sum(checks)} of {len(checks)} build/frame-rate/measure checks within the done-when (angles 1.5 deg, "
            "eversion 2 deg, step width 5 % of hip width, slope 0.85-1.15)"]
    return "\n".join(out)


def write_errors(df: pd.DataFrame, path: Path, args: argparse.Namespace) -> None:
    """Marker mode's measured errors (``markers`` entries, against the true sticker centres) into the data
    file of frontal errors that report.json, the app and the report read, next to the markerless ones."""
    from validate_frontal_mask import method_entry

    data = json.loads(path.read_text()) if path.is_file() else {"measures": {}}
    for key in MARKER_METRICS:
        rows = pd.DataFrame({"build": df["build"], "fps": df["fps"].map(lambda f: f"{f:.0f} fps"),
                             "measured": df[key], "true": df[f"{key}_truth"]})
        rows["error"] = rows["measured"] - rows["true"]
        unit = "% hip width" if key == "step_width_pct_hip" else "deg"
        data["measures"].setdefault(key, {})["markers"] = method_entry(rows, unit, within="fps")
    data["markers_renders"] = {"by": "scripts/validate_markers.py", "view": VIEW, "size": args.size,
                               "seconds": args.seconds, "blur": args.blur, "fps": args.fps, "builds": args.builds,
                               "truth": "the true sticker centres' angles (what a clinician measures)"}
    path.write_text(json.dumps(data, indent=1) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1080x1920")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--blur", type=int, default=3, help="motion blur samples per frame")
    ap.add_argument("--fps", default="60,120")
    ap.add_argument("--builds", default="standard,broad")
    ap.add_argument("--out", help="keep the rendered clips here")
    ap.add_argument("--reuse", action="store_true",
                    help="analyse the clips already rendered in --out at these settings (and this --blur)")
    ap.add_argument("--csv")
    ap.add_argument("--data", help="also write marker mode's errors into this data file of frontal errors "
                                   "(gait/data/frontal_errors.json)")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    t0 = time.time()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.out or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for build in args.builds.split(","):
            for fps in (float(f) for f in args.fps.split(",")):
                for clip in CLIPS:
                    rows += run(build, fps, clip, folder, (size[0], size[1]), args.seconds, args.blur, args.reuse)
    df = pd.DataFrame(rows)
    if args.csv:
        df.to_csv(args.csv, index=False)
    print(tables(df))
    if args.data:
        write_errors(df, Path(args.data), args)
    print(f"\n{len(rows) // 2} clips at {args.size}, {args.seconds:g} s, motion blur {args.blur} samples: "
          f"{time.time() - t0:.0f} s in all")


if __name__ == "__main__":
    main()
