"""API calls are limited per token (by a digest of it), or per address without one; past
the limit: 429 JSON with code rate_limited and Retry-After. Health checks are never limited."""

import pytest

from jadugar import config
from jadugar.web.ratelimit import limiter


@pytest.fixture
def tiny_limit():
    previous = config.get()
    config.override(previous.replace(api_rate_limit="3 per minute"))
    limiter.reset()
    yield
    config.override(previous)
    limiter.reset()


def _get(client, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/projects", headers=headers)


def test_it_limits_each_token_on_its_own(client, make_token, tiny_limit):
    first, second = make_token("read"), make_token("read")
    assert [_get(client, first).status_code for _ in range(3)] == [200] * 3
    r = _get(client, first)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.json["error"]["code"] == "rate_limited"
    assert _get(client, second).status_code == 200


def test_it_limits_requests_without_a_token_per_address(client, tiny_limit):
    assert [_get(client).status_code for _ in range(3)] == [401] * 3
    r = _get(client)
    assert r.status_code == 429 and r.json["error"]["code"] == "rate_limited"


def test_it_never_limits_health_checks(client, tiny_limit):
    assert all(client.get("/healthz").status_code == 200 for _ in range(10))
    assert all(client.get("/readyz").status_code == 200 for _ in range(10))
