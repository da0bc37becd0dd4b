"""Results: one set of metric cards for the session (side + rear clips merged), the form cues, then per
clip a frame scrubber, key frames, gait-cycle plots and the step table."""

import streamlit as st

from gait.catalogue import METRICS, NEEDS_STICKERS, NOT_GIVEN, by_reason, shown_metrics, titles
from gait.cues import SEE_A_PROFESSIONAL
from gait.document import cycle_caption, cycle_figure
from gait.markers import marker_measures
from gait.measured_error import error_words
from gait.metrics import STEP_COLUMNS
from gait.rendering import annotated_frame
from gait.results import mask_measures, not_measured_in
from gait_app.analysis import cached_session
from gait_app.presentation import (
    SEVERITY_BADGES,
    SEVERITY_ICONS,
    SIDES,
    TITLE_NAME_CHARS,
    BadgeColour,
    card,
    clip_line,
    md,
    md_literal,
    plain_words,
    slowed_footage,
    source_clip,
)
from gait_app.videos import show_video

CARDS_PER_ROW = 4
OPEN_SEVERITY = "consider"  # the cues shown open; the others folded, the first of all open too
CYCLE_FIGURE_WIDTH_PX = 760
KEY_FRAME_MEASURES = ("knee_flexion_at_contact_deg", "shank_angle_at_contact_deg", "overstride_pct_leg",
                      "knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg")
# the step table: which step, then every per-step measure of the catalogue
SHOWN_STEP_COLUMNS = ("step", "side", "ic_time_s", *(c for c in STEP_COLUMNS if c in METRICS), "steady", "left_out")

result = cached_session(st.session_state.get("session_key"))
if result is None or result.session is None or result.main is None:
    st.title("Results")
    st.info("No analysis yet in this browser session: upload a clip, or try the sample.", icon=":material/info:")
    st.page_link("gait_app/pages/analyze.py", label="Go to Analyze", icon=":material/upload:")
    st.stop()

session = result.session
main = result.main
ok_clips = result.ok_clips
several = len(ok_clips) > 1

st.title("Results: " + " + ".join(md_literal(c.name, TITLE_NAME_CHARS) for c in ok_clips))
st.caption("  \n".join(clip_line(c.ok_analysis) for c in ok_clips)
           + ("  \nThe face is blurred in the video and key frames." if result.blur_face else "")
           + "  \n**Not a diagnosis**: discuss the results with a physical therapist.")

problems = [plain_words(w) for w in session.warnings]
problems += [plain_words(c.error) if c.name in c.error else f"{c.name}: {plain_words(c.error)}"
             for c in result.clips.values() if c.error]
if problems:
    st.warning("**Check before you rely on these numbers**\n\n" + "\n".join(f"- {md(p)}" for p in problems),
               icon=":material/warning:")

if result.cues:
    st.markdown("**Form cues** (details below the measures): " + " ".join(
        f":{SEVERITY_BADGES.get(c.severity, 'gray')}-badge[{md(c.title)}]" for c in result.cues))

# ---- one set of cards: sagittal measures from the side clip, frontal ones from the rear clip
names = shown_metrics(session.metrics)
from_stickers = {name for clip in session.clips for name in marker_measures(clip)}
# each frontal number's measured error for its method (gait/data/frontal_errors.json), and the mask's measures
frontal = [clip for clip in session.clips if clip.view != "side"]
fields = frontal[0].frontal_fields if frontal else {}
errors = {name: error for name, error in (fields.get("frontal_error") or {}).items() if error}
from_mask = mask_measures(frontal[:1])
far_leg = session.primary.far_leg
for row_start in range(0, len(names), CARDS_PER_ROW):
    columns = st.columns(CARDS_PER_ROW)
    for column, name in zip(columns, names[row_start:row_start + CARDS_PER_ROW], strict=False):
        c = card(name, session.metrics[name], far_leg)
        with column.container(border=True, key=f"card_{name}"):
            st.metric(c.title, c.value)
            st.markdown(f"{md(c.sides)}  \n{md(c.spread)}")
            if several:
                st.badge(source_clip(name, frontal[0].view if frontal else None), color="blue",
                         icon=":material/videocam:")
            if name in from_stickers:
                st.badge("from the stickers", color="green", icon=":material/adjust:")
            if name in from_mask:
                st.badge("from the body outline", color="violet", icon=":material/accessibility:")
            if name in errors:
                st.caption(md(error_words(errors[name]).capitalize()))
            if c.tag and not (name in from_stickers and c.tag == "not validated"):
                st.badge(c.tag, color="gray")
            if c.reference:
                st.caption(f"{md(c.reference)} *({c.source})*")
