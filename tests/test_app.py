"""The Streamlit app without a browser (streamlit.testing AppTest): every page, the sample, the error path;
and the app's pure helpers on exact inputs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

APP = str(REPO / "app.py")
PAGES = {name: f"gait_app/pages/{name}.py" for name in ("analyze", "results", "report", "filming")}
ANALYSIS_TIMEOUT_S = 180


def _app(page: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=ANALYSIS_TIMEOUT_S)
    for key, value in state.items():
        at.session_state[key] = value
    if page is not None:
        at.switch_page(PAGES[page])
    return at.run()


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_analyze_page_shows_the_upload_form():
    at = _app()
    assert not at.exception
    assert at.title[0].value == "Running form analyzer"
    labels = [u.label for u in at.file_uploader]
    assert any("Side view" in label for label in labels) and any("Rear view" in label for label in labels)
    assert all("4 GB" in label for label in labels)
    assert _button(at, "Analyse").disabled  # nothing uploaded yet
    assert not _button(at, "Try the sample").disabled
    assert [r.label for r in at.radio] == ["Rear clip filmed from", "Unit"]
    assert at.radio(key="rear_view").options == ["told from the face", "behind", "in front"]
    assert at.radio(key="rear_view").value == "told from the face"
    assert at.radio(key="speed_unit").options == ["km/h", "mph"]
    at = at.number_input(key="speed").set_value(11.0).run()
    at = at.radio(key="speed_unit").set_value("mph").run()  # the speed typed is converted, not kept as 11 of it
    assert at.number_input(key="speed").value == pytest.approx(6.8)
    at = at.radio(key="speed_unit").set_value("km/h").run()
    assert at.number_input(key="speed").value == pytest.approx(10.9)
    assert at.text_input[0].label == "Your name on the report" and at.text_input[0].value == ""
    assert at.checkbox(key="blur_face").label == "Blur the face in exported frames"
    assert not at.checkbox(key="blur_face").value


def test_an_unexpected_error_shows_no_traceback_in_the_browser():
    """Streamlit's default shows a page's exception with its traceback; the app's config shows its type and
    a generic message, the traceback going to the server's console (a reloaded module seen by a user)."""
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "type"
    assert config["browser"]["gatherUsageStats"] is False  # no telemetry


@pytest.mark.parametrize("page", ["results", "report"])
def test_result_pages_before_any_analysis_say_what_to_do(page):
    at = _app(page)
    assert not at.exception
    assert "No analysis yet" in at.info[0].value


def test_how_to_film_page():
    at = _app("filming")
    assert not at.exception
    assert at.title[0].value == "How to film"
    text = " ".join(m.value for m in at.markdown)
    assert "hip height" in text and "60 fps" in text


@pytest.mark.parametrize("name, content, message", [
    ("holiday.mp4", b"this is not a video" * 50, "could not be read as a video"),
    ("empty.mov", b"", "empty"),
])
def test_bad_upload_shows_a_message_and_the_app_keeps_working(name, content, message):
    at = _app()
    at.file_uploader[0].set_value((name, content, "video/mp4"))
    at.run()
    _button(at, "Analyse").click()
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value and name in at.error[0].value
    assert at.title[0].value == "Running form analyzer"  # still on the upload page
    _button(at, "Try the sample")  # and the form is still there


