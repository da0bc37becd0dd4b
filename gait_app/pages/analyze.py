"""Analyze: upload a side and/or rear treadmill clip (or try the sample), with a progress bar."""

import logging
import math
import time
from pathlib import Path

import streamlit as st

from gait.errors import GaitInputError, write_failure
from gait.markers import AUTO, WORKING_COLOURS
from gait.pipeline import Options
from gait.results import OPTION_RANGES
from gait_app.analysis import SAMPLE_OPTIONS, SAMPLES, SLOTS, VIDEO_TYPES, analyse_clips, keep_upload
from gait_app.pages_state import ANALYSING
from gait_app.presentation import REAR_SLOT_VIEWS, REAR_VIEW_LABEL, ProgressText, plain_words

MPH_TO_KMH = 1.609344
NO_STICKERS, FIND_COLOUR, OTHER_COLOUR = "none", "yes: find their colour", "yes: another colour"
STICKER_CHOICES = (NO_STICKERS, FIND_COLOUR, *(f"yes: {c}" for c in WORKING_COLOURS), OTHER_COLOUR)

st.title("Running form analyzer")
st.markdown("Film a treadmill run from the side (and from behind), upload the clips, and see your "
            "cadence, overstride and knee angles with the evidence behind each. **Not a diagnosis**: "
            "discuss the results with a physical therapist.")

types_text = ", ".join(VIDEO_TYPES)
max_upload_gb = st.get_option("server.maxUploadSize") / 1024  # .streamlit/config.toml
# An upload is saved to disk at once and Streamlit's in-memory copy let go (its uploader then starts afresh
# under a new key): the clip is listed as ready below its uploader until it is removed or replaced.
ready: dict[str, dict] = st.session_state.setdefault("ready_clips", {})
turns: dict[str, int] = st.session_state.setdefault("upload_turns", {slot: 0 for slot in SLOTS})


def upload_slot(slot: str, label: str, help_text: str) -> bool:
    """The slot's uploader and its ready clip; True when a new upload was kept in this run."""
    upload = st.file_uploader(f"{label} ({types_text}; up to {max_upload_gb:g} GB)", type=list(VIDEO_TYPES),
                              key=f"{slot}_upload_{turns[slot]}", help=help_text)
    if upload is not None:
        try:
            path = keep_upload(upload)
        except OSError as exc:  # a full or read-only disk: say so, keep the page
            st.error(f"**{upload.name}** could not be saved for the analysis ({exc.strerror or exc}). Free some "
                     "disk space (the app keeps uploads in the system's temporary folder) and upload it again.")
            return False
        ready[slot] = {"name": upload.name, "size": path.stat().st_size, "path": path}
        turns[slot] += 1
        return True
    clip = ready.get(slot)
    if clip is not None:
        name_col, remove_col = st.columns([3, 1], vertical_alignment="center")
        size = f"{clip['size'] / 1e6:.1f} MB" if clip["size"] >= 100_000 else f"{clip['size'] / 1e3:.0f} kB"
        name_col.markdown(f":material/check_circle: **{clip['name']}** ({size}) ready")
        if remove_col.button("Remove", key=f"remove_{slot}", icon=":material/close:"):
            del ready[slot]
            st.rerun()
    return False


side_col, rear_col = st.columns(2)
with side_col:
    kept = upload_slot("side", "**Side view**", "Camera square to the treadmill belt, hip height, whole body in view.")
with rear_col:
    kept = upload_slot("rear", "**Rear view** (or front), optional",
                       "Camera square behind the runner (or in front), hip height: which of the two is told "
                       "from the runner's face, so that left and right are the runner's own.") or kept
    rear_view = st.radio(
        REAR_VIEW_LABEL, list(REAR_SLOT_VIEWS), horizontal=True, key="rear_view",
        help="Left and right are the runner's own: which of behind or in front is told from the runner's face. "
             "If the results say it may have been told wrong, choose it here and analyse again.")
    sticker_choice = st.selectbox(
        "Stickers on the runner", STICKER_CHOICES, index=0, key="stickers",
        help="Marker mode: if the runner wears round stickers of one bright colour (see How to film), the rear "
             "clip's knee valgus, pelvic drop, hip adduction, step width and rearfoot eversion come from them.")
    sticker_hex = (st.color_picker("Sticker colour", "#33EE44", key="sticker_colour")
                   if sticker_choice == OTHER_COLOUR else None)
if kept:  # draw the emptied uploaders and the ready clips
    st.rerun()
st.page_link("gait_app/pages/filming.py", label="How to film", icon=":material/videocam:")

st.subheader("Your run", divider="gray")
fps_col, height_col, speed_col, unit_col = st.columns([1.2, 1, 1, 0.8])
# the numbers have no bounds here: a number out of range is refused with its range on Analyse (an input's own
# bounds only turned it red, and the analysis ran without it)
capture_fps = fps_col.number_input(
    "Slow motion: capture frame rate (fps)", value=None, step=30.0, format="%.0f", placeholder="as in the file",
    key="capture_fps", help="Phones save slow-motion video to play at 30 fps. Enter the rate it was filmed at "
                            "(120, 240); leave empty for normal video.")
height_cm = height_col.number_input("Your height (cm)", value=None, step=1.0, format="%.0f", placeholder="optional",
                                    key="height_cm", help="Gives vertical oscillation in cm.")
