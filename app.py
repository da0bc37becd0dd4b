"""Streamlit entry point: ``streamlit run app.py``.

Streamlit finds ``app`` below and starts its server: Streamlit's own, with the route that streams the
annotated videos from disk (:mod:`gait_app.media`) and uploads written to disk as they arrive
(:mod:`gait_app.uploads`). Each run of a session's page runs this file as
``__main__``, which routes the pages.
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.starlette import App

from gait.memory import use_one_arena
from gait_app import media, uploads

use_one_arena()  # the analyses' threads share the allocator's arenas (gait.memory)

if __name__ == "__main__":  # a session's run
    st.set_page_config(page_title="Running form analyzer", page_icon=":material/directions_run:", layout="wide")
    from gait_app.pages_state import keep_form_values

    keep_form_values()  # the Analyze form's values when another page is shown
    PAGES = [
        st.Page("gait_app/pages/analyze.py", title="Analyze", icon=":material/upload:", default=True),
        st.Page("gait_app/pages/results.py", title="Results", icon=":material/insights:"),
        st.Page("gait_app/pages/report.py", title="Report", icon=":material/download:"),
        st.Page("gait_app/pages/history.py", title="History", icon=":material/timeline:"),
        st.Page("gait_app/pages/filming.py", title="How to film", icon=":material/videocam:"),
    ]
    st.navigation(PAGES, position="top").run()
else:  # imported by the server that `streamlit run app.py` starts
    app = App("app.py", routes=media.routes(), middleware=[Middleware(uploads.UploadsToDisk)])
