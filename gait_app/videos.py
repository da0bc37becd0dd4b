"""The annotated video on the pages: the video once drawn, its own progress bar while it is drawn.

The results are shown as soon as they are written; the video follows (:class:`gait_app.analysis.VideoJob`).
While it is drawn, the page shows a bar that moves by itself in the browser: it asks the server how far the
drawing is (:func:`gait_app.media.progress_url_of`) twice a second and, once the video is done, runs the
page again to show it. No run of the page stays open meanwhile, so nothing waits on the runner's clicks and
the header's Stop button, which stops a page's run, is not shown.

Until 5 Dec 2026 the page's run stayed open at its end, moving the bars, and ran the page again once the
video was done: Stop then froze the bar, and the video did not show until the next click. Before that, a
fragment reran itself on a timer (``st.fragment(run_every=...)``), which Streamlit 1.60 merges into a page
change that arrives meanwhile, keeping the fragment's page: a click on the top navigation was now and then
lost.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import streamlit as st

from gait_app import media

if TYPE_CHECKING:  # the analysis's modules load with the pages
    from gait_app.analysis import SessionResult

POLL_MS = 500  # between the bar's questions to the server

_BAR_HTML = ('<div class="text"></div><div class="track" role="progressbar" aria-valuemin="0" aria-valuemax="100">'
             '<div class="fill"></div></div>')
_BAR_CSS = """
.text { font-family: var(--st-font, "Source Sans", sans-serif); font-size: 14px; color: var(--st-text-color, #31333f);
        margin-bottom: 6px; }
.track { height: 8px; border-radius: 4px; background: var(--st-secondary-background-color, #f0f2f6);
         overflow: hidden; }
.fill { height: 100%; background: var(--st-primary-color, #ff4b4b); transition: width 0.4s; }
"""
# data: url (media.progress), text and fraction as the page last saw them, poll_ms. Once the drawing is
# finished the trigger "drawn" runs the page again; a 404 (the results replaced, the server restarted) stops
# the questions; a failed question (the server busy a moment) is asked again.
_BAR_JS = """
export default function ({ data, parentElement, setTriggerValue }) {
  const text = parentElement.querySelector(".text");
  const track = parentElement.querySelector(".track");
  const fill = parentElement.querySelector(".fill");
  const show = (state) => {
    const percent = Math.round(100 * state.fraction);
    text.textContent = state.text;
    fill.style.width = `${percent}%`;
    track.setAttribute("aria-valuenow", percent);
    track.setAttribute("aria-valuetext", state.text);
  };
  show(data);
  let timer = null;
  let stopped = false;
  const ask = async () => {
    try {
      const answer = await fetch(data.url, { cache: "no-store" });
      if (answer.status === 404) return;
      if (answer.ok) {
        const state = await answer.json();
        if (stopped) return;
        show(state);
        if (state.finished) {
          setTriggerValue("drawn", data.url);
          return;
        }
      }
    } catch (error) {}
    if (!stopped) timer = setTimeout(ask, data.poll_ms);
  };
  timer = setTimeout(ask, data.poll_ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
"""


@functools.cache
def _progress_bar() -> Any:
    """The bar's component, registered once, on the first page that shows it (with the server running)."""
    return st.components.v2.component("gait_video_progress", html=_BAR_HTML, css=_BAR_CSS, js=_BAR_JS)


def _page_runs_again() -> None:
    """The bar's trigger: the page's run that follows shows the video."""


def show_video(result: SessionResult, slot: str) -> None:
    """The clip's annotated video, or its progress while it is drawn."""
    job = result.videos
    drawing = job is not None and not job.finished  # read before the path: a job once finished has its paths
    path = result.video(slot)
    if path is not None:
        st.video(media.url_of(path) or str(path))  # streamed from disk by app.py's server (gait_app.media)
    elif job is not None and job.error is not None:
        st.info("The annotated video could not be made; the measures, key frames and reports are complete.",
                icon=":material/info:")
    elif drawing and job is not None:
        fraction, text = job.progress()
        url = media.progress_url_of(job)
        if url is None:  # a page run without the app's server (AppTest): the bar as it stands
            st.progress(fraction, text=text)
        else:
            _progress_bar()(key=f"video_progress_{slot}", data={"url": url, "text": text, "fraction": fraction,
                                                               "poll_ms": POLL_MS},
                            on_drawn_change=_page_runs_again)
