"""Drawing: the annotated video and the key frames at contact. All drawing lives here."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from gait import privacy
from gait.catalogue import DISPLAY_ORDER, MetricSpec, fmt
from gait.kinematics import SagittalAngles
from gait.landmarks import INDEX, SKELETON
from gait.pipeline import Analysis
from gait.pose import ProgressCallback
from gait.video_io import H264Writer, iter_frames

SIDE_COLOURS_BGR = {"left": (235, 140, 40), "right": (40, 140, 255)}  # blue, orange
NEUTRAL_BGR = (230, 230, 230)
CONTACT_SHOW_S = 0.12


def _side_of(name: str) -> str | None:
    return "left" if name.startswith("left_") else "right" if name.startswith("right_") else None


def _text_thickness(scale: float) -> int:
    return max(1, int(round(scale * 2)))


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float, colour=(255, 255, 255)) -> None:
    thickness = _text_thickness(scale)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thickness + 2, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)


def _text_width(text: str, scale: float) -> int:
    """Width in pixels of ``text`` as :func:`_text` draws it (outline included)."""
    (width, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, _text_thickness(scale) + 2)
    return width


def draw_pose(img: np.ndarray, xy: np.ndarray, knee_deg: dict[str, float], scale: float) -> None:
    """Skeleton (left blue, right orange) and knee flexion next to each knee, on ``img`` in place."""
    thickness = max(2, int(3 * scale))
    for a, b in SKELETON:
        pa, pb = xy[INDEX[a]], xy[INDEX[b]]
        if np.all(np.isfinite(pa)) and np.all(np.isfinite(pb)):
            side = _side_of(a) if _side_of(a) == _side_of(b) else None
            colour = SIDE_COLOURS_BGR[side] if side else NEUTRAL_BGR
            cv2.line(img, tuple(int(v) for v in pa), tuple(int(v) for v in pb), colour, thickness, cv2.LINE_AA)
    labels = []
    for side, colour in SIDE_COLOURS_BGR.items():
        knee = xy[INDEX[f"{side}_knee"]]
        if np.all(np.isfinite(knee)):
            cv2.circle(img, tuple(int(v) for v in knee), thickness + 2, colour, -1, cv2.LINE_AA)
            if np.isfinite(knee_deg.get(side, np.nan)):
                labels.append((knee, f"{knee_deg[side]:.0f}", colour))
    # each label on the outer side of its knee, so that two close knees do not overprint their numbers
    labels.sort(key=lambda label: label[0][0])
    gap = int(8 * scale)
    for i, (knee, text, colour) in enumerate(labels):
        x = int(knee[0]) + gap
        if i == 0 and len(labels) == 2:
            x = int(knee[0]) - gap - _text_width(text, 0.5 * scale)
        _text(img, text, (x, int(knee[1])), 0.5 * scale, colour)


# the summary panel in the corner of the annotated video: the catalogue's measures with a panel label
PANEL_METRICS: dict[str, tuple[MetricSpec, ...]] = {
    "side": tuple(m for m in DISPLAY_ORDER if m.short and "side" in m.views),
    "frontal": tuple(m for m in DISPLAY_ORDER if m.short and "rear" in m.views and not m.pelvis_timed),
}


def _panel(analysis: Analysis) -> list[str]:
    specs = PANEL_METRICS["side" if analysis.view == "side" else "frontal"]
    return [f"{m.short} {fmt(analysis.metrics[m.key]['value'], m.digits, m.ascii_unit, missing='-')}" for m in specs]


def _joint_angles(analysis: Analysis, row: int) -> dict[str, float]:
    """The angle shown at each knee: flexion from the side, FPPA from behind or in front."""
    angles = analysis.angles
    series = angles.knee_flexion_deg if isinstance(angles, SagittalAngles) else angles.fppa_deg
    return {s: series[s][row] for s in SIDE_COLOURS_BGR}


def frame_scale(height: int) -> float:
    """Size of the drawing on a frame ``height`` px tall, relative to its size on a 720 px frame (at least 0.6)."""
    return max(0.6, height / 720)


def panel_line_px(height: int) -> int:
    """Line spacing of the summary panel on a frame ``height`` px tall."""
    return int(24 * frame_scale(height))


def panel_height_px(view: str, height: int) -> int:
    """Rows that :func:`annotate_frame`'s summary panel covers at the top of a ``view`` frame ``height`` px
    tall: its lines down to the last baseline, and half a line below it for the letters' tails. A crop of
    the frame takes the panel whole or leaves it out."""
    lines = len(PANEL_METRICS["side" if view == "side" else "frontal"])
    return int(panel_line_px(height) * (lines + 0.5))


def annotate_frame(img: np.ndarray, analysis: Analysis, row: int) -> np.ndarray:
    """The frame of pose row ``row`` with skeleton, angles, contact markers and the summary panel."""
    out = img.copy()
    scale = frame_scale(out.shape[0])
    xy = analysis.pose.xy_px[row]
    draw_pose(out, xy, _joint_angles(analysis, row), scale)
    t = analysis.pose.time_s[row]
    for e in analysis.detection.events:
        if e.type == "initial_contact" and -0.5 / analysis.pose.fps <= t - e.time_s < CONTACT_SHOW_S:
            heel = xy[INDEX[f"{e.side}_heel"]]
            if np.all(np.isfinite(heel)):
                c = tuple(int(v) for v in heel)
                cv2.circle(out, c, int(14 * scale), SIDE_COLOURS_BGR[e.side], max(2, int(3 * scale)), cv2.LINE_AA)
                _text(out, f"contact {e.side[0].upper()}", (c[0] - int(40 * scale), c[1] + int(34 * scale)),
                      0.55 * scale, SIDE_COLOURS_BGR[e.side])
    line_h = panel_line_px(out.shape[0])
    for i, line in enumerate(_panel(analysis)):
        _text(out, line, (int(10 * scale), line_h * (i + 1)), 0.55 * scale)
    _text(out, f"t = {t:.2f} s", (int(10 * scale), out.shape[0] - int(12 * scale)), 0.5 * scale)
    return out


def key_frame_rows(analysis: Analysis) -> dict[str, int]:
    """Per side, the pose row at the contact of the steady step with the median knee angle (flexion at
    contact from the side, valgus in stance from behind or in front)."""
    key = "knee_flexion_at_contact_deg" if analysis.view == "side" else "knee_valgus_fppa_deg"
    steps = analysis.steps[analysis.steps["steady"]].dropna(subset=[key])
    rows = {}
    for side in SIDE_COLOURS_BGR:
        own = steps[steps["side"] == side].sort_values(key)
        if len(own):
            frame = int(own.iloc[len(own) // 2]["ic_frame"])
            rows[side] = int(np.clip(frame - analysis.pose.frame_index[0], 0, analysis.pose.n_frames - 1))
    return rows


def write_annotated(analysis: Analysis, video_path: Path, key_frame_dir: Path | None = None,
                    progress: ProgressCallback | None = None, key_frame_suffix: str = "",
                    blur_face: bool = False) -> dict[str, Path]:
    """Stream the analysed frames once: write the annotated H.264 video and the key frame PNGs (named by
    :func:`gait.report.output_name`, ``key_frame_suffix`` the clip's suffix).
    ``blur_face``: blur the runner's head in every frame before drawing (:mod:`gait.privacy`)."""
    from gait.report import output_name

    pose = analysis.pose
    first, last = int(pose.frame_index[0]), int(pose.frame_index[-1]) + 1
    keys = {row: side for side, row in key_frame_rows(analysis).items()} if key_frame_dir else {}
    written: dict[str, Path] = {"video": video_path}
    with H264Writer(video_path, analysis.info.width, analysis.info.height, analysis.info.file_fps) as writer:
        for row, (_, frame) in enumerate(iter_frames(analysis.info.path, first, last)):
            if blur_face:
                frame = privacy.blur_face(frame, pose.xy_px[row])
            annotated = annotate_frame(frame, analysis, row)
            writer.write(annotated)
            if key_frame_dir is not None and row in keys:
                path = key_frame_dir / output_name("keyframe", suffix=key_frame_suffix, side=keys[row])
                cv2.imwrite(str(path), annotated)
                written[f"keyframe_{keys[row]}"] = path
            if progress is not None:
                progress(row + 1, last - first)
    return written
