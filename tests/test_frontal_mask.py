"""Markerless frontal measures from MediaPipe's person segmentation mask (issue 14, part 2), and the
segmentation hook of the pose pass that delivers the mask to a frame work."""

import numpy as np
import pytest

from gait.pose import run_pose_pass
from gait.pose_cache import PoseCache, pose_pass, settings_digest
from gait.synth import Camera, Projector, RunnerModel, RunnerParams, render
from gait.synth.draw import CLOTHING, Look, Scene
from gait.video_io import probe


class _MaskShare:
    """A frame work that wants the mask: keeps the share of the frame it covers, per frame."""

    WANTS_MASK = True

    def __init__(self) -> None:
        self.rows: list[float] = []

    def __call__(self, index, frame_bgr, landmarks, mask=None) -> None:
        self.rows.append(np.nan if mask is None else float(np.mean(mask > 0.5)))

    def result(self) -> dict[str, np.ndarray]:
        return {"mask_share": np.asarray(self.rows)}

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def tiny_rear(tmp_path_factory):
    path = tmp_path_factory.mktemp("mask") / "rear.mp4"
    render(RunnerParams(), Camera(view="rear"), path, fps=30, duration_s=1.0, width=360, height=640)
    return probe(str(path))


def test_the_mask_reaches_a_frame_work_and_leaves_the_landmarks_alone(tiny_rear, tmp_path):
    plain = run_pose_pass(tiny_rear)
    masked = run_pose_pass(tiny_rear, works=[_MaskShare()])
    assert np.array_equal(plain.landmarks, masked.landmarks, equal_nan=True)
    share = masked.frames["mask_share"]
    assert len(share) == plain.n_frames
    # the runner covers a few per cent of a rear frame (about 0.25 x 0.6 of it)
    assert np.all((share > 0.03) & (share < 0.3))
    # the cache keeps the work's arrays under a key of its own: a pass without the mask is not taken for it
    assert settings_digest([_MaskShare()]) != settings_digest()
    cache = PoseCache(tmp_path)
    pose_pass(tiny_rear, 0, tiny_rear.frame_count, cache=cache, works=[_MaskShare()], workers=1)
    assert cache.load(tiny_rear, 0, tiny_rear.frame_count) is None
    again = cache.load(tiny_rear, 0, tiny_rear.frame_count, works=[_MaskShare()])
    assert again is not None and np.array_equal(again.frames["mask_share"], share)


# ------------------------------------------------------------------------------------ clothing (part 4)
def _colour_at(img, uv):
    u, v = (int(round(c)) for c in uv)
    return img[v - 1:v + 2, u - 1:u + 2].reshape(-1, 3).mean(axis=0)


@pytest.mark.parametrize("clothing", CLOTHING)
def test_clothing_is_drawn_where_it_is_worn(clothing):
    """Tights cover the thigh and the calf; a loose shirt hangs over the pelvis and stays level when the
    pelvis drops; the model (the truth) does not know the clothing."""
    model = RunnerModel(RunnerParams(pelvic_drop_deg=9.0))
    proj = Projector(Camera(view="rear"), 360, 640, 1.75)
    look = Look(clothing=clothing)
    t = 0.12  # the right foot in mid-stance: the pelvis dropped on the left
    img = Scene(model, proj, look).frame(t)
    j = model.joints(t)
    thigh = proj.project(j["right_hip"] + 0.75 * (j["right_knee"] - j["right_hip"]))[0]
    calf = proj.project(j["right_knee"] + 0.3 * (j["right_ankle"] - j["right_knee"]))[0]
    pelvis = proj.project(j["mid_hip"] - [0.0, 0.0, 0.04])[0]
    near = lambda colour, uv: np.abs(_colour_at(img, uv) - colour).max() < 60  # noqa: E731
    assert near(look.tights if clothing == "tights" else look.skin, thigh)
    assert near(look.tights if clothing == "tights" else look.skin, calf)
    assert near(look.shirt if clothing == "loose_shirt" else look.shorts, pelvis)


def test_an_unknown_clothing_is_refused():
    with pytest.raises(ValueError, match="clothing"):
        Look(clothing="kilt")
