"""What the pages keep of each other in a browser session.

Streamlit drops a widget's value when a run does not draw it (another page is shown): the Analyze form's
height, speed and name were empty on coming back, and a second analysis (a rear clip added) lost them. Each
run assigns the form's values to themselves first, which keeps them (Streamlit's "Working with widgets in
multipage apps", option 3)."""

from __future__ import annotations

import streamlit as st

# the Analyze form's widgets (their keys), kept when another page is shown
FORM_KEYS = ("capture_fps", "height_cm", "speed", "speed_unit", "runner_name", "blur_face", "start_s", "end_s",
             "mirrored", "stickers", "sticker_colour", "rear_view")
# set while an analysis runs on the Analyze page: still set when the page is drawn again, the run was stopped
ANALYSING = "analysing"


def keep_form_values() -> None:
    for key in FORM_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