def test_an_upload_is_saved_to_disk_and_streamlits_copy_let_go(monkeypatch, tmp_path):
    """Streamlit holds an upload in memory while its uploader shows it (a minute of 1080p is 130 MB); the app
    saves it and lets go of it, lists the clip as ready under an emptied uploader, and analyses the saved file."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    held_after: list[int] = []
    remove = MemoryUploadedFileManager.remove_file

    def remove_and_count(self, session_id, file_id):
        remove(self, session_id, file_id)
        held_after.append(sum(len(f.data) for f in self.file_storage.get(session_id, {}).values()))

    monkeypatch.setattr(MemoryUploadedFileManager, "remove_file", remove_and_count)
    content = b"not a video, but bytes all the same" * 1000
    at = _app()
    at.file_uploader[0].set_value(("my_run.mp4", content, "video/mp4"))
    at.run()
    assert not at.exception
    assert held_after == [0]  # removed once, and nothing else of the session is held
    assert at.file_uploader[0].value is None and at.file_uploader[1].value is None
    assert any("**my_run.mp4** (35 kB) ready" in m.value for m in at.markdown)
    saved = at.session_state["ready_clips"]["side"]["path"]
    assert saved.name == "my_run.mp4" and saved.read_bytes() == content
    _button(at, "Analyse").click()
    at.run()
    assert len(at.error) == 1 and "my_run.mp4" in at.error[0].value  # the saved file was analysed
    at.switch_page(PAGES["filming"]).run()
    at.switch_page(PAGES["analyze"]).run()  # the clip is still ready after another page
    assert any("**my_run.mp4** (35 kB) ready" in m.value for m in at.markdown)
    _button(at, "Remove").click()
    at.run()
    assert "side" not in at.session_state["ready_clips"] and _button(at, "Analyse").disabled


def test_an_upload_that_cannot_be_saved_says_what_to_do(monkeypatch):
    import gait_app.analysis

    def full_disk(name, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gait_app.analysis, "save_upload", full_disk)
    at = _app()
    at.file_uploader[0].set_value(("my_run.mp4", b"bytes" * 100, "video/mp4"))
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "No space left on device" in at.error[0].value and "disk space" in at.error[0].value
    assert "side" not in at.session_state["ready_clips"] and _button(at, "Analyse").disabled


def test_an_end_before_the_start_says_so_before_analysing():
    at = _app()
    at.file_uploader[0].set_value(("my_run.mp4", b"bytes" * 100, "video/mp4"))
    at.run()
    inputs = {n.label: n for n in at.number_input}
    inputs["Start (s)"].set_value(5.0)
    inputs["End (s)"].set_value(3.0)
    _button(at, "Analyse").click()
    at.run()
    assert not at.exception and [e.value for e in at.error] == ["The end (3 s) must be later than the start (5 s)."]
    assert "session_key" not in at.session_state  # nothing analysed


@pytest.mark.parametrize("key, unit, value, message", [
    ("height_cm", None, 70.0, "Height 70 cm: give the runner's height in centimetres, from 100 to 230"),
    ("speed", "mph", 30.0, "Treadmill speed 30 mph: give the belt's speed, from 0.7 to 24.8 mph."),
    ("capture_fps", None, 0.5, "Capture frame rate 0.5 fps: give the frame rate it was filmed at, from 1 to 1000"),
])
def test_a_number_out_of_its_range_is_refused_before_analysing(key, unit, value, message):
    """A height typed in inches was shown red by the input and then left out of the analysis without a word."""
    at = _app()
    at.file_uploader[0].set_value(("my_run.mp4", b"bytes" * 100, "video/mp4"))
    at.run()
    if unit is not None:
        at = at.radio(key="speed_unit").set_value(unit).run()
    at.number_input(key=key).set_value(value)
    _button(at, "Analyse").click()
    at.run()
    assert not at.exception and len(at.error) == 1 and at.error[0].value.startswith(message), at.error[0].value
    assert "session_key" not in at.session_state  # nothing analysed


def test_the_form_is_kept_when_another_page_is_shown_and_a_stopped_analysis_is_said():
    at = _app()
    at.number_input(key="height_cm").set_value(175.0)
    at.number_input(key="speed").set_value(11.0)
    at.text_input(key="runner_name").set_value("Ada")
    at.run()
    at.switch_page(PAGES["filming"]).run()
    at.session_state["analysing"] = True  # as a run stopped by the page change leaves it
    at.switch_page(PAGES["analyze"]).run()
    assert not at.exception
    assert at.number_input(key="height_cm").value == 175.0 and at.number_input(key="speed").value == 11.0
    assert at.text_input(key="runner_name").value == "Ada"
    assert [w.value for w in at.warning] == ["The last analysis was stopped when another page was opened: press "
                                             "Analyse again, and stay on this page until the results show."]
    at.run()
    assert not at.warning  # said once


def test_every_setting_of_the_analyze_form_is_kept_across_pages():
    """Each widget of the Analyze page with a fixed key is in the list of those kept when another page is
    shown (a key missing there loses its setting silently); the upload and remove buttons' keys change."""
    import re

    from gait_app.pages_state import FORM_KEYS

    source = (REPO / PAGES["analyze"]).read_text()
    fixed = set(re.findall(r'key="(\w+)"', source))
    assert fixed and fixed <= set(FORM_KEYS), fixed - set(FORM_KEYS)
    assert set(FORM_KEYS) <= fixed  # nothing listed that the page no longer has


def test_a_full_disk_while_analysing_says_what_to_do(monkeypatch):
    import gait_app.analysis

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device", "/tmp/gait-app-x/report.json")

    monkeypatch.setattr(gait_app.analysis, "analyse_clips", full_disk)
    at = _app()
    _button(at, "Try the sample").click()
    at.run()
    assert not at.exception and len(at.error) == 1
    assert at.error[0].value.startswith("The results could not be written: '/tmp/gait-app-x/report.json' could not be "
                                        "written (No space left on device). Free some disk space")
    assert "inside the analyzer" not in at.error[0].value


