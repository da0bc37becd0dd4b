"""End to end in a real browser: Debian's Chromium driven by Playwright against ``streamlit run app.py``.

The test starts the app on a free port of 127.0.0.1, uploads a 5 s cut of the side sample with a runner
name, waits for the results, checks the metric cards and the cues, downloads report.json and the PDF
report from the Report page, saves the analysis on the History page and compares it with a second session,
and checks that a bad upload shows a message, not a traceback. Playwright's
own browser downloads are never used: the browser is /usr/bin/chromium (``make test`` installs it with apt
when it is missing).

Set GAIT_SCREENSHOTS=DIR to save a screenshot of each page there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("GAIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RESULTS_TIMEOUT_MS = 180_000


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: `make test` installs it (scripts/install_browser.sh)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def sync_api():
    try:
        from playwright import sync_api
    except ImportError:
        _missing("the playwright package is not installed")
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing")
    return sync_api


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def history_db(tmp_path_factory) -> Path:
    """The app's run history file for this module (GAIT_HISTORY_DB), empty at first."""
    return tmp_path_factory.mktemp("history") / "history.sqlite3"


@contextlib.contextmanager
def running_app(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """``streamlit run app.py`` on a free port of 127.0.0.1 with ``env`` added to this environment, its
    output in ``log``: its URL once it answers, and its process; stopped on leaving."""
    port = _free_port()
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def app_tmp(tmp_path_factory) -> Path:
    """The app's temporary folder (its working folder and its uploads' folder are made in it)."""
    return tmp_path_factory.mktemp("server-tmp")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, history_db, app_tmp):
    """The app (:func:`running_app`), stopped at the end of the module."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    try:
        with running_app({"GAIT_HISTORY_DB": str(history_db), "TMPDIR": str(app_tmp)}, log) as (url, _):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def page(sync_api, tmp_path_factory):
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, accept_downloads=True, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        try:
            yield context.new_page()
        finally:
            context.close()


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory) -> Path:
    """The first 5 s of the side sample, re-encoded as a phone would (H.264 mp4)."""
    import imageio_ffmpeg

    out = tmp_path_factory.mktemp("clips") / "my_run.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i",
                    str(REPO / "sample_videos" / "side_60fps.mp4"), "-t", "5", "-c:v", "libx264",
                    "-preset", "veryfast", "-pix_fmt", "yuv420p", str(out)], check=True)
    return out


def _shot(page, name: str) -> None:
    folder = os.environ.get("GAIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(800)  # let images and charts finish drawing
        # the app scrolls inside its main block, not the page: make the window as tall as the content
        height = page.evaluate("Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 100, 6000)})
        page.wait_for_timeout(500)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
        page.set_viewport_size(size)


def _wait_idle(page) -> None:
    """Wait until the app's script is no longer running (the status widget is gone)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=RESULTS_TIMEOUT_MS)


def _go_to(page, link: str, heading: str) -> None:
    """Click the top navigation's ``link`` once and wait up to 10 s for a heading ``heading``: a click is
    never lost."""
    _wait_idle(page)
    page.get_by_test_id("stTopNavLink").filter(has_text=link).click()
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=10_000)


def _streamed_from_disk(page) -> None:
    """The page's video plays from the server's own route (gait_app.media), not from Streamlit's memory: its
    source is there, the browser loads it, a byte range comes back as such, and another token is refused."""
    import urllib.error
    import urllib.request

    video = page.get_by_test_id("stVideo").first
    src = video.get_attribute("src")
    assert "/gait-media/" in src, src
    page.wait_for_function("v => v.readyState >= 1 && v.duration > 0", arg=video.element_handle(), timeout=30_000)
    with urllib.request.urlopen(urllib.request.Request(src, headers={"Range": "bytes=0-99"})) as answer:
        assert answer.status == 206 and len(answer.read()) == 100
    token = src.split("/gait-media/")[1].split("/")[0]
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(src.replace(token, "x" * len(token)))


