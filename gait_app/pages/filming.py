"""How to film: the camera set-up as a picture and a short list."""

from pathlib import Path

import streamlit as st

from gait.document.content import STICKERS_DRAWING
from gait.gate import TYPICAL_CADENCE_SPM, length_rule

rule = length_rule("side")  # the same rule in every view
st.title("How to film")
picture, steps = st.columns([1.1, 1], gap="large")
with picture:
    st.image(str(Path(__file__).resolve().parents[1] / "static" / "filming.svg"), width="stretch",
             caption="Seen from above: one phone beside the treadmill, one behind, both at hip height.")
with steps:
    st.markdown(f"""
1. **Warm up** 6-10 min on the treadmill first; film your usual easy pace.
2. **Phone on a tripod at hip height**, level, 3-5 m away: a phone tilted 5° moved the overstride read by up
   to 10 % of leg length on the rendered runner. The analysis reads the tilt from the room's upright lines
   (door frames, corners, cabinets) and turns its measures back by it, but a level phone is surer: from 3°
   the results warn of it, and with no such lines in view it cannot be read. A phone tipped up or down (the
   same lines converge) is warned of from 8° and not corrected: filmed from 17° below, the rendered runner's
   overstride read 6 % of leg length lower.
3. **Side view**: camera square to the belt (its back parallel to the running direction), the whole body in
   frame, head to feet. From 15° off square the results warn of it: 20° from behind moved the foot angle at
   landing by 9°.
4. **Rear view** (optional): square behind you, same height, both feet in view. It gives the knee valgus,
   hip adduction and step width; contact and flight times come from the side view only.
5. **60 fps**; 30 fps reads the angles at landing off, and 120-240 fps (slow motion) reads contact times no
   closer (measured on a rendered runner). Slow-motion files play at 30 fps: give the capture rate on the
   Analyze page. The phone's usual formats are read, H.264 or HEVC, HDR included (shown as SDR); AV1, which
   some phones offer, is copied to H.264 first, which takes a little longer.
6. **At least {rule.advised_steps} steady running steps ({rule.advised_steps_per_side} per side)**, in any view:
   about {rule.seconds(rule.advised_steps, TYPICAL_CADENCE_SPM):.0f} s at {TYPICAL_CADENCE_SPM:.0f} steps/min;
   film 10-20 s for a margin. Fewer steps are analysed with a warning; fewer than {rule.min_steady_steps}
   regular steps are refused, and so are walking, standing and exercises on the spot.
7. **Good light, nobody else in view**, nothing (rails, console) hiding the legs; no zoom or panning.
""")
    st.caption("Set-up after Souza 2016 (Phys Med Rehabil Clin N Am 27:217); step count after Dingenen 2018.")

st.subheader("Stickers for the rear view (optional)", divider="gray")
drawing, sticker_text = st.columns([1.1, 1], gap="large")
with drawing:
    st.image(str(STICKERS_DRAWING), width="stretch",
             caption="Where the stickers go, seen from behind: the same on both legs.")
with sticker_text:
    st.markdown("""
From behind, the pose model places the hips and knees too far off to measure the knee's inward
movement well, and its hip points do not follow the pelvis at all (the step width is read from the body's
outline instead, within 6 % of hip width on rendered runners). Clinics put small stickers on the runner
for this: with them the rear clip's frontal measures come from the stickers (**marker mode**), and the
pelvic drop and the rearfoot eversion ("overpronation") can be measured: without stickers they are not
given.

1. **Round stickers, 15-20 mm, all of one bright colour**: green, magenta, cyan or yellow work. Avoid
   colours close to the skin, the hair, the clothes or the shoes (orange, red, pink, brown) and to anything
   behind the runner.
2. **Per leg, seven** (drawing): the PSIS (the dimples of the low back, on the skin or tight shorts, not on a
   loose shirt), the back of the thigh below the shorts, the back of the knee on the joint line, the mid-calf
   and the Achilles tendon at ankle height on the shin's mid-line, and two on the heel counter of the shoe,
   one above the other.
3. **Film from behind at 120 fps or more** for the rearfoot eversion (60 fps measures the rest).
4. On the Analyze page choose **Stickers on the runner**: the colour is found by itself, or pick it.

A sticker hidden through most of a step (under a shirt, behind the other leg) leaves its measure out for
that step; the results say which measures came from the stickers.
""")
    st.caption("The marker protocol after Souza 2016 and Dingenen 2018; its accuracy on rendered runners: "
               "docs/markers.md.")
st.page_link("gait_app/pages/analyze.py", label="Ready: upload your clips", icon=":material/upload:")
