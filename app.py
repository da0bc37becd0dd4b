"""Streamlit entry point: routes the pages. Run with ``streamlit run app.py``."""

import streamlit as st

from gait.memory import use_one_arena
from gait_app.videos import run_page

use_one_arena()  # the analyses' threads share the allocator's arenas (gait.memory)
st.set_page_config(page_title="Running form analyzer", page_icon=":material/directions_run:", layout="wide")

PAGES = [
    st.Page("gait_app/pages/analyze.py", title="Analyze", icon=":material/upload:", default=True),
    st.Page("gait_app/pages/results.py", title="Results", icon=":material/insights:"),
    st.Page("gait_app/pages/report.py", title="Report", icon=":material/download:"),
    st.Page("gait_app/pages/history.py", title="History", icon=":material/timeline:"),
    st.Page("gait_app/pages/filming.py", title="How to film", icon=":material/videocam:"),
]

run_page(st.navigation(PAGES, position="top"))
