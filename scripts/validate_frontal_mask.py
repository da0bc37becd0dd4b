"""Markerless frontal measures against the rendered runner's truth: builds x clothing x methods.

    python scripts/validate_frontal_mask.py [--size 1080x1920] [--fps 60] [--seconds 8] [--out DIR]
                                            [--data gait/data/frontal_errors.json]

Each body build (standard, broad) and clothing (shorts, tights, loose shirt) gets two clips from behind,
each leg carrying its own settings: clip A the left leg at 0 and the right at the high level (knee valgus
12 deg, pelvic drop 9, hip adduction 6), clip B both legs at the middle level (6, 5, 0). Every clip is
analysed once (the pose pass with the person mask and its outlines) and its steps measured by each method:
the pose model's points (``keypoints``) and the mask (``gait.frontal_mask``: step width from the ankle
middles; knee valgus as the analysis measures it, ``mask``: at the knee between the pose model's hip
point and the shank's middle line, and from each outline tried). Per side, measured against the truth (the
joint centres' angles and the soles' contact points). Prints Markdown tables (per clip and side; per build,
clothing and method the slope of measured on true and the largest error; per build the slope over all its
clothing) and writes
the data file of each frontal measure's measured error per method, which report.json, the app and the
report show with the number (``gait.measured_error.frontal_error``).
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

from gait.frontal_mask import METHODS, keypoint_step_table, mask_step_table  # noqa: E402
from gait.metrics import summarise  # noqa: E402
from gait.pipeline import Options, analyze  # noqa: E402
from gait.pose import native_logs_silenced  # noqa: E402
from gait.synth import Camera, Look, RunnerParams, SideScale, render, reused_truth  # noqa: E402
from gait.synth.draw import CLOTHING  # noqa: E402
from gait.synth.model import BUILDS  # noqa: E402

HIGH = {"knee_valgus_deg": 12.0, "pelvic_drop_deg": 9.0, "hip_adduction_deg": 6.0}
MIDDLE = {"knee_valgus_deg": 6.0, "pelvic_drop_deg": 5.0, "hip_adduction_deg": 0.0}
ZERO_LEFT = SideScale(knee_valgus=0.0, pelvic_drop=0.0, hip_adduction=0.0)
CLIPS = {"A": (HIGH, ZERO_LEFT), "B": (MIDDLE, SideScale())}
MEASURES = ("knee_valgus_fppa_deg", "step_width_pct_hip", "pelvic_drop_deg", "hip_adduction_deg")
SHORT = {"knee_valgus_fppa_deg": "valgus", "step_width_pct_hip": "step width", "pelvic_drop_deg": "drop",
         "hip_adduction_deg": "hip add"}
DATA = Path(__file__).resolve().parents[1] / "gait" / "data" / "frontal_errors.json"


def methods_of(measure: str) -> tuple[str, ...]:
    """The methods compared for a measure: the pose model's points, and the mask's where it measures it."""
    if measure == "knee_valgus_fppa_deg":  # "mask": the analysis's (the shank's middle line), then the others tried
        return ("keypoints", "mask", *(f"mask_{o}" for o in METHODS))
    return ("keypoints", "mask") if measure == "step_width_pct_hip" else ("keypoints",)


def run(build: str, clothing: str, clip: str, folder: Path, size: tuple[int, int], fps: float,
        seconds: float, reuse: bool = False) -> list[dict]:
    settings, left = CLIPS[clip]
    path = folder / f"{build}_{clothing}_{clip}.mp4"
    t0 = time.time()
    params = RunnerParams(build=BUILDS[build], left=left, **settings)
    truth = reused_truth(path, (*size, fps, seconds), params, Camera(view="rear")) if reuse else None
    if truth is None:
        truth = render(params, Camera(view="rear"), path, fps=fps, duration_s=seconds, width=size[0], height=size[1],
                       look=Look(clothing=clothing))
    t1 = time.time()
    with native_logs_silenced():
        analysis = analyze(str(path), Options(view="rear"), mask_outlines=True)
    print(f"  {path.name}: render {t1 - t0:.0f} s, analysis {time.time() - t1:.0f} s", file=sys.stderr)
    tables = {"keypoints": summarise(keypoint_step_table(analysis)),
              "mask": summarise(mask_step_table(analysis)),
              **{f"mask_{o}": summarise(mask_step_table(analysis, o)) for o in METHODS}}
    rows = []
    for measure in MEASURES:
        for method in methods_of(measure):
            for side in ("left", "right"):
                measured = tables[method][measure][side]  # type: ignore[literal-required]
                true = truth["metrics"][measure][side]
                rows.append({"build": build, "clothing": clothing, "clip": clip, "side": side, "measure": measure,
                             "method": method, "measured": measured, "true": true,
                             "error": None if measured is None else measured - true})
    return rows


def markdown(table: pd.DataFrame) -> str:
    """A Markdown table of a flat frame (numbers to 2 decimals, missing as a dash)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return "–" if not np.isfinite(v) else f"{v:.2f}"
        return "–" if v is None else str(v)
    lines = ["| " + " | ".join(map(str, table.columns)) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def slope(group: pd.DataFrame) -> float:
    ok = group.dropna(subset=["measured"])
    if len(ok) < 3 or np.ptp(ok["true"]) < 1e-6:
        return float("nan")
    return float(np.polyfit(ok["true"], ok["measured"].astype(float), 1)[0])


def summary(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    out = []
    for key, group in rows.groupby(by):
        errors = group["error"].dropna().astype(float)
        out.append({**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)), "slope": slope(group),
                    "mean_error": errors.mean() if len(errors) else np.nan,
                    "largest_error": errors.abs().max() if len(errors) else np.nan,
                    "measured": f"{len(errors)}/{len(group)}"})
    return pd.DataFrame(out)


