"""Video input: containers, rotation tags, streaming, slow-motion rates, bad files."""

import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest

from gait.errors import GaitInputError
from gait.video_io import H264Writer, iter_frames, probe

SAMPLE = Path(__file__).resolve().parents[1] / "sample_videos" / "side_60fps.mp4"
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg(*args):
    subprocess.run([FFMPEG, "-v", "error", "-y", *map(str, args)], check=True)


def first_frame(path):
    return next(iter_frames(str(path)))[1]


@pytest.mark.parametrize("suffix, codec", [(".mov", "libx264"), (".avi", "mjpeg"), (".webm", "libvpx-vp9"),
                                           (".mkv", "libx264")])
def test_containers_are_read(tmp_path, suffix, codec):
    out = tmp_path / f"clip (copy){suffix}"
    ffmpeg("-i", SAMPLE, "-t", "1.5", "-c:v", codec, "-an", out)
    info = probe(out)
    assert (info.width, info.height) == (540, 960)
    assert info.fps == pytest.approx(60, abs=0.1)
    assert sum(1 for _ in iter_frames(str(out))) == info.frame_count == 90


@pytest.mark.parametrize("tag", [90, -90])
def test_rotation_tag_gives_upright_frames(tmp_path, tag):
    # store the upright clip lying on its side, then tag it so that players show it upright again
    lying = tmp_path / "lying.mp4"
    turn = "transpose=1" if tag == 90 else "transpose=2"  # 90 deg clockwise / counter-clockwise
    ffmpeg("-i", SAMPLE, "-t", "1", "-vf", turn, "-c:v", "libx264", "-pix_fmt", "yuv420p", lying)
    tagged = tmp_path / "portrait.mp4"
    ffmpeg("-display_rotation", tag, "-i", lying, "-c", "copy", tagged)
    info = probe(tagged)
    assert (info.width, info.height) == (540, 960)
    diff = np.abs(first_frame(tagged).astype(int) - first_frame(SAMPLE).astype(int)).mean()
    assert diff < 3


def test_capture_fps_for_slow_motion():
    info = probe(SAMPLE, capture_fps=240)
    assert info.file_fps == pytest.approx(60, abs=0.1) and info.fps == 240
    assert info.duration_s == pytest.approx(info.frame_count / 240)


def test_streaming_holds_one_frame_at_a_time():
    frames = iter_frames(str(SAMPLE), 10, 13)
    got = [(i, f.shape) for i, f in frames]
    assert got == [(10, (960, 540, 3)), (11, (960, 540, 3)), (12, (960, 540, 3))]


@pytest.mark.parametrize("content, words", [(b"", "empty"), (b"not a video at all" * 100, "could not be read")])
def test_bad_files(tmp_path, content, words):
    path = tmp_path / "run.mp4"
    path.write_bytes(content)
    with pytest.raises(GaitInputError, match=words):
        probe(path)


def test_h264_writer_odd_size(tmp_path):
    out = tmp_path / "odd.mp4"
    with H264Writer(out, 101, 75, 30) as writer:
        for k in range(10):
            writer.write(np.full((75, 101, 3), 20 * k, np.uint8))
    cap = cv2.VideoCapture(str(out))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 10
    assert int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode() in ("avc1", "h264")


@pytest.mark.parametrize("convert_here", [False, True])
def test_h264_writer_colours(tmp_path, convert_here):
    """Converted to yuv420p by ffmpeg or here with OpenCV (``convert_here``), a frame of colour patches of
    odd size reads back within a few levels."""
    frame = np.zeros((75, 101, 3), np.uint8)
    for k, colour in enumerate([(0, 0, 0), (255, 255, 255), (235, 140, 40), (40, 140, 255), (30, 200, 60)]):
        frame[:, 20 * k:20 * k + 20] = colour
    out = tmp_path / "colours.mp4"
    with H264Writer(out, 101, 75, 30, crf=0, convert_here=convert_here) as writer:
        for _ in range(3):
            writer.write(frame)
    got = [f for _, f in iter_frames(str(out))]
    assert len(got) == 3 and got[0].shape == (76, 102, 3)
    inner = (slice(4, 70), np.r_[[x for k in range(5) for x in range(20 * k + 4, 20 * k + 16)]])
    assert np.abs(got[0][inner].astype(int) - frame[inner].astype(int)).max() <= 6


