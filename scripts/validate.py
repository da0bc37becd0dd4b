"""The analyser against the synthetic runner's exact truth, over a sweep of filming and running conditions.

    python scripts/validate.py [--quick] [--side-only] [--out DIR] [--seconds 5] [--csv table.csv] [--markdown]
    python scripts/validate.py --held-out --seconds 10   # the side set-ups no rule was chosen on

Each condition renders a short clip (``gait.synth.render``, 360x640 unless said), analyses it with
``gait.pipeline.analyze`` and compares with the truth (``gait.synth.compare``). Errors are analysed minus
true; initial-contact (IC) timing as mean absolute error (and bias) in frames and ms. Side conditions also
get each side's contact time error, the error of left minus right, the contact time asymmetry (the runner
is symmetric: 0 is true) and whether it was reported as beyond the measurement uncertainty, and peak knee
flexion in stance left minus right. Side and frontal
(rear/front) conditions get a table each; the frontal one also gives each frontal metric's error with the
truth's hip, knee and ankle points in place of MediaPipe's ("true joints"), on the analysis's own steps:
the difference is the pose model's share of the error.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gait.errors import GaitInputError  # noqa: E402
from gait.pipeline import analyze  # noqa: E402
from gait.pose import native_logs_silenced  # noqa: E402
from gait.synth.compare import compare_analysis  # noqa: E402
from gait.synth.sweep import CONDITIONS, HELD_OUT, SWEEP_SECONDS, Condition  # noqa: E402

QUICK = ("base 60 fps", "30 fps", "overstride (shank 14 deg)")

TIMING_COLUMNS = {
    "contact_timing": "contacts timed by",
    "cadence_spm_error": "cadence err spm",
    "ic_mean_abs_frames": "IC abs err frames",
    "ic_mean_abs_ms": "IC abs err ms",
    "ic_bias_frames": "IC bias frames",
    "ground_contact_time_ms_error": "contact time err ms",
    "flight_time_ms_error": "flight time err ms",
    "duty_factor_pct_error": "duty factor err %",
}
SIDE_COLUMNS = TIMING_COLUMNS | {
    "contact_left_error_ms": "contact L err ms",
    "contact_right_error_ms": "contact R err ms",
    "contact_lr_error_ms": "L-R err ms",
    "contact_asymmetry_pct": "asymmetry %",
    "asymmetry_reported": "asymmetry reported",
    "peak_knee_lr_deg": "peak knee L-R deg",
    "knee_flexion_at_contact_deg_error": "knee at IC err deg",
    "shank_angle_at_contact_deg_error": "shank at IC err deg",
    "overstride_pct_leg_error": "overstride err % leg",
    "peak_knee_flexion_stance_deg_error": "peak knee err deg",
    "foot_strike_angle_deg_error": "foot angle err deg",
    "trunk_lean_deg_error": "trunk lean err deg",
    "vertical_oscillation_pct_leg_error": "vertical oscillation err % leg",
}
FRONTAL_COLUMNS = TIMING_COLUMNS | {
    f"{metric}_error{source}": f"{label}{' (true joints)' if source else ''}"
    for metric, label in (("knee_valgus_fppa_deg", "valgus err deg"), ("pelvic_drop_deg", "drop err deg"),
                          ("hip_adduction_deg", "hip adduction err deg"),
                          ("step_width_pct_hip", "step width err % hip"))
    for source in ("", "_true_joints")
}


def run_condition(c: Condition, folder: Path, seconds: float) -> dict:
    path = folder / (re.sub(r"[^\w.-]+", "_", c.name.replace("%", "pct")).strip("_") + ".mp4")
    t0 = time.time()
    truth = c.render(path, seconds)
    try:
        with native_logs_silenced():
            analysis = analyze(str(path))
    except GaitInputError as exc:
        return {"condition": c.name, "status": f"not supported: {str(exc).split('.')[0]}",
                "seconds": time.time() - t0}
    err, _ = compare_analysis(analysis, truth)
    return {"condition": c.name, "view": c.camera.view, "status": f"ok, {err.pop('ic_matched')} IC matched",
            "contact_timing": analysis.detection.contact_timing, **err, **side_errors(analysis, truth),
            "seconds": time.time() - t0}


def side_errors(analysis, truth: dict) -> dict:  # noqa: ANN001
    """Per side: contact time error (mean over the steady steps' side minus the truth's), the error of
    left minus right, peak knee flexion in stance left minus right, the asymmetry and whether it was
    reported as beyond the measurement uncertainty."""
    measured, true = analysis.metrics["ground_contact_time_ms"], truth["metrics"].get("ground_contact_time_ms") or {}
    out = {}
    for side in ("left", "right"):
        got, want = measured[side], true.get(side)
        out[f"contact_{side}_error_ms"] = float("nan") if got is None or want is None else got - want
    out["contact_lr_error_ms"] = out["contact_left_error_ms"] - out["contact_right_error_ms"]
    knee = analysis.metrics["peak_knee_flexion_stance_deg"]
    out["peak_knee_lr_deg"] = float("nan") if knee["left"] is None or knee["right"] is None else \
        knee["left"] - knee["right"]
    asym = analysis.metrics.get("contact_time_asymmetry_pct") or {}
    out["contact_asymmetry_pct"] = float("nan") if asym.get("value") is None else asym["value"]
    out["asymmetry_reported"] = "yes" if asym.get("exceeds_uncertainty") else "no"
    return out


def sweep(conditions: list[Condition], seconds: float, out: Path | None = None, verbose: bool = True
          ) -> pd.DataFrame:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(out) if out else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for c in conditions:
            rows.append(run_condition(c, folder, seconds))
            if verbose:
                print(f"  {c.name}: {rows[-1]['status']} ({rows[-1]['seconds']:.0f} s)", file=sys.stderr)
    return pd.DataFrame(rows).set_index("condition")


def table(results: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    cols = [c for c in columns if c in results]
    return results[cols].rename(columns=columns).round(2)


def markdown(df: pd.DataFrame) -> str:
    """A Markdown table (without the optional tabulate package)."""
    head = [df.index.name or ""] + list(df.columns)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in df.iterrows():
        cells = ["" if pd.isna(v) else v if isinstance(v, str) else f"{v:.2f}" for v in row]
        lines.append("| " + " | ".join([str(name)] + cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    ap.add_argument("--seconds", type=float, default=SWEEP_SECONDS)
    ap.add_argument("--out", help="keep the rendered clips here")
    ap.add_argument("--csv", help="also write the full results here")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--side-only", action="store_true", help="only the side-view conditions")
    ap.add_argument("--frontal-only", action="store_true", help="only the rear and front conditions")
    ap.add_argument("--held-out", action="store_true", help="the side set-ups no rule was chosen on instead")
    args = ap.parse_args()
    conditions = [c for c in (HELD_OUT if args.held_out else CONDITIONS) if (not args.quick or c.name in QUICK)
                  and (not args.side_only or c.camera.view == "side")
                  and (not args.frontal_only or c.camera.view != "side")]
    t0 = time.time()
    results = sweep(conditions, args.seconds, args.out)
    if args.csv:
        results.to_csv(args.csv)
    ok = results[results["status"].str.startswith("ok")]
    for views, columns in ((["side"], SIDE_COLUMNS), (["rear", "front"], FRONTAL_COLUMNS)):
        part = table(ok[ok["view"].isin(views)], columns)
        if len(part):
            with pd.option_context("display.width", 250, "display.max_columns", 20):
                print(markdown(part) if args.markdown else part.to_string(), end="\n\n")
    for name, row in results[~results["status"].str.startswith("ok")].iterrows():
        print(f"{name}: {row['status']}")
    print(f"{len(conditions)} conditions, {args.seconds:g} s clips, {time.time() - t0:.0f} s in all")


if __name__ == "__main__":
    main()
