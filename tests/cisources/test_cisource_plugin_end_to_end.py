"""A CI source from a package of its own is received end to end with no other change: a
real `jadugar serve` process with tests/fixtures/cisource_plugin on its path (a module,
and a .dist-info folder whose entry_points.txt names it under `jadugar.ci_sources`: all
importlib.metadata needs) answers at /api/v1/webhooks/dummy, lets a project set its own
secret through the API, refuses a badly signed delivery and files a good one as a build."""

import json
import os
import sys
from collections.abc import Iterator

import pytest
from cisource_support import PLUGIN, call
from support_processes import process_env, serving

from jadugar import auth

pytestmark = pytest.mark.slow
SECRET = "dummy-s3cret"
RUN = {"repo": "acme/rocket", "run": 7, "state": "passed", "branch": "main"}


@pytest.fixture(scope="module")
def dummy_ci():
    """The plug-in's own signing function, as the CI system would sign."""
    sys.path.insert(0, str(PLUGIN))
    try:
        import jadugar_dummy_ci
        yield jadugar_dummy_ci
    finally:
        sys.path.remove(str(PLUGIN))
        sys.modules.pop("jadugar_dummy_ci", None)


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory) -> Iterator[str]:
    path = os.pathsep.join(p for p in (str(PLUGIN), os.environ.get("PYTHONPATH")) if p)
    env = process_env(database_url, tmp_path_factory.mktemp("plugin"), PYTHONPATH=path)
    with serving(env, tmp_path_factory.mktemp("serve")) as base:
        yield base + "/api/v1"


@pytest.fixture
def admin(engine, server, clean_db) -> dict[str, str]:
    with engine.begin() as c:
        token = auth.create_token(c, "plug-in test", "admin")[1]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def deliver(server, dummy_ci):
    def send(body: dict, key: str | None = SECRET, delivery: str = "d-1") -> tuple[int, dict]:
        raw = json.dumps(body).encode()
        headers = {"X-Dummy-Delivery": delivery}
        if key is not None:
            headers["X-Dummy-Signature"] = dummy_ci.sign(key, raw)
        return call(server, "POST", "/webhooks/dummy", raw, headers)
    return send


def test_it_receives_a_plugin_source_with_a_projects_own_secret(server, admin, deliver):
    assert call(server, "POST", "/projects", {"slug": "rocket", "name": "Rocket",
                                              "repository": "acme/rocket"}, admin)[0] == 201
    status, err = deliver(RUN)
    assert status == 401 and "dummy_webhook_secret" in err["error"]["message"], err

    status, project = call(server, "PUT", "/projects/rocket/webhook-secrets",
                           {"dummy_webhook_secret": SECRET}, admin)
    assert status == 200 and project["has_dummy_secret"] is True, project
    assert SECRET not in json.dumps(project)

    status, err = deliver(RUN, key="not-the-secret")
    assert (status, err["error"]["field"]) == (401, "X-Dummy-Signature"), err
    assert deliver(RUN, key=None)[0] == 401

    status, made = deliver(RUN)
    assert (status, made["status"]) == (201, "created"), made
    status, builds = call(server, "GET", "/projects/rocket/builds", headers=admin)
    assert status == 200
    assert [(b["external_id"], b["status"], b["number"], b["branch"]) for b in builds["items"]] \
        == [("dummy-7", "success", 7, "main")]
    history = call(server, "GET", f"/builds/{made['build']['id']}", headers=admin)[1]
    assert history["status_updates"][0]["source"] == "dummy"


def test_it_drops_a_redelivery_and_answers_a_bad_payload_after_authenticating(
        server, admin, deliver):
    call(server, "POST", "/projects", {"slug": "rocket", "name": "Rocket",
                                       "repository": "acme/rocket"}, admin)
    call(server, "PUT", "/projects/rocket/webhook-secrets", {"dummy_webhook_secret": SECRET},
         admin)
    assert deliver(RUN, delivery="d-9")[0] == 201
    status, again = deliver(RUN, delivery="d-9")
    assert (status, again["status"]) == (200, "duplicate")
    status, err = deliver({"repo": "acme/rocket", "run": "seven"}, delivery="d-10")
    assert (status, err["error"]["field"]) == (422, "run")
    status, ignored = deliver({**RUN, "state": "archived"}, delivery="d-11")
    assert (status, ignored["status"]) == (202, "ignored")


def test_it_documents_a_plugin_source_in_the_openapi_document(server):
    doc = call(server, "GET", "/openapi.json")[1]
    assert doc["paths"]["/webhooks/dummy"]["post"]["summary"].startswith("Dummy CI runs")
    secrets = doc["components"]["schemas"]["WebhookSecrets"]["properties"]
    assert "dummy_webhook_secret" in secrets
    assert "has_dummy_secret" in doc["components"]["schemas"]["Project"]["properties"]