# ---- a variable frame rate: frames the phone did not record ---------------------------------------------

# a second of the side sample (frames 201-259) with every other frame dropped, the rest at 60 fps: the
# file's average rate is 56.7 fps, and counting frames at it times the frames after that second 15 late
UNEVEN = "select='not(between(n\\,200\\,260)*mod(n\\,2))'"
TRUE_CADENCE_SPM, TRUE_CONTACT_MS = 168.0, 257.1  # the sample's truth (sample_videos/side_60fps.truth.json)


@pytest.fixture(scope="module")
def uneven_clip(tmp_path_factory):
    out = tmp_path_factory.mktemp("uneven") / "phone clip.mp4"
    ffmpeg("-i", SAMPLE, "-vf", UNEVEN, "-fps_mode", "passthrough", "-c:v", "libx264", "-crf", "18", "-pix_fmt",
           "yuv420p", out)
    return out


def test_timeline_of_even_jittered_dropped_and_doubled_times():
    from gait.video_io import timeline

    even = np.arange(120) / 60
    clock = timeline(even)
    assert clock.slots.tolist() == list(range(120)) and clock.missing == 0 and clock.fps == pytest.approx(60)
    jittered = even + np.random.default_rng(1).uniform(-0.004, 0.004, 120)  # +-4 ms, no frame lost
    assert timeline(jittered).slots.tolist() == list(range(120))
    dropped = timeline(np.delete(even, [50, 51, 70]))
    assert dropped.n_slots == 120 and dropped.missing_slots.tolist() == [50, 51, 70]
    assert dropped.fps == pytest.approx(60)
    doubled = timeline(np.insert(even, 31, even[30] + 0.002))  # a second frame 2 ms after frame 30: left out
    assert doubled.slots[30:33].tolist() == [30, -1, 31] and doubled.n_slots == 120 and doubled.missing == 0


def test_an_even_clip_is_counted_as_before():
    from gait.video_io import uneven_timeline

    assert uneven_timeline(SAMPLE) is None and probe(SAMPLE).missing_frames == 0


def test_a_clip_with_frames_dropped_is_read_on_its_capture_clock(uneven_clip):
    from gait.video_io import uneven_timeline

    info = probe(uneven_clip)
    assert (info.file_fps, info.frame_count, info.missing_frames) == (pytest.approx(60.0), 540, 30)
    assert cv2.VideoCapture(str(uneven_clip)).get(cv2.CAP_PROP_FPS) == pytest.approx(56.7, abs=0.1)
    assert uneven_timeline(uneven_clip).missing_slots.tolist() == list(range(201, 260, 2))
    wanted = (200, 201, 202, 299, 300, 539)
    original = {i: f.astype(int) for i, f in iter_frames(str(SAMPLE)) if i in wanted}
    read = list(iter_frames(str(uneven_clip)))
    assert [i for i, _ in read] == list(range(540))
    got = {i: f.astype(int) for i, f in read if i in wanted}

    def apart(a, b):
        return float(np.abs(a - b).mean())

    for i in (200, 202, 300, 539):  # each frame in its own slot (the re-encoding moves pixels by about 0.5)
        assert apart(got[i], original[i]) < 1.0
    assert np.array_equal(got[201], got[200]) and read[201][1] is not read[200][1]  # a copy of the one before
    assert apart(got[300], original[299]) > 2 * apart(got[300], original[300])
    sequential = dict(read)
    for start, end in ((1, 4), (201, 203), (230, 240), (500, 540)):  # the demuxer's seek lands by the average rate
        sought = list(iter_frames(str(uneven_clip), start, end, seek=True))
        assert [i for i, _ in sought] == list(range(start, end))
        assert all(np.array_equal(frame, sequential[i]) for i, frame in sought)


