"""What the fault tests share: a PostgreSQL of their own that a test may stop and start,
and local targets that count what the collector asked of them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from fault_targets import FaultTargets
from support_faults import FaultServer, OwnDatabase


@pytest.fixture(scope="session")
def fault_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultServer]:
    server = FaultServer(tmp_path_factory.mktemp("faultpg") / "pg")
    yield server
    with contextlib.suppress(Exception):
        server.stop()


@pytest.fixture
def own_db(fault_server: FaultServer) -> Iterator[OwnDatabase]:
    database = OwnDatabase(fault_server)
    yield database
    database.engine.dispose()
    fault_server.start()  # running again for the next test, whatever this one did


@pytest.fixture(scope="module")
def fault_targets() -> Iterator[FaultTargets]:
    targets = FaultTargets.start()
    yield targets
    targets.stop()
