"""Health checks: create, read, change, delete; their raw history.

`create_check` also gives every check its default alert rule (3 failures fire, 2 successes
resolve; a missed ping for heartbeat checks) and, for heartbeat checks, a secret ping token.
Credentials in a check (target passwords, sensitive headers, bodies) are stored encrypted
apart from it and read back only masked (see check_credentials).
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from jadugar import secrets as vault
from jadugar.checks import registry
from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.services import applications as apps
from jadugar.services import check_credentials as credentials
from jadugar.services.check_fields import clean_check
from jadugar.services.serialize import row_dict

PING_PATH = "/api/v1/heartbeat/{token}"
_COLUMNS = """c.id, a.slug as application, c.name, c.type, c.target, c.interval_s,
    c.timeout_s, c.retries, c.enabled, c.expect, c.options, c.grace_s, c.depends_on,
    c.locations_required, c.locations, c.heartbeat_token, c.status, c.status_changed_at,
    c.last_run_at, c.last_response_ms, c.last_error, c.last_ping_at, c.next_run_at, c.created_at,
    c.updated_at, c.credentials"""
PRIVATE = ("heartbeat_token", "credentials")


def to_dict(row: Any) -> dict[str, Any]:
    out = row_dict(row, exclude=PRIVATE)
    token = row._mapping.get("heartbeat_token")
    out["ping_url"] = PING_PATH.format(token=token) if token else None
    return out


def get_check(conn: Connection, check_id: int) -> Any:
    row = conn.execute(text(f"""select {_COLUMNS} from health_checks c
        join applications a on a.id = c.application_id where c.id = :id"""),
        {"id": check_id}).first()
    if row is None:
        raise NotFound(f"no check {check_id}", field="id")
    return row


def list_checks(conn: Connection, app_slug: str, limit: int = 1000,
                after: int | None = None) -> list[Any]:
    """Checks of one application by id, limit + 1 rows (keyset pagination)."""
    app_id = apps.application_id(conn, app_slug)
    return list(conn.execute(text(f"""select {_COLUMNS} from health_checks c
        join applications a on a.id = c.application_id
        where c.application_id = :app and c.id > :after order by c.id limit :n"""),
        {"app": app_id, "after": after or 0, "n": limit + 1}).all())


def ping_paths(conn: Connection, app_id: int) -> list[tuple[int, str, str]]:
    """(id, name, ping path) of each heartbeat of an application, by name. The path holds
    the heartbeat's credential: show it only to those who may edit checks."""
    rows = conn.execute(text("""select id, name, heartbeat_token from health_checks
                                 where application_id = :a and heartbeat_token is not null
                                 order by name"""), {"a": app_id}).all()
    return [(r.id, r.name, PING_PATH.format(token=r.heartbeat_token)) for r in rows]


def create_check(conn: Connection, app_slug: str, data: dict[str, Any],
                 actor: str | None = None) -> Any:
    """1. validate, 2. insert with a random first run inside one interval (jitter),
    3. add the default alert rule. Returns the row (see to_dict)."""
    app_id = apps.application_id(conn, app_slug)
    values = clean_check(data, partial=False)
    _check_dependency(conn, values.get("depends_on"), None)
    check_type = values["type"]
    values = credentials.carry(values, None, None, check_type)  # refuses *** with no secret
    values.update(credentials.seal(values["target"], values.get("options", {}), check_type))
    # A pushed check's (heartbeat's) ping URL carries this token: its only credential.
    token = secrets.token_urlsafe(18) if registry.get(check_type).pushed else None
    params = {**values, "app": app_id, "token": token}
    try:
        with conn.begin_nested():
            check_id = conn.execute(text(f"""
                insert into health_checks (application_id, heartbeat_token, next_run_at,
                    {", ".join(values)})
                values (:app, :token, now() + random() * make_interval(secs => :interval_s),
                    {", ".join(_bind(k) for k in values)})
                returning id"""), _json_params(params)).scalar_one()
    except IntegrityError:
        raise Conflict(f"the application already has a check named {values['name']!r}",
                       field="name") from None
    kind = "heartbeat_missed" if token else "consecutive_failures"
    conn.execute(text("""
        insert into alert_rules (check_id, kind, threshold, recover_threshold, is_default,
                                 name)
        values (:c, :kind, :t, :r, true, 'default')"""),
        {"c": check_id, "kind": kind, "t": 3 if not token else None,
         "r": 2 if not token else None})
    return get_check(conn, check_id)


