"""The fast paths give the same answers: the pose pass split over threads, the pose cache, seeks checked by
fingerprints, the annotated video drawn in parts and written after the results. Speed itself is measured by
scripts/benchmark.py (make bench), not here."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from gait import pose
from gait.pipeline import Options, analyze
from gait.pose_cache import PoseCache
from gait.video_io import (
    concat_mp4,
    fingerprint,
    frames_at,
    iter_frames,
    iter_frames_checked,
    probe,
    seek_checked,
)

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
SIDE = SAMPLES / "side_60fps.mp4"
SAMPLE_OPTIONS = Options(height_cm=175.0, speed_kmh=11.0)
# two trackers against one: how far apart the results may be
CADENCE_SPM = 0.3
CONTACT_FRAMES = 0.25
ANGLE_DEG = 0.5


def _assert_close(one, two) -> dict[str, float]:
    """Assert the steps' timing and every measure but the angles within the tolerances; return the angles
    that moved by more than :data:`ANGLE_DEG` (name: change in deg)."""
    fps = one.info.fps
    assert abs(two.metrics["cadence_spm"]["value"] - one.metrics["cadence_spm"]["value"]) <= CADENCE_SPM
    for side in ("left", "right"):
        landings = [np.array([e.time_s for e in a.detection.events if (e.side, e.type) == (side, "initial_contact")])
                    for a in (one, two)]
        assert len(landings[0]) == len(landings[1]) > 3
        assert np.max(np.abs(landings[0] - landings[1])) * fps <= CONTACT_FRAMES
    moved = {}
    for key, summary in one.metrics.items():
        a, b = summary["value"], two.metrics[key]["value"]
        if not isinstance(a, float) or not isinstance(b, float):
            assert a == b, key
        elif key.endswith("_ms"):
            assert abs(b - a) * fps / 1000 <= CONTACT_FRAMES, key
        elif key.endswith("_deg") and abs(b - a) > ANGLE_DEG:
            moved[key] = round(b - a, 2)
    return moved


def test_two_pose_trackers_measure_as_one(monkeypatch, shared_videos):
    """The 12 s treadmill clip split at its middle (the shortest segment lowered so that it is split), with
    the warm-up: events and metrics within the tolerances of one tracker over the whole clip. (The 9 s side
    sample split so moves its angles by up to 0.75 deg, docs/speed.md: clips this short are not split.)"""
    clip, options = shared_videos / "treadmill_side_male_30fps.mp4", Options()
    one = analyze(str(clip), options, workers=1)
    monkeypatch.setattr(pose.segments, "MIN_SEGMENT_FRAMES", 120)
    two = analyze(str(clip), options, workers=2)
    assert (one.pose_pass.workers, two.pose_pass.workers) == (1, 2)
    assert np.array_equal(one.pose.frame_index, two.pose.frame_index)
    assert np.array_equal(one.pose_pass.frames["fingerprint"], two.pose_pass.frames["fingerprint"])
    assert two.pose_pass.other_persons == one.pose_pass.other_persons and one.pose_pass.other_persons.checked == 5
    assert one.warnings == two.warnings
    moved = _assert_close(one, two)
    at_landing = {"knee_flexion_at_contact_deg", "shank_angle_at_contact_deg", "foot_strike_angle_deg"}
    if moved and set(moved) <= at_landing:
        # since the landings are read from the feet filtered at 15 Hz (issue 13), the angles at landing follow
        # the landing's small shifts more: 0.64 deg shin and 0.81 deg foot angle here (30 fps: the allowed
        # 0.25 frame is 8 ms, in which the foot turns by up to 2 deg); landings moved 0.10-0.18 frame
        pytest.xfail(f"angles at landing moved by more than {ANGLE_DEG} deg: {moved}")
    assert not moved


def test_a_short_clip_gives_the_same_results_with_two_workers(cached):
    """Clips shorter than two segments (the shared clips, the samples) run one tracker whatever the workers."""
    _, one = cached
    two = analyze(str(SIDE), SAMPLE_OPTIONS, workers=2)
    assert two.pose_pass.workers == 1
    assert two.metrics == one.metrics and two.steps.equals(one.steps) and two.warnings == one.warnings


def test_one_worker_is_one_tracker_over_the_clip(monkeypatch):
    """``workers=1``: exactly the landmarks of one tracker run frame by frame (the single-core pass), by the
    same path as a split pass (:func:`gait.pose.run_segments`, starting no thread)."""
    info = probe(str(SIDE))
    ran = []
    monkeypatch.setattr(pose, "run_segments", lambda segments, *rest: ran.append(len(segments))
                        or pose.segments.run_segments(segments, *rest))
    found = pose.run_pose_pass(info, 100, 220, workers=1)
    assert ran == [1]
    rows = []
    with pose.native_logs_silenced(), pose.new_tracker() as tracker:
        for _, frame in iter_frames(str(SIDE), 100, 220):
            lm = pose.landmarks_of_frame(tracker, frame)
            rows.append(np.full((33, 4), np.nan) if lm is None else lm)
    assert np.array_equal(found.landmarks, np.array(rows), equal_nan=True)
    assert list(found.frame_index) == list(range(100, 220))


def test_short_clips_are_not_split():
    segments = pose.plan_segments(0, 1199, workers=2)
    assert len(segments) == 1 and not segments[0].seek
    first, second = pose.plan_segments(0, 1200, workers=4)
    assert (pose.WARMUP_FRAMES, pose.LEAD_FRAMES) == (60, 45)
    assert (first.keep_from, first.end, second.decode_from, second.keep_from, second.end) == (0, 608, 548, 608, 1200)
    assert second.seek
    three = pose.plan_segments(100, 3100, workers=3)
    decoded = [s.end - s.decode_from for s in three]
    assert [s.end - s.keep_from for s in three] == [1010, 995, 995] and decoded == [1010, 1055, 1055]
    assert [s.decode_from for s in three[1:]] == [s.end - pose.WARMUP_FRAMES for s in three[:-1]]
    assert {s.decoder_threads for s in three} == {1}  # a decoder per core, each of one thread
    assert segments[0].decoder_threads is None  # a decoder alone: its own threads


def test_the_calling_thread_does_its_own_work_while_the_other_segments_end(monkeypatch):
    """Each segment's thread checks its frames for another person once its tracker is closed (its check's
    tracker in the segment's place); the calling thread then calls ``while_others_end`` once, while the
    other segment's tracker is still open (the analysis's imports, 0.7 s: no wall time, and no more memory
    than its tracker freed). Not with one segment."""
    monkeypatch.setattr(pose.segments, "MIN_SEGMENT_FRAMES", 120)
    new_tracker, open_trackers, made, calls = pose.tracker.new_tracker, [], [], []

    def counted(still_images=False, **kwargs):
        tracker = new_tracker(still_images, **kwargs)
        close = tracker.close

        def closed():
            open_trackers.remove(tracker)
            close()
        made.append((still_images, len(open_trackers)))
        open_trackers.append(tracker)
        tracker.close = closed
        return tracker

    track_segment, own_work_done = pose.track_segment, threading.Event()

    def waits_at_its_last_frame(path, segment, works, report, *rest):
        """The other segment ends only after the calling thread's work (at most 60 s), whatever the load."""
        def at(count):
            if segment.number and count == segment.end - segment.keep_from:
                own_work_done.wait(60)
            report(count)
        return track_segment(path, segment, works, at, *rest)

    def own_work():
        calls.append((threading.current_thread(), len(open_trackers)))
        own_work_done.set()

    monkeypatch.setattr(pose.tracker, "new_tracker", counted)
    monkeypatch.setattr(pose.others, "new_tracker", counted)
    monkeypatch.setattr(pose, "track_segment", waits_at_its_last_frame)
    done = pose.run_pose_pass(probe(str(SIDE)), 0, 300, workers=2, while_others_end=own_work)
    assert done.workers == 2 and calls == [(threading.main_thread(), 1)] and not open_trackers
    assert sorted(made) == [(False, 0), (False, 1), (True, 0), (True, 1)]  # each check beside at most one
    assert made[2] == (True, 1)  # the calling thread's, beside the other segment's tracker
    assert done.other_persons.checked == 5  # 3 in the first segment (frames 0-157), 2 after
    one = pose.run_pose_pass(probe(str(SIDE)), 0, 300, workers=1, while_others_end=lambda: calls.append("one"))
    assert len(calls) == 1
    assert np.array_equal(one.frames["other_person"], done.frames["other_person"])