RUNNER = "Ada Runner"


@pytest.fixture(scope="module")
def sample_run() -> AppTest:
    """'Try the sample' (side + rear clip of one run) clicked once with a runner name (about 35 s); the result
    stays in the app's cache."""
    at = _app()
    at.text_input[0].set_value(RUNNER)
    _button(at, "Try the sample").click()
    return at.run()


@pytest.fixture(scope="module")
def sample_result(sample_run):
    from gait_app.analysis import cached_session

    return cached_session(sample_run.session_state["session_key"])


def test_sample_is_one_session_with_one_set_of_cards(sample_run, sample_result):
    at = sample_run
    assert not at.exception
    assert at.title[0].value == "Results: side_60fps.mp4 + rear_60fps.mp4"
    labels = [m.label for m in at.metric]
    assert len(labels) == len(set(labels)) >= 15  # one card per measure, not one set per clip
    cards = dict(zip(labels, (m.value for m in at.metric), strict=False))
    merged = sample_result.session.metrics
    side = next(c.analysis for c in sample_result.ok_clips if c.slot == "side")
    rear = next(c.analysis for c in sample_result.ok_clips if c.slot == "rear")
    assert (side.view, rear.view) == ("side", "rear")
    assert merged["knee_flexion_at_contact_deg"] == side.metrics["knee_flexion_at_contact_deg"]  # sagittal: side
    assert merged["knee_valgus_fppa_deg"] == rear.metrics["knee_valgus_fppa_deg"]  # frontal: rear
    assert cards["Knee bend at landing"] == f"{merged['knee_flexion_at_contact_deg']['value']:.0f}°"
    assert cards["Knee valgus (2D FPPA)"] == f"{merged['knee_valgus_fppa_deg']['value']:.1f}°"
    assert "Hip adduction (2D)" in cards and "Pelvic drop (swing side)" not in cards  # no stickers: no pelvic drop
    assert ("Pelvic drop (swing side) and Rearfoot eversion (stickers): not measured: needs round stickers on the "
            "runner, filmed from behind") in " ".join(c.value for c in at.caption)
    cadence = float(cards["Cadence"].split()[0])
    assert abs(cadence - 168) < 3  # sample_videos/README.md: 168 spm
    assert cards["Stride length"].endswith(" m")  # the sample gives the belt speed
    assert cards["Vertical oscillation"].endswith(" cm")  # and the runner's height
    badges = " ".join(m.value for m in at.markdown)
    # the symmetric sample's contact-time asymmetry: its number, its 95 % interval, and no difference claimed
    asymmetry = merged["contact_time_asymmetry_pct"]
    assert cards["Contact time left vs right"] == f"{asymmetry['value']:.1f}%"
    low, high = asymmetry["ci95_low"], asymmetry["ci95_high"]
    assert low < asymmetry["value"] < high
    interval = f"95 % interval {low:+.1f} to {high:+.1f}%, within the measurement's uncertainty"
    assert interval in badges
    assert "from the rear clip" in badges and "from the side clip" in badges
    assert badges.count("far from the camera") == 1  # the peak knee card: the sample runs towards the right
    assert "(left far from the camera: 9° added)" in badges
    # hip adduction from the pose model's points misses its bar: its card says so
    assert "Not validated by this method (it read" in " ".join(c.value for c in at.caption)
    # per clip: the scrubber, key frames, plots and steps, the side clip first
    assert [t.label for t in at.tabs] == ["Frame by frame", "Key frames at contact", "Gait cycle", "Every step"]
    clip_switch = at.get("button_group")[0]
    assert clip_switch.proto.label == "Clip"
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) >= 20
    assert list(at.dataframe[0].value.columns[-2:]) == ["steady", "left_out"]  # why a step's foot measures are out


