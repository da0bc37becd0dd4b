"""The annotated video on the pages: the video once drawn, its own progress bar while it is drawn.

The results are shown as soon as they are written; the video follows (:class:`gait_app.analysis.VideoJob`).
While it is drawn, the page's run stays open at its end, moving the bars, and runs the page again once the
video is done (:func:`run_page`). A click anywhere, the top navigation's included, ends that wait: Streamlit
stops a run at its next element update when another run is asked for.

Not a fragment that reruns itself on a timer (``st.fragment(run_every=...)``, used before): Streamlit 1.60
merges a timed fragment rerun that arrives while a page change waits into that change, keeping the
fragment's page (``ScriptRequests.request_rerun``), so a click on the top navigation during a page's run was
now and then lost (seen in CI on the Results page of a 949-frame clip).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.navigation.page import StreamlitPage

from gait_app import media

if TYPE_CHECKING:  # app.py imports this module first: the analysis's modules load with the pages
    from gait_app.analysis import SessionResult, VideoJob

POLL_S = 0.5

_run = threading.local()  # the bars of the page's current run: each session's runs are on its own thread


def run_page(page: StreamlitPage) -> None:
    """Run ``page``, then move the progress bars of the videos it shows being drawn until every one is done,
    and run the page again to show them."""
    _run.bars = []
    page.run()
    bars: list[tuple[DeltaGenerator, VideoJob]] = _run.bars
    if not bars:
        return
    while not all(job.finished for _, job in bars):
        time.sleep(POLL_S)
        for bar, job in bars:
            _show_progress(bar, job)
    st.rerun()


def show_video(result: SessionResult, slot: str) -> None:
    """The clip's annotated video, or its progress while it is drawn (moved by :func:`run_page`)."""
    job = result.videos
    drawing = job is not None and not job.finished  # read before the path: a job once finished has its paths
    path = result.video(slot)
    if path is not None:
        st.video(media.url_of(path) or str(path))  # streamed from disk by app.py's server (gait_app.media)
    elif job is not None and job.error is not None:
        st.info("The annotated video could not be made; the measures, key frames and reports are complete.",
                icon=":material/info:")
    elif drawing and job is not None:
        bar = st.empty()
        _show_progress(bar, job)
        getattr(_run, "bars", []).append((bar, job))


def _show_progress(bar: DeltaGenerator, job: VideoJob) -> None:
    fraction, text = job.progress()
    bar.progress(fraction, text=text)
