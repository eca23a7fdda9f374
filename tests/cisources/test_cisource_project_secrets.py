"""A project's own webhook secrets are rows per CI source, set and cleared by the source's
field: a plug-in source's secret goes through the same service, Settings form and lookup
as GitHub's, with no change to any of them. Here the registry offers the test plug-in
in-process; test_cisource_plugin_end_to_end.py does the same through a real server."""

import sys
from types import MappingProxyType

import pytest
from cisource_support import PLUGIN

from jadugar.errors import Invalid
from jadugar.services import projects
from jadugar.services.webhooks import ingest, registry
from jadugar.ui.settings_credentials import projects_section


@pytest.fixture
def dummy(monkeypatch):
    """The registry as a process started with the plug-in installed sees it."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    found = MappingProxyType(registry.discover())
    monkeypatch.setattr(registry, "sources", lambda: found)
    yield found["dummy"]
    sys.modules.pop("jadugar_dummy_ci", None)


@pytest.fixture
def rocket(conn):
    projects.create_project(conn, {"slug": "rocket", "name": "Rocket",
                                   "repository": "acme/rocket"})
    return "rocket"


def test_it_sets_and_clears_a_plugin_sources_secret_like_any_other(conn, dummy, rocket):
    row = projects.set_webhook_secrets(conn, rocket, {"dummy_webhook_secret": "dm-s3cret",
                                                      "github_webhook_secret": "gh-s3cret"})
    shown = projects.to_dict(row)
    assert (shown["has_dummy_secret"], shown["has_github_secret"],
            shown["has_gitlab_token"]) == (True, True, False)
    assert "dm-s3cret" not in str(shown)
    assert ingest.secret_for(conn, "dummy", "acme/rocket") == "dm-s3cret"
    raw = conn.exec_driver_sql("select string_agg(secret, ' ') from project_webhook_secrets")
    assert "s3cret" not in raw.scalar_one()

    projects.set_webhook_secrets(conn, rocket, {"dummy_webhook_secret": "***"})  # as shown
    assert ingest.secret_for(conn, "dummy", "acme/rocket") == "dm-s3cret"
    row = projects.set_webhook_secrets(conn, rocket, {"dummy_webhook_secret": ""})
    assert projects.to_dict(row)["has_dummy_secret"] is False
    assert ingest.secret_for(conn, "dummy", "acme/rocket") is None
    assert ingest.secret_for(conn, "github", "acme/rocket") == "gh-s3cret"


def test_it_offers_a_plugin_sources_secret_in_settings(conn, dummy, rocket):
    section = projects_section(registry.with_project_secret())
    assert [(name, label) for name, label, *_ in section.fields] == [
        ("project", "Project"), ("github_webhook_secret", "GitHub webhook secret"),
        ("gitlab_webhook_token", "GitLab webhook token"),
        ("dummy_webhook_secret", "Dummy CI webhook secret")]
    assert "dummy_webhook_secret" in section.reset
    section.create(conn, {"project": rocket, "github_webhook_secret": None,
                          "gitlab_webhook_token": "", "dummy_webhook_secret": "dm-ui"}, "alice")
    assert ingest.secret_for(conn, "dummy", "acme/rocket") == "dm-ui"
    header, rows = section.rows(conn)
    assert header[-1] == "Dummy CI secret"
    assert [badge.children for badge in rows[0][1][2:]] == ["not set", "not set", "set"]


def test_it_refuses_a_secret_for_a_source_without_project_secrets(conn, rocket):
    with pytest.raises(Invalid) as err:
        projects.set_webhook_secrets(conn, rocket, {"generic_webhook_token": "x"})
    assert err.value.field == "generic_webhook_token"


def test_it_forgets_a_projects_secrets_with_the_project(conn, rocket):
    projects.set_webhook_secrets(conn, rocket, {"github_webhook_secret": "gh"})
    projects.delete_project(conn, rocket)
    assert conn.exec_driver_sql("select count(*) from project_webhook_secrets").scalar() == 0