def test_cues_with_what_why_try_and_when_to_see_a_professional(sample_run, sample_result):
    from gait.cues import cues_for

    cues = cues_for(sample_result.session)
    assert cues and [c.title for c in sample_result.cues] == [c.title for c in cues]
    text = "\n".join(m.value for m in sample_run.markdown)
    assert "Not a diagnosis" in text
    # each cue folds under its title; the first and those worth discussing are open (six open cues were
    # 5,000 px of a phone's page)
    folds = {e.label.strip("*"): e for e in sample_run.status}  # AppTest lists an expander with an icon as a status
    assert list(folds) == [c.title for c in cues]
    assert [f.proto.expanded for f in folds.values()] == [i == 0 or c.severity == "consider"
                                                         for i, c in enumerate(cues)]
    assert any(not f.proto.expanded for f in folds.values()) and any(f.proto.expanded for f in folds.values())
    for cue in cues:
        inside = "\n".join(m.value for m in folds[cue.title].markdown)
        assert cue.severity_label in inside
        for part in (cue.measured, cue.why, cue.see_professional):
            assert part.replace("~", "\\~") in inside
        assert f"**What to try:** {cue.try_words}" in inside and cue.drill in inside
        assert cue.evidence.replace("~", "\\~") in "\n".join(c.value for c in folds[cue.title].caption)
    assert "See a physical therapist or doctor if knee pain lasts" in text  # gait.cues.SEE_A_PROFESSIONAL


def test_cadence_disagreement_warning_shown(sample_result):
    """Clips that disagree on cadence: the package's session warning comes first and the results page
    shows it with each clip's own warnings."""
    from dataclasses import replace

    from gait import pipeline
    from gait_app.analysis import _remember

    side, rear = (c.analysis for c in sample_result.ok_clips)
    slow_rear = replace(rear, metrics={**rear.metrics, "cadence_spm": {**rear.metrics["cadence_spm"], "value": 150.0}},
                        warnings=["only 3 left steps were measured"])
    session = pipeline.session_of([side, slow_rear])
    assert session.warnings[0].startswith("the clips disagree on cadence")

    _remember("outputs", "disagreeing", replace(sample_result, key="disagreeing", session=session))
    at = _app("results", session_key="disagreeing")
    assert not at.exception
    warning = at.warning[0].value
    assert "The clips disagree on cadence: 150.0 steps/min in rear_60fps.mp4" in warning
    assert "filmed in slow motion: enter the capture frame rate (e.g. 120) under 'Slow motion'" in warning
    assert "--" not in warning  # no command-line option named in the app
    assert "rear_60fps.mp4: only 3 left steps were measured" in warning


def test_report_json_is_what_the_command_line_writes(monkeypatch, tmp_path, sample_result):
    """`python -m gait analyze SIDE REAR --height-cm 175 --speed-kmh 11` on the same analyses (the pose of
    each clip is not estimated again) writes the same report.json and steps.csv as the app."""
    from gait import cli, pipeline

    by_path = {c.analysis.info.path: c.analysis for c in sample_result.ok_clips}
    monkeypatch.setattr(pipeline, "analyze", lambda path, options, progress=None, **_: by_path[path])
    out = tmp_path / "cli"
    assert cli.main(["analyze", *by_path, "--out", str(out), "--height-cm", "175", "--speed-kmh", "11",
                     "--no-video"]) == 0
    for name in ("report.json", "steps.csv", "landmarks.csv", "landmarks_rear.csv"):
        assert (out / name).read_bytes() == (sample_result.files["report"].parent / name).read_bytes(), name
    assert sample_result.files["report"].name == "report.json"


def test_a_bad_rear_clip_leaves_the_side_clip_as_the_session(tmp_path, sample_result):
    from dataclasses import replace

    from gait_app.analysis import ClipResult, _write_files

    side = replace(sample_result.clips["side"], files={})
    bad = ClipResult("rear", "holiday.mp4", error="'holiday.mp4' could not be read as a video.")
    result = _write_files("bad-rear", {"side": side, "rear": bad}, tmp_path, None, False, None)
    assert result.session.clips == (side.analysis,) and result.ok_clips == [result.clips["side"]]
    assert result.session.metrics["pelvic_drop_deg"]["value"] is None  # no rear clip: no frontal measures
    assert json.loads(result.files["report"].read_text())["view"] == "side"
    assert result.files["report_pdf"].is_file() and result.clips["rear"].error


def test_a_rear_clip_in_the_side_uploader_with_another_in_the_rear_one_is_refused(tmp_path, sample_result):
    """The side box's clip filmed from behind, with a clip in the rear box too: the session was the side box's
    clip with its cards marked 'from the side clip', the rear box's clip left out; the side box's clip is now
    refused with what to do, and the session is the rear box's clip. Alone in the side box, it is analysed as
    the view it looks."""
    from dataclasses import replace

    from gait_app.analysis import _write_files

    rear = replace(sample_result.clips["rear"], files={})
    in_side = replace(rear, slot="side")
    result = _write_files("rear-in-side", {"side": in_side, "rear": rear}, tmp_path / "two", None, False, None)
    assert result.clips["side"].analysis is None and result.clips["side"].error == (
        "'rear_60fps.mp4', in the side view box, looks filmed from behind, and the rear view box holds "
        "'rear_60fps.mp4': upload a clip filmed from the side here, or analyse the two clips one at a time.")
    assert result.session.clips == (rear.analysis,)
    alone = _write_files("rear-in-side-alone", {"side": in_side}, tmp_path / "one", None, False, None)
    assert alone.session.clips == (rear.analysis,) and alone.clips["side"].error is None


