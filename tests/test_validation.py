"""Issue 3's done-when, end to end: render a synthetic side-view clip, analyse it, compare with its truth.

Tolerances: cadence within 1 spm; initial contacts within 1 frame at 60 fps; knee flexion and shank angle
at contact within 5 deg of the truth (what a perfect 2D analyser sees through the same camera).
Those the current analyser misses are marked xfail(strict) with the numbers measured when they were
written (scripts/validate.py prints the same over a sweep of conditions).
"""

from __future__ import annotations

import pytest

from gait.synth import Camera, RunnerParams, render
from gait.synth.compare import compare_analysis

PARAMS = RunnerParams(cadence_spm=168.0, speed_kmh=11.0, duty_factor_pct=36.0, knee_flexion_at_contact_deg=18.0,
                      shank_angle_at_contact_deg=7.0, foot_strike="rearfoot", start_phase=0.13)


@pytest.fixture(scope="module")
def result(tmp_path_factory):  # noqa: ANN001, ANN201
    pytest.importorskip("mediapipe")
    from gait.pipeline import analyze

    path = tmp_path_factory.mktemp("validation") / "side_60fps.mp4"
    truth = render(PARAMS, Camera(view="side", direction=1), path, fps=60.0, duration_s=5.0, width=360,
                   height=640)
    errors, contacts = compare_analysis(analyze(str(path)), truth)
    return errors, contacts, truth


def test_cadence_within_1_spm(result) -> None:  # noqa: ANN001
    errors, _, _ = result
    assert abs(errors["cadence_spm_error"]) <= 1.0


def test_every_contact_found(result) -> None:  # noqa: ANN001
    _, contacts, _ = result
    assert len(contacts) >= 10 and contacts["detected_s"].notna().all()


@pytest.mark.xfail(strict=True, reason="measured 2026-11-25 (running shoe with heel stack and toe box): ICs 1.1 "
                   "frames (19 ms) late on average at 60 fps (max 1.6; 3.6 with the old flat shoe): MediaPipe's heel "
                   "sits ~40 mm up the back of the rendered shoe, its foot_index ~35 mm up the toe box, so after "
                   "heel contact the toe landmark still drops a little below the heel landmark until foot-flat")
def test_initial_contacts_within_1_frame_at_60fps(result) -> None:  # noqa: ANN001
    _, contacts, _ = result
    assert contacts["error_frames"].abs().max() <= 1.0


@pytest.mark.xfail(strict=True, reason="measured 2026-11-25: knee flexion at IC +9 deg (27 vs 18; +23 with the "
                   "old flat shoe), read ~1 frame late, the knee flexing fast in early stance")
def test_knee_flexion_at_contact_within_5_deg(result) -> None:  # noqa: ANN001
    errors, _, _ = result
    assert abs(errors["knee_flexion_at_contact_deg_error"]) <= 5.0


@pytest.mark.xfail(strict=True, reason="measured 2026-11-25: shank angle at IC -7 deg (0 vs +7; -21 with the "
                   "old flat shoe), read ~1 frame late")
def test_shank_angle_at_contact_within_5_deg(result) -> None:  # noqa: ANN001
    errors, _, _ = result
    assert abs(errors["shank_angle_at_contact_deg_error"]) <= 5.0