primary = session.primary
# the measures a setting on the Analyze page gives, with that setting (the cm one shares its title with the % leg)
optional = {"stride_length_m": ("Stride length", "the treadmill speed"),
            "vertical_oscillation_cm": ("Vertical oscillation in cm", "your height")}
missing = [(what, setting) for n, (what, setting) in optional.items()
           if session.metrics[n]["value"] is None and (primary.view == "side" or n == "stride_length_m")]
hints = ["; ".join(f"{what}: give {setting}" for what, setting in missing) + " on the Analyze page."] if missing else []
if slowed_footage(session):
    hints.append("Cadence, contact and flight times: enter the capture frame rate under 'Slow motion' on the Analyze "
                 "page.")
if not any(c.ok_analysis.view != "side" for c in ok_clips):
    hints.append("Knee valgus, hip adduction and step width need a rear clip too; pelvic drop a rear clip with "
                 "stickers.")
for why, names in by_reason(not_measured_in(session)).items():
    how = ("choose 'Stickers on the runner' on the Analyze page; How to film shows where they go"
           if why == NEEDS_STICKERS else "add a side clip on the Analyze page")
    hints.append(f"{titles(names)}: {why}: {how}.")
if hints:
    st.caption("  \n".join(hints))  # one line each
for note in dict.fromkeys(n for c in session.clips for n in c.notes):  # the rear view's caveats, each once
    st.info(md(note), icon=":material/info:")

# ---- the form cues (gait.cues), most important first
st.subheader("Form cues to discuss with a physical therapist", divider="gray")
st.markdown("**Not a diagnosis.** These cues describe how you ran in these clips, measured from a phone video. "
            "Discuss them with a physical therapist or doctor before you change your running, and stop any "
            "change that makes your pain worse.")
if result.cues:
    for i, cue in enumerate(result.cues):
        if i % 2 == 0:
            columns = st.columns(2)
        colour: BadgeColour = SEVERITY_BADGES.get(cue.severity, "gray")
        # folded but for the first and those worth discussing: on a phone six open cues were 5,000 px of the page
        with columns[i % 2].expander(f"**{md(cue.title)}**", expanded=i == 0 or cue.severity == OPEN_SEVERITY,
                                     key=f"cue_{cue.id}", icon=SEVERITY_ICONS.get(cue.severity)):
            st.badge(cue.severity_label, color=colour)
            st.markdown(f"**What was measured:** {md(cue.measured)}")
            st.markdown(f"**Why it matters for the knee:** {md(cue.why)}")
            st.markdown(f"**What to try:** {md(cue.try_words)}  \n**Drill:** {md(cue.drill)}")
            st.markdown(f"**When to see a professional:** {md(cue.see_professional)}")
            st.caption(f"Evidence: {md(cue.evidence)}. Threshold ({md(cue.threshold_text)}): "
                       f"{md(cue.threshold_basis)}.")
elif result.notes:
    st.info(" ".join(result.notes), icon=":material/info:")
else:
    st.success("None of the measured values reached a cue's threshold.", icon=":material/check_circle:")
st.markdown(f"**When to see a professional:** {md(SEE_A_PROFESSIONAL)}")
if result.metronomes:
    st.page_link("gait_app/pages/report.py", label="Report: metronome and 6-week plan", icon=":material/music_note:",
                 help="The metronome at your +5 % and +10 % cadence, and the full report with a 6-week plan.")
st.page_link("gait_app/pages/history.py", label="History: save, compare", icon=":material/timeline:",
             help="Save this analysis to your history and compare it with an earlier one.")

# ---- each clip: scrubber, key frames, gait cycle, steps
st.subheader("Each clip" if several else f"Your clip: {md_literal(main.name, TITLE_NAME_CHARS)}", divider="gray")
ok_slots = [c.slot for c in ok_clips]
if st.session_state.get("slot") not in ok_slots:
    st.session_state["slot"] = main.slot
