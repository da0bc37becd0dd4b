"""A clip coded in AV1 (OpenCV's FFmpeg cannot decode it) is analysed from its H.264 copy (gait.h264_copy)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gait import errors as E
from gait import h264_copy
from gait.errors import GaitInputError
from gait.history.records import content_sha256
from gait.pipeline import analyze
from gait.pose_cache import PoseCache
from gait.video_io import probe
from tests.test_trust_gate_common import REPO, SAMPLE, ffmpeg, run_cli


def av1(source: Path, out: Path, *args: object) -> Path:
    """``source`` coded in AV1 (SVT-AV1's fast preset, visually near the source)."""
    ffmpeg("-i", source, *args, "-c:v", "libsvtav1", "-preset", "10", "-crf", "30", out)
    return out


@pytest.fixture
def own_copies(tmp_path, monkeypatch):
    """Copies made in a folder of this test's (the pose cache's folder is the test session's)."""
    monkeypatch.setenv("GAIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / h264_copy.FOLDER


def test_the_side_sample_in_av1_reads_as_the_sample(tmp_path, own_copies):
    """The side sample coded in AV1 was refused (unreadable_codec); now it is copied once, with progress, and
    measures as the H.264 sample does; the outputs name the clip, not its copy, and the clip is unchanged."""
    clip = av1(SAMPLE, tmp_path / "side sample (AV1).mp4")
    before = content_sha256(clip)
    with pytest.raises(GaitInputError) as refused:
        probe(clip)
    assert refused.value.code == E.UNREADABLE_CODEC and "is AV1 video" in str(refused.value)

    reports: list[tuple[int, int]] = []
    found = analyze(str(clip), cache=PoseCache(), copy_progress=lambda done, total: reports.append((done, total)))
    sample = analyze(str(SAMPLE), cache=PoseCache())
    assert reports and reports[-1] == (540, 540) and all(total == 540 for _, total in reports)
    copy = Path(found.info.path)
    assert copy.parent.parent == own_copies and copy.name == clip.name and probe(copy).frame_count == 540
    assert found.info.source_path == str(clip) and found.info.name == clip.name
    assert (found.info.width, found.info.height, found.info.fps) == (540, 960, 60.0)
    assert content_sha256(clip) == before

    value = {key: (found.metrics[key]["value"], sample.metrics[key]["value"])
             for key in ("cadence_spm", "ground_contact_time_ms", "knee_flexion_at_contact_deg",
                         "shank_angle_at_contact_deg", "overstride_pct_leg", "peak_knee_flexion_stance_deg")}
    assert abs(value["cadence_spm"][0] - value["cadence_spm"][1]) < 0.3, value
    assert abs(value["ground_contact_time_ms"][0] - value["ground_contact_time_ms"][1]) < 5.0, value
    for key in ("knee_flexion_at_contact_deg", "shank_angle_at_contact_deg", "peak_knee_flexion_stance_deg"):
        assert abs(value[key][0] - value[key][1]) < 1.5, (key, value)
    assert abs(value["overstride_pct_leg"][0] - value["overstride_pct_leg"][1]) < 2.0, value
    assert len(found.steps) == len(sample.steps)

    again: list[tuple[int, int]] = []  # analysed again: the copy is there, not made again
    analyze(str(clip), cache=PoseCache(), copy_progress=lambda done, total: again.append((done, total)))
    assert again == [] and sorted(own_copies.rglob("*")) == [copy.parent, copy]

    done = run_cli(clip, "--no-video", "--out", tmp_path / "out", cwd=REPO)  # the same copy, by the command line
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["video"]["path"] == str(clip)
    assert f"pose {clip.name}: 540 frames..." in done.stderr.splitlines()


def test_the_command_line_shows_the_copy_being_made(tmp_path, own_copies):
    """The copy's progress is shown in lines of its own (a log: the start and the end), before the pose's; a
    rotated AV1 clip (a phone's portrait clip stored landscape) is copied upright."""
    upright = av1(SAMPLE, tmp_path / "plain.mp4", "-t", "2")
    clip = tmp_path / "rotated av1.mp4"
    ffmpeg("-display_rotation", "90", "-i", upright, "-c", "copy", clip)
    info = h264_copy.probe_readable(clip)
    assert (info.width, info.height) == (960, 540)  # turned as the player shows it
    (info_path := Path(info.path)).unlink()  # made again by the command line
    done = run_cli(clip, "--no-video", "--view", "side", "--out", tmp_path / "out", cwd=REPO)
    lines = done.stderr.splitlines()
    assert lines[:2] == [f"H.264 copy {clip.name}: 120 frames...", f"H.264 copy {clip.name}: done"], lines
    assert info_path.is_file()


def test_a_copy_that_fails_refuses_the_clip_saying_why(tmp_path, own_copies, monkeypatch):
    """When FFmpeg cannot make the copy the clip is refused as before (re-export it), with FFmpeg's reason;
    no partial copy is left."""
    clip = av1(SAMPLE, tmp_path / "av1.mp4", "-t", "1", "-vf", "scale=128:224")
    monkeypatch.setattr(h264_copy, "X264", [*h264_copy.X264, "-profile:v", "no-such-profile"])
    with pytest.raises(GaitInputError) as refused:
        analyze(str(clip))
    message = str(refused.value)
    assert refused.value.code == E.UNREADABLE_CODEC
    assert message.startswith("'av1.mp4' is AV1 video") and "H.264 or HEVC" in message
    assert "This tool's copy of it to H.264 failed: " in message
    assert not [p for p in own_copies.rglob("*") if p.is_file()]


def test_the_least_recently_used_copies_go_beyond_the_bound(tmp_path, own_copies, monkeypatch):
    monkeypatch.setattr(h264_copy, "MAX_BYTES", 2500)
    made = []
    for k in range(4):
        folder = own_copies / f"{k:032x}"
        folder.mkdir(parents=True)
        (copy := folder / "clip.mp4").write_bytes(b"x" * 1000)
        os.utime(copy, (1000 + k, 1000 + k))
        made.append(copy)
    h264_copy.prune(keep=made[0])
    assert [c.is_file() for c in made] == [True, False, True, True]  # the oldest kept as asked; the next went
    assert not (own_copies / f"{1:032x}").exists()


def test_a_stopped_copy_leaves_nothing(tmp_path, own_copies):
    """The app's stop (or Ctrl-C) raised in the copy's progress stops FFmpeg; no partial copy is left."""
    clip = av1(SAMPLE, tmp_path / "av1.mp4", "-t", "1", "-vf", "scale=128:224")

    def stop(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        h264_copy.probe_readable(clip, progress=stop)
    assert not [p for p in own_copies.rglob("*") if p.is_file()]


def test_an_hdr_clip_keeps_its_transfer_in_the_copy(tmp_path, own_copies):
    """An AV1 clip coded for an HDR display (HLG, 10-bit) is copied with its transfer named, so that its
    frames are tone-mapped to SDR as an HEVC HDR clip's are (gait.hdr)."""
    from gait.hdr import HLG, tone_map

    clip = tmp_path / "hlg.mp4"
    ffmpeg("-i", SAMPLE, "-t", "1", "-vf",
           f"scale=128:224,setparams=color_trc={HLG}:color_primaries=bt2020:colorspace=bt2020nc",
           "-c:v", "libaom-av1", "-cpu-used", "8", "-row-mt", "1", "-pix_fmt", "yuv420p10le", clip)
    info = h264_copy.probe_readable(clip)
    mapping = tone_map(info.path)
    assert info.copied_from == str(clip) and mapping is not None and mapping.transfer == HLG


def test_frames_a_phone_dropped_stay_missing_in_the_copy(tmp_path, own_copies):
    """A variable-rate AV1 clip (9 of 240 frames dropped, the others at their times) is copied with its
    timestamps: the copy is read on the same capture clock, with the same frames missing."""
    from gait.video_io import uneven_timeline

    clip = tmp_path / "dropped.mp4"
    ffmpeg("-i", SAMPLE, "-t", "4", "-vf", "scale=128:224,select='not(between(n,50,55))*not(between(n,120,122))'",
           "-fps_mode", "passthrough", "-c:v", "libaom-av1", "-cpu-used", "8", "-row-mt", "1", clip)
    info = h264_copy.probe_readable(clip)
    own, copied = uneven_timeline(clip), uneven_timeline(info.path)
    assert own is not None and copied is not None
    assert (copied.n_slots, copied.missing) == (own.n_slots, own.missing) == (240, 9)
    assert (info.frame_count, info.missing_frames) == (240, 9)