def test_a_decoder_of_one_thread_gives_the_same_frames():
    frames = list(iter_frames(str(SIDE), 0, 40))
    alone = list(iter_frames(str(SIDE), 0, 40, threads=1))
    assert len(frames) == len(alone) == 40
    assert all(a == b and np.array_equal(x, y) for (a, x), (b, y) in zip(frames, alone, strict=True))


def test_the_reader_decodes_one_frame_ahead_of_the_tracker(monkeypatch):
    """However slow the tracker, the segment's reader holds at most READ_AHEAD frames beyond the one tracked
    (a 1080x1920 frame is 6 MB)."""
    decoded: list[int] = []

    def counted(*args, **kwargs):
        for index, frame in iter_frames(*args, **kwargs):
            decoded.append(index)
            yield index, frame

    monkeypatch.setattr(pose.tracker, "iter_frames", counted)
    ahead = []
    for index, *_ in pose.tracker._decoded(str(SIDE), pose.tracker.Segment(0, 0, 0, 12, seek=False)):
        for _ in range(200):  # the tracker's work: the reader runs as far ahead as it may
            if len(decoded) >= min(index + 1 + pose.READ_AHEAD, 12):
                break
            threading.Event().wait(0.01)
        threading.Event().wait(0.05)
        ahead.append(len(decoded) - 1 - index)
    assert ahead[:-1] == [pose.READ_AHEAD] * 11 and ahead[-1] == 0


