"""The alert rule form on /alerts asks what the API and config files already take: how many
reminders follow the first notification (max_reminders) and what makes one incident
(group_by). Posted as the browser posts the Dash callback, read back through the service."""

from __future__ import annotations

from policy_support import add_user, dependencies, post, sign_in

from jadugar.services import alert_rules, applications, checks
from jadugar.ui.alert_labels import kind_label

SAVE = "rules-changed.data <- rules-save"
TABLE = "rules-table.children <- rules-changed"


def _admin_with_check(client, engine) -> tuple[list, int]:
    with engine.begin() as c:
        applications.create_application(c, {"slug": "shop", "name": "Shop"})
        check_id = checks.create_check(c, "shop", {
            "name": "health", "type": "http", "interval_s": 60,
            "target": "https://shop.example/health"}).id
    add_user(engine, "rules-admin", "admin")
    sign_in(client, "rules-admin")
    return dependencies(client), check_id


def _form(check_id: int, **changed) -> dict:
    values = {"check_id": check_id, "kind": "failures_in_window", "threshold": 4,
              "for_s": 0, "severity": "warning", "repeat_s": 600, "max_reminders": 3,
              "group_by": "application", **changed}
    return {f"rules-{k}": v for k, v in values.items()}


def _rules(engine, check_id: int) -> list:
    with engine.connect() as c:
        return [r for r in alert_rules.list_rules(c, check_id=check_id)
                if r.kind == "failures_in_window"]


def test_it_stores_max_reminders_and_group_by(client, engine):
    deps, check_id = _admin_with_check(client, engine)
    r = post(client, deps, SAVE, _form(check_id, max_reminders=5, group_by="check"))
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert "Added rule" in str(r.json["response"]["rules-message"]["children"])
    [rule] = _rules(engine, check_id)
    assert (rule.max_reminders, rule.group_by, rule.repeat_s) == (5, "check", 600)


def test_it_names_max_reminders_when_it_is_negative_and_stores_nothing(client, engine):
    deps, check_id = _admin_with_check(client, engine)
    r = post(client, deps, SAVE, _form(check_id, max_reminders=-1))
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    shown = r.json["response"]
    assert "max_reminders must be at least 0" in shown["rules-max_reminders-error"]["children"]
    assert not shown["rules-form-error"]["children"]
    assert "rules-changed" not in shown  # no_update: nothing saved, the list stays
    assert _rules(engine, check_id) == []


def test_it_names_group_by_when_it_is_not_a_choice(client, engine):
    deps, check_id = _admin_with_check(client, engine)
    r = post(client, deps, SAVE, _form(check_id, group_by="team"))
    assert "group_by must be one of" in r.json["response"]["rules-group_by-error"]["children"]
    assert _rules(engine, check_id) == []


def _table(shown: dict) -> dict[str, dict[str, object]]:
    """The listed rules as {rule id: {column: cell}}, from the callback's JSON."""
    found: list[dict] = []

    def visit(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("Th", "Tr"):
                found.append(node)
            visit(node.get("props", {}).get("children"))
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit(shown)
    headers = [h["props"]["children"] for h in found if h["type"] == "Th"]
    return {str(tr["props"]["data-rule"]): dict(zip(headers, [
        td["props"].get("children") for td in tr["props"]["children"]], strict=True))
        for tr in found if tr["type"] == "Tr" and "data-rule" in tr["props"]}


def test_it_lists_reminders_and_grouping(client, engine):
    deps, check_id = _admin_with_check(client, engine)
    post(client, deps, SAVE, _form(check_id, max_reminders=2, group_by="none"))
    post(client, deps, SAVE, _form(check_id, kind="uptime_below", threshold=99,
                                   repeat_s=0, group_by="check"))
    r = post(client, deps, TABLE, {"rules-changed": 2})
    assert r.status_code == 200
    listed = _table(r.json["response"]["rules-table"]["children"])
    by_kind = {row["Kind"]: (row["Reminders"], row["Grouped by"]) for row in listed.values()}
    assert by_kind[kind_label("failures_in_window")] == ("every 600s, at most 2", "none")
    assert by_kind[kind_label("uptime_below")] == ("none", "check")
