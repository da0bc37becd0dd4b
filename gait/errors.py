"""Errors and warnings the user can act on, each with a stable reason code.

The CLI maps a :class:`GaitInputError` to exit status 2 and an ``error:`` line; report.json writes each
warning as ``{code, message}``. Codes are short snake_case names that tests and other programs can rely
on; the wording of the messages may change freely.
"""

from __future__ import annotations

import errno
import re
from typing import Any

# Reasons a clip is refused (GaitInputError.code)
NO_SUCH_FILE = "no_such_file"
EMPTY_FILE = "empty_file"
NOT_A_VIDEO = "not_a_video"
UNREADABLE_CODEC = "unreadable_codec"  # a video whose coding OpenCV cannot decode (AV1): re-export it
NO_FRAME_RATE = "no_frame_rate"
TOO_LARGE = "too_large"
TOO_SHORT = "too_short"
FRAME_RATE_TOO_LOW = "frame_rate_too_low"  # too few frames a second to find the landings
DAMAGED_FILE = "damaged_file"
SEGMENT_TOO_SHORT = "segment_too_short"
NO_PERSON = "no_person"
LEGS_NOT_IN_VIEW = "legs_not_in_view"
PICTURE_TURNED = "picture_turned"  # the runner on their side or upside down: the video plays turned
NO_STEADY_RUNNING = "no_steady_running"
NOT_RUNNING_WALKING = "not_running_walking"  # double support, the body highest at mid-stance
NOT_RUNNING_STANDING = "not_running_standing"  # no steps, hardly any motion
NOT_RUNNING_IN_PLACE = "not_running_in_place"  # moving without steps: squats, arm exercises, ...
NOT_RUNNING_JUMPING = "not_running_jumping"  # hops with both feet together
FEET_NOT_IN_VIEW = "feet_not_in_view"  # side view: no steady step with its foot in the frame at landing
BAD_OPTION = "bad_option"
OUTPUT_EXISTS = "output_exists"
OUTPUT_NOT_WRITABLE = "output_not_writable"  # the output folder cannot be made or written to
MARKERS_NOT_FOUND = "markers_not_found"  # marker mode: no sticker-like spots of one bright colour
NOT_FRONTAL = "not_frontal"  # given as a rear or front view (the app's rear upload), clearly filmed from the side
NOT_SIDE = "not_side"  # given as the side view, clearly filmed from behind or in front
VIEW_REPEATED = "view_repeated"  # a session of two side clips, or of two rear/front clips

# Reasons for a warning (GaitWarning.code)
FEW_STEPS_PER_SIDE = "few_steps_per_side"
LOW_FRAME_RATE = "low_frame_rate"
LOW_CADENCE = "low_cadence"
VARIABLE_FRAME_RATE = "variable_frame_rate"  # frames the phone did not record: timed by their timestamps
TOO_DARK = "too_dark"  # the runner filmed too dark for the pose model's points
SLOWED_FOOTAGE = "slowed_footage"  # slower than anyone runs: times not given without the capture rate
LANDINGS_FROM_PRIOR = "landings_from_prior"
STEPS_DROPPED = "steps_dropped"
PERSON_PARTLY_FOUND = "person_partly_found"
UNSTEADY_STEPS = "unsteady_steps"
ANOTHER_PERSON = "another_person"
CADENCE_DISAGREES = "cadence_disagrees"
FILE_DAMAGED_PART_WAY = "file_damaged_part_way"
FEET_OUT_OF_VIEW = "feet_out_of_view"  # most steady steps' feet out of frame or hidden: foot measures not given
FEET_PARTLY_OUT_OF_VIEW = "feet_partly_out_of_view"  # some steps left out of the foot measures
LEGS_LOST_AT_LANDING = "legs_lost_at_landing"  # most steady steps' leg lost at landing: foot measures not given
LEGS_PARTLY_LOST_AT_LANDING = "legs_partly_lost_at_landing"  # some steps left out of the foot measures
EDITED_CLIP = "edited_clip"  # shot cuts or zooms: only the longest continuous shot showing the whole body
MARKERS_HIDDEN = "markers_hidden"  # marker mode: a measure's stickers hidden in some or all steps
MARKERS_LOW_FPS = "markers_low_fps"  # marker mode: rearfoot eversion needs 120 fps or more
OBLIQUE_CAMERA = "oblique_camera"  # side view: the camera well off square to the running direction
CAMERA_NOT_LEVEL = "camera_not_level"  # the room's uprights lean at the runner: the camera turned or tipped
CAMERA_TIPPED = "camera_tipped"  # side view: the room's uprights converge: the camera tipped up or down
VIEW_DISAGREES = "view_disagrees"  # the view the user gave is not what the clip looks like
VIEW_FROM_STICKERS = "view_from_stickers"  # read as filmed in front, but the stickers on the back were seen
VIEW_UNSURE = "view_unsure"  # read as filmed from behind, though the pose model often saw the face
UNSPECIFIED = "unspecified"