def test_a_side_clip_in_the_rear_uploader_is_refused_with_what_to_do():
    """Measured as a rear view, a side clip reads a 'knee valgus' and step width that mean nothing; the rear
    upload is told from the runner's face, and a side view there is refused, the side slot named."""
    from gait.pipeline import Options
    from gait_app.analysis import SAMPLES, _analyse_one
    from gait_app.presentation import plain_words

    refused = _analyse_one("rear", SAMPLES["side"], Options(), None)
    assert refused.analysis is None and "looks filmed from the side" in refused.error
    assert "Upload it as the side view" in plain_words(refused.error)
    assert _analyse_one("side", SAMPLES["side"], Options(), None).analysis.view == "side"


def test_the_rear_clip_is_analysed_from_where_the_user_says_it_was_filmed():
    """The rear upload's view is told from the runner's face unless chosen ("Rear clip filmed from"); the side
    upload keeps its own."""
    from gait.errors import VIEW_DISAGREES
    from gait.pipeline import Options
    from gait_app.analysis import SAMPLES, _analyse_one
    from gait_app.presentation import REAR_SLOT_VIEWS, plain_words

    assert _analyse_one("rear", SAMPLES["rear"], Options(), None).analysis.view == "rear"
    said = _analyse_one("rear", SAMPLES["rear"], Options(view=REAR_SLOT_VIEWS["in front"]), None).analysis
    assert said.view == "front"
    doubt = next(w for w in said.warnings if w.code == VIEW_DISAGREES)
    assert plain_words(doubt).endswith("Analyse it again as filmed from behind (choose 'behind' under 'Rear clip "
                                       "filmed from' on the Analyze page).")
    assert _analyse_one("side", SAMPLES["side"], Options(view="front"), None).analysis.view == "side"


def test_report_page_pdf_html_metronome(sample_run, sample_result):
    import re

    key = sample_run.session_state["session_key"]
    assert sample_result.videos.wait(ANALYSIS_TIMEOUT_S)  # drawn after the results: downloadable once done
    at = _app("report", session_key=key)
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    for label in ("Gait report (PDF)", "Gait report (HTML)", "report.json", "steps.csv", "Annotated video (mp4)"):
        assert label in labels
    assert labels.count("Annotated video (mp4)") == 2  # one per clip
    files = sample_result.files
    assert files["report_pdf"].read_bytes().startswith(b"%PDF")
    html = files["report_html"].read_text()
    assert RUNNER in html and "not a diagnosis" in html.lower()
    assert not re.search(r"""(src|href|action|poster)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//|@import""", html, re.I)
    # the metronome at the runner's own +5 % and +10 %, to play and to download
    cadence = sample_result.session.metrics["cadence_spm"]["value"]
    wavs = [f"metronome_{int(round(cadence * f))}spm.wav" for f in (1.05, 1.10)]
    assert [p.name for p in sample_result.metronomes.values()] == wavs
    assert all(w in labels for w in wavs)
    assert len(at.get("audio")) == 2
    assert all(p.read_bytes()[:4] == b"RIFF" for p in sample_result.metronomes.values())
    assert any(RUNNER in c.value for c in at.caption)


def test_report_page_says_a_quick_cadence_needs_no_change(sample_result):
    """A session at 189 steps/min (no cadence cue): the Report page says no cadence change is suggested and
    offers the metronomes for a change a physical therapist advises; the sample (cue fired) does not say so."""
    from dataclasses import replace

    from gait.cues import cues_for
    from gait_app.analysis import _remember

    metrics = sample_result.session.metrics
    cadence = {**metrics["cadence_spm"], "value": 189.0, "left": 188.0, "right": 190.0}
    quick = replace(sample_result.session, metrics={**metrics, "cadence_spm": cadence})
    cues = cues_for(quick)
    assert "cadence" not in [c.id for c in cues]
    _remember("outputs", "quick-cadence", replace(sample_result, key="quick-cadence", session=quick, cues=cues))
    text = " ".join(m.value for m in _app("report", session_key="quick-cadence").markdown)
    assert "189 steps/min is above the 170" in text and "no cadence change is suggested" in text
    assert "If your physical therapist advises one, the usual step is your own cadence +5 % (**198**)" in text
    sample = " ".join(m.value for m in _app("report", session_key=sample_result.key).markdown)
    assert "For knee pain the usual retraining step" in sample and "no cadence change" not in sample


