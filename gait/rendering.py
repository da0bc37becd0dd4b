"""Drawing: the annotated video and the key frames at contact. All drawing lives here.

The annotated video is drawn at a size for viewing (:data:`VIDEO_SIZES`: by default the long side at most
1280 px; "full" keeps the clip's size) with x264's fastest preset, from a second decode of the clip, in a
thread :data:`READ_AHEAD` frames ahead of the drawing (decoding, drawing and the encoder's pipe release the GIL). On
a machine of four cores or more a long clip is drawn in parallel parts, each reading its first frame by a
seek checked against the pose pass's fingerprints, and the parts are joined without re-encoding. The key
frames are drawn at the clip's full size.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Generator, Iterator

import cv2
import numpy as np

from gait import privacy
from gait.catalogue import DISPLAY_ORDER, MetricSpec, fmt, shown_metrics
from gait.events import GaitEvent
from gait.kinematics import FrontalAngles, SagittalAngles
from gait.landmarks import INDEX, SKELETON
from gait.memory import use_one_arena
from gait.pose import ProgressCallback, default_workers
from gait.results import Analysis
from gait.video_io import H264Writer, concat_mp4, frames_at, iter_frames_checked, read_ahead

SIDE_COLOURS_BGR = {"left": (235, 140, 40), "right": (40, 140, 255)}  # blue, orange
NEUTRAL_BGR = (230, 230, 230)
CONTACT_SHOW_S = 0.12
CONTACT_LABEL_SCALE = 0.55  # of frame_scale: the contact marker's label
# a contact label's baseline at least this far above the time label's (px at frame_scale 1): its own height and
# the time label's, outlines included
TIME_LABEL_CLEARANCE_PX = 30
VIDEO_SIZES = {"fit": 1280, "full": None}  # the annotated video's longest side in px (None: the clip's size)
VIDEO_PRESET = "ultrafast"  # x264: its fastest preset; the skeleton and text compress well
VIDEO_CRF = 23
MIN_PART_FRAMES = 600  # a video is drawn in parts of at least this many frames
# a part keeps about two cores busy: its decoding thread, its drawing thread and its encoder (the 65 s
# benchmark clip's video: 1.9 cores in one part on two cores; docs/speed.md)
PART_CORES = 2
READ_AHEAD = 2  # frames decoded ahead of the drawing


class DrawingStopped(Exception):
    """The annotated video was stopped part way (:func:`write_annotated`'s ``stop``)."""


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


def draw_pose(img: np.ndarray, xy: np.ndarray, knee_deg: dict[str, float], scale: float,
              measured_px: dict[str, np.ndarray] | None = None) -> None:
    """Skeleton (left blue, right orange) and the knee angle next to each knee, on ``img`` in place.

    ``measured_px``: per side the three points (top, knee, bottom) the knee angle was measured at when they
    are not the skeleton's (:attr:`gait.kinematics.FrontalAngles.fppa_points_px`), drawn as a white line
    with the side's colour at its points, and the angle written at its knee."""
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
        measured = None if measured_px is None else measured_px.get(side)
        if measured is not None and np.all(np.isfinite(measured)):
            corners = np.round(measured).astype(np.int32).reshape(-1, 1, 2)
            cv2.polylines(img, [corners], False, (0, 0, 0), thickness + 2, cv2.LINE_AA)
            cv2.polylines(img, [corners], False, (255, 255, 255), max(1, thickness - 1), cv2.LINE_AA)
            for point in measured:
                cv2.circle(img, tuple(int(v) for v in point), thickness + 1, colour, -1, cv2.LINE_AA)
            knee = measured[1]
        if np.all(np.isfinite(knee)):
            cv2.circle(img, tuple(int(v) for v in knee), thickness + 2, colour, -1, cv2.LINE_AA)
            if np.isfinite(knee_deg.get(side, np.nan)):
                labels.append((knee, fmt(float(knee_deg[side]), 0), colour))  # "0", not "-0"
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
    "frontal": tuple(m for m in DISPLAY_ORDER if m.short and "rear" in m.views),
}