def update_check(conn: Connection, check_id: int, data: dict[str, Any],
                 actor: str | None = None) -> Any:
    current = get_check(conn, check_id)
    values = clean_check({"type": current.type, **data}, partial=True)
    if values.get("type", current.type) != current.type:
        raise Invalid("type cannot be changed; create a new check", field="type")
    values.pop("type", None)
    _check_dependency(conn, values.get("depends_on"), check_id)
    if "target" in values or "options" in values:
        values = _sealed_edit(current, values)
    if not values:
        return current
    sets = ", ".join(f"{k} = {_bind(k)}" for k in values)
    if "interval_s" in values:
        # A new interval applies from now, spread again so edits do not bunch checks up.
        sets += ", next_run_at = now() + random() * make_interval(secs => :interval_s)"
    try:
        with conn.begin_nested():
            conn.execute(text(f"update health_checks set {sets}, updated_at = now() "
                              "where id = :id"), _json_params({**values, "id": check_id}))
    except IntegrityError:
        raise Conflict("the application already has a check with that name",
                       field="name") from None
    return get_check(conn, check_id)


def _sealed_edit(current: Any, values: dict[str, Any]) -> dict[str, Any]:
    """An edit's target and options with stored secrets kept where it left ***, split
    again into masked columns and encrypted credentials."""
    try:
        target, options = credentials.unseal(current.target, current.options,
                                             current.credentials)
    except vault.UnreadableSecret:
        # Stored under a lost key: the edit can still replace every secret it had.
        target, options = current.target, current.options or {}
    values = credentials.carry(values, target, options, current.type)
    values.update(credentials.seal(values.get("target", target),
                                   values.get("options", options), current.type))
    return values


def delete_check(conn: Connection, check_id: int, actor: str | None = None) -> None:
    gone = conn.execute(text("delete from health_checks where id = :id"),
                        {"id": check_id}).rowcount
    if not gone:
        raise NotFound(f"no check {check_id}", field="id")


def _bind(key: str) -> str:
    return f"cast(:{key} as jsonb)" if key in ("expect", "options") else f":{key}"


def _json_params(values: dict[str, Any]) -> dict[str, Any]:
    import json

    return {k: json.dumps(v) if k in ("expect", "options") else v for k, v in values.items()}


def _check_dependency(conn: Connection, parent: int | None, check_id: int | None) -> None:
    if parent is None:
        return
    if parent == check_id:
        raise Invalid("a check cannot depend on itself", field="depends_on")
    found = conn.execute(text("select 1 from health_checks where id = :id"),
                         {"id": parent}).first()
    if found is None:
        raise Invalid(f"depends_on: no check {parent}", field="depends_on")


def history(conn: Connection, check_id: int, since: Any = None, until: Any = None,
            limit: int = 100) -> list[Any]:
    """Raw results of one check, newest first."""
    get_check(conn, check_id)
    return list(conn.execute(HISTORY_QUERY, history_params(check_id, since, until, limit)))


HISTORY_QUERY = text("""
    select ts, location, status, response_ms, status_code, error, details, collector
      from history
     where check_id = :check and ts >= :since and ts <= :until
     order by ts desc, location
     limit :limit""")


def history_params(check_id: int, since: Any, until: Any, limit: int | None) -> dict[str, Any]:
    return {"check": check_id, "since": since or "-infinity", "until": until or "infinity",
            "limit": limit}
