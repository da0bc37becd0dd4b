"""Speed and memory: the analysis against the raw decode + MediaPipe loop, on the same clip, in one run.

    python scripts/benchmark.py [VIDEO] [--short VIDEO] [--view side]

Without VIDEO, a 65 s 1080x1920 60 fps clip is made (once, in the temporary folder) from the side sample:
its first 300 frames (7 whole strides at 168 steps/min, so that no cut shows) upscaled and looped, and a
6 s one the same way for the memory comparison (``--short``). Each measurement runs in its own process:

- raw: one process decoding the clip with OpenCV and running MediaPipe Pose as it ships on every frame (the
  loop every analysis has to beat; the analysis's trackers run the landmark model without its person mask,
  :mod:`gait.pose.model`), before and after the others; the reference is their mean;
- results: ``analyze`` and the results files (report.json, steps.csv, landmarks), as ``gait analyze
  --no-video``;
- with video: the same with the key frames and the annotated video, as ``gait analyze``;
- re-analysis: the clip analysed again with other settings (height, belt speed) from the pose cache the
  with-video run filled, and its results files (the analysis's libraries imported first, as in the app);
- with video on the 6 s clip, as is (one pose tracker: it is too short to split) and split into two pose
  trackers as the long clip is: memory against the clip's length.

Frames per second count the clip's frames over the wall time from the call (after the imports) to the last
file written. Peak memory is the largest sum, over the measured process and its children (ffmpeg
encoders), of their proportional set size (PSS: shared pages counted once), sampled every 0.2 s.
The machine's other load is the CPU time used by everything else while a measurement ran, in cores; the CPU
time of the measured process tree per frame moves less with it than the frames per second do.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Collection

from gait.pose import default_workers

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "side_60fps.mp4"
LOOP_FRAMES = 300  # 7 strides of the sample's 168 steps/min at 60 fps
CLIPS_FOLDER = Path(tempfile.gettempdir()) / "gait-bench"  # the made clips, kept between runs


def memory_bar_mb(short_clip_peak_mb: float) -> float:
    """Issue 15's memory bar for the long clip: 1.2 x the 6 s clip's peak + 50 MB."""
    return 1.2 * short_clip_peak_mb + 50

RAW = """
import sys, time, cv2
from gait.pose.tracker import native_logs_silenced, stock_tracker
path, start, count = sys.argv[1], int(sys.argv[2]) if sys.argv[2:] else 0, int(sys.argv[3]) if sys.argv[3:] else -1
with native_logs_silenced():
    t0 = time.perf_counter(); cap = cv2.VideoCapture(path); tracker = stock_tracker(); n = 0
    if start: cap.set(cv2.CAP_PROP_POS_FRAMES, start)
    while n != count:
        ok, frame = cap.read()
        if not ok: break
        tracker.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)); n += 1
    print("RESULT", n, time.perf_counter() - t0)
"""

# the 2-core ceiling of that loop: one raw loop per core at once, each on its share of the clip (no seam,
# no warm-up, nothing after): what splitting the pose pass could reach at best on this machine
RAW_SPLIT = """
import subprocess, sys, time
path, frames, parts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
bounds = [frames * k // parts for k in range(parts + 1)]
loops = [subprocess.Popen([sys.executable, "-c", sys.argv[4], path, str(a), str(b - a)], stdout=subprocess.PIPE,
                          text=True) for a, b in zip(bounds, bounds[1:])]
done = sum(int(next(line for line in p.communicate()[0].splitlines() if line.startswith("RESULT")).split()[1])
           for p in loops)
print("RESULT", done, time.perf_counter() - t0)
"""

OURS = """
import os, sys, time, tempfile
from pathlib import Path
from typing import Collection
from gait.memory import use_one_arena
use_one_arena()  # as gait analyze does first
from gait.pipeline import Options, analyze
from gait.pose import native_logs_silenced
from gait.pose_cache import PoseCache
path, video, cache, again = sys.argv[1], sys.argv[2] == "video", PoseCache(sys.argv[3]), sys.argv[4] == "again"
if sys.argv[5:] == ["split"]:  # split even a short clip, as a long one is (only for the memory comparison)
    import gait.pose
    gait.pose.segments.MIN_SEGMENT_FRAMES = 120
if again:  # as in the app, where a new setting finds the analysis's libraries loaded
    import gait.analysis, gait.report  # noqa: E401, F401
view = os.environ.get("GAIT_BENCH_VIEW") or None  # as --view: "side" skips the person mask
options = Options(view=view, height_cm=180.0, speed_kmh=12.0) if again else Options(view=view)
with native_logs_silenced():
    t0 = time.perf_counter()
    analysis = analyze(path, options, cache=cache)
    t1 = time.perf_counter()
    from gait.output import write_session  # after the pose pass, as gait analyze imports it
    write_session(analysis, Path(tempfile.mkdtemp()) / "out", video=video)
    print("RESULT", analysis.pose.n_frames, time.perf_counter() - t0, t1 - t0, analysis.pose_pass.workers)
"""


def make_clip(seconds: int, folder: Path) -> Path:
    """The side sample's first 300 frames, upscaled to 1080x1920 and looped to ``seconds``; H.264 at a
    phone's bit rate (16 Mb/s), a key frame every second."""
    import imageio_ffmpeg

    path = folder / f"side_1080x1920_{seconds}s.mp4"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    frames = seconds * 60
    loops = -(-frames // LOOP_FRAMES)
    filters = (f"trim=end_frame={LOOP_FRAMES},setpts=PTS-STARTPTS,loop=loop={loops}:size={LOOP_FRAMES}:start=0,"
               f"trim=end_frame={frames},scale=1080:1920:flags=bicubic")
    tmp = path.with_suffix(".part.mp4")
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(SAMPLE), "-vf", filters,
                    "-r", "60", "-c:v", "libx264", "-preset", "fast", "-b:v", "16M", "-maxrate", "20M",
                    "-bufsize", "32M", "-g", "60", "-profile:v", "high", "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart", str(tmp)], check=True)
    tmp.replace(path)
    return path


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


