"""Pinhole camera looking at the treadmill from the side, the rear or the front."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from gait.catalogue import VIEWS


@dataclass(frozen=True)
class Camera:
    """Where the camera is and how large the runner appears.

    ``view``: "side" (``direction`` +1: the runner faces image-right, camera on the runner's right side;
    -1: faces image-left, camera on the left side), "rear" or "front".
    ``distance_m``: horizontal distance from the runner's body axis; ``height_m``: lens height above the
    belt; ``runner_frac``: standing height of the runner as a fraction of the image height (sets the focal
    length); ``look_at_height_m``: height above the belt of the point at the image centre (default: 45 %
    of the runner's height); ``lateral_offset_m``: camera moved sideways (along image-x) from the axis.
    ``yaw_deg``: side view, the camera moved round the runner by this angle towards the runner's front (+) or
    back (-), at the same distance and still aimed at the runner: an oblique view.
    """

    view: str = "side"
    direction: int = 1
    distance_m: float = 4.0
    height_m: float = 1.0
    runner_frac: float = 0.6
    look_at_height_m: float | None = None
    lateral_offset_m: float = 0.0
    yaw_deg: float = 0.0

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}")
        if self.direction not in (1, -1):
            raise ValueError("direction must be +1 or -1")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


class Projector:
    """World (metres) -> image pixels for one camera, image size and runner height."""

    def __init__(self, camera: Camera, width: int, height: int, runner_height_m: float):
        self.camera = camera
        self.width, self.height = width, height
        d, h = camera.distance_m, camera.height_m
        if camera.view == "side":
            s, yaw = camera.direction, np.radians(camera.yaw_deg)
            pos = np.array([camera.lateral_offset_m * s + d * np.sin(yaw), -d * np.cos(yaw) * s, h])
        elif camera.view == "rear":
            pos = np.array([-d, -camera.lateral_offset_m, h])
        else:
            pos = np.array([d, camera.lateral_offset_m, h])
        zl = camera.look_at_height_m if camera.look_at_height_m is not None else 0.45 * runner_height_m
        target = np.array([camera.lateral_offset_m * camera.direction if camera.view == "side" else 0.0,
                           0.0 if camera.view == "side" else pos[1], zl])
        fwd = target - pos
        fwd /= np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        down = np.cross(fwd, right)
        self.position = pos
        self.rot = np.stack([right, down, fwd])  # rows: camera axes in world coordinates
        self.f_px = camera.runner_frac * height * d / runner_height_m
        self.cx, self.cy = width / 2.0, height / 2.0

    def to_camera(self, pts: np.ndarray) -> np.ndarray:
        return (np.asarray(pts, float) - self.position) @ self.rot.T

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(..., 2) pixel positions and (...) depths (metres along the optical axis) of world points."""
        c = self.to_camera(pts)
        z = c[..., 2]
        uv = np.empty(c.shape[:-1] + (2,))  # filled in place: np.stack was a quarter of a render's time
        uv[..., 0] = self.f_px * c[..., 0] / z + self.cx
        uv[..., 1] = self.f_px * c[..., 1] / z + self.cy
        return uv, z

    def rays(self) -> np.ndarray:
        """(height, width, 3) world directions of the rays through the pixel centres."""
        u, v = np.meshgrid(np.arange(self.width) + 0.5, np.arange(self.height) + 0.5)
        cam = np.stack([(u - self.cx) / self.f_px, (v - self.cy) / self.f_px, np.ones_like(u)], axis=-1)
        return cam @ self.rot

    def to_dict(self) -> dict:
        return {"position_m": self.position.round(4).tolist(), "f_px": round(float(self.f_px), 3),
                "cx": self.cx, "cy": self.cy,
                "rotation_world_to_camera": self.rot.round(6).tolist()}
