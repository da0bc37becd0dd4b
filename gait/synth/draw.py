"""Drawing the runner and the treadmill: shaded primitives sorted back to front (painter's algorithm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from gait.synth.camera import Projector
from gait.synth.model import STANDARD_BUILD, Build, RunnerModel

SHIFT = 4  # sub-pixel bits for OpenCV drawing
SCALE = 1 << SHIFT
LIGHT = np.array([-0.45, -0.9])  # image direction the light comes from (upper left)
LIGHT = LIGHT / np.linalg.norm(LIGHT)


CLOTHING = ("shorts", "tights", "loose_shirt")


@dataclass(frozen=True)
class Look:
    """Colours (BGR) of the runner and the scene, and what the runner wears (``clothing``, one of
    :data:`CLOTHING`): ``shorts`` (bare legs below them), ``tights`` (legs covered down to the sock, in
    ``tights``), ``loose_shirt`` (shorts, and a wide shirt hanging from the shoulders over the pelvis and
    the top of the thighs: it does not follow the pelvis's tilt). The truth is the same in every clothing."""

    skin: tuple = (120, 160, 215)
    hair: tuple = (30, 35, 50)
    shirt: tuple = (190, 95, 35)
    shorts: tuple = (45, 40, 40)
    shoe: tuple = (40, 110, 235)  # the upper
    shoe_trim: tuple = (60, 45, 40)  # heel counter, collar, eyelet stay
    laces: tuple = (240, 240, 240)
    sole: tuple = (235, 235, 235)  # midsole
    outsole: tuple = (55, 55, 60)
    sock: tuple = (230, 230, 230)
    lips: tuple = (80, 80, 170)
    belt: tuple = (52, 52, 55)
    deck: tuple = (150, 150, 155)
    rail: tuple = (185, 185, 190)
    wall: tuple = (200, 215, 225)
    floor: tuple = (120, 135, 150)
    tights: tuple = (60, 50, 45)
    clothing: str = "shorts"

    def __post_init__(self) -> None:
        if self.clothing not in CLOTHING:
            raise ValueError(f"clothing {self.clothing!r}: one of {', '.join(CLOTHING)}")


# The running shoe, side profile in the foot frame: x forward along the sole line from the truth's heel point
# (the outsole's rear contact point; the toe point, foot_index, is at x = L, the heel-toe distance), z up from
# the sole line, both as fractions of the runner's height H (at 1.75 m: heel stack 34 mm, forefoot 23 mm,
# toe box 47 mm high at the toe point, collar 75 mm at the ankle, heel tab 100 mm, tongue 105 mm; 299 mm
# long). Each row: x as (fraction of L, fraction of H), then z values, then half-widths as fractions of half
# the foot width. Behind the heel point the sole bevels up (at more than 15 deg: a rearfoot strike lands on
# the heel point), ahead of the toe point it curls up (toe spring, at more than 35 deg: the foot rolls over
# the toe point at toe-off), so the drawn shoe meets the belt exactly at the truth's contact points.
SHOE_SOLE = [  # (x_L, x_H, bottom z, top z, half-width)
    (0.0, -0.0115, 0.0115, 0.0185, 0.50), (0.0, -0.0095, 0.0070, 0.0192, 0.72), (0.0, -0.0065, 0.0030, 0.0195, 0.82),
    (0.0, -0.0035, 0.0010, 0.0194, 0.87),
    (0.0, 0.0, 0.0, 0.0192, 0.88), (0.25, 0.0, 0.0, 0.0188, 0.84), (0.5, 0.0, 0.0, 0.0163, 0.78),
    (0.72, 0.0, 0.0, 0.0133, 1.05), (1.0, 0.0, 0.0, 0.0128, 0.86), (1.0, 0.004, 0.0030, 0.0148, 0.72),
    (1.0, 0.008, 0.0075, 0.0170, 0.52), (1.0, 0.011, 0.0125, 0.0185, 0.26)]
SHOE_UPPER = [  # (x_L, x_H, bottom z, top z, half-width low, half-width at the top)
    (0.0, -0.0105, 0.0470, 0.0570, 0.12, 0.10), (0.0, -0.0090, 0.0175, 0.0545, 0.55, 0.42),
    (0.0, -0.0060, 0.0180, 0.0530, 0.78, 0.55), (0.0, 0.0, 0.0180, 0.0500, 0.86, 0.60),
    (0.15, 0.0, 0.0180, 0.0445, 0.86, 0.62), (0.27, 0.0, 0.0180, 0.0430, 0.86, 0.60),
    (0.36, 0.0, 0.0175, 0.0600, 0.82, 0.30), (0.42, 0.0, 0.0170, 0.0580, 0.84, 0.40),
    (0.55, 0.0, 0.0160, 0.0500, 0.90, 0.50), (0.70, 0.0, 0.0130, 0.0405, 1.00, 0.62),
    (0.85, 0.0, 0.0125, 0.0345, 0.98, 0.66), (1.0, 0.0, 0.0120, 0.0290, 0.84, 0.60),
    (1.0, 0.005, 0.0140, 0.0272, 0.68, 0.50), (1.0, 0.009, 0.0162, 0.0235, 0.46, 0.34),
    (1.0, 0.0115, 0.0180, 0.0205, 0.22, 0.18)]


def _shoe_stations(L: float, H: float) -> tuple[dict, dict]:
    """``SHOE_SOLE`` and ``SHOE_UPPER`` in metres for a heel-toe distance L and a runner height H."""
    s, u = np.array(SHOE_SOLE), np.array(SHOE_UPPER)
    sole = {"x": s[:, 0] * L + s[:, 1] * H, "z0": s[:, 2] * H, "z1": s[:, 3] * H, "w": s[:, 4]}
    upper = {"x": u[:, 0] * L + u[:, 1] * H, "z0": u[:, 2] * H, "z1": u[:, 3] * H, "w_mid": u[:, 4],
             "w_top": u[:, 5]}
    return sole, upper


def shoe_axes(heel: np.ndarray, toe: np.ndarray, roll: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The shoe's frame (forward along the sole line heel->toe, lateral +Y, up), rolled by ``roll`` radians
    about the forward axis (right-handed; ``RunnerModel.rearfoot_roll``)."""
    fwd = (toe - heel) / float(np.linalg.norm(toe - heel))
    up = np.array([-fwd[2], 0.0, fwd[0]])
    up /= np.linalg.norm(up)
    lat = np.array([0.0, 1.0, 0.0])
    if roll:
        c, s = np.cos(roll), np.sin(roll)
        lat, up = c * lat + s * np.cross(fwd, lat), c * up + s * np.cross(fwd, up)
    return fwd, lat, up


def build_of(model: object) -> Build:
    """The body's :class:`Build` (the standard one for models without it)."""
    return getattr(getattr(model, "p", None), "build", STANDARD_BUILD)


def _scale(color: tuple, k: float) -> tuple:
    return tuple(int(min(255, max(0, c * k))) for c in color)


def _pts(uv: np.ndarray) -> np.ndarray:
    return np.rint((np.asarray(uv) - 0.5) * SCALE).astype(np.int32).reshape(-1, 1, 2)


def fill_hull(img: np.ndarray, uv: np.ndarray, color: tuple) -> None:
    uv = np.asarray(uv, float).reshape(-1, 2)
    if len(uv) < 3 or not np.isfinite(uv).all():
        return
    hull = cv2.convexHull(_pts(uv).reshape(-1, 2))
    cv2.fillConvexPoly(img, hull, color, cv2.LINE_AA, SHIFT)


# one item drawn in depth order: draws itself onto the image
DrawItem = tuple[float, Callable[[np.ndarray], None]]

_CIRCLE = np.stack([np.cos(np.linspace(0, 2 * np.pi, 20, endpoint=False)),
                    np.sin(np.linspace(0, 2 * np.pi, 20, endpoint=False))], axis=1)


def capsule2d(img: np.ndarray, c1: np.ndarray, c2: np.ndarray, r1: float, r2: float, color: tuple,
              shade: bool = True) -> None:
    """Tapered capsule between two image points with radii in px, shaded like a cylinder."""
    if shade:
        fill_hull(img, np.vstack([c1 + r1 * _CIRCLE, c2 + r2 * _CIRCLE]), _scale(color, 0.62))
        axis = c2 - c1
        n = np.array([-axis[1], axis[0]])
        nn = np.linalg.norm(n)
        n = n / nn if nn > 1e-9 else np.zeros(2)
        off = n * np.sign(np.dot(n, LIGHT) or 1.0)
        fill_hull(img, np.vstack([c1 + 0.16 * r1 * off + 0.78 * r1 * _CIRCLE,
                                  c2 + 0.16 * r2 * off + 0.78 * r2 * _CIRCLE]), color)
        fill_hull(img, np.vstack([c1 + 0.42 * r1 * off + 0.3 * r1 * _CIRCLE,
                                  c2 + 0.42 * r2 * off + 0.3 * r2 * _CIRCLE]), _scale(color, 1.18))
    else:
        fill_hull(img, np.vstack([c1 + r1 * _CIRCLE, c2 + r2 * _CIRCLE]), color)


def _hair_normals() -> np.ndarray:
    """Unit normals of the head sphere's points that the hair covers: the top, the back and the crown."""
    out = []
    for th in np.linspace(0, np.pi, 13):
        for ph in np.linspace(0, 2 * np.pi, 25, endpoint=False):
            n = np.array([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)])
            if n[2] > 0.3 or (n[0] < -0.1 and n[2] > -0.55) or (n[0] < 0.35 and n[2] > 0.05):
                out.append(n)
    return np.array(out)


_HAIR_NORMALS = _hair_normals()


def ball2d(img: np.ndarray, c: np.ndarray, r: float, color: tuple, shade: bool = True) -> None:
    if shade:
        fill_hull(img, c + r * _CIRCLE, _scale(color, 0.65))
        fill_hull(img, c + 0.14 * r * LIGHT + 0.82 * r * _CIRCLE, color)
        fill_hull(img, c + 0.42 * r * LIGHT + 0.32 * r * _CIRCLE, _scale(color, 1.15))
    else:
        fill_hull(img, c + r * _CIRCLE, color)


class Scene:
    """Draws frames of one clip: background once, then the treadmill and the runner per frame."""

    def __init__(self, model: RunnerModel, proj: Projector, look: Look = Look(), handrails: str = "auto",
                 console: bool | None = None):
        self.m, self.pj, self.look = model, proj, look
        view = proj.camera.view
        self.handrails = {"auto": "far" if view == "side" else "both"}.get(handrails, handrails)
        self.console = (view != "front") if console is None else console
        self.background = self._background()
        H = model.p.height_m
        self.belt_len, self.belt_w = 0.95 * H, 0.30 * H
        self.belt_x0 = -0.55 * H  # rear end of the belt

    # ------------------------------------------------------------------ static background
    def _background(self) -> np.ndarray:
        pj, look = self.pj, self.look
        rays = pj.rays()
        c = pj.position
        floor_z = -0.22
        fwd_h = pj.rot[2].copy()
        fwd_h[2] = 0.0
        fwd_h /= np.linalg.norm(fwd_h)
        wall_dist = pj.camera.distance_m + 2.6
        denom = rays @ fwd_h
        t_wall = np.where(denom > 1e-6, wall_dist / np.maximum(denom, 1e-6), np.inf)
        t_floor = np.where(rays[..., 2] < -1e-6, (floor_z - c[2]) / np.minimum(rays[..., 2], -1e-6), np.inf)
        is_floor = t_floor < t_wall
        hit = c + rays * np.where(is_floor, t_floor, t_wall)[..., None]
        img = np.empty(rays.shape[:2] + (3,), np.float32)
        # wall: soft vertical gradient, a skirting board, a window and a poster
        zw = hit[..., 2]
        lateral = hit @ pj.rot[0]
        wall = np.array(look.wall, np.float32) * (0.85 + 0.12 * np.clip(zw / 3.0, 0, 1))[..., None]
        skirting = (zw < floor_z + 0.12)[..., None]
        wall = np.where(skirting, np.array([215, 215, 215], np.float32), wall)
        window = ((np.abs(lateral + 1.6) < 0.7) & (zw > 1.0) & (zw < 2.2))[..., None]
        wall = np.where(window, np.array([235, 215, 180], np.float32), wall)
        frame = ((np.abs(np.abs(lateral + 1.6) - 0.7) < 0.04) & (zw > 0.96) & (zw < 2.24)) | \
                ((np.abs(lateral + 1.6) < 0.74) & ((np.abs(zw - 1.0) < 0.04) | (np.abs(zw - 2.2) < 0.04) |
                                                   (np.abs(zw - 1.6) < 0.025)))
        wall = np.where(frame[..., None], np.array([245, 245, 245], np.float32), wall)
        poster = ((np.abs(lateral - 1.7) < 0.35) & (zw > 1.1) & (zw < 1.9))[..., None]
        wall = np.where(poster, np.array([90, 150, 200], np.float32), wall)
        # floor: wooden boards
        fx, fy = hit[..., 0], hit[..., 1]
        board = np.floor(fx / 0.18) + 7 * np.floor(fy / 1.2)
        tone = 0.9 + 0.08 * np.sin(board * 12.9898) + 0.02 * np.sin(fy * 40.0)
        floor = np.array(look.floor, np.float32) * tone[..., None]
        joint = (np.abs(fx / 0.18 - np.round(fx / 0.18)) < 0.04)[..., None]
        floor = np.where(joint, floor * 0.8, floor)
        img = np.where(is_floor[..., None], floor, wall)
        # vignette
        h, w = img.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        r2 = ((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2
        img *= (1.0 - 0.35 * r2)[..., None]
        return np.clip(img, 0, 255).astype(np.uint8)

    # ------------------------------------------------------------------ helpers
    def _uv(self, p: np.ndarray) -> tuple[np.ndarray, float]:
        uv, z = self.pj.project(p)
        return uv, float(z)

    def _r(self, r_m: float, z: float) -> float:
        return self.pj.f_px * r_m / z

    def _capsule(self, img: np.ndarray, p1: np.ndarray, p2: np.ndarray, r1: float, r2: float, color: tuple,
                 shade: bool = True) -> None:
        (u1, z1), (u2, z2) = self._uv(p1), self._uv(p2)
        if z1 <= 0.05 or z2 <= 0.05:
            return
        capsule2d(img, u1, u2, self._r(r1, z1), self._r(r2, z2), color, shade)

    def _box(self, img: np.ndarray, corners: np.ndarray, color: tuple) -> None:
        """Solid box from its 8 corners: visible faces shaded by their orientation."""
        faces = [(0, 1, 3, 2), (4, 5, 7, 6), (0, 1, 5, 4), (2, 3, 7, 6), (0, 2, 6, 4), (1, 3, 7, 5)]
        centre = corners.mean(axis=0)
        light = np.array([-0.3, -0.5, 0.8])
        for f in faces:
            q = corners[list(f)]
            n = q.mean(axis=0) - centre
            n /= np.linalg.norm(n)
            if np.dot(n, self.pj.position - q.mean(axis=0)) <= 0:
                continue
            k = 0.65 + 0.35 * max(0.0, float(np.dot(n, light / np.linalg.norm(light))))
            uv, _ = self.pj.project(q)
            fill_hull(img, uv, _scale(color, k))

    @staticmethod
    def _box_corners(x0: float, x1: float, y0: float, y1: float, z0: float, z1: float) -> np.ndarray:
        return np.array([[x, y, z] for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)], float)

    # ------------------------------------------------------------------ treadmill
    def _treadmill_base(self, img: np.ndarray, t: float) -> None:
        x0, x1 = self.belt_x0, self.belt_x0 + self.belt_len
        w = self.belt_w / 2
        self._box(img, self._box_corners(x0 - 0.05, x1 + 0.25, -w - 0.07, w + 0.07, -0.22, -0.015),
                  self.look.deck)
        belt = np.array([[x0, -w, 0.0], [x1, -w, 0.0], [x1, w, 0.0], [x0, w, 0.0]])
        uv, _ = self.pj.project(belt)
        fill_hull(img, uv, self.look.belt)
        # belt marks move backwards at the belt speed
        spacing = 0.45
        off = (-self.m.speed_ms * t) % spacing
        for k in range(int(self.belt_len / spacing) + 1):
            x = x0 + off + k * spacing
            if x0 < x < x1 - 0.02:
                q = np.array([[x, -w, 0], [x + 0.025, -w, 0], [x + 0.025, w, 0], [x, w, 0]])
                uv, _ = self.pj.project(q)
                fill_hull(img, uv, _scale(self.look.belt, 1.35))
        # side rails of the deck (foot rests)
        for s in (-1, 1):
            self._box(img, self._box_corners(x0 - 0.05, x1 + 0.25, s * w, s * (w + 0.07), -0.015, 0.01),
                      _scale(self.look.deck, 0.8))
        # motor hood at the front
        self._box(img, self._box_corners(x1, x1 + 0.25, -w - 0.07, w + 0.07, -0.015, 0.1),
                  _scale(self.look.deck, 0.6))
        # shadow of the runner on the belt
        c, _ = self.m.pelvis(t)
        shadow = np.array([[c[0] + 0.28 * np.cos(a), c[1] + 0.14 * np.sin(a), 0.001]
                           for a in np.linspace(0, 2 * np.pi, 24, endpoint=False)])
        uv, _ = self.pj.project(shadow)
        fill_hull(img, uv, _scale(self.look.belt, 0.7))

    def _rail_items(self) -> list[DrawItem]:
        """(depth, draw) pairs of the handrails and the console, drawn in depth order with the body."""
        items: list[DrawItem] = []
        x1 = self.belt_x0 + self.belt_len
        H = self.m.p.height_m
        w = self.belt_w / 2 + 0.05
        rail_z = 0.55 * H
        r = 0.02
        sides = {"none": (), "far": (), "both": (-1, 1)}.get(self.handrails, ())
        if self.handrails == "far":
            cam_y = self.pj.position[1]
            sides = (1,) if cam_y < 0 else (-1,)
            if self.pj.camera.view != "side":
                sides = (-1, 1)
        for s in sides:
            a, b = np.array([x1 + 0.1, s * w, -0.02]), np.array([x1 + 0.1, s * w, rail_z])
            c = np.array([x1 - 0.45, s * w, rail_z])
            for p, q in ((a, b), (b, c)):
                z = float(self.pj.project((p + q) / 2)[1])

                def draw_rail(img: np.ndarray, p: np.ndarray = p, q: np.ndarray = q) -> None:
                    self._capsule(img, p, q, r, r, self.look.rail)
                items.append((z, draw_rail))
        if self.console:
            xc = x1 + 0.12
            corners = self._box_corners(xc, xc + 0.12, -w, w, 0.62 * H, 0.75 * H)
            z = float(self.pj.project(corners.mean(axis=0))[1])

            def draw(img: np.ndarray, corners: np.ndarray = corners) -> None:
                for s in (-1, 1):
                    self._capsule(img, np.array([x1 + 0.15, s * w, -0.02]), np.array([xc + 0.06, s * w, 0.63 * H]),
                                  0.025, 0.025, self.look.rail)
                self._box(img, corners, (70, 70, 75))
            items.append((z, draw))
        return items

    # ------------------------------------------------------------------ runner
    def _runner_items(self, t: float) -> list[DrawItem]:
        m, look = self.m, self.look
        H = m.p.height_m
        g = build_of(m)
        J = m.joints(t)
        pj = self.pj
        items: list[DrawItem] = []

        def depth(*ps: np.ndarray) -> float:
            return float(pj.to_camera(np.mean(ps, axis=0))[2])

        # legs
        for side in ("left", "right"):
            hip, knee, ankle = J[f"{side}_hip"], J[f"{side}_knee"], J[f"{side}_ankle"]
            heel, toe = J[f"{side}_heel"], J[f"{side}_foot_index"]
            pitch = float(J[f"{side}_foot_pitch"][0])
            roll = m.rearfoot_roll(side, t) if hasattr(m, "rearfoot_roll") else 0.0

            def draw_leg(img: np.ndarray, hip=hip, knee=knee, ankle=ankle, heel=heel, toe=toe, pitch=pitch,
                         roll=roll, side=side) -> None:
                leg = look.tights if look.clothing == "tights" else look.skin
                self._capsule(img, hip, knee, 0.05 * H * g.thigh_girth, 0.033 * H * g.thigh_girth, leg)
                self._capsule(img, knee, ankle, 0.033 * H * g.calf_girth, 0.019 * H * g.calf_girth, leg)
                mid_shank = knee + 0.35 * (ankle - knee)
                self._capsule(img, knee + 0.05 * (ankle - knee), mid_shank, 0.032 * H * g.calf_girth,
                              0.03 * H * g.calf_girth, leg)
                self._capsule(img, ankle + 0.25 * (knee - ankle), ankle, 0.02 * H * g.calf_girth,
                              0.02 * H * g.calf_girth, look.sock)
                self._shoe(img, heel, toe, pitch, roll)
                sh_end = hip + 0.42 * (knee - hip)
                self._capsule(img, hip + np.array([0, 0, 0.02 * H]), sh_end, 0.056 * H * g.thigh_girth,
                              0.047 * H * g.thigh_girth, look.shorts)
            items.append((depth(hip, knee, ankle), draw_leg))
        # torso
        items.append((depth(J["mid_hip"], J["mid_shoulder"]), lambda img: self._torso(img, J)))
        if look.clothing == "loose_shirt":  # its hem over the thighs' tops, even a leg reaching back or forward
            legs = min(depth(J[f"{s}_hip"], J[f"{s}_knee"], J[f"{s}_ankle"]) for s in ("left", "right"))
            items.append((min(depth(J["mid_hip"]) - 0.07 * H, legs - 1e-3), lambda img: self._loose_hem(img, J)))
        # arms
        for side in ("left", "right"):
            sh, el, wr, tip = (J[f"{side}_shoulder"], J[f"{side}_elbow"], J[f"{side}_wrist"],
                               J[f"{side}_hand_tip"])

            def draw_arm(img: np.ndarray, sh=sh, el=el, wr=wr, tip=tip) -> None:
                self._capsule(img, sh, el, 0.027 * H, 0.021 * H, look.skin)
                self._capsule(img, el, wr, 0.02 * H, 0.016 * H, look.skin)
                self._capsule(img, sh - np.array([0, 0, 0.01 * H]), sh + 0.38 * (el - sh), 0.036 * H, 0.03 * H,
                              look.shirt)
                self._capsule(img, wr + 0.2 * (tip - wr), wr + 0.75 * (tip - wr), 0.024 * H, 0.022 * H, look.skin)
            items.append((depth(sh, el, wr), draw_arm))
        items.append((depth(J["head"]), lambda img: self._head(img, J)))
        return items

    def _shoe(self, img: np.ndarray, heel: np.ndarray, toe: np.ndarray, pitch: float, roll: float = 0.0) -> None:
        """A running shoe on the sole line heel->toe (the truth's heel and foot_index: ``SHOE`` notes), rolled
        by ``roll`` about that line (:func:`shoe_axes`)."""
        H = self.m.p.height_m
        look = self.look
        L = float(np.linalg.norm(toe - heel))
        fwd, lat, up = shoe_axes(heel, toe, roll)
        hw = self.m.a.foot_width / 2
        cam = self.pj.position
        centre = heel + fwd * 0.5 * L + up * 0.03 * H
        side = 1.0 if np.dot(lat, cam - centre) >= 0 else -1.0  # the face of the shoe the camera sees
        sole, upper = _shoe_stations(L, H)

        def pts(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
            return heel + np.multiply.outer(x, fwd) + np.multiply.outer(y, lat) + np.multiply.outer(z, up)

        def cross_sections(x: np.ndarray, z0: np.ndarray | float, z1: np.ndarray | float, w0: np.ndarray,
                           w1: np.ndarray) -> np.ndarray:
            """(stations, 10, 3) cross-sections at stations x: rounded, widest a third of the way up, w0 at the
            bottom, w1 at the top."""
            x, z0, z1, w0, w1 = np.broadcast_arrays(x, z0, z1, w0, w1)
            zm, z7 = z0 + 0.35 * (z1 - z0), z0 + 0.7 * (z1 - z0)
            wm = np.maximum(w0, w1)
            zero = np.zeros_like(wm)
            ys = np.stack([0.85 * w0, wm, 0.97 * wm, w1, zero, -w1, -0.97 * wm, -wm, -0.85 * w0, zero], axis=-1)
            zs = np.stack([z0, zm, z7, z1, z1, z1, z7, zm, z0, z0], axis=-1)
            return pts(np.broadcast_to(x[:, None], ys.shape), hw * ys, zs)

        def loft(sections: np.ndarray, color: tuple) -> None:
            uv, _ = self.pj.project(sections)
            for a, b in zip(uv, uv[1:], strict=False):
                fill_hull(img, np.vstack([a, b]), color)

        def face(xz: list, inset: float, color: tuple) -> None:
            """A flat patch on the visible side face: (x, z) points, at the shoe's width there."""
            x = np.array([p[0] for p in xz])
            z = np.array([p[1] for p in xz])
            w = np.interp(x, upper["x"], upper["w_mid"]) * hw * (1.0 + inset)
            uv, _ = self.pj.project(pts(x, side * w, z))
            fill_hull(img, uv, color)

        shade = float(np.clip(0.8 + 0.35 * np.dot(up, [0.0, 0.0, 1.0]), 0.55, 1.0))
        midsole = cross_sections(sole["x"], sole["z0"], sole["z1"], sole["w"], sole["w"])
        rubber = cross_sections(sole["x"], sole["z0"], sole["z0"] + 0.0028 * H, 0.92 * sole["w"], 0.92 * sole["w"])
        body = cross_sections(upper["x"], upper["z0"], upper["z1"], upper["w_mid"], upper["w_top"])
        x, z0, z1, w0, w1 = (upper[k][1:-1] for k in ("x", "z0", "z1", "w_mid", "w_top"))
        lit = cross_sections(x, z0 + 0.45 * (z1 - z0), z1 - 0.12 * (z1 - z0), 0.9 * w0, 0.9 * w1)
        bottom_seen = np.dot(-up, cam - (heel + fwd * 0.5 * L)) > 0
        parts = [(rubber, _scale(look.outsole, shade)), (midsole, _scale(look.sole, shade)),
                 (body, _scale(look.shoe, 0.8 * shade)), (lit, _scale(look.shoe, shade))]
        for rings, color in (parts[::-1] if bottom_seen else parts):
            loft(rings, color)
        if bottom_seen:
            return
        # heel counter (side patch and the back), collar lining, eyelet stay, laces, a side stripe
        x_c = 0.2 * L
        z_sole = float(np.interp(0.0, sole["x"], sole["z1"]))
        counter = _scale(look.shoe_trim, shade)
        face([(upper["x"][1], z_sole), (upper["x"][1], 0.046 * H), (0.0, 0.042 * H), (0.6 * x_c, 0.035 * H),
              (x_c, 0.026 * H), (x_c, z_sole - 0.001 * H)], 0.04, counter)
        w_back = 1.03 * upper["w_mid"][1:3]
        back = cross_sections(upper["x"][1:3], z_sole, 0.044 * H, w_back, w_back)
        if np.dot(-fwd, cam - heel) > 0:
            loft(back, counter)
        xs = np.linspace(upper["x"][0], 0.37 * L, 8)
        zt = np.interp(xs, upper["x"], upper["z1"])
        face(list(zip(xs, zt, strict=True)) + [(x, z - 0.005 * H) for x, z in zip(xs, zt, strict=True)], 0.05,
             _scale(look.shoe_trim, 0.7 * shade))
        xs = np.linspace(0.36 * L, 0.72 * L, 8)
        zt = np.interp(xs, upper["x"], upper["z1"])
        face([(x, z + 0.001 * H) for x, z in zip(xs, zt, strict=True)]
             + [(x, z - 0.007 * H) for x, z in zip(xs, zt, strict=True)], -0.2,
             _scale(look.shoe_trim, shade))
        thick = max(1, int(round(self._r(0.0035 * H, float(self.pj.to_camera(centre)[2])))))
        wt = np.interp(xs, upper["x"], upper["w_top"]) * hw
        if np.dot(up, cam - centre) > 0:  # laces across the instep
            for k in range(1, len(xs) - 1, 1):
                a, b = pts(np.array([xs[k], xs[k + 1]]), np.array([-wt[k], wt[k + 1]]) * 0.8,
                           np.array([zt[k], zt[k + 1]]) + 0.002 * H)
                (ua, _), (ub, _) = self.pj.project(a), self.pj.project(b)
                cv2.line(img, tuple(_pts(ua).ravel()), tuple(_pts(ub).ravel()), look.laces, thick, cv2.LINE_AA,
                         SHIFT)
        for k in range(1, len(xs) - 1):  # lace loops over the edge of the instep, seen from the side
            a = pts(np.array([xs[k]]), np.array([side * 0.75 * wt[k]]), np.array([zt[k] + 0.003 * H]))[0]
            b = pts(np.array([xs[k] + 0.012 * L]), np.array([side * 0.75 * wt[k]]), np.array([zt[k] - 0.001 * H]))[0]
            (ua, _), (ub, _) = self.pj.project(a), self.pj.project(b)
            cv2.line(img, tuple(_pts(ua).ravel()), tuple(_pts(ub).ravel()), look.laces, thick, cv2.LINE_AA, SHIFT)
        face([(0.3 * L, 0.024 * H), (0.36 * L, 0.027 * H), (0.62 * L, 0.038 * H), (0.58 * L, 0.039 * H)], 0.06,
             _scale(look.laces, shade))

    def _torso(self, img: np.ndarray, J: dict) -> None:
        H = self.m.p.height_m
        look = self.look
        up = J["trunk_up"]
        base = J["mid_hip"]
        top = J["mid_shoulder"]
        lat_sh = (J["left_shoulder"] - J["right_shoulder"])
        lat_sh /= np.linalg.norm(lat_sh)
        lat_hip = J["left_hip"] - J["right_hip"]
        lat_hip /= np.linalg.norm(lat_hip)
        ang = np.linspace(0, 2 * np.pi, 18, endpoint=False)
        cos, sin = np.cos(ang), np.sin(ang)

        def ring(centre: np.ndarray, lat: np.ndarray, half_w: float, half_d: float) -> np.ndarray:
            fwd = np.cross(lat, up)
            fwd /= np.linalg.norm(fwd)
            return centre + lat * half_w * cos[:, None] + fwd * half_d * sin[:, None]

        length = np.linalg.norm(top - base)
        def at(f: float) -> np.ndarray:
            return base + up * length * f
        def blend(f: float) -> np.ndarray:
            v = lat_hip * (1 - f) + lat_sh * f
            return v / np.linalg.norm(v)

        k = build_of(self.m).pelvis_girth
        shorts = np.vstack([ring(at(-0.12), blend(0), 0.095 * H * k, 0.06 * H * k),
                            ring(at(0.05), blend(0.05), 0.092 * H * k, 0.058 * H * k),
                            ring(at(0.2), blend(0.2), 0.085 * H * k, 0.055 * H * k)])
        shirt = np.vstack([ring(at(0.17), blend(0.17), 0.086 * H, 0.056 * H),
                           ring(at(0.5), blend(0.5), 0.088 * H, 0.06 * H),
                           ring(at(0.8), blend(0.8), 0.1 * H, 0.062 * H),
                           ring(at(1.0), blend(1.0), 0.1 * H, 0.05 * H),
                           ring(at(1.05), blend(1.0), 0.06 * H, 0.04 * H)])
        for pts, color in ((shorts, look.shorts), (shirt, look.shirt)):
            self._shaded_hull(img, pts, color)

    def _loose_hem(self, img: np.ndarray, J: dict) -> None:
        """The loose shirt's lower part: from the waist, hanging straight down (the world's vertical, the
        shoulders' lateral axis) past the hip joints to the top of the thighs, wider than the pelvis."""
        H = self.m.p.height_m
        lat = J["left_shoulder"] - J["right_shoulder"]
        lat = lat - np.array([0.0, 0.0, lat[2]])
        lat /= np.linalg.norm(lat)
        down = np.array([0.0, 0.0, -1.0])
        fwd = np.cross(lat, -down)
        k = max(1.0, build_of(self.m).pelvis_girth)
        waist = (J["mid_hip"] + J["mid_shoulder"]) / 2
        ang = np.linspace(0, 2 * np.pi, 18, endpoint=False)
        rings = [waist + down * (dz * H) + np.outer(np.cos(ang), lat) * hw * H * k
                 + np.outer(np.sin(ang), fwd) * hd * H * k
                 for dz, hw, hd in ((0.0, 0.095, 0.062), (0.16, 0.112, 0.07), (0.205, 0.118, 0.074))]
        self._shaded_hull(img, np.vstack(rings), self.look.shirt)

    def _shaded_hull(self, img: np.ndarray, pts: np.ndarray, color: tuple) -> None:
        uv, _ = self.pj.project(pts)
        fill_hull(img, uv, _scale(color, 0.65))
        c = uv.mean(axis=0)
        r = np.ptp(uv, axis=0).max()
        fill_hull(img, c + 0.8 * (uv - c) + 0.06 * r * LIGHT, color)
        fill_hull(img, c + 0.45 * (uv - c) + 0.16 * r * LIGHT, _scale(color, 1.12))

    def _head(self, img: np.ndarray, J: dict) -> None:
        H = self.m.p.height_m
        look = self.look
        r = self.m.a.head_radius
        c = J["head"]
        cam = self.pj.position
        self._capsule(img, J["mid_shoulder"], J["neck_top"] + np.array([0, 0, 0.02 * H]), 0.032 * H, 0.03 * H,
                      look.skin)
        # ears behind the face features, in front of the head outline when they face the camera
        def facing(p: np.ndarray, n: np.ndarray) -> bool:
            return float(np.dot(n, cam - p)) > 0

        uv_c, zc = self._uv(c)
        R = self._r(r, zc)
        chin = c + r * np.array([0.35, 0, -0.55])
        ball2d(img, self._uv(chin)[0], self._r(0.62 * r, zc), look.skin)
        ball2d(img, uv_c, R, look.skin)
        # hair: the points of the cap of the head sphere that face the camera
        cap = c + 1.04 * r * _HAIR_NORMALS
        hair = cap[np.einsum("ij,ij->i", _HAIR_NORMALS, cam - cap) > 0]
        if len(hair) >= 3:
            uv, _ = self.pj.project(hair)
            fill_hull(img, uv, look.hair)
        for s, name in ((1, "left_ear"), (-1, "right_ear")):
            p = J[name]
            if facing(p, np.array([0, s, 0])):
                uv, z = self._uv(p)
                rr = self._r(0.24 * r, z)
                cv2.ellipse(img, tuple(_pts(uv).ravel()), (int(rr * 0.7 * SCALE), int(rr * SCALE)), 0, 0, 360,
                            _scale(look.skin, 0.8), -1, cv2.LINE_AA, SHIFT)
        # face
        for s, name in ((1, "left_eye"), (-1, "right_eye")):
            p = J[name]
            n = (p - c) / r
            if facing(p, n):
                uv, z = self._uv(p)
                rr = self._r(0.13 * r, z)
                cv2.ellipse(img, tuple(_pts(uv).ravel()), (int(rr * SCALE), int(0.6 * rr * SCALE)), 0, 0, 360,
                            (245, 245, 245), -1, cv2.LINE_AA, SHIFT)
                uvp, _ = self._uv(p + r * np.array([0.08, 0, 0]))
                cv2.circle(img, tuple(_pts(uvp).ravel()), int(0.5 * rr * SCALE), (40, 30, 25), -1, cv2.LINE_AA, SHIFT)
                b1, _ = self._uv(p + r * np.array([0.02, 0.12 * s, 0.22]))
                b2, _ = self._uv(p + r * np.array([0.0, -0.12 * s, 0.2]))
                cv2.line(img, tuple(_pts(b1).ravel()), tuple(_pts(b2).ravel()), look.hair,
                         max(1, int(0.35 * rr)), cv2.LINE_AA, SHIFT)
        nose = J["nose"]
        nose_base = c + r * np.array([0.92, 0, -0.05])
        if facing(nose, np.array([1.0, 0, 0])):
            tri = [nose_base + r * np.array([0, 0, 0.15]), nose, nose_base + r * np.array([0, 0.14, -0.3]),
                   nose_base + r * np.array([0, -0.14, -0.3])]
            uv, _ = self.pj.project(np.array(tri))
            fill_hull(img, uv, _scale(look.skin, 0.85))
        ml, mr = J["mouth_left"], J["mouth_right"]
        if facing((ml + mr) / 2, np.array([1.0, 0, -0.3])):
            mid = (ml + mr) / 2 + r * np.array([0.03, 0, -0.04])
            uv, _ = self.pj.project(np.array([ml, mid, mr]))
            cv2.polylines(img, [_pts(uv)], False, look.lips, max(1, int(self._r(0.05 * r, zc))), cv2.LINE_AA, SHIFT)

    # ------------------------------------------------------------------ frame
    def frame(self, t: float) -> np.ndarray:
        img = self.background.copy()
        self._treadmill_base(img, t)
        items = self._rail_items() + self._runner_items(t)
        items.sort(key=lambda it: -it[0])
        for _, draw in items:
            draw(img)
        return img