def test_a_clip_with_frames_dropped_is_timed_by_its_timestamps(uneven_clip):
    """Counted at the file's average rate the clip read 161 steps/min and 272 ms of contact; the sample
    itself reads 168 and 258."""
    from gait import errors as E
    from gait.pipeline import analyze

    analysis = analyze(str(uneven_clip), workers=2)
    assert analysis.metrics["cadence_spm"]["value"] == pytest.approx(TRUE_CADENCE_SPM, abs=0.5)
    assert analysis.metrics["ground_contact_time_ms"]["value"] == pytest.approx(TRUE_CONTACT_MS, abs=5.0)
    assert analysis.pose.fps == pytest.approx(60.0) and len(analysis.pose.frame_index) == 540
    assert [w.code for w in analysis.warnings if w.code in (E.VARIABLE_FRAME_RATE, E.LOW_FRAME_RATE)] == \
        [E.VARIABLE_FRAME_RATE]
    warning = next(w for w in analysis.warnings if w.code == E.VARIABLE_FRAME_RATE)
    assert "30 of its 540 frames at 60 fps (6 %) were not recorded" in str(warning)


def test_what_is_read_from_a_file_is_read_once_and_again_once_it_changes(tmp_path):
    from gait.per_file import read_once_per_file

    reads = []

    @read_once_per_file
    def text_of(path: str) -> str:
        reads.append(path)
        return Path(path).read_text()

    clip = tmp_path / "clip.txt"
    clip.write_text("a")
    assert text_of(clip) == "a" and text_of(str(clip)) == "a" and reads == [str(clip)]
    clip.write_text("bb")
    assert text_of(clip) == "bb" and len(reads) == 2
    assert text_of(tmp_path / "gone.mp4") is None and len(reads) == 2


def _pulled_source(total: int, pulled: list[int], closed: list[bool], fail_at: int | None = None):
    def source():
        try:
            for k in range(total):
                if k == fail_at:
                    raise OSError("the disk went away")
                pulled.append(k)
                yield k
        finally:
            closed.append(True)
    return source


def test_read_ahead_produces_in_order_in_its_thread_and_holds_at_most_ahead_plus_one():
    """Frames decoded ahead of the tracker or the drawing: every item in order, worked on in the named
    thread, never more than ``ahead + 1`` produced beyond what the consumer has let go of (a 1080x1920 frame
    is 6 MB); the thread has ended once the items are."""
    import threading
    import time

    from gait.video_io import read_ahead

    pulled: list[int] = []
    closed: list[bool] = []
    where: list[str] = []

    def work(k: int) -> int:
        where.append(threading.current_thread().name)
        return 10 * k

    got = []
    for k, item in enumerate(read_ahead(_pulled_source(8, pulled, closed), 2, "test-reader", work)):
        time.sleep(0.05)  # the producer would run on if nothing held it
        assert len(pulled) == min(k + 3, 8)
        got.append(item)
    assert got == [10 * k for k in range(8)] and set(where) == {"test-reader"} and closed == [True]
    assert not [t for t in threading.enumerate() if t.name == "test-reader"]


def test_read_ahead_raises_the_producers_error_and_stops_it_when_closed():
    import threading

    from gait.video_io import read_ahead

    pulled: list[int] = []
    closed: list[bool] = []
    with pytest.raises(OSError, match="disk went away"):
        list(read_ahead(_pulled_source(8, pulled, closed, fail_at=3), 1, "test-reader"))
    assert pulled == [0, 1, 2] and closed == [True]

    def unopened():
        raise FileNotFoundError("run.mp4")

    with pytest.raises(FileNotFoundError):  # raised while the items are made, in the thread
        list(read_ahead(unopened, 1, "test-reader"))

    pulled.clear()
    closed.clear()
    items = read_ahead(_pulled_source(1000, pulled, closed), 1, "test-reader")
    assert next(items) == 0
    items.close()  # the consumer stops early (an error, Ctrl-C, the app's stop)
    assert closed == [True] and len(pulled) <= 2
    assert not [t for t in threading.enumerate() if t.name == "test-reader"]