def _segment_result(indices, warm, prints, warm_prints) -> dict:
    return {"frame_index": np.array(indices), "landmarks": np.zeros((len(indices), 33, 4)),
            "frames": {"fingerprint": prints},
            "warm_index": np.array(warm), "warm_fingerprint": warm_prints}


def test_a_seek_that_landed_elsewhere_is_run_again_from_the_start():
    """The warm-up frames' fingerprints differ from the frames the segment before decoded: the segment is
    tracked again without seeking; a segment after one that stopped early (damaged file) is left out."""
    prints = np.arange(20, dtype=np.uint8)[:, None, None, None] * np.ones((1, 16, 16, 3), np.uint8)
    segments = [pose.Segment(0, 0, 0, 10, False), pose.Segment(1, 8, 10, 20, True)]
    before = _segment_result(range(10), [], prints[:10], prints[:0])
    landed_late = _segment_result(range(10, 20), [8, 9], prints[10:], prints[9:11])
    again = []

    def track_here(segment):
        again.append(segment)
        return _segment_result(range(10, 20), [8, 9], prints[10:], prints[8:10])

    joined = pose.join_segments(segments, {0: before, 1: landed_late}, track_here)
    assert [(s.number, s.seek) for s in again] == [(1, False)]
    assert list(joined["frame_index"]) == list(range(20))
    right = _segment_result(range(10, 20), [8, 9], prints[10:], prints[8:10])
    assert len(pose.join_segments(segments, {0: before, 1: right}, track_here)["frame_index"]) == 20
    assert len(again) == 1
    stopped = _segment_result(range(7), [], prints[:7], prints[:0])
    assert list(pose.join_segments(segments, {0: stopped, 1: right}, track_here)["frame_index"]) == list(range(7))


def test_a_segment_whose_thread_fails_is_tracked_again_in_the_calling_thread(monkeypatch):
    """A segment's thread that fails costs time, not frames; the progress is reported from the calling
    thread only (the app draws it there)."""
    monkeypatch.setattr(pose.segments, "MIN_SEGMENT_FRAMES", 120)
    track_segment, failed, reporters = pose.track_segment, [], set()

    def fails_in_a_thread(path, segment, *rest):
        if threading.current_thread() is not threading.main_thread():
            failed.append(segment.number)
            raise RuntimeError("a tracker that failed")
        return track_segment(path, segment, *rest)

    monkeypatch.setattr(pose, "track_segment", fails_in_a_thread)
    found = pose.run_pose_pass(probe(str(SIDE)), 0, 300, workers=2,
                               progress=lambda done, total: reporters.add(threading.current_thread()))
    assert failed == [1] and found.workers == 2 and list(found.frame_index) == list(range(300))
    assert np.isfinite(found.landmarks[:, :, :2]).all(axis=(1, 2)).mean() > 0.9
    assert found.other_persons.checked == 5
    assert reporters == {threading.main_thread()}


