"""Report: the gait report (PDF, HTML), the metronome at the runner's own +5 % and +10 % cadence, the data
files of the session and each clip's annotated video."""

import re

import streamlit as st

from gait.catalogue import number
from gait.cues import cadence_not_suggested, cadence_targets
from gait.report import output_name
from gait_app.analysis import cached_session
from gait_app.presentation import TITLE_NAME_CHARS, md_literal, slowed_footage
from gait_app.videos import show_video

SESSION_DOWNLOADS = (  # file key (gait.report.OUTPUT_NAMES) -> button label, mime type, what it is
    ("report_pdf", "Gait report (PDF)", "application/pdf", "to print or send to your physical therapist: "
     "measures, key frames, gait cycle, form cues, a 6-week cadence plan and the methods"),
    ("report_html", "Gait report (HTML)", "text/html", "the same report as one web page; opens offline in any browser"),
    ("report", output_name("report"), "application/json", "every measure, event and setting (documented schema)"),
    ("steps", output_name("steps"), "text/csv", "one row per step of every clip: open it in a spreadsheet"),
)
CLIP_DOWNLOADS = (
    ("video", "Annotated video (mp4)", "video/mp4", "skeleton, knee angles and contacts drawn in"),
    ("landmarks", output_name("landmarks"), "text/csv", "cleaned body-point positions per frame (pixels)"),
)


def download_row(files: dict, key: str, label: str, mime: str, what: str, stem: str, widget_key: str) -> None:
    path = files.get(key)
    button_col, text_col = st.columns([1, 3], vertical_alignment="center")
    if path is None:
        button_col.button(label, disabled=True, key=f"{widget_key}_missing", width="stretch")
        text_col.caption("Could not be made for this session.")
        return
    # the file is read when the button is clicked, not on each run of the page: the annotated video and the
    # landmarks grow with the clip's length (a minute of video is tens of MB)
    button_col.download_button(label, data=path.read_bytes, file_name=f"{stem}_{path.name}", mime=mime,
                               key=widget_key, icon=":material/download:", width="stretch", on_click="ignore")
    text_col.caption(what)


st.title("Report")
result = cached_session(st.session_state.get("session_key"))
if result is None or result.session is None or result.main is None:
    st.info("No analysis yet in this browser session: upload a clip, or try the sample.", icon=":material/info:")
    st.page_link("gait_app/pages/analyze.py", label="Go to Analyze", icon=":material/upload:")
    st.stop()

session = result.session
stem = result.main.name.rsplit(".", 1)[0]
about = [" + ".join(f"{c.name} ({c.ok_analysis.view} view)" for c in result.ok_clips)]
about.append(f"runner: {result.runner_name}" if result.runner_name else "no name on the report (give it on the "
             "Analyze page)")
about.append("face blurred" if result.blur_face else "face not blurred (tick 'Blur the face in exported frames' "
             "on the Analyze page to blur it)")
st.caption(" · ".join(about) + ". **Not a diagnosis**: every page of the report says so.")

st.subheader("Gait report and data", divider="gray")
for key, label, mime, what in SESSION_DOWNLOADS:
    download_row(result.files, key, label, mime, what, stem, f"session_{key}")
for note in result.notes:
    st.caption(note)

st.subheader("Metronome", divider="gray")
cadence = number(session.metrics["cadence_spm"]["value"])
targets = cadence_targets(cadence)
if result.metronomes and targets:
    not_suggested = cadence_not_suggested(cadence, result.cues)
    lead = (f"Your cadence: {not_suggested}. If your physical therapist advises one, the usual step" if not_suggested
            else f"Your cadence: **{cadence:.0f} steps/min**. For knee pain the usual retraining step")
    st.markdown(f"{lead} is your own cadence +5 % (**{targets[5.0]}**), later +10 % (**{targets[10.0]}**), at the "
                "same speed: run short blocks to the beat inside easy runs, as in the report's 6-week plan. One "
                "click per step, every second click accented; 60 s, set your player to loop.")
    columns = st.columns(len(result.metronomes))
    for column, (key, path) in zip(columns, result.metronomes.items(), strict=False):
        spm = int(re.sub(r"\D", "", key) or 0)
        pct = next((f"+{p:.0f} %" for p, t in targets.items() if t == spm), "")
        with column.container(border=True):
            st.markdown(f"**{spm} steps/min** {pct}")
            st.audio(path.read_bytes(), format="audio/wav")
            st.download_button(path.name, data=path.read_bytes, file_name=path.name, mime="audio/wav",
                               key=f"download_{key}", icon=":material/download:", on_click="ignore")
elif slowed_footage(session):
    st.info("No metronome: the clip plays slower than it was filmed, so its cadence is not known. Enter the "
            "capture frame rate under 'Slow motion' on the Analyze page and analyse again.", icon=":material/info:")
else:
    st.info("No metronome: the cadence could not be measured.", icon=":material/info:")

for clip in result.ok_clips:
    st.subheader(f"{clip.slot.capitalize()} clip: {md_literal(clip.name, TITLE_NAME_CHARS)}", divider="gray")
    clip_stem = clip.name.rsplit(".", 1)[0]
    video = result.video(clip.slot)
    files = {**clip.files, **({"video": video} if video is not None else {})}
    for key, label, mime, what in CLIP_DOWNLOADS:
        if key == "video" and video is None and result.videos is not None and result.videos.error is None:
            with st.columns([1, 3])[0]:
                show_video(result, clip.slot)  # its progress; the download appears when it is drawn
            continue
        download_row(files, key, label, mime, what, clip_stem, f"{clip.slot}_{key}")
