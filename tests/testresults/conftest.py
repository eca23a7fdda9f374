"""Fixtures for the test-results tests (helpers in junit_support.py)."""

import pytest
from junit_support import Builds


@pytest.fixture
def ci(api) -> Builds:
    return Builds(api)
