"""History: save this analysis under a runner (chosen or created); a runner's sessions; two sessions before
and after, each measure's change against its smallest detectable change; a trend plot per measure; the key
frames side by side; export (CSV, JSON) and delete. The history file is ``GAIT_HISTORY_DB`` or
history.sqlite3 in the user's data folder (:mod:`gait.history`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from gait.catalogue import NOT_GIVEN
from gait.errors import sentence_start
from gait.history import (
    BEYOND,
    NOT_COMPARABLE,
    History,
    HistoryError,
    SessionPoint,
    StoredSession,
    compare,
    history_path,
)
from gait.history.compare import BEYOND_MEANING, NOT_DAY_TO_DAY, SDC_ERROR_FACTOR
from gait.history.store import slug
from gait.history.trend import trend_figure
from gait_app.analysis import cached_session
from gait_app.presentation import md, md_literal
from gait_app.saving import save_result

NEW_RUNNER = "New runner…"
TREND_WIDTH_PX = 1000
KEY_FRAME_WIDTH_PX = 300
# the app has no log-in: one history for every browser that opens it, said on the page
SHARED = "everyone who opens this app sees its runners and can change them (on a clinic's server, its staff)."
ROW_PX = 35  # a dataframe row: the comparison table shows every measure without scrolling


def save_section(history: History) -> None:
    """Save the analysis of this browser session, under a runner chosen or created."""
    result = cached_session(st.session_state.get("session_key"))
    if result is None or result.session is None:
        st.caption("To add a session: analyse a clip on the Analyze page, then come back here to save it.")
        return
    saved = st.session_state.setdefault("history_saved", {})
    with st.container(border=True, key="save_box"):
        st.subheader("Save this analysis")
        st.caption(" + ".join(f"{md_literal(c.name)} ({c.analysis.view} view)" for c in result.ok_clips
                              if c.analysis))
        if result.key in saved:
            runner, session_id = saved[result.key]
            st.success(f"Saved as session {session_id} of {md_literal(runner)}.", icon=":material/check_circle:")
            return
        names = [r.name for r in history.runners()]
        given = result.runner_name or ""
        default = next((i for i, n in enumerate(names) if n.casefold() == given.casefold()), len(names))
        runner_col, name_col, date_col = st.columns([1.2, 1.2, 1])
        choice = runner_col.selectbox("Runner", [*names, NEW_RUNNER], index=default, key="history_runner_choice")
        new_name = ""
        if choice == NEW_RUNNER:
            new_name = name_col.text_input("New runner's name or alias", value=given, max_chars=80,
                                           key="history_new_runner", placeholder="e.g. Ada or runner 12")
        filmed_on = date_col.date_input("Date filmed", value=dt.date.today(), max_value=dt.date.today(),
                                        key="history_filmed_on")
        if st.button("Save to history", type="primary", icon=":material/save:", key="history_save"):
            name = new_name.strip() if choice == NEW_RUNNER else choice
            if not name:
                st.error("Give the new runner's name or alias.")
                return
            try:
                done = save_result(history, name, result, str(filmed_on))
            except HistoryError as exc:
                st.error(sentence_start(str(exc)), icon=":material/error:")
                return
            saved[result.key] = (done.runner, done.session_id)
            st.session_state["history_view_runner"] = done.runner
            text = f"Saved as session {done.session_id} of {done.runner}."
            if done.comparison is not None and done.report_updated:
                text += " The PDF and HTML report (Report page) now compare it with the previous session."
            st.success(text, icon=":material/check_circle:")


def comparison_table(before: StoredSession, after: StoredSession) -> None:
    comparison = compare(SessionPoint.of_stored(before), SessionPoint.of_stored(after))
    for note in comparison.capture_notes:  # before the verdicts it qualifies
        st.warning(note, icon=":material/warning:")
    beyond = [c for c in comparison.shown if c.verdict == BEYOND]
    if beyond:
        st.markdown(f"**Beyond the smallest detectable change** ({BEYOND_MEANING}):")
        columns = st.columns(min(len(beyond), 4))
        for k, c in enumerate(beyond):
            columns[k % len(columns)].metric(c.spec.title, c.after_text, delta=c.change_text, delta_color="off",
                                             help=f"Smallest detectable change {c.sdc_text}")
    else:
        st.info("No measure changed by more than its smallest detectable change.", icon=":material/info:")
    table = pd.DataFrame([{"Measure": c.spec.title, "Before": c.before_text, "After": c.after_text,
                           "Change": c.change_text, "Smallest detectable change": c.sdc_text,
                           "Judged": c.verdict_text} for c in comparison.shown])
    st.dataframe(table, hide_index=True, width="stretch", height=ROW_PX * (len(table) + 1) + 3, key="comparison_table")
    for c in comparison.shown:
        if c.verdict == NOT_COMPARABLE:
            st.warning(f"{c.spec.title}: not compared, {c.reason}. Film both sessions from the same view to compare "
                       "it.", icon=":material/warning:")
    with st.expander("Where each smallest detectable change comes from"):
        st.markdown(f"The larger of the published figure for the 2-D measure and {SDC_ERROR_FACTOR} x this tool's "
                    "own measured error (the SD of its errors across the rendered test set-ups, docs/accuracy.md). "
                    f"Measures with neither are shown, not judged. {NOT_DAY_TO_DAY}")
        for c in comparison.shown:
            if c.sdc is not None:
                st.markdown(f"- **{c.spec.title}**: {c.sdc_text}: {md(c.sdc.basis_text)}")


def key_frames_side_by_side(history: History, before: StoredSession, after: StoredSession) -> None:
    frames = {s.id: {(f.view, f.side): f.png for f in history.key_frames(s.id)} for s in (before, after)}
    kinds = sorted(set(frames[before.id]) | set(frames[after.id]), key=lambda k: (k[0] != "side", k))
    if not kinds:
        st.caption("No key frames were saved with these sessions.")
        return
    for view, side in kinds:
        st.markdown(f"**{view.capitalize()} view, {side} foot at landing**")
        columns = st.columns(2)
        for column, stored, when in ((columns[0], before, "Before"), (columns[1], after, "After")):
            png = frames[stored.id].get((view, side))
            if png is None:
                column.caption(f"{when}: no {view} {side} key frame in session {stored.id}.")
            else:
                column.image(png, width=KEY_FRAME_WIDTH_PX,
                             caption=f"{when}: session {stored.id}, {stored.filmed_on}")


def runner_section(history: History) -> None:
    runners = history.runners()
    if not runners:
        st.info("No session saved yet.", icon=":material/info:")
        return
    names = [r.name for r in runners]
    if st.session_state.get("history_view_runner") not in names:
        st.session_state["history_view_runner"] = names[0]
    name = st.selectbox("Runner's history", names, key="history_view_runner")
    sessions = history.sessions(name)
    st.dataframe(pd.DataFrame([{"Session": s.id, "Filmed": s.filmed_on, "Views": " + ".join(s.views),
                                "Cadence": s.metrics["cadence_spm"]["value"], "Label": s.label}
                               for s in sessions]),
                 hide_index=True, width="stretch", key="sessions_table", placeholder=NOT_GIVEN,
                 column_config={"Cadence": st.column_config.NumberColumn("Cadence (steps/min)", format="%.0f")})
    if len(sessions) >= 2:
        st.subheader("Before and after", divider="gray")
        by_id = {s.id: s for s in sessions}
        ids = list(by_id)
        before_col, after_col = st.columns(2)
        before_id = before_col.selectbox("Before", ids, index=len(ids) - 2, format_func=lambda i: by_id[i].title,
                                         key=f"before_{slug(name)}")
        after_id = after_col.selectbox("After", ids, index=len(ids) - 1, format_func=lambda i: by_id[i].title,
                                       key=f"after_{slug(name)}")
        comparison_table(by_id[before_id], by_id[after_id])
        st.subheader("Trend per measure", divider="gray")
        figure = trend_figure([SessionPoint.of_stored(s) for s in sessions])
        if figure is not None:
            st.pyplot(figure, width=TREND_WIDTH_PX)
            st.caption("Each session's value, oldest first. The band is the first session's value ± the measure's "
                       "smallest detectable change: a point outside it is a change beyond measurement noise. A "
                       "hollow point was measured from another view than the first session: not compared.")
        st.subheader("Key frames, before and after", divider="gray")
        key_frames_side_by_side(history, by_id[before_id], by_id[after_id])
    else:
        st.info("Save a second session of this runner to compare them.", icon=":material/info:")

    st.subheader("Export and delete", divider="gray")
    csv_col, json_col, _ = st.columns([1, 1, 2])
    stem = f"{slug(name)}_history"
    csv_col.download_button("Export CSV", data=history.export_text(name, "csv"), file_name=f"{stem}.csv",
                            mime="text/csv", icon=":material/download:", on_click="ignore", key="export_csv")
    json_col.download_button("Export JSON", data=history.export_text(name, "json"), file_name=f"{stem}.json",
                             mime="application/json", icon=":material/download:", on_click="ignore",
                             key="export_json")
    with st.expander(f"Delete {md_literal(name)} and all their data"):
        st.markdown(f"Deletes {md_literal(name)}'s sessions, measurements, key frames and cues from the history file "
                    "(overwritten, not just unlinked), and the files exported with `gait history export` under the "
                    "history's data folder. Files downloaded from this page or exported elsewhere are not touched.")
        typed = st.text_input(f"Type **{md_literal(name)}** to confirm", key=f"delete_confirm_{slug(name)}")
        if st.button("Delete runner", type="primary", icon=":material/delete:", key="delete_runner",
                     disabled=typed.strip().casefold() != name.casefold()):
            done = history.delete_runner(name)
            st.session_state.pop("history_view_runner", None)
            st.session_state["history_deleted"] = done.message
            st.rerun()


st.title("History")
if "history_deleted" in st.session_state:
    st.success(st.session_state.pop("history_deleted"), icon=":material/delete:")
try:
    history = History(create=False)
except HistoryError as error:
    st.error(sentence_start(str(error)), icon=":material/error:")
    st.stop()
with history:
    st.caption(f"History file: {history_path()} (set GAIT_HISTORY_DB to use another), on the computer that runs this "
               f"app: {SHARED} Each change is judged against the measure's smallest detectable change. "
               "**Not a diagnosis.**")
    save_section(history)
    runner_section(history)
