"""The policy table itself: its shape, how it answers, and that its documentation is it."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jadugar import config, policy, policy_doc
from jadugar.errors import Forbidden, Unauthorized

DOC = Path(__file__).resolve().parents[2] / "docs" / "security-policy.md"
TABLE_RULES = [(a, r) for a, r in policy.ACTIONS.items() if r.mode == "table"]


@pytest.fixture
def anonymous_view():
    previous = config.get()
    config.override(previous.replace(anonymous_view=True))
    yield
    config.override(previous)


@pytest.mark.parametrize(("action", "rule"), TABLE_RULES)
def test_it_gives_each_action_only_known_roles_and_scopes(action, rule):
    assert set(rule.roles) <= set(policy.ROLES) and set(rule.scopes) <= set(policy.SCOPES)


@pytest.mark.parametrize(("action", "rule"), TABLE_RULES)
def test_it_lets_every_higher_role_and_scope_do_what_a_lower_one_may(action, rule):
    for ranks, granted in ((policy.ROLES, rule.roles), (policy.SCOPES, rule.scopes)):
        if granted:
            lowest = min(ranks.index(n) for n in granted)
            assert set(granted) == set(ranks[lowest:]), action


@pytest.mark.parametrize(("action", "rule"), TABLE_RULES)
def test_it_lets_the_admin_role_do_all_the_admin_scope_may(action, rule):
    assert "admin" in rule.roles
    assert policy.allowed("admin", action)


def test_it_lets_anonymous_visitors_in_only_with_anonymous_view():
    assert not policy.allowed("anonymous", "monitoring.read")


def test_it_keeps_settings_data_from_anonymous_visitors(anonymous_view):
    assert policy.allowed("anonymous", "monitoring.read")
    assert policy.allowed("anonymous", "live.subscribe")
    for action in ("applications.read", "checks.read", "collectors.read", "status_pages.read"):
        assert not policy.allowed("anonymous", action)


def test_it_tells_roles_from_scopes():
    assert policy.allowed("editor", "builds.write") and policy.allowed("ingest", "builds.write")
    assert not policy.allowed(policy.Principal("scope", "admin"), "users.write")
    assert not policy.allowed(None, "builds.read") and not policy.allowed("root", "ui.use")


def test_it_explains_a_refusal():
    with pytest.raises(Unauthorized):
        policy.require("builds.read", None)
    with pytest.raises(Forbidden) as err:
        policy.require("checks.write", "editor")
    assert err.value.message == "checks.write needs the admin role; you have the editor role"
    with pytest.raises(Forbidden) as err:
        policy.require("builds.write", "read")
    assert "needs the ingest or admin scope; your token has the read scope" in err.value.message


def test_it_refuses_an_action_missing_from_the_table():
    with pytest.raises(KeyError):
        policy.allowed("admin", "checks.wirte")


START = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(("window", "action"), [
    ({"application": "shop", "ends_at": START + timedelta(days=7)}, "maintenance.write"),
    ({"check_id": 3, "ends_at": START + timedelta(hours=1)}, "maintenance.write"),
    ({"application": None, "ends_at": START + timedelta(hours=1)}, "maintenance.wide"),
    ({"application": "shop", "ends_at": START + timedelta(days=7, seconds=1)},
     "maintenance.wide"),
    ({"application": "shop", "recurrence": "weekly", "ends_at": START + timedelta(hours=1)},
     "maintenance.wide"),
    ({"application": "shop", "ends_at": "not a time"}, "maintenance.write"),
])
def test_it_sizes_maintenance_windows(window, action):
    assert policy.maintenance_action({"starts_at": START, **window}) == action


def test_it_documents_the_table_as_it_is():
    assert policy_doc.block(DOC.read_text()) == policy_doc.markdown(), (
        "regenerate: python -m jadugar.policy_doc docs/security-policy.md")
