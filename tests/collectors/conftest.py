import pytest
from local_targets import Targets


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    t = Targets.start(tmp_path_factory.mktemp("targets"))
    yield t
    t.stop()
