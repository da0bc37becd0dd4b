"""The pose pass: a second person in view is reported (MediaPipe Pose follows one person only)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gait.pipeline import analyze
from gait.video_io import H264Writer, iter_frames, probe

SIDE_SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"
WARNING = "another person was in view"


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    """5 s of the side sample: alone, and beside its mirror image (two runners)."""
    folder = tmp_path_factory.mktemp("people")
    info = probe(str(SIDE_SAMPLE))
    paths = {"one": folder / "one runner.mp4", "two": folder / "two runners.mp4"}
    with H264Writer(paths["one"], info.width, info.height, info.fps) as one, \
            H264Writer(paths["two"], 2 * info.width, info.height, info.fps) as two:
        for _, frame in iter_frames(str(SIDE_SAMPLE), 0, int(5 * info.fps)):
            one.write(frame)
            two.write(np.hstack([frame, frame[:, ::-1]]))
    return paths


def test_a_second_person_in_view_gives_a_warning(clips):
    analysis = analyze(str(clips["two"]))
    warning = next(w for w in analysis.warnings if w.startswith(WARNING))
    assert "5 of the 5 frames" in warning and "nobody else in view" in warning


def test_one_runner_gives_no_such_warning(clips):
    assert not any(w.startswith(WARNING) for w in analyze(str(clips["one"])).warnings)


LANDMARKS_OF_30_FRAMES = """
import sys, numpy as np
if sys.argv[1] == "full":
    import mediapipe  # everything mediapipe's package loads, as a user's own script would
from gait.pose.tracker import landmarks_of_frame, native_logs_silenced, new_tracker
from gait.video_io import iter_frames
with native_logs_silenced(), new_tracker() as tracker:
    found = [landmarks_of_frame(tracker, frame) for _, frame in iter_frames(sys.argv[2], 0, 30)]
np.save(sys.argv[3], np.array(found))
print(sorted(m for m in ("matplotlib.pyplot", "mediapipe.tasks.python") if m in sys.modules))
"""


def test_the_tracker_loads_only_the_pose_solution_and_finds_the_same_landmarks(tmp_path):
    loaded = {}
    for how in ("lean", "full"):
        out = subprocess.run([sys.executable, "-c", LANDMARKS_OF_30_FRAMES, how, str(SIDE_SAMPLE), tmp_path / how],
                             capture_output=True, text=True, check=True).stdout
        loaded[how] = out.strip().splitlines()[-1]
    assert loaded == {"lean": "[]", "full": "['matplotlib.pyplot', 'mediapipe.tasks.python']"}
    lean, full = np.load(tmp_path / "lean.npy"), np.load(tmp_path / "full.npy")
    assert lean.shape == (30, 33, 4) and np.array_equal(lean, full)
