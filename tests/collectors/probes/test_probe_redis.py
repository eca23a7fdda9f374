import socket
from collections.abc import Callable

import pytest

from collectors.probes import Result

Check = Callable[..., Result]
LOCAL_REDIS = ("127.0.0.1", 6379)


def test_it_gets_pong_from_a_resp_server(check: Check, fake_redis: str) -> None:
    result = check("redis", fake_redis)
    assert (result.status, result.error) == ("up", None)


def test_it_accepts_a_redis_url(check: Check, fake_redis: str) -> None:
    assert check("redis", f"redis://{fake_redis}/0").status == "up"


def test_it_authenticates_with_the_url_password(
    check: Check, fake_redis_with_password: str
) -> None:
    assert check("redis", f"redis://:s3cret@{fake_redis_with_password}").status == "up"


def test_it_shows_the_redis_error_when_auth_is_missing(
    check: Check, fake_redis_with_password: str
) -> None:
    result = check("redis", fake_redis_with_password)
    assert result.status == "down"
    assert result.error == "expected +PONG, got redis error 'NOAUTH Authentication required.'"


def test_it_reports_a_wrong_password(check: Check, fake_redis_with_password: str) -> None:
    result = check("redis", f"redis://:nope@{fake_redis_with_password}")
    assert result.error == "redis AUTH failed: redis error 'WRONGPASS invalid password'"


def test_it_reports_a_server_that_is_not_redis(check: Check, junk_target: str) -> None:
    result = check("redis", junk_target)
    assert result.status == "down"
    assert result.error.startswith("expected +PONG, got ") and "418 I'm a teapot" in result.error


def test_it_reports_a_closed_redis_port(check: Check, closed_port: int) -> None:
    assert check("redis", f"127.0.0.1:{closed_port}").error == "connection refused"


def test_it_pings_the_local_redis_server(check: Check) -> None:
    try:
        socket.create_connection(LOCAL_REDIS, timeout=1).close()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    assert check("redis", "127.0.0.1:6379").status == "up"
