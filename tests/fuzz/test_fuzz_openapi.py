"""Schemathesis over the app's own OpenAPI document (what /api/v1/openapi.json serves),
against the WSGI app and the real database with an admin token: no operation answers 5xx,
and every response matches the schema the document declares for it.

Random slugs and ids only ever find 404s, so each operation starts from a seeded database
(one of everything, each with id 1 or slug "demo") and path parameters take those values
most of the time. Bounded: a dozen examples per operation, plus Schemathesis' coverage
cases; the same ones on every run."""

from __future__ import annotations

import pytest
import schemathesis
from fuzz_settings import DEEP_EXAMPLES
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import text

from jadugar.api import openapi, register_resources

pytestmark = pytest.mark.fuzz

EXAMPLES = DEEP_EXAMPLES or 12
KNOWN = {"slug": "demo", "name": "cpu", "build_id": 1, "check_id": 1, "milestone_id": 1,
         "rule_id": 1, "alert_id": 1, "window_id": 1, "target_id": 1, "token_id": 2}
CONFIG = SchemathesisConfig.from_dict({
    "dictionaries": {name: {"values": [value]} for name, value in KNOWN.items()},
    "parameters": {f"path.{name}": {"dictionary": name, "probability": 0.8}
                   for name in KNOWN},
    "generation": {"max-examples": EXAMPLES, "deterministic": not DEEP_EXAMPLES,
                   "database": "none"},
})

register_resources()  # the resource modules add their paths to the document
schema = schemathesis.openapi.from_dict(openapi.document(), config=CONFIG)


@pytest.fixture
def seeded(api, engine):
    """One of each resource, so that the operations reach past their 404."""
    from collectors.alerting import evaluate_rules
    from jadugar.services.history import Row, write_results
    from jadugar.timeutil import utcnow

    calls = [
        ("/projects", {"slug": "demo", "name": "Demo", "repository": "team/demo"}),
        ("/projects/demo/builds", {"status": "running", "branch": "main"}),
        ("/projects/demo/milestones", {"title": "v1"}),
        ("/projects/demo/status-updates", {"message": "hello", "build_id": 1}),
        ("/applications", {"slug": "demo", "name": "Demo"}),
        ("/applications/demo/checks", {"name": "web", "type": "tcp",
                                       "target": "127.0.0.1:9", "interval_s": 30}),
        ("/alert-rules", {"check_id": 1, "kind": "uptime_below", "threshold": 99.5,
                          "window_s": 86400}),
        ("/metrics", [{"application": "demo", "name": "cpu", "value": 1.5,
                       "labels": {"host": "a"}}]),
        ("/maintenance-windows", {"title": "upgrade", "starts_at": "2026-01-01T02:00:00Z",
                                  "ends_at": "2026-01-01T03:00:00Z"}),
        ("/notification-targets", {"name": "ops", "url": "json://127.0.0.1:9/"}),
        ("/status-pages", {"slug": "demo", "title": "Demo", "applications": ["demo"]}),
        ("/tokens", {"name": "spare", "scope": "read"}),
    ]
    for path, body in calls:
        r = api.post(path, json=body)
        assert r.status_code in (200, 201), (path, r.get_data(as_text=True))
    with engine.begin() as c:
        for _ in range(3):
            write_results(c, [Row(1, utcnow(), "local", "down", error="refused")])
        evaluate_rules(c)
        assert c.execute(text("select min(id) from alerts")).scalar_one() == 1
    return api


def test_it_fuzzes_the_document_the_app_serves(client):
    assert client.get("/api/v1/openapi.json").json == openapi.document()


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_the_api_answers_no_5xx_and_matches_its_schema(case, dash_app, seeded):
    case.call_and_validate(app=dash_app.server,
                           headers={"Authorization": f"Bearer {seeded.token}"},
                           checks=[not_a_server_error, response_schema_conformance])