def _panel(analysis: Analysis) -> list[str]:
    """The panel's lines: its view's measures (:data:`PANEL_METRICS`) that have a value (rearfoot eversion only
    in marker mode)."""
    measured = set(shown_metrics(analysis.metrics))
    return [f"{m.short} {fmt(analysis.metrics[m.key]['value'], m.digits, m.ascii_unit)}"
            for m in PANEL_METRICS["side" if analysis.view == "side" else "frontal"] if m.key in measured]


def _joint_angles(analysis: Analysis, row: int) -> dict[str, float]:
    """The angle shown at each knee: flexion from the side, FPPA from behind or in front."""
    angles = analysis.angles
    series = angles.knee_flexion_deg if isinstance(angles, SagittalAngles) else angles.fppa_deg
    return {s: series[s][row] for s in SIDE_COLOURS_BGR}


def _measured_points(analysis: Analysis, row: int, zoom: float) -> dict[str, np.ndarray] | None:
    """The points each side's knee angle was measured at in row ``row``, where they are not the pose's."""
    angles = analysis.angles
    if not isinstance(angles, FrontalAngles) or angles.fppa_points_px is None:
        return None
    return {side: values[row] * zoom for side, values in angles.fppa_points_px.items()}


def frame_scale(height: int) -> float:
    """Size of the drawing on a frame ``height`` px tall, relative to its size on a 720 px frame (at least 0.6)."""
    return max(0.6, height / 720)


def panel_line_px(height: int) -> int:
    """Line spacing of the summary panel on a frame ``height`` px tall."""
    return int(24 * frame_scale(height))


def panel_height_px(view: str, height: int) -> int:
    """Rows that :func:`annotate_frame`'s summary panel covers at the top of a ``view`` frame ``height`` px
    tall, every measure of its view given: its lines down to the last baseline, and half a line below it for
    the letters' tails. A crop of the frame takes the panel whole or leaves it out."""
    lines = len(PANEL_METRICS["side" if view == "side" else "frontal"])
    return int(panel_line_px(height) * (lines + 0.5))


def annotate_frame(img: np.ndarray, analysis: Analysis, row: int, zoom: float = 1.0,
                   panel: PanelOverlay | None = None) -> np.ndarray:
    """The frame of pose row ``row`` with skeleton, angles, contact markers and the summary panel, drawn on
    ``img`` (every caller's frame is its own: freshly read or scaled; a copy cost 0.2 ms a 720x1280 frame).

    ``zoom``: the size of ``img`` relative to the clip's frames (the pose is scaled to it). ``panel``: the
    summary panel drawn once (:class:`PanelOverlay`), pasted instead of drawn again."""
    scale = frame_scale(img.shape[0])
    xy = analysis.pose.xy_px[row] * zoom
    draw_pose(img, xy, _joint_angles(analysis, row), scale, _measured_points(analysis, row, zoom))
    t = analysis.pose.time_s[row]
    for e in analysis.detection.events:
        if e.type == "initial_contact" and -0.5 / analysis.pose.fps <= t - e.time_s < CONTACT_SHOW_S:
            heel = xy[INDEX[f"{e.side}_heel"]]
            if np.all(np.isfinite(heel)):
                c = (int(heel[0]), int(heel[1]))
                cv2.circle(img, c, int(14 * scale), SIDE_COLOURS_BGR[e.side], max(2, int(3 * scale)), cv2.LINE_AA)
                label = contact_label(analysis, e)
                _text(img, label, _contact_label_origin(c, label, scale, img.shape), CONTACT_LABEL_SCALE * scale,
                      SIDE_COLOURS_BGR[e.side])
    if panel is not None:
        panel.paste(img)
    else:
        _draw_panel(img, _panel(analysis))
    _text(img, time_label(analysis, row), _time_label_origin(img.shape[0]), 0.5 * scale)
    return img


def contact_label(analysis: Analysis, event: GaitEvent) -> str:
    """A landing marker's words: "contact L", and "(left out)" when the trust gate left its step's foot
    measures out (:attr:`gait.results.Analysis.left_out_contacts`: the foot out of view, the leg lost)."""
    left_out = (event.side, float(event.time_s)) in analysis.left_out_contacts
    return f"contact {event.side[0].upper()}" + (" (left out)" if left_out else "")


