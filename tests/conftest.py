import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# the pose cache of the analyses run by the tests (CLI and app included): a folder of this test session's own
if "GAIT_CACHE_DIR" not in os.environ:
    os.environ["GAIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="gait-test-cache-")
    atexit.register(shutil.rmtree, os.environ["GAIT_CACHE_DIR"], True)
SHARED_VIDEOS = Path(os.environ.get("GAIT_SHARED_VIDEOS", REPO.parent / "shared" / "videos"))


@pytest.fixture(scope="session")
def shared_videos() -> Path:
    if not (SHARED_VIDEOS / "ground_truth.json").is_file():
        pytest.skip(f"shared clips not found at {SHARED_VIDEOS}")
    return SHARED_VIDEOS


@pytest.fixture(scope="session")
def ground_truth(shared_videos) -> dict:
    return json.loads((shared_videos / "ground_truth.json").read_text())


@pytest.fixture(scope="session")
def analysed(shared_videos):
    """analyse(name) -> Analysis or GaitInputError, each clip's pose estimated once per session."""
    from gait.errors import GaitInputError
    from gait.pipeline import analyze
    from gait.pose_cache import PoseCache

    cache: dict = {}

    def analyse(name: str):
        if name not in cache:
            try:
                cache[name] = analyze(str(shared_videos / name), cache=PoseCache())  # shared by the test processes
            except GaitInputError as exc:
                cache[name] = exc
        return cache[name]

    return analyse
