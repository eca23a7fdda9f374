"""The scale-out test reuses the collector tests' local HTTP targets."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "collectors"))
from local_targets import Targets  # noqa: E402


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    t = Targets.start(tmp_path_factory.mktemp("targets"))
    yield t
    t.stop()
