import socket
import time
from collections.abc import Callable

import pytest

from collectors.probes import Result

Check = Callable[..., Result]
LOCAL_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def test_it_runs_select_1_on_the_local_server(check: Check) -> None:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    result = check("postgres", LOCAL_DSN)
    assert (result.status, result.error) == ("up", None)
    assert result.response_ms is not None


def test_it_reports_a_closed_port_in_libpq_words(check: Check, closed_port: int) -> None:
    result = check("postgres", f"postgresql://postgres@127.0.0.1:{closed_port}/test")
    assert result.status == "down"
    assert "Connection refused" in result.error
    assert "\n" not in result.error


def test_it_reports_a_server_that_is_not_postgres(check: Check, junk_target: str) -> None:
    result = check("postgres", f"postgresql://postgres@{junk_target}/test", timeout_s=3)
    assert result.status == "down"
    assert result.error


def test_it_gives_up_on_a_server_that_never_answers(check: Check, tcp_listener: str) -> None:
    started = time.perf_counter()
    result = check("postgres", f"postgresql://postgres@{tcp_listener}/test", timeout_s=0.5)
    assert (result.status, result.error) == ("down", "timed out after 0.5 s")
    assert time.perf_counter() - started < 2
