"""The annotated video on the pages: the video once drawn, its own progress bar while it is drawn.

The results are shown as soon as they are written; the video follows (:class:`gait_app.analysis.VideoJob`).
"""

from __future__ import annotations

import streamlit as st

from gait_app.analysis import SessionResult

POLL_S = 1.0


def show_video(result: SessionResult, slot: str) -> None:
    """The clip's annotated video, or its progress while it is drawn (the page reruns when it is done)."""
    path = result.video(slot)
    if path is not None:
        st.video(str(path))
    elif result.videos is not None and result.videos.error is not None:
        st.info("The annotated video could not be made; the measures, key frames and reports are complete.",
                icon=":material/info:")
    else:
        _drawing(result)


@st.fragment(run_every=POLL_S)
def _drawing(result: SessionResult) -> None:
    job = result.videos
    if job is None or job.finished:
        st.rerun()
    else:
        fraction, text = job.progress()
        st.progress(fraction, text=text)
