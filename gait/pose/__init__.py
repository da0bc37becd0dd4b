"""Pose estimation with MediaPipe Pose (the model bundled in the mediapipe 0.10.21 wheel).

Only :mod:`gait.pose.tracker` imports mediapipe. A fresh tracker is made for every run over frames, since
the tracker keeps state between frames. Frames are decoded in a thread a frame or two ahead of the tracker.

The pose pass (:func:`run_pose_pass`) can use several cores: the frames are split into consecutive
segments, each tracked by its own MediaPipe in its own thread (MediaPipe and OpenCV release the GIL while
they work; the libraries are loaded once, where a process per segment held them once each). A segment
after the first starts its tracker :data:`WARMUP_FRAMES` before its first kept frame and drops those
warm-up frames, so that the tracker has found the runner and its landmark filter has settled before the
frames that count. The warm-up frames double as a check of the seek: their
:func:`~gait.video_io.fingerprint` must equal those the segment before decoded for the same frames; if
not (a file whose timestamps mislead the seek), the segment is run again, decoding from the start of the
file.
``workers=1`` runs one tracker over all frames in the calling thread, exactly as a single-core pass.

A tracker keeps something of where it started for as long as it runs: after the warm-up, a segment's
landmarks are within a median 0.1 px of one tracker's over the whole clip, but in frames where the model
hesitates (crossing legs) the two can differ by several pixels, hundreds of frames after the seam. The
measures average such differences out over a long clip's many steps; over a short clip's few they need
not (on the side sample split in two, angles moved by up to 0.75 deg; starting the same clip one to three
frames later moves them by up to 3 deg: docs/speed.md). Only clips of at least two
:data:`MIN_SEGMENT_FRAMES` are split, where the time gained is large and the steps many.

Modules: :mod:`~gait.pose.tracker` (one tracker over frames, and the frame works),
:mod:`~gait.pose.segments` (the segments, their threads, the seams), :mod:`~gait.pose.others` (the
other-person check), :mod:`~gait.pose.result` (:class:`PosePass` and the pose cache's key); here the two
ways to run the pass.
"""

from __future__ import annotations

import pickle
from typing import Callable, Sequence

import numpy as np

from gait.landmarks import PoseSeries
from gait.memory import release_freed_memory, use_one_arena
from gait.pose.others import OtherPersonCheck, OtherPersons, check_kept
from gait.pose.result import PosePass, pose_settings
from gait.pose.segments import (
    LEAD_FRAMES,
    MAX_WORKERS,
    MIN_SEGMENT_FRAMES,
    WARMUP_FRAMES,
    WORKERS_ENV,
    default_workers,
    join_segments,
    plan_segments,
    run_segments,
)
from gait.pose.tracker import (
    READ_AHEAD,
    TRACKER_SETTINGS,
    CallbackWork,
    FrameWork,
    PoseTracker,
    ProgressCallback,
    Segment,
    fill_missing,
    fill_unseen,
    frame_step,
    landmarks_of_frame,
    native_logs_silenced,
    new_tracker,
    seen_frame_near,
    track_segment,
    wants_mask,
)
from gait.video_io import VideoInfo

__all__ = ["LEAD_FRAMES", "MAX_WORKERS", "MIN_SEGMENT_FRAMES", "READ_AHEAD", "TRACKER_SETTINGS", "WARMUP_FRAMES",
           "WORKERS_ENV", "CallbackWork", "FrameWork", "OtherPersonCheck", "OtherPersons", "PosePass", "PoseTracker",
           "ProgressCallback", "Segment", "default_workers", "estimate_pose", "fill_missing", "fill_unseen",
           "frame_step", "join_segments", "landmarks_of_frame", "native_logs_silenced", "new_tracker", "plan_segments",
           "pose_settings", "run_pose_pass", "run_segments", "track_segment", "wants_mask"]


def estimate_pose(info: VideoInfo, start_frame: int = 0, end_frame: int | None = None,
                  progress: ProgressCallback | None = None,
                  on_frame: Callable[[int, np.ndarray, np.ndarray | None], None] | None = None) -> PoseSeries:
    """Run MediaPipe Pose on frames ``start_frame <= i < end_frame`` of the clip in this process, streaming
    them (one tracker over all frames).

    ``on_frame(index, frame_bgr, landmarks)`` sees every frame with what was found in it (None: nobody)."""
    end = info.frame_count if end_frame is None else min(end_frame, info.frame_count)
    total = max(end - start_frame, 0)
    works: list[FrameWork] = [] if on_frame is None else [CallbackWork(on_frame)]
    report = None if progress is None else (lambda done: progress(done, total))
    found = track_segment(info.path, Segment(0, start_frame, start_frame, end, seek=False), works, report)
    return PosePass(start_frame, end, found["frame_index"], found["landmarks"], found["frames"]).series(info)


def run_pose_pass(info: VideoInfo, start_frame: int = 0, end_frame: int | None = None,
                  progress: ProgressCallback | None = None, workers: int = 1,
                  works: Sequence[FrameWork] = (), while_others_end: Callable[[], None] | None = None) -> PosePass:
    """The pose of frames ``start_frame <= i < end_frame`` of the clip, by up to ``workers`` trackers.

    Each frame's fingerprint is kept, ``works`` run on the analysed frames, and the :class:`OtherPersonCheck`
    on its frames by each segment once its tracker is closed (:func:`check_kept`). The first segment runs in
    the calling thread, the others each in a thread of its own (see the module docstring); memory stays
    flat in the clip's length (frames are streamed). ``progress(done, total)`` counts the analysed frames of
    all segments and is called from the calling thread only. ``while_others_end()``: the caller's own work
    (e.g. its imports), done in the calling thread after its segment, while the other segments end (see
    :func:`~gait.pose.segments.plan_segments`; not with one segment).
    """
    end = info.frame_count if end_frame is None else min(end_frame, info.frame_count)
    total = max(end - start_frame, 0)
    blank = pickle.dumps(list(works))  # each segment works on its own copy
    step = frame_step(info.fps, works)
    keep = frozenset(seen_frame_near(frame, step, start_frame) for frame in OtherPersonCheck(start_frame, end).frames)
    segments = plan_segments(start_frame, end, workers)
    done = [0] * len(segments)

    def report() -> None:
        if progress is not None:
            progress(sum(done), total)

    def track_here(segment: Segment, after_frame: Callable[[], None] = report) -> dict:
        """Track ``segment``, ``after_frame()`` after each kept frame; then check its kept frames."""
        own: list[FrameWork] = pickle.loads(blank)

        def counted(count: int) -> None:
            done[segment.number] = count
            after_frame()

        try:
            found = track_segment(info.path, segment, own, counted, keep, step)
        finally:
            for work in own:
                work.close()
        release_freed_memory()  # its tracker's, before the check's
        checked = check_kept(found, keep)
        release_freed_memory()  # and the check's, before what the caller loads (while_others_end)
        return checked

    use_one_arena()  # before the segments' threads start (gait.memory)
    joined = join_segments(segments, run_segments(segments, track_here, report, while_others_end), track_here)
    joined["landmarks"] = fill_unseen(joined["frame_index"], joined["landmarks"], step)
    return PosePass(start=start_frame, end=end, frame_index=joined["frame_index"], landmarks=joined["landmarks"],
                    frames=joined["frames"], workers=len(segments))
