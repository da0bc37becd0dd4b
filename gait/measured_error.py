"""The measured error of each frontal measure for the method that measured it (stickers, the person mask,
the pose model's points): read from the data file that scripts/validate_frontal_mask.py and
scripts/validate_markers.py generate from the renders (never typed in), judged against the validation bars,
and put into words shown with the number in report.json, the app, the report and the command line."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, cast

from gait.view import VIEW_WORDS

if TYPE_CHECKING:
    from gait.markers.record import MarkerReport

# each frontal measure's measured error per method, generated from the renders by
# scripts/validate_frontal_mask.py (never typed in): report.json, the app and the report show it with the number
FRONTAL_ERRORS_PATH = Path(__file__).with_name("data") / "frontal_errors.json"


@functools.cache
def error_data() -> dict:
    """The data file of measured frontal errors (:data:`FRONTAL_ERRORS_PATH`)."""
    return cast(dict, json.loads(FRONTAL_ERRORS_PATH.read_text()))


# A frontal method is validated for a measure when, on the renders, its largest error is within the bar of
# the measure's unit (angles: marker mode's 1.5 deg; step width: the mask's 10 % of hip width) and its slope
# (measured / true change) is within SLOPE_BAR on every body build (issue "frontal plane", docs/markers.md)
LARGEST_ERROR_BAR = {"deg": 1.5, "% hip width": 10.0}
SLOPE_BAR = (0.85, 1.15)


def _slopes_within(slopes: Iterable[float]) -> bool:
    """Every build's slope within :data:`SLOPE_BAR` (and at least one)."""
    found = list(slopes)
    return bool(found) and all(SLOPE_BAR[0] <= v <= SLOPE_BAR[1] for v in found)


def _largest_within(error: Mapping) -> bool:
    """The largest error within its unit's :data:`LARGEST_ERROR_BAR` (a unit without a bar: never)."""
    bar = LARGEST_ERROR_BAR.get(error["unit"])
    return bar is not None and abs(error["largest_error"]) <= bar


def frontal_error(measure: str, method: str) -> dict | None:
    """A frontal measure's measured error for ``method`` (as the data file names it, e.g. ``keypoints``,
    ``mask``, ``mask_lateral``): mean, SD and largest of measured minus true over the rendered conditions,
    their number, the slopes of measured on true, the unit, where it comes from, the view the renders were
    filmed from (``view``) and ``validated`` (:data:`LARGEST_ERROR_BAR`, :data:`SLOPE_BAR`); None when not
    measured."""
    found = error_data().get("measures", {}).get(measure, {}).get(method)
    if found is None:
        return None
    validated = _largest_within(found) and _slopes_within((found.get("slope_by_build") or {}).values())
    renders = error_data().get("markers_renders" if method == "markers" else "renders", {})
    return {**found, "method": method, "source": error_data().get("generated_by", ""), "validated": validated,
            "view": renders.get("view")}


def not_validated_by_error(errors: Mapping[str, dict | None]) -> frozenset[str]:
    """The measures of ``errors`` (report.json's ``quality.frontal_error``) whose method is not validated."""
    return frozenset(name for name, error in errors.items() if error is not None and not error.get("validated", True))


def error_words(error: dict | None, tagged: bool = False) -> str:
    """How a measured error reads next to its number, e.g. "measured error on rendered runners filmed from
    behind: +4.1 ± 2.3° (mean ± SD, largest 7.9°, 24 conditions)" (the view the renders were filmed from, so
    that a clip filmed from in front is not read as validated from in front); ``tagged``: the number is
    already tagged "(not validated)" (the command line), so the words do not say it again."""
    if error is None:
        return ""
    unit = "°" if error["unit"] == "deg" else " % hip width"
    filmed = f" filmed {VIEW_WORDS[error['view']]}" if error.get("view") in VIEW_WORDS else ""
    words = (f"measured error on rendered runners{filmed}: {error['mean_error']:+.1f} ± {error['sd_error']:.1f}"
             f"{unit} (mean ± SD, largest {error['largest_error']:.1f}{unit}, {error['n']} conditions)")
    if error.get("validated", True):
        return words
    # why not: the slopes when they are outside the bar, else the largest error over its bar (to two
    # decimals: 10.01 % hip width would read 10.0, at the bar)
    slopes = sorted((error.get("slope_by_build") or {}).values())
    bar = LARGEST_ERROR_BAR.get(error["unit"])
    if slopes and not _slopes_within(slopes):
        span = f"{slopes[0]:.2f} to {slopes[-1]:.2f}"
        follows = (f"it moved against a true change: {span} times it" if slopes[-1] < 0  # keypoint pelvic drop
                   else f"it read {span} times a true change")
    elif bar is not None and not _largest_within(error):
        follows = f"largest error {abs(error['largest_error']):.2f}{unit}, over the {bar:g}{unit} bar"
    else:
        follows = ""
    if tagged:
        return f"{follows}; {words}" if follows else words
    return f"not validated by this method{f' ({follows})' if follows else ''}; {words}"


def frontal_fields(view: str, markers: MarkerReport | None, mask_measured: Iterable[str]) -> dict:
    """report.json's ``quality`` entries on the frontal measures of a clip filmed from ``view``: those of
    :func:`gait.markers.frontal_methods` (``markers``: marker mode's record), with ``frontal_method`` saying
    ``mask`` for the measures the person mask measured (``mask_measured``), and ``frontal_error``: each
    measured measure's error for its method, from the data file (:func:`frontal_error`; null where the
    renders did not measure it). Nothing for a side clip. Worked out once per analysis: read
    ``Analysis.frontal_fields``."""
    from gait.markers.record import frontal_methods

    fields = frontal_methods(view, markers)
    if not fields:
        return fields
    methods = dict(fields["frontal_method"])
    for measure in mask_measured:
        if methods.get(measure) != "none":
            methods[measure] = "mask"
    errors = {measure: frontal_error(measure, method)
              for measure, method in methods.items() if method != "none"}
    return {**fields, "frontal_method": methods, "frontal_error": errors}
