"""The pose pass split into segments, each tracked by its own MediaPipe in its own thread (:mod:`gait.pose`):
how many, where the segments start and end, their threads, and the segments' results joined in frame order
once each seam is checked."""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import replace
from typing import Callable

import numpy as np

from gait.pose.tracker import Segment
from gait.video_io import decoder_threads

WORKERS_ENV = "GAIT_POSE_WORKERS"  # the number of pose trackers (threads), overriding the default
MAX_WORKERS = 4  # each tracker holds its own MediaPipe graph and decoder (about 140 MB)
WARMUP_FRAMES = 60  # a later segment's tracker starts this many frames before its first kept frame
LEAD_FRAMES = 45  # the first segment decodes this many frames fewer than each other (see plan_segments)
MIN_SEGMENT_FRAMES = 600  # a clip is split only into segments of at least this many frames
PROGRESS_S = 0.2  # between progress reports while the calling thread waits for the other segments


def default_workers() -> int:
    """Pose trackers (threads) to use: ``$GAIT_POSE_WORKERS`` if set; 1 inside a daemon process (a Dask or
    multiprocessing-pool worker: its pool already runs a clip per core); else the cores this process may
    use, at most :data:`MAX_WORKERS`."""
    asked = os.environ.get(WORKERS_ENV, "").strip()
    if asked:
        return max(1, int(asked))
    if multiprocessing.current_process().daemon:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def plan_segments(start: int, end: int, workers: int) -> list[Segment]:
    """Split frames [start, end) into at most ``workers`` segments, as many as segments of
    :data:`MIN_SEGMENT_FRAMES` fit, each after the first with :data:`WARMUP_FRAMES` of warm-up (inside the
    segment before). Each after the first decodes as many frames, the first :data:`LEAD_FRAMES` fewer (its
    seek, about 0.3 s at 1080x1920, takes about as long as the first tracker's start from the file's
    beginning): the calling thread, which tracks the first, ends about a second before the others (at about
    40 frames/s a tracker at 1080x1920) and does the pass's own work after its segment
    (:func:`run_segments`'s ``while_others_end``) while they finish.

    Only long clips are split: a seam leaves the later segment's landmarks a little off the ones of one
    tracker for some seconds (see the module docstring), which on a long clip touches few of its many
    steps; a short one has little time to gain."""
    n = max(1, min(workers, (end - start) // max(MIN_SEGMENT_FRAMES, 2 * WARMUP_FRAMES)))
    # frames decoded: the first `first`, each other `first + LEAD_FRAMES`, of them WARMUP_FRAMES not kept
    first = (end - start + (n - 1) * (WARMUP_FRAMES - LEAD_FRAMES)) / n
    bounds = [start] + [start + round(first + (k - 1) * (first + LEAD_FRAMES - WARMUP_FRAMES)) for k in range(1, n)]
    bounds.append(end)
    return [Segment(k, bounds[k] - (WARMUP_FRAMES if k else 0), bounds[k], bounds[k + 1], seek=k > 0,
                    decoder_threads=decoder_threads(n)) for k in range(n)]


class _Stopped(Exception):
    """The pass ended (an error or an interruption in the calling thread) before this segment's thread."""


def run_segments(segments: list[Segment], track_here: Callable[[Segment, Callable[[], None]], dict],
                 report: Callable[[], None], while_others_end: Callable[[], None] | None = None
                 ) -> dict[int, dict]:
    """Segment 0 in the calling thread, the others each in a thread of its own, each by ``track_here(segment,
    after_frame)`` with its own tracker (MediaPipe and OpenCV release the GIL while they work, so the threads
    use the cores; one process holds the libraries once). ``report()`` is called after each of segment 0's
    frames and while the others finish, from the calling thread only (the app draws the progress there).
    ``while_others_end()`` runs in the calling thread once segment 0 is done and before the others are waited
    for, when there are others. A segment whose thread failed is missing from the result
    (:func:`join_segments` tracks it again)."""
    results: dict[int, dict] = {}
    stop = threading.Event()

    def check() -> None:
        if stop.is_set():
            raise _Stopped

    def run(segment: Segment) -> None:
        try:
            results[segment.number] = track_here(segment, check)
        except Exception:  # noqa: BLE001  # tracked again in the calling thread
            pass

    threads = [threading.Thread(target=run, args=(segment,), name=f"gait-pose-{segment.number}", daemon=True)
               for segment in segments[1:]]
    for thread in threads:
        thread.start()
    try:
        results[0] = track_here(segments[0], report)
        if threads and while_others_end is not None:
            while_others_end()
        for thread in threads:
            while thread.is_alive():
                thread.join(PROGRESS_S)
                report()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return results


def join_segments(segments: list[Segment], results: dict[int, dict],
                  track_here: Callable[[Segment], dict]) -> dict:
    """The segments' rows in frame order (frame indices, landmarks and the per-frame arrays of
    :func:`~gait.pose.tracker.track_segment`'s result). A segment after one that stopped early (a
    damaged file: a single pass stops there too) is left out. A segment whose thread failed is run here;
    one whose warm-up frames are not those the segment before decoded (its seek landed elsewhere) is run
    again here, decoding from the start of the file."""
    kept: list[dict] = []
    for segment in segments:
        result = results.get(segment.number)
        if result is None:
            result = track_here(segment)
        if kept:
            before = kept[-1]
            if len(before["frame_index"]) == 0 or before["frame_index"][-1] < segment.keep_from - 1:
                break  # the segment before stopped early
            if not _seam_matches(before, result, segment):
                result = track_here(replace(segment, seek=False))
        kept.append(result)
    names = kept[0]["frames"].keys()
    return {"frame_index": np.concatenate([k["frame_index"] for k in kept]),
            "landmarks": np.concatenate([k["landmarks"] for k in kept]),
            "frames": {name: np.concatenate([k["frames"][name] for k in kept]) for name in names}}


def _seam_matches(before: dict, result: dict, segment: Segment) -> bool:
    """The segment's warm-up frames decoded as the frames ``decode_from..keep_from-1`` that the segment
    before decoded."""
    wanted = np.arange(segment.decode_from, segment.keep_from)
    if not np.array_equal(result["warm_index"], wanted):
        return False
    rows = np.searchsorted(before["frame_index"], wanted)
    if rows[-1] >= len(before["frame_index"]) or not np.array_equal(before["frame_index"][rows], wanted):
        return False
    return bool(np.array_equal(before["frames"]["fingerprint"][rows], result["warm_fingerprint"]))