def _open(page, url: str, title: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for()
    _wait_idle(page)


def _pictures_arrived(page, expect, count: int | None = None, at_least: int = 1):
    """Wait for the page's pictures (`count` of them, or `at_least`) and check each one loaded: Streamlit
    draws them after the text around them, and later still on a loaded machine."""
    images = page.locator('[data-testid="stImage"] img, [data-testid="stImageContainer"] img')
    if count is not None:
        expect(images).to_have_count(count, timeout=RESULTS_TIMEOUT_MS)
    else:
        images.nth(at_least - 1).wait_for(state="attached", timeout=RESULTS_TIMEOUT_MS)
    for image in images.all():
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("e => e.naturalWidth") > 0, image.get_attribute("src")


def _kept(page, expect, clip_name: str) -> None:
    """Wait until the app has saved the upload ``clip_name`` and lists it as ready (gait_app.pages.analyze),
    then for that run's end: the uploader shows the file's name before then, and a click on Analyse in
    between could be lost in the upload's reruns (a clean-clone run waited 180 s for results, 4 Dec 2026)."""
    expect(page.get_by_text(re.compile(re.escape(clip_name) + r" \(.+\) ready"))).to_be_visible(timeout=60_000)
    _wait_idle(page)


def _results_shown(page, clip_name: str) -> None:
    """Wait for the results page of `clip_name`, its run over and its measure cards drawn: the browser loads
    the cards' code on first use, seconds after the text around them on a loaded machine."""
    page.get_by_role("heading", name=f"Results: {clip_name}").wait_for(timeout=RESULTS_TIMEOUT_MS)
    _wait_idle(page)
    page.get_by_test_id("stMetric").first.wait_for(timeout=RESULTS_TIMEOUT_MS)


@pytest.fixture(scope="module")
def analysed(page, app_url, short_clip, sync_api):
    """The page with the short clip uploaded for "Ada Runner" and analysed, once per module: the tests that
    need an analysis (its results, then the History page) each ask for it, so either runs alone too."""
    expect = sync_api.expect
    _open(page, app_url, "Running form analyzer")
    _shot(page, "1_analyze")

    side = page.get_by_test_id("stFileUploader").filter(has_text="Side view")
    side.locator('input[type="file"]').set_input_files(str(short_clip))
    _kept(page, expect, "my_run.mp4")
    name = page.get_by_role("textbox", name="Your name on the report")
    name.fill("Ada Runner")
    name.press("Enter")
    _wait_idle(page)
    page.get_by_role("button", name="Analyse").click()
    _results_shown(page, "my_run.mp4")
    return page


def test_upload_analyse_and_download(analysed, tmp_path, sync_api, app_tmp, short_clip):
    expect, page = sync_api.expect, analysed
    # the upload came through the server's middleware (gait_app.uploads): written to its folder as it
    # arrived, then moved into the app's working folder for the analysis, none left behind
    [upload_folder] = app_tmp.glob("gait-uploads-*")
    assert list(upload_folder.iterdir()) == []
    [kept] = app_tmp.glob("gait-app-*/uploads/*/my_run.mp4")
    assert kept.read_bytes() == short_clip.read_bytes()
    _go_to(page, "Results", "Results: my_run.mp4")
    _results_shown(page, "my_run.mp4")
    cards = page.get_by_test_id("stMetric")
    assert cards.count() >= 8
    cadence = page.get_by_test_id("stMetric").filter(has_text="Cadence")
    expect(cadence).to_contain_text("steps/min")
    value = float(cadence.get_by_test_id("stMetricValue").inner_text().split()[0])
    assert 150 <= value <= 185  # the sample runs at 168 steps/min
    expect(page.get_by_text("left").first).to_be_visible()
    expect(page.get_by_role("heading", name="Form cues to discuss with a physical therapist")).to_be_visible()
    expect(page.get_by_text("Not a diagnosis.").first).to_be_visible()
    expect(page.get_by_text("When to see a professional:").first).to_be_visible()
    _shot(page, "2_results")
    for tab in ("Key frames at contact", "Gait cycle", "Every step"):
        page.get_by_role("tab", name=tab).click()
        _wait_idle(page)
        _shot(page, f"3_results_{tab.split()[0].lower()}")
    # every picture arrived (the scrubber frame, two key frames, the gait-cycle plots)
    _pictures_arrived(page, expect, at_least=4)

    _go_to(page, "Report", "Report")
    _wait_idle(page)
    _shot(page, "4_report")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="report.json").click()
    saved = tmp_path / "report.json"
    download_info.value.save_as(saved)
    report = json.loads(saved.read_text())
    assert report["view"] == "side"
    assert abs(report["metrics"]["cadence_spm"]["value"] - value) < 1.0
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Gait report (PDF)").click()
    assert download_info.value.suggested_filename == "my_run_report.pdf"
    pdf = tmp_path / "report.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    expect(page.get_by_test_id("stAudio")).to_have_count(2)  # the metronome at +5 % and +10 %


