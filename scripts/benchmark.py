"""Speed and memory: end-to-end analysis vs the raw decode + MediaPipe loop, on the same clip, same run.

Usage: python scripts/benchmark.py [VIDEO]   (default: ../shared/videos/treadmill_side_male_30fps.mp4)
Each measurement runs in its own process so that peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RAW = """
import resource, sys, time, cv2
from gait.pose import native_logs_silenced, new_tracker
path = sys.argv[1]
with native_logs_silenced():
    cap = cv2.VideoCapture(path); tracker = new_tracker(); n = 0; t0 = time.perf_counter()
    while True:
        ok, frame = cap.read()
        if not ok: break
        tracker.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)); n += 1
    dt = time.perf_counter() - t0
print(n, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

FULL = """
import resource, sys, time, tempfile
from pathlib import Path
from gait.pipeline import analyze
from gait.pose import native_logs_silenced
from gait.rendering import write_annotated
from gait.report import write_data_files
path = sys.argv[1]
with native_logs_silenced():
    t0 = time.perf_counter(); a = analyze(path); t1 = time.perf_counter()
    out = Path(tempfile.mkdtemp()); write_data_files(a, out); write_annotated(a, out / "annotated.mp4", out)
    t2 = time.perf_counter()
print(a.pose.n_frames, t1 - t0, t2 - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main() -> None:
    default = Path(__file__).resolve().parents[1].parent / "shared/videos/treadmill_side_male_30fps.mp4"
    video = sys.argv[1] if len(sys.argv) > 1 else str(default)
    raw = subprocess.run([sys.executable, "-c", RAW, video], capture_output=True, text=True, check=True)
    n, dt, rss = raw.stdout.split()[-3:]
    full = subprocess.run([sys.executable, "-c", FULL, video], capture_output=True, text=True, check=True)
    n2, analysis_s, total_s, rss2 = full.stdout.split()[-4:]
    result = {
        "video": video, "frames": int(n),
        "raw_mediapipe_loop_fps": int(n) / float(dt), "raw_peak_mb": float(rss),
        "analysis_fps": int(n2) / float(analysis_s),
        "analysis_plus_video_fps": int(n2) / float(total_s), "end_to_end_peak_mb": float(rss2),
    }
    for key, value in result.items():
        print(f"{key:26s} {value:.1f}" if isinstance(value, float) else f"{key:26s} {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
