"""Report: download the gait report (PDF, HTML), report.json, steps.csv and the annotated video."""

import streamlit as st

from gait_app.analysis import cached_session

DOWNLOADS = (  # file key (gait_app.analysis) -> button label, mime type, what it is
    ("report_pdf", "Gait report (PDF)", "application/pdf", "to print or send to your physical therapist"),
    ("report_html", "Gait report (HTML)", "text/html", "the same report, opens in any browser"),
    ("report", "report.json", "application/json", "every measure, event and setting (documented schema)"),
    ("steps", "steps.csv", "text/csv", "one row per step: open it in a spreadsheet"),
    ("landmarks", "landmarks.csv", "text/csv", "cleaned body-point positions per frame (pixels)"),
    ("video", "Annotated video (mp4)", "video/mp4", "skeleton, knee angles and contacts drawn in"),
)

st.title("Report")
session = cached_session(st.session_state.get("session_key"))
if session is None or session.main is None:
    st.info("No analysis yet in this browser session: upload a clip, or try the sample.", icon=":material/info:")
    st.page_link("gait_app/pages/analyze.py", label="Go to Analyze", icon=":material/upload:")
    st.stop()

for clip in session.clips.values():
    if clip.analysis is None:
        continue
    stem = clip.name.rsplit(".", 1)[0]
    st.subheader(f"{clip.slot.capitalize()} view: {clip.name}", divider="gray")
    for key, label, mime, what in DOWNLOADS:
        path = clip.files.get(key)
        button_col, text_col = st.columns([1, 3], vertical_alignment="center")
        if path is None:
            button_col.button(label, disabled=True, key=f"{clip.slot}_{key}_missing", width="stretch")
            text_col.caption("Not available in this version yet.")
            continue
        button_col.download_button(label, data=path.read_bytes(), file_name=f"{stem}_{path.name}", mime=mime,
                                   key=f"{clip.slot}_{key}", icon=":material/download:", width="stretch",
                                   on_click="ignore")
        text_col.caption(what)
    for note in clip.notes:
        if "report" in note.lower():
            st.caption(note)