def test_the_other_segments_stop_when_the_calling_thread_stops(monkeypatch):
    """Interrupted (Ctrl-C, or the app's stop) while the first segment is tracked: the other segment's
    thread stops too, within a few frames, rather than track its segment to the end."""
    monkeypatch.setattr(pose.segments, "MIN_SEGMENT_FRAMES", 120)
    track_segment, tracked = pose.track_segment, {}

    def counted(path, segment, works, report, *rest):
        def count(done):
            tracked[segment.number] = done
            report(done)
        return track_segment(path, segment, works, count, *rest)

    def interrupted(done, total):
        if tracked.get(1, 0) >= 10:
            raise KeyboardInterrupt

    monkeypatch.setattr(pose, "track_segment", counted)
    with pytest.raises(KeyboardInterrupt):
        pose.run_pose_pass(probe(str(SIDE)), 0, 540, workers=2, progress=interrupted)
    assert not [t for t in threading.enumerate() if t.name.startswith("gait-pose")]
    assert 10 <= tracked[1] <= 40  # of its 240 frames


def test_checked_seek_reads_the_frames_a_full_decode_reads():
    info = probe(str(SIDE))
    frames = {i: f for i, f in iter_frames(str(SIDE), 0, 420)}
    prints = np.stack([fingerprint(frames[i]) for i in range(420)])
    read = list(iter_frames_checked(info.path, 300, 310, prints))
    assert [i for i, _ in read] == list(range(300, 310))
    assert all(np.array_equal(f, frames[i]) for i, f in read)
    wrong = prints.copy()
    wrong[300] = 0  # as if the seek had landed on another frame: decoded from the start instead
    again = list(iter_frames_checked(info.path, 300, 303, wrong))
    assert [i for i, _ in again] == [300, 301, 302] and all(np.array_equal(f, frames[i]) for i, f in again)
    assert seek_checked(info.path, 300, 303, wrong) is None  # what a caller with its own fallback is told
    assert seek_checked(info.path, 300, 303, None) is None
    assert [i for i, _ in seek_checked(info.path, 301, 303, wrong)] == [301, 302]
    for indices, fingerprints in (([5, 300, 410], prints), ([2, 40], prints), ([5, 300, 410], wrong)):
        got = frames_at(info.path, np.arange(420), indices, fingerprints)  # by seeks, in one pass, after a bad seek
        assert sorted(got) == indices and all(np.array_equal(got[i], frames[i]) for i in indices)


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """The side sample analysed once (one process) with a pose cache of its own."""
    cache = PoseCache(tmp_path_factory.mktemp("pose-cache"))
    return cache, analyze(str(SIDE), SAMPLE_OPTIONS, workers=1, cache=cache)


def test_analysing_again_with_other_settings_skips_the_pose_pass(monkeypatch, cached):
    cache, first = cached
    assert len(list(cache.folder.glob("*.npz"))) == 1

    def no_pose_pass(*args, **kwargs):
        raise AssertionError("the pose pass ran")

    monkeypatch.setattr("gait.pose_cache.run_pose_pass", no_pose_pass)
    same = analyze(str(SIDE), SAMPLE_OPTIONS, cache=cache)
    assert same.metrics == first.metrics and same.steps.equals(first.steps)
    taller = analyze(str(SIDE), Options(height_cm=190.0, speed_kmh=12.0), cache=cache)
    assert taller.metrics["cadence_spm"] == first.metrics["cadence_spm"]
    assert taller.metrics["vertical_oscillation_cm"]["value"] != first.metrics["vertical_oscillation_cm"]["value"]
    mirrored = analyze(str(SIDE), Options(mirrored=True, view="side"), cache=cache)
    assert mirrored.metrics["cadence_spm"]["value"] == first.metrics["cadence_spm"]["value"]  # sides exchanged
    part = analyze(str(SIDE), Options(start_s=1.0, end_s=8.0), cache=cache)
    assert part.pose.frame_index[0] == 60 and part.pose.frame_index[-1] == 479
    assert np.array_equal(part.pose.frame_index, first.pose.frame_index[60:480])


