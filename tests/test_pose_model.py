"""The pose landmark model without its person mask (:mod:`gait.pose.model`): MediaPipe's landmarks exactly, with
the mask's operations left out; MediaPipe's own model where the copy cannot be made."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from gait.pose import model as pose_model
from gait.pose import tracker
from gait.video_io import iter_frames

SIDE_SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"


def _operators(path: Path) -> int:
    data = bytearray(path.read_bytes())
    graph = pose_model._table(data, pose_model._vector(data, pose_model._u32(data, 0), pose_model._MODEL_SUBGRAPHS) + 4)
    return pose_model._u32(data, pose_model._vector(data, graph, pose_model._SUBGRAPH_OPERATORS))


def _landmarks(pose, frames: list[np.ndarray]) -> np.ndarray:
    with pose:
        found = [tracker._landmarks(pose, frame) for frame in frames]
    return np.array([np.full((33, 4), np.nan) if lm is None else lm for lm in found])


@pytest.fixture(scope="module")
def frames() -> list[np.ndarray]:
    """The side sample's first 90 frames (1.5 s: every phase of a stride, the runner found in the first)."""
    return [cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for _, frame in iter_frames(str(SIDE_SAMPLE), 0, 90)]


@pytest.mark.parametrize("still_images", [False, True])
def test_the_model_without_the_mask_finds_mediapipe_s_landmarks_exactly(frames, still_images, tmp_path,
                                                                        monkeypatch):
    monkeypatch.setenv("GAIT_CACHE_DIR", str(tmp_path))
    source = tracker._mediapipe_root().parent / pose_model.SOURCE
    with tracker.native_logs_silenced():
        ours = tracker.new_tracker(still_images=still_images)
        theirs = tracker._pose_solution().Pose(static_image_mode=still_images, **tracker.TRACKER_SETTINGS)
        found, expected = _landmarks(ours, frames), _landmarks(theirs, frames)
    copies = list((tmp_path / tracker.MODELS_FOLDER).glob("*.tflite"))
    assert type(ours).__name__ == "MasklessPose" and [p.name for p in copies] == [
        f"pose_landmark_full-no-mask-{pose_model.hashlib.sha256(source.read_bytes()).hexdigest()[:16]}.tflite"]
    assert (_operators(source), _operators(copies[0])) == (332, 286) and copies[0].stat().st_mode & 0o777 == 0o644
    assert not np.isnan(found).any()  # the runner found in every frame
    assert np.array_equal(found, expected)


def test_the_mask_is_made_by_mediapipe_s_own_model(frames, tmp_path, monkeypatch):
    monkeypatch.setenv("GAIT_CACHE_DIR", str(tmp_path))
    with tracker.native_logs_silenced(), tracker.new_tracker(segmentation=True) as pose:
        mask = tracker._found(pose, frames[0])[1]
    assert type(pose).__name__ == "Pose" and mask is not None and mask.shape == frames[0].shape[:2]
    assert 0.02 < float((mask > 0.5).mean()) < 0.5  # a runner's outline, not an empty or a full frame


def test_a_model_it_does_not_expect_or_a_folder_it_cannot_write_leaves_mediapipe_s_own(frames, tmp_path,
                                                                                      monkeypatch):
    root = tracker._mediapipe_root()
    assert pose_model.without_mask(root / "modules" / "pose_detection" / "pose_detection.tflite", tmp_path) is None
    assert pose_model.without_mask(SIDE_SAMPLE, tmp_path) is None  # not a TFLite model at all
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    assert pose_model.without_mask(root.parent / pose_model.SOURCE, blocked / "models") is None
    monkeypatch.setenv("GAIT_CACHE_DIR", str(blocked))
    with tracker.native_logs_silenced():
        pose = tracker.new_tracker()
        found = _landmarks(pose, frames[:5])
    assert type(pose).__name__ == "Pose" and not np.isnan(found).any()
    assert list(tmp_path.iterdir()) == [blocked]  # nothing half-written left


def test_the_tracker_s_graph_loads_the_model_it_is_given(frames, tmp_path):
    """The copy is what MediaPipe's graph runs, not its own model: a tracker given a missing file fails on its
    first frame, naming it (were the graph's model path left as it was, it would find the runner)."""
    missing = tmp_path / "missing.tflite"
    made = tracker._maskless_pose(tracker._pose_solution())
    with tracker.native_logs_silenced(), pytest.raises(RuntimeError, match=str(missing)):
        with made(str(missing), static_image_mode=False, enable_segmentation=False, **tracker.TRACKER_SETTINGS) as pose:
            tracker._landmarks(pose, frames[0])
