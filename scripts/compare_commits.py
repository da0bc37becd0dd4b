"""Do two commits measure the same? Runs ``python -m gait analyze --no-video`` of each commit on the shared
clips and the samples, and compares report.json (less ``video.path`` and ``versions``) and steps.csv byte
for byte.

    python scripts/compare_commits.py BEFORE AFTER [--videos ../shared/videos] [--cache DIR]

Each commit is checked out in a git worktree under the cache folder and run with this interpreter (its
packages), so install the later commit's requirements first. Outputs are kept per commit in the cache, so
a commit already run is not run again. Prints one line per case and exits 1 when any case differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE_OPTIONS = ["--height-cm", "175", "--speed-kmh", "11"]  # sample_videos/README.md


def cases(videos: Path) -> dict[str, list[str]]:
    """Case name -> the analyze arguments (paths absolute)."""
    out = {p.name: [str(p)] for p in sorted(videos.glob("*.mp4"))}
    samples = REPO / "sample_videos"
    for name in ("side_60fps.mp4", "rear_60fps.mp4"):
        out[f"sample {name}"] = [str(samples / name), *SAMPLE_OPTIONS]
    out["sample session side+rear"] = [str(samples / "side_60fps.mp4"), str(samples / "rear_60fps.mp4"),
                                       *SAMPLE_OPTIONS]
    return out


def checkout(commit: str, cache: Path) -> tuple[str, Path]:
    sha = subprocess.run(["git", "rev-parse", commit], cwd=REPO, check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = cache / sha / "tree"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=REPO, check=True,
                       capture_output=True)
    return sha, tree


def run_case(tree: Path, out: Path, args: list[str], warning_words: bool = False) -> dict:
    """Analyse one case with the commit in ``tree`` (once: the outputs are kept); returns what is compared."""
    done = out / "outcome.json"
    if not done.exists():
        out.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONPATH": str(tree)}
        result = subprocess.run([sys.executable, "-m", "gait", "analyze", *args, "--no-video", "--force",
                                 "--out", str(out / "files")], cwd=tree, env=env, capture_output=True, text=True)
        errors = [line for line in result.stderr.splitlines() if line.startswith(("error", "internal"))]
        done.write_text(json.dumps({"exit": result.returncode, "error": errors}))
    outcome = json.loads(done.read_text())
    report_path, steps_path = out / "files" / "report.json", out / "files" / "steps.csv"
    if report_path.exists():
        outcome["report"] = comparable(json.loads(report_path.read_text()), warning_words)
        outcome["steps"] = steps_path.read_text()
    return outcome


def comparable(report: dict, warning_words: bool = False) -> str:
    """report.json less what names the file's place and the package versions, keys in their written order;
    with ``warning_words``, each warning as its words alone (a string, or the message of a {code, message})."""
    def strip(part: dict) -> dict:
        part = {k: v for k, v in part.items() if k != "versions"}
        if warning_words and "warnings" in part.get("quality", {}):
            part["quality"] = dict(part["quality"], warnings=[w["message"] if isinstance(w, dict) else w
                                                             for w in part["quality"]["warnings"]])
        if "video" in part:
            part["video"] = {k: v for k, v in part["video"].items() if k != "path"}
        if "clips" in part:
            part["clips"] = [strip(c) for c in part["clips"]]
        return part
    return json.dumps(strip(report), indent=2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--videos", type=Path, default=REPO.parent / "shared" / "videos")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "gait-compare")
    parser.add_argument("--warning-words", action="store_true",
                        help="compare warnings by their words only ({code, message} or a plain string)")
    args = parser.parse_args()
    runs = {}
    for label in ("before", "after"):
        sha, tree = checkout(getattr(args, label), args.cache)
        runs[label] = (sha, tree)
        print(f"{label}: {sha[:10]}", flush=True)
    different = 0
    for name, case_args in cases(args.videos).items():
        outcomes = [run_case(tree, args.cache / sha / "out" / name.replace(" ", "_"), case_args, args.warning_words)
                    for sha, tree in runs.values()]
        before, after = outcomes
        same = {key: before.get(key) == after.get(key) for key in ("exit", "error", "report", "steps")}
        verdict = "identical" if all(same.values()) else "DIFFERENT in " + ", ".join(k for k, v in same.items()
                                                                                   if not v)
        kind = f"exit {after['exit']}" + (f" ({after['error'][-1][:60]})" if after["error"] else "")
        print(f"{name:58s} {kind:70s} {verdict}", flush=True)
        different += not all(same.values())
    print(f"{len(cases(args.videos)) - different} identical, {different} different")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