def test_the_cache_is_keyed_by_content_and_ignores_a_broken_file(tmp_path, cached):
    cache, first = cached
    info = probe(str(SIDE))
    copy = tmp_path / "renamed.mp4"
    copy.write_bytes(SIDE.read_bytes())
    assert cache.load(probe(str(copy)), 0, 540) is not None  # the same content under another name
    changed = tmp_path / "changed.mp4"
    changed.write_bytes(SIDE.read_bytes() + b"\0")
    assert cache.load(probe(str(changed)), 0, 540) is None
    assert cache.load(info, 0, 541) is None  # frames the cached pass does not hold
    broken = PoseCache(tmp_path / "broken")
    broken.store(info, first.pose_pass)
    for path in broken.folder.glob("*.npz"):
        path.write_bytes(b"not a zip file")
    assert broken.load(info, 0, 540) is None


def test_results_are_written_before_the_video(tmp_path, monkeypatch, cached):
    """report.json, steps.csv and the key frames are in the output folder while the video is drawn; the
    video, drawn in two parts joined without re-encoding (as on four cores), has every frame, at most
    1280 px long."""
    from gait import rendering
    from gait.output import write_session

    _, analysis = cached
    seen = {}
    monkeypatch.setattr(rendering, "MIN_PART_FRAMES", 200)
    monkeypatch.setattr(rendering, "PART_CORES", 1)  # two parts on two cores, as on four
    joined = []
    monkeypatch.setattr(rendering, "concat_mp4",
                        lambda parts, out: joined.append(len(parts)) or concat_mp4(parts, out))
    out = tmp_path / "out"
    files = write_session(analysis, out, on_results=lambda f: seen.update(names=sorted(p.name for p in out.iterdir())))
    assert seen["names"] == ["keyframe_left_contact.png", "keyframe_right_contact.png", "landmarks.csv",
                             "report.json", "steps.csv"]
    assert json.loads((out / "report.json").read_text())["view"] == "side"
    cap = cv2.VideoCapture(str(files.clips[0]["video"]))
    count, size = 0, None
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        count, size = count + 1, frame.shape[:2]
    assert count == analysis.pose.n_frames == 540 and size == (960, 540)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left
    assert joined == [2]


def test_the_video_parts_end_before_an_interrupted_drawing_returns(tmp_path, monkeypatch, cached):
    """Ctrl-C while the video's parts are drawn (here from its progress callback): both parts' threads end
    before the interrupt leaves write_annotated, and so do their decoding threads. Left drawing, they were
    still in OpenCV's and x264's code as the interpreter ended: a native abort ("terminate called without an
    active exception")."""
    from gait import rendering

    _, analysis = cached
    monkeypatch.setattr(rendering, "MIN_PART_FRAMES", 200)
    monkeypatch.setattr(rendering, "PART_CORES", 1)  # two parts on two cores, as on four

    def interrupted(done, total):
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rendering.write_annotated(analysis, tmp_path / "annotated.mp4", progress=interrupted)
    assert not [t for t in threading.enumerate() if t.name.startswith("gait-video") and t.is_alive()]
    assert list(tmp_path.iterdir()) == []  # no part files left


# gait analyze in a fresh interpreter, noting the libraries loaded when its pose pass starts and ends
LIBRARIES_AT_THE_POSE_PASS = """
import json, sys
import gait.pipeline
from gait.cli import main

HEAVY = ("pandas", "scipy.signal", "matplotlib", "fpdf")
seen = []
pass_itself = gait.pipeline.pose_pass

def noted(*args, **kwargs):
    seen.append([m for m in HEAVY if m in sys.modules])
    found = pass_itself(*args, **kwargs)
    seen.append([m for m in HEAVY if m in sys.modules])
    return found

gait.pipeline.pose_pass = noted
code = main(["analyze", sys.argv[1], "--out", sys.argv[2], "--no-video"])
print(json.dumps({"code": code, "seen": seen, "after": [m for m in HEAVY if m in sys.modules]}))
"""


