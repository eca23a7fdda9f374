"""Settings → Notification targets asks a target's minimum severity (the API and config
files already take it): stored as chosen, "info" when left alone, and listed."""

from __future__ import annotations

from policy_support import add_user, dependencies, post, sign_in

from jadugar.services import notifications

SAVE = "set-targets-changed.data <- set-targets-save"
TABLE = "set-targets-table.children <- set-targets-changed"


def _admin(client, engine) -> list:
    add_user(engine, "targets-admin", "admin")
    sign_in(client, "targets-admin")
    return dependencies(client)


def _form(name: str, **changed) -> dict:
    values = {"name": name, "url": "json://hooks.example/alerts", "application": None,
              **changed}
    return {f"set-targets-{k}": v for k, v in values.items()}


def _stored(engine) -> dict[str, str]:
    with engine.connect() as c:
        return {t.name: t.min_severity for t in notifications.list_targets(c)}


def test_it_stores_the_chosen_min_severity(client, engine):
    deps = _admin(client, engine)
    r = post(client, deps, SAVE, _form("pager", min_severity="critical"))
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert "Added notification target" in str(r.json["response"]["set-targets-message"])
    assert _stored(engine) == {"pager": "critical"}


def test_it_defaults_to_info_and_names_a_bad_choice(client, engine):
    deps = _admin(client, engine)
    post(client, deps, SAVE, _form("chat", min_severity=None))
    r = post(client, deps, SAVE, _form("loud", min_severity="panic"))
    error = r.json["response"]["set-targets-min_severity-error"]["children"]
    assert "min_severity must be one of info, warning, critical" in error
    assert _stored(engine) == {"chat": "info"}


def test_it_lists_min_severity(client, engine):
    deps = _admin(client, engine)
    post(client, deps, SAVE, _form("pager", min_severity="warning"))
    shown = post(client, deps, TABLE, {"set-targets-changed": 1}).json["response"]
    table = shown["set-targets-table"]["children"]["props"]["children"]
    head, [row] = (part["props"]["children"] for part in table)  # Thead's Tr, Tbody's rows
    headers = [th["props"]["children"] for th in head["props"]["children"]]
    cells = [td["props"]["children"] for td in row["props"]["children"]]
    assert dict(zip(headers, cells, strict=True))["Min severity"] == "warning"
