"""The dashboard tiles and overview pages are kept a few seconds in a web process, and a
write's event (heard by this process's real LISTEN connection) clears them at once."""

import time

import pytest

from jadugar import events
from jadugar.services import applications, builds, cache, dashboard, monitoring, projects
from jadugar.web import realtime


@pytest.fixture
def listening_cache(engine, clean_db):
    listener = realtime.start_listener()
    assert listener.connected.wait(10), "the event listener never connected"
    cache.enable(60)  # far longer than the test: only an event can clear it
    yield
    cache.enable(0)


def _running(engine) -> int:
    with engine.connect() as c:
        return dashboard.summary(c)["builds_running"]


def _wait_for(predicate, timeout_s: float = 5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_it_serves_the_tiles_from_memory_until_an_event_clears_them(listening_cache, engine):
    with engine.begin() as c:
        projects.create_project(c, {"slug": "cached", "name": "Cached"})
    assert _running(engine) == 0
    with engine.begin() as c:  # publishes a build event in the same transaction
        builds.submit(c, "cached", {"status": "running"})
    assert _wait_for(lambda: _running(engine) == 1), "the build event never cleared the cache"


def test_it_keeps_a_value_when_no_event_comes(listening_cache, engine):
    with engine.begin() as c:
        projects.create_project(c, {"slug": "quiet", "name": "Quiet"})
    with engine.connect() as c:
        first = dashboard.summary(c)
    hits = cache.stats["hits"]
    with engine.begin() as c:  # a new project is not announced: the tiles may lag
        projects.create_project(c, {"slug": "quiet-2", "name": "Quiet 2"})
    with engine.connect() as c:
        assert dashboard.summary(c) == first
    assert cache.stats["hits"] == hits + 1


def test_it_clears_the_overview_on_a_check_result_event(listening_cache, engine):
    with engine.connect() as c:
        before = monitoring.overview(c)["total"]
    with engine.begin() as c:
        applications.create_application(c, {"slug": "ov", "name": "Ov"})
    assert _overview_total(engine) == before, "a write without an event cleared the cache"
    with engine.begin() as c:
        events.publish(c, "check_result", {"application": "ov", "count": 0, "results": []})
    assert _wait_for(lambda: _overview_total(engine) == before + 1)


def _overview_total(engine) -> int:
    with engine.connect() as c:
        return monitoring.overview(c)["total"]