def _rounded(value: float) -> float | None:
    """To 2 decimals; None (JSON null) when not a number (too few measured levels for a slope)."""
    return round(value, 2) if np.isfinite(value) else None


def method_entry(group: pd.DataFrame, unit: str, within: str = "clothing") -> dict:
    """A data file entry of one measure and method from its rows (``build``, ``within``, ``measured``,
    ``true``, ``error``): the mean, SD and largest of the per-side errors, their number, and the slopes of
    measured on true per build and per build and ``within``."""
    errors = group["error"].dropna().astype(float)
    return {"mean_error": round(float(errors.mean()), 2), "sd_error": round(float(errors.std(ddof=1)), 2),
            "largest_error": round(float(errors.abs().max()), 2), "n": int(len(errors)),
            "n_conditions": int(len(group)),
            "slope_by_build": {str(b): _rounded(slope(g)) for b, g in group.groupby("build")},
            f"slope_by_build_and_{within}": {f"{b}/{w}": _rounded(slope(g))
                                             for (b, w), g in group.groupby(["build", within])},
            "unit": unit}


def error_data(rows: pd.DataFrame, args: argparse.Namespace, old: dict | None = None) -> dict:
    """The data file: per measure and method, :func:`method_entry` over every build, clothing and clip;
    the entries of other methods in ``old`` (the file as it was: marker mode's, from
    scripts/validate_markers.py) are kept."""
    measures: dict[str, dict] = {m: {k: v for k, v in methods.items() if k not in set(rows["method"])}
                                 for m, methods in (old or {}).get("measures", {}).items()}
    for (measure, method), group in rows.groupby(["measure", "method"]):
        unit = "% hip width" if measure == "step_width_pct_hip" else "deg"
        measures.setdefault(str(measure), {})[str(method)] = method_entry(group, unit)
    return {**(old or {}), "generated_by": "scripts/validate_frontal_mask.py",
            "renders": {"view": "rear", "size": args.size, "fps": args.fps, "seconds": args.seconds,
                        "builds": list(BUILDS), "clothing": list(CLOTHING),
                        "clips": {k: {"right": v[0], "left": "0" if k == "A" else "as right"}
                                  for k, v in CLIPS.items()}},
            "error": "measured minus true, per side (mean over the clip's steady steps) of every clip",
            "measures": measures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--fps", type=float, default=60.0)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--out", default=None, help="folder for the renders (default: a temporary one)")
    parser.add_argument("--data", default=str(DATA), help="the data file of measured errors to write")
    parser.add_argument("--reuse", action="store_true", help="analyse the clips already rendered in --out")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    folder = Path(args.out or tempfile.mkdtemp(prefix="frontal-mask-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = pd.DataFrame([r for build in BUILDS for clothing in CLOTHING for clip in CLIPS
                         for r in run(build, clothing, clip, folder, (size[0], size[1]), args.fps, args.seconds,
                                      args.reuse)])
    wide = rows.assign(column=rows["measure"].map(SHORT) + " " + rows["method"],
                       value=[f"{m:.1f} / {t:.1f}" if m is not None and np.isfinite(m) else f"– / {t:.1f}"
                              for m, t in zip(rows["measured"], rows["true"], strict=True)])
    print(markdown(wide.pivot(index=["build", "clothing", "clip", "side"], columns="column", values="value")
                   .reset_index()))
    print()
    print(markdown(summary(rows, ["measure", "method", "build", "clothing"])))
    print()
    print(markdown(summary(rows, ["measure", "method", "build"])))
    Path(args.data).parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(Path(args.data).read_text()) if Path(args.data).is_file() else None
    Path(args.data).write_text(json.dumps(error_data(rows, args, old), indent=1) + "\n")
    print(f"\nwritten: {args.data}", file=sys.stderr)


if __name__ == "__main__":
    main()
