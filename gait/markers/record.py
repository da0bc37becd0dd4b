"""Marker mode's record of a clip (:class:`MarkerReport`) and what report.json says of how a rear or front
clip's frontal measures were measured (:func:`frontal_methods`): what the analysis holds of marker mode,
apart from the work that made it (:mod:`gait.markers.measure`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gait.catalogue import STICKERS_ONLY

MEASURES = ("knee_valgus_fppa_deg", "pelvic_drop_deg", "hip_adduction_deg", "step_width_pct_hip",
            "crossover_pct", "rearfoot_eversion_deg")


@dataclass(frozen=True)
class MarkerReport:
    """What marker mode did for a clip, for report.json (``quality.markers``) and the warnings."""

    colour: dict
    seen_fraction: dict[str, float]  # per sticker, of the clip's frames
    methods: dict[str, str]  # frontal measure -> "markers" (measured from the stickers) or why not
    steps_missing: dict[str, int]  # frontal measure -> steps left out because its stickers were hidden
    null_reasons: dict[str, str] = field(default_factory=dict)  # measure -> why it has no value
    hip_width_px: float | None = None

    def to_dict(self) -> dict:
        return {"colour": self.colour, "sticker_seen_fraction": self.seen_fraction, "methods": self.methods,
                "steps_missing": self.steps_missing, "null_reasons": self.null_reasons,
                "hip_width_px": self.hip_width_px}


def frontal_methods(view: str, markers: MarkerReport | None) -> dict:
    """report.json's ``quality`` entries on how the frontal measures of a clip filmed from ``view`` were
    measured: ``frontal_method`` (measure -> "markers", "keypoints" or "none") and, in marker mode
    (``markers``, the clip's record), ``markers``. Nothing for a side clip."""
    if view == "side":
        return {}
    if markers is not None:
        reasons = markers.null_reasons
        methods = {k: ("none" if k in reasons else v) for k, v in markers.methods.items()}
        return {"frontal_method": methods, "markers": markers.to_dict()}
    return {"frontal_method": {k: "none" if k in STICKERS_ONLY else "keypoints" for k in MEASURES}}