slot = st.session_state["slot"]
if several:
    clip_names = {s: result.clips[s].name for s in ok_slots}
    slot = st.segmented_control("Clip", ok_slots, format_func=lambda s: f"{s.capitalize()} view: "
                                f"{clip_names[s]}", key="slot")
clip = result.clips.get(slot) or main  # None when the selected segment is clicked off
analysis = clip.ok_analysis
info = analysis.info
steady = analysis.steps[analysis.steps["steady"]]

frames_tab, keys_tab, cycle_tab, steps_tab = st.tabs(
    ["Frame by frame", "Key frames at contact", "Gait cycle", "Every step"])

with frames_tab:
    n_frames = analysis.pose.n_frames
    contacts = [float(t) for t in steady["ic_time_s"]]
    row = st.slider("Frame", 0, n_frames - 1, value=0, key=f"scrub_{clip.slot}",
                    help="Drag through the analysed part of the clip; contacts are circled.")
    time_s = analysis.pose.time_s[row]
    next_contacts = [t for t in contacts if t >= time_s]
    st.caption(f"t = {time_s:.2f} s" + (f" · next contact at {next_contacts[0]:.2f} s" if next_contacts else ""))
    frame_col, video_col, _ = st.columns([1, 1, 0.6])
    image = annotated_frame(analysis, row, blur_face=result.blur_face)  # drawn as in the video
    if image is not None:
        frame_col.image(image[..., ::-1], width="stretch")
    with video_col:
        show_video(result, clip.slot)
    video_col.caption("The whole annotated clip: skeleton (left blue, right orange), the knee angle at each "
                      "knee, contacts circled, the summary in the corner.")

with keys_tab:
    columns = st.columns(2)
    for column, side in zip(columns, SIDES, strict=False):
        path = clip.files.get(f"keyframe_{side}")
        own = steady[steady["side"] == side]
        with column:
            st.markdown(f"**{side.capitalize()} foot at contact**")
            if path is None:
                st.info(f"No steady {side} contact was measured.")
                continue
            st.image(str(path), width=min(420, info.width))
            shown = [(METRICS[c].title.lower(), METRICS[c].format(own[c].mean()))
                     for c in KEY_FRAME_MEASURES if c in own and own[c].notna().any()]
            chosen = "knee angle" if analysis.view == "side" else "knee valgus"
            st.caption(f"The {side} step with the median {chosen}. Means over {len(own)} {side} steps: "
                       + ", ".join(f"{name} {value}" for name, value in shown) + ".")

with cycle_tab:
    figure = cycle_figure(analysis)  # the report's figure: the same panels as in the PDF and HTML
    if figure is None:
        st.info("No steady stride of either foot could be cut out: nothing to plot.", icon=":material/info:")
    else:
        st.pyplot(figure, width=CYCLE_FIGURE_WIDTH_PX)
    st.caption(cycle_caption(analysis))

with steps_tab:
    table = analysis.steps[[c for c in SHOWN_STEP_COLUMNS if c in analysis.steps.columns]].dropna(axis=1, how="all")
    st.dataframe(table, hide_index=True, width="stretch", placeholder=NOT_GIVEN,
                 column_config={c: st.column_config.NumberColumn(f"{METRICS[c].title} ({METRICS[c].shown_unit})",
                                                                 format=f"%.{METRICS[c].digits}f")
                                for c in table.columns if c in METRICS and METRICS[c].unit is not None}
                 | {c: st.column_config.TextColumn(METRICS[c].title)
                    for c in table.columns if c in METRICS and METRICS[c].unit is None}
                 | {"step": st.column_config.NumberColumn("Step"), "side": st.column_config.TextColumn("Foot"),
                    "ic_time_s": st.column_config.NumberColumn("Contact at (s)", format="%.2f"),
                    "steady": st.column_config.CheckboxColumn("Steady"),
                    "left_out": st.column_config.TextColumn("Left out (why)")})
    st.caption("One row per step, from a foot's contact to the other foot's. Steps outside the steady "
               "running part (Steady unticked) are not averaged; a step whose foot was out of view, or whose leg "
               "the pose model lost at landing, is left out of the foot measures (the last column says which). "
               "Download all columns on the Report page.")
