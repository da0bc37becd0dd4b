"""Memory of the app: peak PSS of the ``streamlit run app.py`` process tree while a clip is uploaded in
Chromium, analysed (an empty pose cache: the pose pass runs), its annotated video drawn and the Report
page opened.

    python scripts/benchmark_app.py [VIDEO ...]

Without VIDEO, the 65 s and 6 s 1080x1920 clips of ``scripts/benchmark.py`` (made once in the temporary
folder). Each clip is measured in a server of its own, started as ``make app`` starts it (its environment),
from a fresh pose cache. Needs the test tools (``make install``) and Debian's Chromium (``make browser``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmark import CLIPS_FOLDER, REPO, _pss_kb, _tree, make_clip, memory_bar_mb

sys.path.insert(0, str(REPO))
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402  (the browser test's app)

APP_ENV = {"MALLOC_ARENA_MAX": "1"}  # as the Makefile's `app` target starts the app
STAGES = ("upload", "results", "video", "report")
TIMEOUT_MS = 900_000


def measure(clip: Path) -> dict[str, float]:
    """Peak PSS (MB) of the app's process tree in each stage: idle, upload (until the clip is listed as
    ready), results (until the results page shows), video (until the annotated video is on the page),
    report (the Report page with its downloads)."""
    from playwright.sync_api import sync_playwright

    peaks = dict.fromkeys(("idle", *STAGES), 0.0)
    stage = ["idle"]
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as scratch:
        env = {**APP_ENV, "GAIT_CACHE_DIR": str(Path(scratch) / "cache"),
               "GAIT_HISTORY_DB": str(Path(scratch) / "history.sqlite3")}
        with running_app(env, Path(scratch) / "streamlit.log") as (url, server):

            def sample() -> None:
                while not stop.is_set():
                    mb = sum(_pss_kb(p) for p in _tree(server.pid)) / 1024
                    peaks[stage[0]] = max(peaks[stage[0]], mb)
                    time.sleep(0.2)

            threading.Thread(target=sample, daemon=True).start()
            try:
                with sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                         args=CHROMIUM_ARGS)
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.set_default_timeout(TIMEOUT_MS)
                    page.goto(url)
                    page.get_by_role("heading", name="Running form analyzer").wait_for()
                    page.wait_for_timeout(2000)
                    stage[0] = "upload"
                    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Side view")
                    uploader.locator('input[type="file"]').set_input_files(str(clip))
                    page.get_by_text(" MB) ready").wait_for()
                    stage[0] = "results"
                    page.get_by_role("button", name="Analyse").click()
                    page.get_by_role("heading", name=f"Results: {clip.name}").wait_for()
                    stage[0] = "video"
                    page.locator("video").first.wait_for(state="attached")
                    page.wait_for_timeout(1000)
                    stage[0] = "report"
                    page.get_by_test_id("stTopNavLink").filter(has_text="Report").click()
                    page.get_by_role("button", name="Annotated video (mp4)").wait_for()
                    page.wait_for_timeout(2000)
                    browser.close()
            finally:
                stop.set()
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("videos", nargs="*", type=Path, help="clips (default: the benchmark's 65 s and 6 s clips)")
    args = parser.parse_args()
    clips = args.videos or [make_clip(65, CLIPS_FOLDER), make_clip(6, CLIPS_FOLDER)]
    print(f"{'clip':34s}{'MB':>8s}" + "".join(f"{s:>10s}" for s in ("idle", *STAGES)) + f"{'peak':>10s}", flush=True)
    peaks = []
    for clip in clips:
        m = measure(clip)
        peaks.append(max(m.values()))
        print(f"{clip.name:34s}{clip.stat().st_size / 1e6:8.0f}" + "".join(f"{m[s]:10.0f}" for s in m)
              + f"{peaks[-1]:10.0f}", flush=True)
    if not args.videos:
        print(f"the 65 s clip's peak against 1.2 x the 6 s clip's + 50 MB: {peaks[0]:.0f} against "
              f"{memory_bar_mb(peaks[1]):.0f} MB")


if __name__ == "__main__":
    main()