SHARED_LIBRARY = "mediapipe/python/_framework_bindings"  # MediaPipe's native library, mapped by every tracker


def sharing_processes(exclude: Collection[int] = ()) -> list[int]:
    """The processes, but ``exclude``, that map MediaPipe's native library (a running app, another analysis):
    they share its pages and those of OpenCV, NumPy and Python with the measured processes, whose PSS then
    reads lower (a running app server took the 65 s clip's with-video peak from 458 to 415 MB, 6 Dec 2026)."""
    found = []
    for maps in Path("/proc").glob("[0-9]*/maps"):
        pid = int(maps.parent.name)
        try:
            if pid not in exclude and SHARED_LIBRARY in maps.read_text():
                found.append(pid)
        except (OSError, UnicodeDecodeError):
            continue
    return sorted(found)


def _busy_ticks() -> int:
    """CPU time used on the machine since boot, in clock ticks (user, nice, system, irq, softirq, steal)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]


def measure(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; its printed RESULT, wall time, peak PSS of its process tree,
    CPU time of the tree and of everything else on the machine meanwhile."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    before_children = os.times()
    busy0, t0 = _busy_ticks(), time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, cwd=REPO)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(process.pid)))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    sampler.join()
    wall = time.monotonic() - t0
    busy = (_busy_ticks() - busy0) / os.sysconf("SC_CLK_TCK")
    after = os.times()
    own = (after.children_user - before_children.children_user
           + after.children_system - before_children.children_system)
    if process.returncode != 0:
        raise RuntimeError(f"measurement failed:\n{err[-3000:]}")
    result = next(line.split()[1:] for line in out.splitlines() if line.startswith("RESULT"))
    return {"result": result, "peak_mb": peak[0] / 1024, "cpu_s": own, "others_cores": max(0.0, busy - own) / wall,
            "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("video", nargs="?", help="the clip (default: a 65 s 1080x1920 clip made from the sample)")
    parser.add_argument("--short", help="a 6 s clip of the same size, for the memory comparison (default: made)")
    parser.add_argument("--view", choices=["side", "rear", "front"],
                        help="analyse as said to be this view (as gait analyze --view); default: detected, which "
                             "runs the person mask in the pose pass unless the view is side")
    args = parser.parse_args()
    os.environ["GAIT_BENCH_VIEW"] = args.view or ""
    video = args.video or str(make_clip(65, CLIPS_FOLDER))
    short = args.short or (None if args.video else str(make_clip(6, CLIPS_FOLDER)))
    cores = len(os.sched_getaffinity(0))
    print(f"clip: {video}, view: {args.view or 'detected'}\nmachine: {cores} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start", flush=True)
    sharing = sharing_processes({os.getpid()})
    if sharing:
        print(f"warning: {len(sharing)} other process(es) map MediaPipe's libraries (pids {sharing}, e.g. a running "
              "app): they share pages with the measured processes, so the peak memory reads lower than on a quiet "
              "machine. Stop them for figures comparable with earlier runs.", flush=True)
    rows = []

    def run(label: str, code: str, *extra: str) -> dict:
        m = measure(code, *extra)
        rows.append((label, m))
        print(f"  {label:26s} done in {m['wall_s']:.1f} s (others used {m['others_cores']:.2f} cores)", flush=True)
        return m

    with tempfile.TemporaryDirectory() as cache_dir:
        raw1 = run("raw loop", RAW, video)
        ceiling = run("raw loop, one per core", RAW_SPLIT, video, raw1["result"][0], str(default_workers()), RAW)
        results = run("results (no video)", OURS, video, "results", str(Path(cache_dir) / "a"), "first")
        full = run("with video", OURS, video, "video", str(Path(cache_dir) / "b"), "first")
        again = run("re-analysis", OURS, video, "results", str(Path(cache_dir) / "b"), "again")
        raw2 = run("raw loop (again)", RAW, video)
        short_full = run("with video, 6 s clip", OURS, short, "video", str(Path(cache_dir) / "c"), "first") \
            if short else None
        short_split = run("with video, 6 s, split", OURS, short, "video", str(Path(cache_dir) / "d"), "first",
                          "split") if short else None
    frames = int(raw1["result"][0])
    raw_fps = [frames / float(m["result"][1]) for m in (raw1, raw2)]
    reference = sum(raw_fps) / 2

    def fps(m: dict) -> float:
        return int(m["result"][0]) / float(m["result"][1])

    figures = {
        "video": video, "frames": frames, "cores": cores, "sharing_processes": len(sharing),
        "raw_loop_fps": reference, "raw_loop_fps_runs": raw_fps, "raw_peak_mb": max(raw1["peak_mb"], raw2["peak_mb"]),
        "raw_one_per_core_fps": fps(ceiling), "raw_one_per_core_ratio": fps(ceiling) / reference,
        "results_fps": fps(results), "results_ratio": fps(results) / reference,
        "with_video_fps": fps(full), "with_video_ratio": fps(full) / reference,
        "pose_workers": int(full["result"][3]),
        "peak_mb": max(results["peak_mb"], full["peak_mb"]),
        "short_clip_peak_mb": short_full["peak_mb"] if short_full else None,
        "short_clip_split_peak_mb": short_split["peak_mb"] if short_split else None,
        "results_peak_mb": results["peak_mb"], "with_video_peak_mb": full["peak_mb"],
        "reanalysis_s": float(again["result"][1]), "reanalysis_analyze_s": float(again["result"][2]),
        "others_cores": {label: round(m["others_cores"], 2) for label, m in rows},
        "cpu_ms_per_frame": {label: round(1000 * m["cpu_s"] / int(m["result"][0]), 2) for label, m in rows
                             if not label.startswith("re-analysis")},
    }
    print(f"\n{'':28s}{'frames/s':>10s}{'x raw':>8s}{'peak MB':>10s}{'others':>8s}{'CPU ms/frame':>14s}")
    for label, m in rows:
        if label.startswith("re-analysis"):
            continue
        ratio = "" if label in ("raw loop", "raw loop (again)") else f"{fps(m) / reference:8.2f}"
        print(f"{label:28s}{fps(m):10.1f}{ratio:>8s}{m['peak_mb']:10.0f}{m['others_cores']:8.2f}"
              f"{figures['cpu_ms_per_frame'][label]:14.1f}")
    print(f"one raw loop per core at once: {fps(ceiling):.1f} frames/s, {fps(ceiling) / reference:.2f} x the raw loop "
          f"(the most a split pose pass can reach here); results alone reach {fps(results) / fps(ceiling):.2f} of it")
    print(f"re-analysis with new settings: {figures['reanalysis_s']:.2f} s "
          f"(analysis {figures['reanalysis_analyze_s']:.2f} s, the rest the results files)")
    if short_split is not None and short_full is not None:
        bar_mb = memory_bar_mb(short_full["peak_mb"])
        print(f"peak memory: {figures['peak_mb']:.0f} MB on the long clip; {short_full['peak_mb']:.0f} MB on the 6 s "
              f"clip as analysed (one tracker; 1.2 x that + 50 MB: {bar_mb:.0f}); "
              f"{short_split['peak_mb']:.0f} MB on the 6 s clip split as the long one is")
        bars = {"results >= 1.5 x the raw loop": figures["results_ratio"] >= 1.5,
                "with video >= 1.0 x": figures["with_video_ratio"] >= 1.0,
                "peak < 1 GB and <= 1.2 x the 6 s clip's + 50 MB":
                    figures["peak_mb"] < 1024 and figures["peak_mb"] <= bar_mb,
                "re-analysis < 2 s": figures["reanalysis_s"] < 2.0}
        print("issue 15's bars: " + "; ".join(f"{bar}: {'met' if met else 'NOT met'}" for bar, met in bars.items()))
    print(f"pose trackers: {figures['pose_workers']}; raw loop reference: mean of {raw_fps[0]:.1f} and "
          f"{raw_fps[1]:.1f} frames/s; 'others': cores used by other programs meanwhile")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
