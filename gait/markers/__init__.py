"""Marker mode: the frontal plane measured from round stickers on the runner, seen from behind.

Clinics that do 2-D running analysis put small round stickers of one bright colour on the runner (Souza
2016; Dingenen 2018), because pose keypoints put the hip and knee centres 30-50 mm off (Needham 2021). Per
leg (:data:`~gait.markers.track.SITES`, drawing in docs/markers.md): the posterior superior iliac spine
(``psis``), the back of the thigh below the shorts (``thigh``), the back of the knee at the joint line
(``knee``), the lower shank's mid-line at mid-calf (``calf``) and at the Achilles tendon at ankle height
(``achilles``), and a vertical pair on the shoe's heel counter (``heel_top``, ``heel_bottom``).

1. **Colour** (:func:`~gait.markers.detect.calibrate`): the sticker colour is given (a name of
   :data:`~gait.markers.detect.NAMED_HUES` or ``#RRGGBB``) or found: the one bright colour that makes
   several small round spots on the runner. The HSV thresholds are then set from the spots found in a few
   frames spread over the clip.
2. **Spots** (:func:`~gait.markers.detect.find_spots`): in each frame, within the runner's box, the pixels
   of that colour are grouped into spots of a sticker's size; each spot's centre is a sub-pixel centroid
   weighted by how much of the sticker colour each pixel holds (its chroma along the sticker's, so that
   blurred and anti-aliased edge pixels count by the fraction of sticker they show).
3. **Which sticker is which** (:func:`~gait.markers.track.label_spots`): MediaPipe's points say which
   sticker is which (the runner's side and the segment), never where it is: each site has an anchor on
   MediaPipe's skeleton, spots are matched to anchors (optimal assignment, gated), the anchors are then
   corrected by each site's typical offset from them in this clip and matched again, and the order along
   each leg is enforced (thigh above knee, calf above Achilles, upper above lower heel sticker). A spot that
   jumps away from its track is dropped.
4. **Angles** (:func:`gait.kinematics.marker_angles`) from the stickers' tracks (short gaps filled,
   low-pass filtered as the pose), and per step (:func:`gait.markers.steps.marker_step_table`): a measure whose
   stickers were not seen in most of the stance is left out for that step, and counted.

The stickers are for rear views. A side clip needs none (they are ignored, with a note); a front clip
cannot see them.

Modules: :mod:`~gait.markers.detect` (steps 1 and 2), :mod:`~gait.markers.track` (step 3 and the clip's
tracks and angles), :mod:`~gait.markers.measure` (step 4), :mod:`~gait.markers.record` (what the analysis
keeps of it, and report.json's fields).
"""

from gait.markers.detect import AUTO, NAMED_HUES, WORKING_COLOURS, ColourModel, find_spots, parse_colour
from gait.markers.measure import apply_markers, hip_width_from_markers, marker_measures
from gait.markers.record import MarkerReport, frontal_methods
from gait.markers.steps import SITES_OF
from gait.markers.track import NAMES, SITES, MarkerTracks

__all__ = ["AUTO", "NAMED_HUES", "NAMES", "SITES", "SITES_OF", "WORKING_COLOURS", "ColourModel", "MarkerReport",
           "MarkerTracks", "apply_markers", "find_spots", "frontal_methods", "hip_width_from_markers",
           "marker_measures", "parse_colour"]