def test_rear_clip_alone_says_contact_times_need_a_side_clip(tmp_path, sample_result):
    from dataclasses import replace

    from gait.catalogue import CONTACT_TIMED_METRICS, METRICS, NEEDS_SIDE_CLIP
    from gait_app.analysis import _remember, _write_files

    rear = replace(sample_result.clips["rear"], files={})
    result = _write_files("rear-only", {"rear": rear}, tmp_path, None, False, None)
    _remember("outputs", "rear-only", result)
    at = _app("results", session_key="rear-only")
    assert not at.exception and at.title[0].value == "Results: rear_60fps.mp4"
    assert all(result.session.metrics[k]["value"] is None for k in CONTACT_TIMED_METRICS)
    titles = {METRICS[k].title for k in CONTACT_TIMED_METRICS}
    assert not titles & {metric.label for metric in at.metric}
    assert "Cadence" in {metric.label for metric in at.metric}  # from the pelvis's rhythm
    captions = " ".join(c.value for c in at.caption)
    assert f"Ground contact time, Flight time, Duty factor and Contact time left vs right: {NEEDS_SIDE_CLIP}: add a " \
           "side clip on the Analyze page." in captions
    side_too = _app("results", session_key=sample_result.key)
    assert side_too.title[0].value == "Results: side_60fps.mp4 + rear_60fps.mp4"
    assert titles <= {metric.label for metric in side_too.metric}  # timed from the side clip
    assert NEEDS_SIDE_CLIP not in " ".join(c.value for c in side_too.caption)


def test_a_side_clip_without_speed_and_height_says_which_setting_gives_what(tmp_path, sample_result):
    """Vertical oscillation in % of leg length is shown either way: the hint names the cm one and its setting."""
    from dataclasses import replace

    from gait_app.analysis import _remember, _write_files

    side = sample_result.clips["side"]
    metrics = {k: dict(v) for k, v in side.analysis.metrics.items()}
    for name in ("stride_length_m", "vertical_oscillation_cm"):
        metrics[name]["value"] = None
    bare = replace(side, files={}, analysis=replace(side.analysis, metrics=metrics))
    _remember("outputs", "side-bare", _write_files("side-bare", {"side": bare}, tmp_path, None, False, None))
    at = _app("results", session_key="side-bare")
    assert not at.exception
    assert "Vertical oscillation" in {metric.label for metric in at.metric}  # % of leg length
    captions = " ".join(c.value for c in at.caption)
    assert ("Stride length: give the treadmill speed; Vertical oscillation in cm: give your height on the Analyze "
            "page.") in captions