def _contact_label_origin(heel: tuple[int, int], label: str, scale: float, shape: tuple[int, ...]) -> tuple[int, int]:
    """Where a contact marker's label starts: below the heel's circle, or above it when the heel is so low in the
    frame that the label would run into the time label at the bottom (a treadmill filmed from the floor), inside
    the frame's width."""
    height, width = shape[:2]
    x = min(max(heel[0] - int(40 * scale), 0), width - _text_width(label, CONTACT_LABEL_SCALE * scale))
    below = heel[1] + int(34 * scale)
    lowest = _time_label_origin(height)[1] - int(TIME_LABEL_CLEARANCE_PX * scale)
    return x, below if below <= lowest else min(heel[1] - int(22 * scale), lowest)


def _time_label_origin(height: int) -> tuple[int, int]:
    """Where :func:`time_label` is drawn in a ``height`` frame: its baseline's left end, at the bottom left."""
    scale = frame_scale(height)
    return int(10 * scale), height - int(12 * scale)


def time_label_box(analysis: Analysis, row: int, height: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the pixels :func:`time_label` covers in a ``height`` frame, its outline included."""
    return time_text_box(time_label(analysis, row), height)


def time_text_box(label: str, height: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the pixels the time label ``label`` covers in a ``height`` frame."""
    text_scale = 0.5 * frame_scale(height)
    outline = _text_thickness(text_scale) + 2
    (width, above), below = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, text_scale, outline)
    x, baseline = _time_label_origin(height)
    return max(0, x - outline), baseline - above - outline, x + width + outline, min(height, baseline + below + outline)


def time_label(analysis: Analysis, row: int) -> str:
    """Where the frame of pose row ``row`` is, as a player shows the clip ("t = 4.70 s"); slow-motion
    footage adds the time as filmed, which the analysis's times are in."""
    played = analysis.pose.frame_index[row] / analysis.info.file_fps
    if analysis.info.slow_motion_factor == 1:
        return f"t = {played:.2f} s"
    return f"t = {played:.2f} s in the file ({analysis.pose.time_s[row]:.2f} s as filmed)"


def _draw_panel(img: np.ndarray, lines: list[str]) -> None:
    scale, line_h = frame_scale(img.shape[0]), panel_line_px(img.shape[0])
    for i, line in enumerate(lines):
        _text(img, line, (int(10 * scale), line_h * (i + 1)), 0.55 * scale)


class PanelOverlay:
    """The summary panel drawn once for frames of one size, then pasted on each: the same pixels as
    drawing it (up to rounding of the anti-aliased edges), at a fraction of the cost.

    Drawn on black and on white, the panel gives per pixel what the text adds and how much of the
    background shows through: ``out = on_black + background * (on_white - on_black) / 255``."""

    def __init__(self, analysis: Analysis, height: int, width: int):
        lines = _panel(analysis)
        scale = frame_scale(height)
        rows = min(height, panel_height_px(analysis.view, height))
        cols = min(width, int(10 * scale) + max((_text_width(line, 0.55 * scale) for line in lines), default=0)
                   + int(10 * scale))
        on_black, on_white = np.zeros((height, width, 3), np.uint8), np.full((height, width, 3), 255, np.uint8)
        _draw_panel(on_black, lines)
        _draw_panel(on_white, lines)
        self.rows, self.cols, self.height, self.width = rows, cols, height, width
        self.base = on_black[:rows, :cols].astype(np.float32)
        self.through = (on_white[:rows, :cols].astype(np.float32) - self.base) / 255.0

    def paste(self, img: np.ndarray) -> None:
        region = img[:self.rows, :self.cols]
        mixed = cv2.multiply(region, self.through, dtype=cv2.CV_32F)
        region[:] = cv2.convertScaleAbs(cv2.add(mixed, self.base, dst=mixed))  # rounded, 0-255


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


