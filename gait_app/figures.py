"""Pictures for the results page: single frames of the annotated video. The gait-cycle figure is the
report's own (:func:`gait.document.cycle_figure`).

No streamlit here.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import matplotlib
import numpy as np

# st.pyplot imports matplotlib.pyplot, which must not choose an interactive backend: the page runs in a
# worker thread with no display
matplotlib.use("Agg")


def video_frame_rgb(path: Path, index: int) -> np.ndarray | None:
    """Frame ``index`` (0-based) of a video written by the package (upright, no rotation tag), RGB."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        cap.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, frame = cap.read()
    finally:
        cap.release()
    return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if ok else None