def test_scrubbing_and_the_rear_clip(sample_run):
    key = sample_run.session_state["session_key"]
    at = _app("results", session_key=key)
    assert not at.exception
    slider = at.slider[0]
    slider.set_value(slider.max // 2).run()
    assert not at.exception and at.slider[0].value == slider.max // 2
    at.session_state["slot"] = "rear"
    at.run()
    assert not at.exception
    assert any("median knee valgus" in c.value for c in at.caption)  # the rear clip's key frames
    assert at.title[0].value == "Results: side_60fps.mp4 + rear_60fps.mp4"  # the cards stay the session's


def test_blur_face_option_blurs_the_exported_frames(sample_run, sample_result):
    """The checkbox passes blur_face=True to write_annotated: the key frames (and so the reports) change
    around the head only; the measurements do not."""
    import cv2

    from gait.landmarks import INDEX
    from gait_app.analysis import cached_session

    at = _app()
    at.checkbox(key="blur_face").check()
    at.text_input[0].set_value(RUNNER)
    _button(at, "Try the sample").click()
    at.run()
    assert not at.exception
    blurred = cached_session(at.session_state["session_key"])
    assert blurred.key != sample_result.key and blurred.blur_face and not sample_result.blur_face
    assert blurred.session.metrics == sample_result.session.metrics
    side = sample_result.clips["side"]
    plain_png = cv2.imread(str(side.files["keyframe_left"]))
    blurred_png = cv2.imread(str(blurred.clips["side"].files["keyframe_left"]))
    changed = np.argwhere(np.abs(plain_png.astype(int) - blurred_png.astype(int)).sum(axis=2) > 0)
    assert len(changed) > 100
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    hip_y = np.nanmin(side.analysis.pose.xy_px[:, hips, 1])  # the highest the hips get
    assert changed[:, 0].max() < hip_y  # only above the hips changed: the head, not the legs
    assert blurred.files["report_pdf"].read_bytes() != sample_result.files["report_pdf"].read_bytes()
    report = _app("report", session_key=blurred.key)
    assert any("face blurred" in c.value for c in report.caption)


# --- pure helpers -------------------------------------------------------------------------------------

def test_gait_cycles_cut_and_time_normalise_each_stride():
    from gait.metrics import gait_cycles, mean_toe_off_pct

    fps, stride_s = 100.0, 0.8
    time_s = np.arange(0, 4.0, 1 / fps)
    values = np.sin(2 * np.pi * time_s / stride_s)  # one period per stride, contacts at 0, 0.8, 1.6, ...
    steps = pd.DataFrame({"side": ["left", "right"] * 4, "ic_time_s": np.arange(8) * 0.4,
                          "stride_time_s": stride_s, "toe_off_time_s": np.arange(8) * 0.4 + 0.2,
                          "steady": True})
    left = gait_cycles(values, time_s, steps, "left", n_points=5)
    assert left.shape == (4, 5)  # the fifth left stride would run past the end
    np.testing.assert_allclose(left, np.tile([0, 1, 0, -1, 0], (4, 1)), atol=1e-2)
    right = gait_cycles(values, time_s, steps, "right", n_points=5)
    np.testing.assert_allclose(right, np.tile([0, -1, 0, 1, 0], (len(right), 1)), atol=1e-2)
    assert mean_toe_off_pct(steps, "left") == pytest.approx(25.0)


def test_plain_text_is_not_formatted_by_markdown():
    """The foot angle card's note starts "+ = toe up.": shown as a bullet with its sign lost, before."""
    from gait.catalogue import spec_of
    from gait_app.presentation import md

    assert spec_of("foot_strike_angle_deg").reference.startswith("+ = toe up.")
    assert md(spec_of("foot_strike_angle_deg").reference).startswith("\\+ = toe up.")
    assert md("- 3 steps\n  * two\n# title\n12. twelfth\n3) third") == \
        "\\- 3 steps\n  \\* two\n\\# title\n12\\. twelfth\n3\\) third"
    assert md("## 2 steps") == "\\## 2 steps"
    for unchanged in ("26.5 % leg", "-3.1%", "+4 deg", "#3", "1.5x"):  # numbers, not lists
        assert md(unchanged) == unchanged
    assert md("shin + = ahead; 12 steps, ~8-13 deg for $5") == "shin + = ahead; 12 steps, \\~8-13 deg for \\$5"


def test_names_are_shown_as_they_are_written():
    """A file's or a runner's name in the app's markdown: "_warm up_.mov" showed in italics without its
    underscores; a long name is shortened in the middle in a title, its end (the extension) kept."""
    from gait_app.presentation import TITLE_NAME_CHARS, md_literal

    assert md_literal("_warm up_.mov") == "\\_warm up\\_.mov"
    assert md_literal("run *fast* [1] `x` <b> a|b C:\\clip.mp4") == \
        "run \\*fast\\* \\[1\\] \\`x\\` \\<b\\> a\\|b C:\\\\clip.mp4"
    assert md_literal("1. run ~2 $3.mp4") == "1\\. run \\~2 \\$3.mp4"  # and md()'s
    for unchanged in ("side_60fps.mp4", "M_Running_3_flipped.mp4", "Läufer_ä_x (1).MOV"):
        assert md_literal(unchanged) == unchanged  # an underscore inside a word is not emphasis
    long = "Läufer 2026-12-06 Laufband seitlich " + "x" * 180 + ".MOV"
    short = md_literal(long, TITLE_NAME_CHARS)
    assert len(short) == TITLE_NAME_CHARS and short.startswith("Läufer 2026-12-06") and short.endswith("x.MOV")
    assert "…" in short and md_literal("IMG_0042.MOV", TITLE_NAME_CHARS) == "IMG_0042.MOV"


def test_cards_and_plain_words():
    from gait.catalogue import shown_metrics
    from gait_app.presentation import card, plain_words

    c = card("cadence_spm", {"value": 167.6, "left": 167.0, "right": 168.2, "sd": 2.54, "n": 12,
                             "unit": "steps/min"})
    assert (c.title, c.value, c.sides, c.spread) == ("Cadence", "168 steps/min", "left 167 · right 168",
                                                     "SD ± 3 · 12 steps")
    assert c.reference and c.source
    pattern = card("foot_strike_pattern", {"value": "rearfoot", "left": "rearfoot", "right": None,
                                           "sd": None, "n": 9, "unit": None})
    assert (pattern.value, pattern.sides, pattern.spread) == ("rearfoot", "left rearfoot · right –", "9 steps")
    asymmetry = {"value": -3.14, "left": None, "right": None, "sd": None, "n": 13, "unit": "%",
                 "ci95_low": -9.44, "ci95_high": 3.16, "exceeds_uncertainty": False}
    within = card("contact_time_asymmetry_pct", asymmetry)
    assert (within.value, within.sides) == ("-3.1%", "95 % interval -9.4 to +3.2%, within the measurement's "
                                                     "uncertainty: not a left/right difference")
    beyond = card("contact_time_asymmetry_pct", dict(asymmetry, value=21.0, ci95_low=14.96, ci95_high=27.0,
                                                     exceeds_uncertainty=True))
    assert (beyond.value, beyond.sides) == ("21.0%", "95 % interval +15.0 to +27.0%, beyond the measurement's "
                                                     "uncertainty")
    few = dict(asymmetry, ci95_low=None, ci95_high=None, exceeds_uncertainty=None)  # 1 step on a side
    assert card("contact_time_asymmetry_pct", few).sides == \
        "no 95 % interval (fewer than 2 steps a side): not judged a left/right difference"
    peak = {"value": 46.9, "left": 47.3, "right": 46.5, "sd": 1.0, "n": 13, "unit": "deg"}
    assert card("peak_knee_flexion_stance_deg", peak, far_leg="left").sides == \
        "left 47 · right 46 (left far from the camera: 9° added)"
    assert card("peak_knee_flexion_stance_deg", peak).sides == "left 47 · right 46"  # from behind: no far leg
    cadence = dict(peak, unit="steps/min")  # only the corrected measure names the far leg
    assert card("cadence_spm", cadence, far_leg="left").sides == card("cadence_spm", cadence).sides
    metrics = {"stride_length_m": {"value": None}, "cadence_spm": {"value": 170.0},
               "vertical_oscillation_pct_leg": {"value": 9.0}, "vertical_oscillation_cm": {"value": 8.0},
               "new_thing_deg": {"value": 1.0}}
    assert shown_metrics(metrics) == ["cadence_spm", "vertical_oscillation_cm", "new_thing_deg"]
    assert plain_words("the cadence is low: give the capture frame rate with --fps (e.g. --fps 120).") == (
        "The cadence is low: enter the capture frame rate (e.g. 120) under 'Slow motion' and analyse again.")
    assert plain_words("not given: give the capture frame rate with --fps (e.g. --fps 240) to have them.") == (
        "Not given: enter the capture frame rate (e.g. 240) under 'Slow motion' and analyse again to have them.")
    assert plain_words("'a.mp4' does not say its frame rate. Give the capture frame rate with --fps (e.g. --fps 60).") \
        == "'a.mp4' does not say its frame rate. Enter the capture frame rate (e.g. 60) under 'Slow motion' and " \
           "analyse again."  # capital kept; a note after the example kept in its brackets
    assert plain_words("low: give the capture frame rate with --fps (e.g. --fps 120, this clip's likely rate).") == (
        "Low: enter the capture frame rate (e.g. 120, this clip's likely rate) under 'Slow motion' and analyse again.")
    assert plain_words("looks filmed from the front. Analyse it again as filmed from the front (--view front).") == (
        "Looks filmed from the front. Analyse it again as filmed from the front (choose 'in front' under 'Rear "
        "clip filmed from' on the Analyze page).")
    assert plain_words("--markers #808080: that colour is not bright") == "The sticker colour #808080: that colour " \
                                                                         "is not bright"
    assert plain_words("rear_60fps.mp4: only 3 left steps") == "rear_60fps.mp4: only 3 left steps"  # a file name
    assert plain_words("walk-run 2.mp4: 30 fps") == "walk-run 2.mp4: 30 fps"


def test_a_card_says_which_clip_measured_it():
    from gait_app.presentation import source_clip

    assert source_clip("knee_valgus_fppa_deg", "front") == "from the front clip"  # a front clip in the rear slot
    assert source_clip("knee_valgus_fppa_deg", "rear") == "from the rear clip"
    assert source_clip("cadence_spm", "front") == source_clip("overstride_pct_leg", None) == "from the side clip"