def video_size(width: int, height: int, size: str = "fit") -> tuple[int, int]:
    """The annotated video's frame size for a clip ``width`` x ``height`` (even sides: H.264's yuv420p):
    its long side at most :data:`VIDEO_SIZES` [size] px."""
    longest = VIDEO_SIZES[size]
    zoom = 1.0 if longest is None else min(1.0, longest / max(width, height))
    return 2 * max(1, round(width * zoom / 2)), 2 * max(1, round(height * zoom / 2))


def video_frame(analysis: Analysis, row: int, frame: np.ndarray, panel: PanelOverlay,
                blur_face: bool = False) -> np.ndarray:
    """Pose row ``row``'s clip ``frame`` as the annotated video shows it, at the size of ``panel`` (the video's
    summary panel, :class:`PanelOverlay`): the face blurred if asked, the frame scaled (area averaging when
    it shrinks to less than half, else bilinear) and annotated (on ``frame`` itself when it is not scaled).
    The video's frames and the app's (:func:`annotated_frame`) are drawn by it."""
    if blur_face:
        frame = privacy.blur_face(frame, analysis.pose.xy_px[row])
    width, height = panel.width, panel.height
    zoom = height / analysis.info.height
    if (frame.shape[1], frame.shape[0]) != (width, height):
        frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA if zoom < 0.5 else cv2.INTER_LINEAR)
    return annotate_frame(frame, analysis, row, zoom, panel)


def annotated_frame(analysis: Analysis, row: int, blur_face: bool = False, size: str = "fit") -> np.ndarray | None:
    """Pose row ``row``'s frame as the annotated video shows it (BGR, :func:`video_size`), read from the clip
    by :func:`gait.video_io.frames_at`, checked against the pose pass's fingerprints; None when it cannot be
    read."""
    info = analysis.info
    frame = frames_at(info.path, analysis.pose.frame_index, [row], analysis.pass_fingerprints).get(row)
    if frame is None:
        return None
    width, height = video_size(info.width, info.height, size)
    return video_frame(analysis, row, frame, PanelOverlay(analysis, height, width), blur_face)


def write_key_frames(analysis: Analysis, folder: Path, suffix: str = "", blur_face: bool = False) -> dict[str, Path]:
    """Each side's key frame (:func:`key_frame_rows`), drawn at the clip's size, as
    ``keyframe<suffix>_<side>_contact.png`` (:func:`gait.report.output_name`) in ``folder``; returns
    ``{"keyframe_left": path, ...}``. The frames are read by :func:`gait.video_io.frames_at`, checked
    against the pose pass's fingerprints."""
    from gait.report import output_name

    pose = analysis.pose
    rows = key_frame_rows(analysis)
    frames = frames_at(analysis.info.path, pose.frame_index, rows.values(), analysis.pass_fingerprints)
    written: dict[str, Path] = {}
    for side, row in rows.items():
        frame = frames.get(row)
        if frame is None:
            continue
        if blur_face:
            frame = privacy.blur_face(frame, pose.xy_px[row])
        path = Path(folder) / output_name("keyframe", suffix=suffix, side=side)
        cv2.imwrite(str(path), annotate_frame(frame, analysis, row))
        written[f"keyframe_{side}"] = path
    return written


