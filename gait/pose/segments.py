"""The pose pass split into segments, each tracked in its own process (:mod:`gait.pose`): how many
processes, where the segments start and end, the worker processes and their messages, and the segments'
results joined in frame order once each seam is checked."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import subprocess
import sys
import threading
from dataclasses import replace
from typing import Callable

import numpy as np

from gait.pose.others import check_kept
from gait.pose.result import PosePass
from gait.pose.tracker import FrameWork, Segment, native_logs_silenced, track_segment

WORKERS_ENV = "GAIT_POSE_WORKERS"  # the number of pose processes, overriding the default
MAX_WORKERS = 4  # each process holds its own MediaPipe (about 250 MB)
WARMUP_FRAMES = 60  # a later segment's tracker starts this many frames before its first kept frame
MIN_SEGMENT_FRAMES = 600  # a clip is split only into segments of at least this many frames
# a worker process's start-up (the interpreter, mediapipe's import, the seek): the first segment is given the
# frames this process tracks meanwhile (:func:`startup_frames`), STARTUP_FRAMES at REFERENCE_SIZE
STARTUP_S = 0.6
REFERENCE_SIZE = (1080, 1920)
STARTUP_FRAMES = 40  # frames tracked in STARTUP_S at REFERENCE_SIZE: a frame takes 15 ms there
# CPU ms a frame at REFERENCE_SIZE (docs/speed.md): decoding, which scales with the pixels, and MediaPipe's
# tracking, which does not (the model sees its own small input)
DECODE_MS, TRACK_MS = 5.3, 12.2
PROGRESS_EVERY = 8  # frames between a worker's progress messages


def default_workers() -> int:
    """Pose processes to use: ``$GAIT_POSE_WORKERS`` if set; 1 inside a daemon process (a Dask or
    multiprocessing-pool worker, which may not start processes of its own); else the cores this process
    may use, at most :data:`MAX_WORKERS`."""
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


def frame_seconds(width: int, height: int) -> float:
    """The time one process takes to track a frame of a ``width`` x ``height`` clip: :data:`STARTUP_S` /
    :data:`STARTUP_FRAMES` at :data:`REFERENCE_SIZE`, the decoding's part (:data:`DECODE_MS` of
    :data:`DECODE_MS` + :data:`TRACK_MS`) scaled by the pixels."""
    pixels = width * height / (REFERENCE_SIZE[0] * REFERENCE_SIZE[1])
    return STARTUP_S / STARTUP_FRAMES * (TRACK_MS + DECODE_MS * pixels) / (TRACK_MS + DECODE_MS)


def startup_frames(width: int, height: int) -> int:
    """The frames of a ``width`` x ``height`` clip that this process tracks while a worker process starts
    (:data:`STARTUP_S`): :data:`STARTUP_FRAMES` at :data:`REFERENCE_SIZE`, more on a smaller clip, fewer on a
    larger one, so that the segments end together whatever the clip's size."""
    return max(0, round(STARTUP_S / frame_seconds(width, height)))


