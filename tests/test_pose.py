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


@pytest.mark.parametrize(("fps", "step"), [(30.0, 1), (59.94, 1), (60.0, 1), (90.0, 1), (100.0, 1), (119.88, 2),
                                           (120.0, 2), (239.76, 4), (240.0, 4)])
def test_the_pose_model_sees_at_most_60_frames_a_second(fps, step):
    from gait.pose import frame_step

    assert frame_step(fps) == step
    assert frame_step(fps, works=[object()]) == 1  # a mask or stickers measure every frame


def test_unseen_frames_are_filled_between_their_seen_neighbours():
    """Rows of frames the pose model did not see: linear between the seen frames on either side when someone
    was found in both and they are neighbours (a damaged file can skip frames); NaN elsewhere."""
    from gait.pose import fill_unseen

    frame_index = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15])  # frames 10 and 11 not decoded
    landmarks = np.full((len(frame_index), 33, 4), np.nan)
    for row, index in enumerate(frame_index):
        if index % 2 == 0 and index != 6:  # seen, nobody found at frame 6
            landmarks[row] = np.stack([np.full(33, 10.0 * index), np.arange(33.0), np.zeros(33), np.full(33, 0.9)], 1)
    filled = fill_unseen(frame_index, landmarks, 2)
    row_of = {int(index): row for row, index in enumerate(frame_index)}
    assert filled[row_of[1], 5].tolist() == [10.0, 5.0, 0.0, pytest.approx(0.9)]
    assert filled[row_of[3], 0, 0] == 30.0
    assert np.isnan(filled[row_of[5], 0, 0]) and np.isnan(filled[row_of[7], 0, 0])  # frame 6 found nobody
    assert filled[row_of[13], 0, 0] == 130.0  # between 12 and 14
    assert np.isnan(filled[row_of[9], 0, 0])  # frame 10, the seen one after it, is missing
    assert np.isnan(filled[row_of[15], 0, 0])  # after the last seen frame
    seen = frame_index % 2 == 0
    np.testing.assert_array_equal(filled[seen], landmarks[seen])  # what the model saw is kept as it is
    assert fill_unseen(frame_index, landmarks, 1) is landmarks


def test_frames_a_phone_did_not_record_are_filled_between_the_recorded_ones():
    """Slots of a variable frame rate's capture clock with no frame of their own: linear between the recorded
    frames on either side when someone was found in both and every frame between is a row; else as they are."""
    from gait.pose import fill_missing

    frame_index = np.array([0, 1, 2, 3, 4, 5, 6, 7, 9, 10])  # frame 8 not decoded (a damaged file)
    landmarks = np.full((len(frame_index), 33, 4), np.nan)
    for row, index in enumerate(frame_index):
        if index not in (2, 3, 5, 7, 9):  # not recorded (not tracked): 2, 3, 7, 9; 5 recorded, nobody found
            landmarks[row] = np.stack([np.full(33, 10.0 * index), np.arange(33.0), np.zeros(33), np.full(33, 0.8)], 1)
    filled = fill_missing(frame_index, landmarks, frozenset({2, 3, 7, 9}))
    assert filled[2, 4].tolist() == [20.0, 4.0, 0.0, pytest.approx(0.8)] and filled[3, 0, 0] == 30.0
    assert np.isnan(filled[7, 0, 0])  # frame 7: its frame after, 9, is missing too, and 8 is not a row
    assert np.isnan(filled[8, 0, 0])  # frame 9: frame 8 is not a row
    kept = ~np.isin(frame_index, [2, 3, 7, 9])
    np.testing.assert_array_equal(filled[kept], landmarks[kept])
    assert fill_missing(frame_index, landmarks, frozenset()) is landmarks


def test_a_cached_pass_says_its_step():
    """A 120 fps clip's pass (every second frame seen) is cached under its own settings; a pass of every
    frame under the same settings as before steps were kept, so existing caches stay valid."""
    from gait.pose import pose_settings

    assert "frame_step" not in pose_settings()
    assert pose_settings(step=2)["frame_step"] == 2
