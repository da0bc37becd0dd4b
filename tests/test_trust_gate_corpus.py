"""The trust gate on the shared clips (the corpus of real clips, when it is there): the running clips are not
taken for edited or zoomed clips, the bad ones are refused with their reason code."""

from __future__ import annotations

import pytest

from gait import errors as E
from gait.errors import GaitInputError

# the shared running clips: treadmills, a jog on the spot, runners followed by the camera (size range up to
# 1.16 times) and sprint starts crossing the frame (size changing up to 1.57 times as they move away)
RUNNING_CLIPS = ["treadmill_side_male_30fps.mp4", "treadmill_side_lab_slowed.mp4", "front_jog_in_place.mp4",
                 "label_no_overstride__M_Running_2.mp4", "label_no_overstride__M_Running_3_flipped.mp4",
                 "sprint_start_b4.mp4", "sprint_start_b5.mp4", "sprint_start_b8.mp4"]


@pytest.mark.parametrize("name", RUNNING_CLIPS)
def test_shared_running_clips_are_not_taken_for_edited_or_zoomed(analysed, name):
    result = analysed(name)
    assert not isinstance(result, GaitInputError), result
    assert [w.code for w in result.warnings if w.code == E.EDITED_CLIP] == []


@pytest.mark.parametrize("name, code", [("not_running_walk_parkour.mp4", E.NO_STEADY_RUNNING),
                                        ("bad_one_frame.mp4", E.TOO_SHORT)])
def test_shared_bad_clips_are_refused_with_their_code(analysed, name, code):
    result = analysed(name)
    assert isinstance(result, GaitInputError) and result.code == code, result