def _speed_in_new_unit() -> None:
    """The speed typed, converted when the unit is switched (it kept its number, and so changed its speed)."""
    if st.session_state.get("speed") is not None:
        to_kmh = MPH_TO_KMH if st.session_state["speed_unit"] == "km/h" else 1 / MPH_TO_KMH
        st.session_state["speed"] = round(st.session_state["speed"] * to_kmh, 1)


speed_unit = unit_col.radio("Unit", ["km/h", "mph"], horizontal=True, key="speed_unit", on_change=_speed_in_new_unit)
kmh_per_unit = MPH_TO_KMH if speed_unit == "mph" else 1.0
speed = speed_col.number_input("Treadmill speed", value=None, step=0.5, format="%.1f", placeholder="optional",
                               key="speed", help="Gives stride length in metres.")
name_col, blur_col = st.columns([1.2, 2.8], vertical_alignment="bottom")
runner_name = name_col.text_input("Your name on the report", max_chars=80, placeholder="optional", key="runner_name",
                                  help="Printed on the PDF and HTML report only; leave it empty to keep it off.")
blur_face = blur_col.checkbox("Blur the face in exported frames", value=False, key="blur_face",
                              help="Blurs your head in the annotated video, the key frames and the PDF/HTML "
                                   "report. The measurements do not change.")
with st.expander("More options"):
    start_col, end_col, mirror_col = st.columns(3)
    start_s = start_col.number_input("Start (s)", min_value=0.0, value=None, step=1.0, format="%.1f",
                                     placeholder="from the start", key="start_s",
                                     help="Leave both empty: the steady running part is found by itself.")
    end_s = end_col.number_input("End (s)", min_value=0.0, value=None, step=1.0, format="%.1f",
                                 placeholder="to the end", key="end_s")
    mirrored = mirror_col.checkbox("Mirrored video (selfie camera)", value=False, key="mirrored")

analyse_col, sample_col, _ = st.columns([1, 1, 3])
analyse = analyse_col.button("Analyse", type="primary", icon=":material/play_arrow:",
                             disabled=not ready, width="stretch")
sample = sample_col.button("Try the sample", icon=":material/science:", width="stretch",
                           help="A synthetic runner, 9 s at 60 fps, 1.75 m tall, 11 km/h.")

clips: dict[str, Path] = {}
options: Options | None = None  # set with the clips, by either button
if analyse:
    clips = {slot: clip["path"] for slot, clip in ready.items()}
    markers = {NO_STICKERS: None, FIND_COLOUR: AUTO, OTHER_COLOUR: sticker_hex}.get(
        sticker_choice, sticker_choice.removeprefix("yes: "))
    low, high = (OPTION_RANGES["speed_kmh"].low / kmh_per_unit, OPTION_RANGES["speed_kmh"].high / kmh_per_unit)
    if speed is not None and not low <= speed <= high:  # said in the unit chosen
        st.error(f"Treadmill speed {speed:g} {speed_unit}: give the belt's speed, from {math.ceil(10 * low) / 10:g} "
                 f"to {math.floor(10 * high) / 10:g} {speed_unit}.")
        st.stop()
    try:
        options = Options(capture_fps=capture_fps, start_s=start_s, end_s=end_s, mirrored=mirrored,
                          height_cm=height_cm, markers=markers, view=REAR_SLOT_VIEWS[rear_view],
                          speed_kmh=None if speed is None else speed * kmh_per_unit)
    except GaitInputError as exc:  # an end before the start, a number out of its range
        st.error(plain_words(str(exc)))
        st.stop()
elif sample:
    clips = dict(SAMPLES)
    options = SAMPLE_OPTIONS

if st.session_state.pop(ANALYSING, None) and not (clips and options is not None):
    st.warning("The last analysis was stopped when another page was opened: press Analyse again, and stay on "
               "this page until the results show.", icon=":material/warning:")
if clips and options is not None:
    st.session_state[ANALYSING] = True  # left set when the run is stopped by opening another page
    bar = st.progress(0.0, text="Opening the video")
    stay = st.caption("Stay on this page until the results show: opening another page stops the analysis.")
    estimate = ProgressText(list(clips), time.monotonic())

    def progress(slot: str, stage: str, done: int, total: int) -> None:
        fraction, text = estimate.update(slot, stage, done, total, time.monotonic())
        bar.progress(fraction, text=text)

    try:
        session = analyse_clips(clips, options, progress, blur_face=blur_face, runner_name=runner_name)
    except Exception as exc:  # an internal fault must not leave the user with a traceback
        st.session_state.pop(ANALYSING, None)
        bar.empty()
        stay.empty()
        failure = write_failure(exc)
        if failure:  # a full disk: the computer's, not the analyzer's
            st.error(f"The results could not be written: {failure}. Free some disk space (the app keeps its files in "
                     "the system's temporary folder) and analyse again.")
            st.stop()
        logging.getLogger(__name__).exception("analysis failed")
        st.error(f"Something went wrong inside the analyzer ({type(exc).__name__}: {exc}). Try another "
                 "clip; if it happens again, please report it with the clip.")
        st.stop()
    bar.empty()
    stay.empty()
    st.session_state.pop(ANALYSING, None)
    for result in session.clips.values():
        if result.error and (result.slot == "side" or session.main is None):
            message = plain_words(result.error)
            if result.name not in message:
                message = f"**{result.name}**: {message}"
            st.error(message, icon=":material/error:")
    if session.main is not None:
        st.session_state["session_key"] = session.key
        st.session_state["slot"] = session.main.slot
        st.switch_page("gait_app/pages/results.py")
