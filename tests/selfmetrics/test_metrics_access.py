"""Who may read /metrics: an allowed address, the metrics token, an API token or an admin's
session; nobody else."""

from __future__ import annotations

import pytest
from scrape_support import scrape

from jadugar import config


@pytest.fixture
def settings():
    """Change settings for one test: settings(metrics_allow="10.0.0.0/8")."""
    previous = config.get()
    yield lambda **changes: config.override(previous.replace(**changes))
    config.override(previous)


def test_it_refuses_a_scrape_without_a_token(client):
    r = client.get("/metrics")
    assert r.status_code == 401
    assert "Bearer" in r.get_data(as_text=True)


def test_it_refuses_a_scrape_from_an_address_outside_the_allow_list(client, settings):
    settings(metrics_allow="10.0.0.0/8, fd00::/8")
    r = client.get("/metrics")  # the test client asks from 127.0.0.1
    assert r.status_code == 403
    assert "JADUGAR_METRICS_ALLOW" in r.get_data(as_text=True)


def test_it_serves_a_scrape_from_an_allowed_address(client, settings):
    settings(metrics_allow="10.0.0.0/8,127.0.0.0/8")
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain; version=")
    assert "jadugar_http_request_duration_seconds" in r.get_data(as_text=True)


def test_it_serves_a_scrape_with_the_metrics_token(client, settings):
    settings(metrics_token="scrape-secret")
    assert scrape(client, Authorization="Bearer scrape-secret")
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


@pytest.mark.parametrize("scope", ["read", "ingest", "admin"])
def test_it_serves_a_scrape_with_an_api_token(client, make_token, scope):
    assert scrape(client, Authorization=f"Bearer {make_token(scope)}")


def test_it_refuses_a_wrong_token_from_outside_the_allow_list(client, settings):
    settings(metrics_allow="10.0.0.0/8")
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