# what a full disk, a quota or a read-only drive raise while files are written: the machine's trouble, not the
# tool's (a folder the user may not write to is refused before the work: gait.output.check_writable; a refused
# permission may also come from reading, so it is not among them)
WRITE_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def write_failure(exc: BaseException) -> str | None:
    """What could not be written and why, when ``exc`` is a write failure (:data:`WRITE_FAILURES`), else None."""
    if isinstance(exc, OSError) and exc.errno in WRITE_FAILURES:
        what = repr(str(exc.filename)) if exc.filename else "a file (the system named none)"
        return f"{what} could not be written ({exc.strerror})"
    return None


class GaitInputError(Exception):
    """Bad input or a refused clip; the message says what is wrong and what to do, ``code`` says why in
    a stable word (e.g. ``not_a_video``, ``too_short``, ``no_person``)."""

    def __init__(self, message: str, code: str = UNSPECIFIED) -> None:
        super().__init__(message)
        self.code = code

    @property
    def message(self) -> str:
        return str(self)


class GaitWarning(str):
    """A warning: its text is the message (so it reads and prints as a plain string), ``code`` its reason."""

    code: str

    def __new__(cls, code: str, message: str) -> GaitWarning:
        obj = super().__new__(cls, message)
        obj.code = code
        return obj

    def __reduce__(self) -> tuple[type[GaitWarning], tuple[str, str]]:  # pickling and copying: __new__'s args
        return type(self), (self.code, str.__str__(self))

    @property
    def message(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"GaitWarning({self.code!r}, {self.message!r})"


def capture_rate_request(example_fps: float, note: str = "") -> str:
    """The words every message uses to ask for a slow-motion clip's capture rate (the app rewords this one
    sentence for its own field: gait_app.presentation), e.g. with ``note`` ", this clip's likely rate"."""
    return f"give the capture frame rate with --fps (e.g. --fps {example_fps:.0f}{note})"


def warning_code(warning: str) -> str:
    """The reason code of a warning (``unspecified`` for a plain string)."""
    return getattr(warning, "code", UNSPECIFIED)


def warning_record(warning: str | dict[str, Any]) -> dict[str, str]:
    """A warning as written in report.json: ``{"code": ..., "message": ...}``."""
    if isinstance(warning, dict):
        return {"code": str(warning.get("code", UNSPECIFIED)), "message": str(warning.get("message", ""))}
    return {"code": warning_code(warning), "message": str.__str__(warning)}


def warning_text(warning: str | dict[str, Any]) -> str:
    """The message of a warning, whether a string or a report.json ``{code, message}`` record."""
    return warning_record(warning)["message"]


# a clip's name before a message about it ("rear 60fps.mp4: ..."): any characters but a colon, a file suffix
_FILE_NAME_FIRST = re.compile(r"[^:\n]+\.[A-Za-z][A-Za-z0-9]{1,3}: ")


def sentence_start(message: str) -> str:
    """``message`` (a package message: lower case first) as a sentence on its own, its first letter upper,
    unless it starts with the name of a clip ("rear_60fps.mp4: only 3 left steps"), which is kept as it is."""
    return message if _FILE_NAME_FIRST.match(message) else message[:1].upper() + message[1:]
