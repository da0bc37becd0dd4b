"""notebooks/walkthrough.ipynb runs top to bottom (executed with nbclient on the venv's ipykernel)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


def test_walkthrough_notebook_runs(monkeypatch) -> None:
    pytest.importorskip("mediapipe")
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # the kernel inherits the environment: streamlit (imported by the app tests) sets MPLBACKEND=Agg, which
    # would stop the notebook's figures from being shown inline
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    t0 = time.time()
    nbclient.NotebookClient(nb, timeout=170, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent.parent)}}).execute()
    assert time.time() - t0 < 180
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2  # the knee plot and the key frame