def plan_segments(start: int, end: int, workers: int, startup: int = STARTUP_FRAMES) -> list[Segment]:
    """Split frames [start, end) into at most ``workers`` segments, as many as segments of
    :data:`MIN_SEGMENT_FRAMES` fit, each after the first with :data:`WARMUP_FRAMES` of warm-up (inside the
    segment before). The segments take the same time: one after the first, run in a worker process, keeps
    :data:`WARMUP_FRAMES` + ``startup`` frames fewer than the first, which starts at once (``startup``: the
    frames tracked while a worker starts, :func:`startup_frames` of the clip's size).

    Only long clips are split: a seam leaves the later segment's landmarks a little off the ones of one
    tracker for some seconds (see the module docstring), which on a long clip touches few of its many
    steps; a short one has little time to gain."""
    n = max(1, min(workers, (end - start) // max(MIN_SEGMENT_FRAMES, 2 * WARMUP_FRAMES)))
    extra = WARMUP_FRAMES + startup
    first = (end - start + (n - 1) * extra) / n  # the first segment's frames; each other: first - extra
    bounds = [start] + [start + round(k * first - (k - 1) * extra) for k in range(1, n)] + [end]
    return [Segment(k, bounds[k] - (WARMUP_FRAMES if k else 0), bounds[k], bounds[k + 1], seek=k > 0)
            for k in range(n)]

WORKER_COMMAND = "from gait.pose.segments import _worker_main; _worker_main()"


def _worker_main() -> None:
    """A pose worker process (``python -c`` :data:`WORKER_COMMAND`): reads ``(path, segment, pickled frame
    works, keep)`` pickled on its stdin, tracks the segment, checks its frames of ``keep`` for another
    person (:func:`~gait.pose.others.check_kept`), and writes length-prefixed pickled messages on
    its stdout: ``("progress", done)`` now and then, then ``("done", result)`` or ``("error", words)``."""
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever else writes to stdout cannot break the messages

    def send(message: tuple) -> None:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        channel.write(len(data).to_bytes(8, "little") + data)
        channel.flush()

    try:
        path, segment, blank, keep = pickle.load(sys.stdin.buffer)
        works: list[FrameWork] = pickle.loads(blank)
        with native_logs_silenced():
            try:
                result = track_segment(path, segment, works,
                                lambda done: send(("progress", done)) if done % PROGRESS_EVERY == 0 else None, keep)
            finally:
                for work in works:
                    work.close()
            result = check_kept(result, keep)
        send(("done", result))
    except BaseException as exc:  # reported to the parent, which runs the segment itself
        send(("error", f"{type(exc).__name__}: {exc}"))


def _start_worker(path: str, segment: Segment, blank: bytes, keep: frozenset[int],
                  messages: queue.Queue) -> subprocess.Popen:
    """A fresh Python process tracking ``segment`` (never forked: MediaPipe is not fork-safe; and it does
    not run the caller's main module again, as multiprocessing's spawn would); a thread puts its messages,
    as ``(kind, segment number, payload)``, on ``messages``, and ``("eof", number, None)`` when it ends."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # this process's imports
    process = subprocess.Popen([sys.executable, "-c", WORKER_COMMAND], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdin is not None and process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        try:
            while len(header := stdout.read(8)) == 8:
                kind, payload = pickle.loads(stdout.read(int.from_bytes(header, "little")))
                messages.put((kind, segment.number, payload))
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            pass
        finally:
            stdout.close()
        messages.put(("eof", segment.number, None))

    threading.Thread(target=read, name=f"gait-pose-worker-{segment.number}", daemon=True).start()
    try:
        process.stdin.write(pickle.dumps((path, segment, blank, keep)))
        process.stdin.close()
    except OSError:  # it ended at once: its reader reports it
        pass
    return process

def run_segments(path: str, segments: list[Segment], blank: bytes, keep: frozenset[int],
                  track_here: Callable[[Segment, Callable[[], None]], dict],
                  report: Callable[[int, int], None]) -> dict[int, dict]:
    """Segment 0 in this process (``track_here``), the others in worker processes (:func:`_start_worker`),
    each given the pickled frame works ``blank`` (a single segment: no process started); a segment whose
    process failed is missing from the result."""
    messages: queue.Queue = queue.Queue()
    results: dict[int, dict] = {}
    ended: set[int] = set()

    def take(message: tuple) -> None:
        kind, number, payload = message
        if kind == "progress":
            report(number, payload)
        elif kind == "done":
            results[number] = payload
        else:  # "error" or "eof"
            ended.add(number)

    def drain() -> None:
        while True:
            try:
                take(messages.get_nowait())
            except queue.Empty:
                return

    processes: dict[int, subprocess.Popen] = {}
    try:
        try:
            for segment in segments[1:]:
                processes[segment.number] = _start_worker(path, segment, blank, keep, messages)
        except OSError:  # no more processes could be started: the segments left run here
            pass
        results[0] = track_here(segments[0], drain)
        while any(n not in results and n not in ended for n in processes):
            take(messages.get())
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
            process.wait()
    return results


def join_segments(segments: list[Segment], results: dict[int, dict],
            track_here: Callable[[Segment], dict]) -> PosePass:
    """The segments' rows in frame order. A segment after one that stopped early (a damaged file: a
    single pass stops there too) is left out. A segment whose process failed is run here; one whose
    warm-up frames are not those the segment before decoded (its seek landed elsewhere) is run again
    here, decoding from the start of the file."""
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
    return PosePass(start=segments[0].keep_from, end=segments[-1].end,
                    frame_index=np.concatenate([k["frame_index"] for k in kept]),
                    landmarks=np.concatenate([k["landmarks"] for k in kept]),
                    frames={name: np.concatenate([k["frames"][name] for k in kept]) for name in names},
                    workers=len(segments))


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