def write_annotated(analysis: Analysis, video_path: Path, key_frame_dir: Path | None = None,
                    progress: ProgressCallback | None = None, key_frame_suffix: str = "",
                    blur_face: bool = False, size: str = "fit", parts: int | None = None,
                    stop: threading.Event | None = None) -> dict[str, Path]:
    """Write the annotated H.264 video of the analysed frames (and, with ``key_frame_dir``, the key frames
    first: :func:`write_key_frames`); returns ``{"video": video_path, "keyframe_left": ..., ...}``.

    ``size``: a key of :data:`VIDEO_SIZES`. ``blur_face``: blur the runner's head in every frame before
    drawing (:mod:`gait.privacy`). ``parts``: how many parts are drawn at once (default: one per :data:`PART_CORES`
    cores of :func:`gait.pose.default_workers`, each of at least :data:`MIN_PART_FRAMES` frames; one when the
    pose pass's fingerprints are not known). ``progress(done, total)`` in frames, from this thread. ``stop``: when
    set, the drawing ends within 0.2 s with :class:`DrawingStopped`; an interrupt of this thread ends the
    parts' threads before it leaves."""
    written: dict[str, Path] = {}
    if key_frame_dir is not None:
        written.update(write_key_frames(analysis, key_frame_dir, key_frame_suffix, blur_face))
    n = analysis.pose.n_frames
    wanted = default_workers() // PART_CORES if parts is None else parts
    count = max(1, min(wanted, n // MIN_PART_FRAMES)) if analysis.pass_fingerprints is not None else 1
    bounds = [round(k * n / count) for k in range(count + 1)]
    done = [0] * count
    errors: list[BaseException] = []
    halt = threading.Event()  # the parts' own stop: ``stop``, or the calling thread interrupted
    with tempfile.TemporaryDirectory(dir=Path(video_path).parent, prefix=".parts-") as folder:
        paths = [Path(video_path)] if count == 1 else [Path(folder) / f"part{k}.mp4" for k in range(count)]

        def draw(k: int) -> None:
            try:
                _write_rows(analysis, paths[k], bounds[k], bounds[k + 1], size, blur_face, done, k, halt)
            except BaseException as exc:  # raised again in the calling thread
                errors.append(exc)

        use_one_arena()
        threads = [threading.Thread(target=draw, args=(k,), name=f"gait-video-{k}", daemon=True)
                   for k in range(count)]
        for thread in threads:
            thread.start()
        try:
            while alive := [thread for thread in threads if thread.is_alive()]:
                alive[0].join(timeout=0.2)
                if stop is not None and stop.is_set():
                    halt.set()
                if progress is not None:  # the last frame is reported once the file is whole, below
                    progress(min(sum(done), n - 1), n)
        except BaseException:  # Ctrl-C, or a progress callback's error: the parts end before this returns
            halt.set()  # (left drawing, they were still decoding and encoding as the process exited: an abort)
            for thread in threads:
                thread.join()
            raise
        if errors:
            raise errors[0]
        if count > 1:
            concat_mp4(paths, video_path)
    if progress is not None:
        progress(n, n)
    written["video"] = Path(video_path)
    return written


def _write_rows(analysis: Analysis, path: Path, start_row: int, end_row: int, size: str, blur_face: bool,
                done: list[int], part: int, stop: threading.Event | None = None) -> None:
    """Pose rows [start_row, end_row) drawn into one H.264 file at :func:`video_size`; ``done[part]`` counts
    the frames written. The frames are decoded in a thread :data:`READ_AHEAD` frames ahead
    (:func:`gait.video_io.read_ahead`), by a decoder of one thread: against the drawing and the encoder in
    the same part, the 65 s benchmark clip's video took as long and peaked 90 MB lower than in two parts
    that each decoded, drew and encoded in turn (docs/speed.md)."""
    info, pose = analysis.info, analysis.pose
    first = int(pose.frame_index[0])
    width, height = video_size(info.width, info.height, size)
    panel = PanelOverlay(analysis, height, width)

    def decoded() -> Iterator[tuple[int, np.ndarray]]:
        return iter_frames_checked(info.path, first + start_row, first + end_row, analysis.pass_fingerprints,
                                   first, threads=1)

    frames: Generator[tuple[int, np.ndarray], None, None] = read_ahead(decoded, READ_AHEAD,
                                                                       f"gait-video-reader-{part}")
    try:
        with H264Writer(path, width, height, info.file_fps, preset=VIDEO_PRESET, crf=VIDEO_CRF,
                        convert_here=True, threads=1) as writer:
            for row, (_, frame) in enumerate(frames, start=start_row):
                if stop is not None and stop.is_set():
                    raise DrawingStopped(f"stopped at frame {row} of {analysis.pose.n_frames}")
                writer.write(video_frame(analysis, row, frame, panel, blur_face))
                done[part] = row + 1 - start_row
    finally:
        frames.close()
