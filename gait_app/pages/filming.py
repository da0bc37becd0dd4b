"""How to film: the camera set-up as a picture and a short list."""

from pathlib import Path

import streamlit as st

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
2. **Phone on a tripod at hip height**, 3-5 m away.
3. **Side view**: camera square to the belt, the whole body in frame, head to feet.
4. **Rear view** (optional): square behind you, same height, both feet in view.
5. **60 fps or more**; 120-240 fps (slow motion) is better for contact times. Slow-motion files play at
   30 fps: give the capture rate on the Analyze page.
6. **At least {rule.advised_steps} steady running steps ({rule.advised_steps_per_side} per side)**, in any view:
   about {rule.seconds(rule.advised_steps, TYPICAL_CADENCE_SPM):.0f} s at {TYPICAL_CADENCE_SPM:.0f} steps/min;
   film 10-20 s for a margin. Fewer than {rule.min_steady_steps} regular steps are refused, and so are walking,
   standing and exercises on the spot.
7. **Good light, nobody else in view**, nothing (rails, console) hiding the legs; no zoom or panning.
""")
    st.caption("Set-up after Souza 2016 (Phys Med Rehabil Clin N Am 27:217); step count after Dingenen 2018.")
st.page_link("gait_app/pages/analyze.py", label="Ready: upload your clips", icon=":material/upload:")