def _retimed(history, session_id: int, factor: float):
    """A saved session as if run at ``factor`` times the cadence (contact and flight times shorter by as
    much), with the same key frames: a second session without analysing a second clip."""
    import copy

    from gait.history import ClipRecord, NewSession

    stored = history.session(session_id)
    report = copy.deepcopy(stored.report)
    for key, power in (("cadence_spm", 1), ("ground_contact_time_ms", -1), ("flight_time_ms", -1)):
        summary = report["metrics"].get(key) or {}
        for part in ("value", "left", "right", "sd"):
            if isinstance(summary.get(part), (int, float)):
                summary[part] *= factor ** power
    frames = history.key_frames(session_id)
    clips = tuple(ClipRecord(c.file_name, c.view, c.content_sha256, c.settings,
                             {f.side: f.png for f in frames if f.position == c.position}) for c in stored.clips)
    return NewSession(report=report, clips=clips, filmed_on=stored.filmed_on, label=f"re-timed x{factor:.2f}")


def test_history_page_saves_and_compares(analysed, history_db, sync_api):
    """After the clip's analysis (:func:`analysed`): the History page saves it for the runner named on the
    Analyze page; a second session of hers, the first re-timed to 176 steps/min (168 + 5 %), is saved by another
    process; the page then shows the cadence change beyond the smallest detectable change, the trend plot and
    the key frames of both."""
    from gait.history import History

    expect, page = sync_api.expect, analysed
    _go_to(page, "History", "History")
    _wait_idle(page)
    expect(page.get_by_role("textbox", name="New runner's name or alias")).to_have_value("Ada Runner")
    page.get_by_role("button", name="Save to history").click()
    expect(page.get_by_text("Saved as session 1 of Ada Runner.")).to_be_visible()
    _wait_idle(page)
    with History(history_db) as history:
        assert [r.name for r in history.runners()] == ["Ada Runner"]
        history.save("Ada Runner", _retimed(history, 1, 176 / 168))

    _go_to(page, "History", "Before and after")
    _wait_idle(page)
    cadence = page.get_by_test_id("stMetric").filter(has_text="Cadence")
    expect(cadence).to_be_visible()
    expect(cadence.get_by_test_id("stMetricDelta")).to_contain_text("(+5 %)")
    expect(page.get_by_text("Beyond the smallest detectable change", exact=True)).to_be_visible()
    table = page.get_by_test_id("stDataFrame").nth(1)  # after the runner's sessions: the comparison
    for column, text in ((0, "Cadence"), (4, "0.4 steps/min"), (5, "beyond the smallest detectable change")):
        expect(table.get_by_test_id(f"glide-cell-{column}-0")).to_have_text(text)  # the first row
    expect(page.get_by_role("heading", name="Trend per measure")).to_be_visible()
    _pictures_arrived(page, expect, count=5)  # the trend plot, then each foot's key frame before and after
    expect(page.get_by_role("button", name="Export CSV")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    _shot(page, "7_history")


def test_how_to_film_page(page, app_url, sync_api):
    _open(page, f"{app_url}/filming", "How to film")
    _pictures_arrived(page, sync_api.expect, count=2)  # where to film from, where the stickers go
    _shot(page, "5_how_to_film")


def test_bad_upload_shows_a_message(page, app_url, tmp_path, sync_api):
    expect = sync_api.expect
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    _open(page, app_url, "Running form analyzer")
    side = page.get_by_test_id("stFileUploader").filter(has_text="Side view")
    side.locator('input[type="file"]').set_input_files(str(bad))
    _kept(page, expect, "holiday.mp4")
    page.get_by_role("button", name="Analyse").click()
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("could not be read as a video", timeout=60_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    _shot(page, "6_bad_upload")
    # the app keeps working: another page still opens
    page.get_by_role("link", name="How to film").first.click()
    expect(page.get_by_role("heading", name="How to film")).to_be_visible()


def test_damaged_and_non_video_files_show_their_reason_and_the_app_keeps_working(page, app_url, short_clip,
                                                                                 tmp_path, sync_api):
    """A phone clip cut short (the first 60 kB of the side sample, its header first, as phones write it:
    it still promises 540 frames) and a photo saved under a video's name each give an error box with the
    reason, no traceback; a good clip uploaded after them is analysed."""
    import cv2
    import imageio_ffmpeg
    import numpy as np

    expect = sync_api.expect
    whole = tmp_path / "whole.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i",
                    str(REPO / "sample_videos" / "side_60fps.mp4"), "-c", "copy", "-movflags", "+faststart",
                    str(whole)], check=True)
    truncated = tmp_path / "phone_clip.mp4"
    truncated.write_bytes(whole.read_bytes()[:60_000])
    photo = tmp_path / "photo.mov"
    ok, png = cv2.imencode(".png", np.full((480, 270, 3), 128, np.uint8))
    photo.write_bytes(png.tobytes())

    _open(page, app_url, "Running form analyzer")
    side = page.get_by_test_id("stFileUploader").filter(has_text="Side view").locator('input[type="file"]')
    error = page.get_by_test_id("stAlertContentError")
    for clip, reason in ((truncated, "phone_clip.mp4': the file is damaged after 0."),
                         (photo, "'photo.mov' is a photo (PNG), not a video")):
        side.set_input_files(str(clip))
        _kept(page, expect, clip.name)  # the upload's own reruns are over: the click is not lost in them
        page.get_by_role("button", name="Analyse").click()
        expect(error).to_contain_text(reason, timeout=120_000)
        _wait_idle(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(error).to_contain_text("Give the video of the run")
    _shot(page, "8_damaged_upload")

    side.set_input_files(str(short_clip))  # the app keeps working: a good clip after them is analysed
    _kept(page, expect, "my_run.mp4")
    page.get_by_role("button", name="Analyse").click()
    _results_shown(page, "my_run.mp4")
    expect(page.get_by_test_id("stMetric").filter(has_text="Cadence")).to_contain_text("steps/min")


def test_slowed_footage_shows_why_its_times_are_missing(page, app_url, shared_videos, sync_api):
    """The shared slowed treadmill clip (phone slow motion saved at 30 fps, no capture rate given): the results
    say, in the app's words, that its times are not given and where to enter the capture rate; there is no
    cadence card and no cadence cue."""
    expect = sync_api.expect
    clip = shared_videos / "treadmill_side_lab_slowed.mp4"
    _open(page, app_url, "Running form analyzer")
    side = page.get_by_test_id("stFileUploader").filter(has_text="Side view").locator('input[type="file"]')
    side.set_input_files(str(clip))
    _kept(page, expect, clip.name)
    page.get_by_role("button", name="Analyse").click()
    # the results show while the annotated video is drawn; its bar moves by itself, with no run of the page
    # open (so no Stop button, which froze the bar until 5 Dec 2026), and the video shows once drawn, unclicked
    page.get_by_role("heading", name=f"Results: {clip.name}").wait_for(timeout=RESULTS_TIMEOUT_MS)
    drawing = page.get_by_text("Drawing the annotated video").first
    drawing.wait_for(timeout=RESULTS_TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(drawing).to_be_visible()
    expect(page.get_by_test_id("stVideo")).to_have_count(1, timeout=RESULTS_TIMEOUT_MS)
    _streamed_from_disk(page)
    _go_to(page, "Report", "Report")
    _go_to(page, "Results", f"Results: {clip.name}")
    _results_shown(page, clip.name)
    expect(page.get_by_text("slower than anyone runs").first).to_be_visible()
    expect(page.get_by_text("enter the capture frame rate (e.g. 240) under 'Slow motion'").first).to_be_visible()
    _shot(page, "9_slowed_footage")
    expect(page.get_by_test_id("stMetric").filter(has_text="Knee bend at landing")).to_have_count(1)
    expect(page.get_by_test_id("stMetric").filter(has_text="Cadence")).to_have_count(0)  # no number, no card
    expect(page.get_by_text("Cadence, contact and flight times: enter the capture frame rate")).to_be_visible()
    expect(page.get_by_text("Room for quicker, shorter steps")).to_have_count(0)
    _go_to(page, "Report", "Report")
    _wait_idle(page)
    expect(page.get_by_text("No metronome: the clip plays slower than it was filmed")).to_be_visible()
    expect(page.get_by_test_id("stAudio")).to_have_count(0)
