"""Streamlit front end (first page): upload a side-view clip, see the metrics."""

import tempfile
from pathlib import Path

import streamlit as st

from gait.errors import GaitInputError
from gait.pipeline import Options, analyze

st.set_page_config(page_title="Running form analyzer", layout="wide")
st.title("Running form analyzer")
st.caption("Side-view treadmill clip in, form measurements out. Not a diagnosis: discuss the results "
           "with a physical therapist.")

upload = st.file_uploader("Side-view running clip (mp4, mov, avi, webm, mkv; up to 1 GB)",
                          type=["mp4", "mov", "avi", "webm", "mkv"])
capture_fps = st.number_input("Capture frame rate for slow-motion clips (0 = as in the file)", 0.0, 1000.0, 0.0)

if upload is not None and st.button("Analyse"):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getbuffer())
        bar = st.progress(0.0, text="Finding the runner in every frame")

        def progress(done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"Pose: frame {done} of {total}")

        try:
            analysis = analyze(str(path), Options(capture_fps=capture_fps or None), progress)
        except GaitInputError as exc:
            st.error(str(exc))
            st.stop()
    bar.empty()
    columns = st.columns(4)
    for i, (name, values) in enumerate(analysis.metrics.items()):
        if values["value"] is None:
            continue
        value = values["value"] if isinstance(values["value"], str) else f"{values['value']:.1f} {values['unit']}"
        columns[i % 4].metric(name, value, help=f"left {values['left']}, right {values['right']}, n {values['n']}")
    for warning in analysis.warnings:
        st.warning(warning)
    st.dataframe(analysis.steps)