def test_the_analysis_libraries_load_after_the_pose_pass(tmp_path):
    """`gait analyze` holds none of the analysis's and the report's libraries (pandas, SciPy's filters,
    matplotlib, fpdf2: 125 MB and more) through the pose pass of one tracker (a split pass loads the
    analysis's once its first tracker is closed: the test above), the view's glimpse before it included; the
    analysis's load once it is over (the pose from the tests' cache when another test filled it), the
    report's only when a report is asked for (the summary printed without them: 0.6-1.2 s less)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", LIBRARIES_AT_THE_POSE_PASS, str(SAMPLES / "side_60fps.mp4"),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == 0 and found["seen"] == [[], []]
    assert {"pandas", "scipy.signal"} <= set(found["after"])
    assert not {"matplotlib", "fpdf"} & set(found["after"])  # no report asked: the report's libraries never load
    assert (tmp_path / "out" / "steps.csv").is_file()


def test_video_sizes():
    assert rendering_size(1080, 1920, "fit") == (720, 1280)
    assert rendering_size(1920, 1080, "fit") == (1280, 720)
    assert rendering_size(1080, 1920, "full") == (1080, 1920)
    assert rendering_size(540, 960, "fit") == (540, 960)  # never enlarged
    assert rendering_size(1081, 1921, "fit") == (720, 1280)


def rendering_size(width: int, height: int, size: str) -> tuple[int, int]:
    from gait.rendering import video_size

    return video_size(width, height, size)


def test_the_app_analyses_again_with_a_new_setting_without_the_pose_pass(monkeypatch, tmp_path):
    """The app's analysis (gait_app.analysis.analyse_clips) keeps the pose in the pose cache: a new height
    and belt speed give new results without the pose pass; the results come before the video."""
    from gait_app.analysis import analyse_clips

    monkeypatch.setenv("GAIT_CACHE_DIR", str(tmp_path / "cache"))
    first = analyse_clips({"side": SIDE}, SAMPLE_OPTIONS)
    assert first.videos is not None and first.files["report"].is_file()

    def no_pose_pass(*args, **kwargs):
        raise AssertionError("the pose pass ran")

    monkeypatch.setattr("gait.pose_cache.run_pose_pass", no_pose_pass)
    again = analyse_clips({"side": SIDE}, Options(height_cm=190.0, speed_kmh=12.0))
    assert again.key != first.key and again.clips["side"].error is None
    assert again.session.metrics["cadence_spm"] == first.session.metrics["cadence_spm"]
    assert again.session.metrics["stride_length_m"]["value"] != first.session.metrics["stride_length_m"]["value"]
    for result in (first, again):
        assert result.videos.wait(300) and result.videos.error is None
        assert result.video("side").is_file()


ARENAS = """
import ctypes, ctypes.util, sys, threading
import numpy as np
from gait.memory import use_one_arena
if sys.argv[1] == "one":
    use_one_arena()
started = threading.Barrier(4)
def work():
    held = np.ones(1000)  # from the thread's arena
    started.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(ctypes.util.find_library("c")).malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


@pytest.mark.skipif(not hasattr(ctypes.CDLL(ctypes.util.find_library("c")), "malloc_stats"), reason="not glibc")
def test_threads_started_after_use_one_arena_allocate_from_one_arena():
    """gait.memory.use_one_arena: four threads allocating at once make arenas of their own, unless it was
    called first (what ``gait analyze``, the app and the pose pass do)."""
    arenas = {}
    for mode in ("default", "one"):
        run = subprocess.run([sys.executable, "-c", ARENAS, mode], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parents[1])
        arenas[mode] = run.stderr.count("Arena ")
    assert arenas["one"] == 1 < arenas["default"]


def test_the_benchmark_names_other_processes_that_share_mediapipe(tmp_path):
    """A process that runs a tracker (the app, another analysis) shares MediaPipe's pages with the measured ones,
    so their PSS reads lower: the benchmark finds it, and not a process without MediaPipe."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmark", SAMPLES.parent / "scripts" / "benchmark.py")
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    code = "import sys; {}; print('ready', flush=True); sys.stdin.read()"
    tracker = "from gait.pose.tracker import new_tracker; t = new_tracker()"
    with subprocess.Popen([sys.executable, "-c", code.format(tracker)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as with_mp, \
            subprocess.Popen([sys.executable, "-c", code.format("import cv2, numpy")], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as without:
        assert with_mp.stdout.readline().strip() == "ready" and without.stdout.readline().strip() == "ready"
        found = benchmark.sharing_processes()
        assert with_mp.pid in found and without.pid not in found
        assert with_mp.pid not in benchmark.sharing_processes({with_mp.pid})
        with_mp.stdin.close()
        without.stdin.close()
