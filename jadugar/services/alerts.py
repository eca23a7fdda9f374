"""Alerts: firing → acknowledged → resolved, with who and when.

The partial unique index `alerts_one_open_per_rule` makes a second open alert for the same
rule impossible, so `fire` is safe to call from any number of collectors at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Result, text

from jadugar import events
from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.services import notifications
from jadugar.services.serialize import row_dict

STATES = ("firing", "acknowledged", "resolved")
_SELECT = """select al.*, a.slug as application, c.name as check_name, r.kind as rule_kind,
    pr.slug as project
    from alerts al left join applications a on a.id = al.application_id
    left join health_checks c on c.id = al.check_id
    left join alert_rules r on r.id = al.rule_id
    left join projects pr on pr.id = al.project_id"""


def to_dict(row: Any) -> dict[str, Any]:
    return row_dict(row, exclude=("application_id", "project_id"))


def list_alerts(conn: Connection, state: str | None = None, application: str | None = None,
                limit: int = 100, before: int | None = None) -> list[Any]:
    """Newest first (by id), limit + 1 rows; state may be 'open' (firing or acknowledged)."""
    if state is not None and state not in (*STATES, "open"):
        raise Invalid("state must be firing, acknowledged, resolved or open", field="state")
    where = ["(cast(:before as bigint) is null or al.id < :before)"]
    if state == "open":
        where.append("al.state <> 'resolved'")
    elif state:
        where.append("al.state = :state")
    if application:
        where.append("a.slug = :app")
    return list(conn.execute(text(f"{_SELECT} where {' and '.join(where)} "
                                  "order by al.id desc limit :n"),
                             {"state": state, "app": application, "before": before,
                              "n": limit + 1}).all())


# The alerts CSV, for the /alerts page's download and /api/v1/exports/alerts.csv alike.
EXPORT = text("""
select al.id, al.state, al.severity, a.slug as application, c.name as check_name, al.title,
       al.message, al.fired_at, al.acknowledged_at, al.acknowledged_by, al.resolved_at,
       al.resolved_by
  from alerts al left join applications a on a.id = al.application_id
  left join health_checks c on c.id = al.check_id
 where (cast(:since as timestamptz) is null or al.fired_at >= :since)
   and (cast(:until as timestamptz) is null or al.fired_at < :until)
   and (cast(:state as text) is null or al.state = :state
        or (:state = 'open' and al.state <> 'resolved'))
   and (cast(:app as text) is null or a.slug = :app)
 order by al.fired_at desc, al.id desc
 limit cast(:n as bigint)
""")


def export(conn: Connection, *, since: Any = None, until: Any = None, state: str | None = None,
           application: str | None = None, limit: int | None = None) -> Result:
    """Alerts fired in [since, until), newest first, in the columns of the alerts CSV."""
    if state is not None and state not in (*STATES, "open"):
        raise Invalid("state must be firing, acknowledged, resolved or open", field="state")
    return conn.execute(EXPORT, {"since": since, "until": until, "state": state,
                                 "app": application, "n": limit})


def get_alert(conn: Connection, alert_id: int) -> Any:
    row = conn.execute(text(f"{_SELECT} where al.id = :id"), {"id": alert_id}).first()
    if row is None:
        raise NotFound(f"no alert {alert_id}", field="id")
    return row


def acknowledge(conn: Connection, alert_id: int, actor: str) -> Any:
    """Someone is on it: reminders stop; the alert stays open until it resolves."""
    row = get_alert(conn, alert_id)
    if row.state != "firing":
        raise Conflict(f"alert {alert_id} is {row.state}, only a firing alert can be "
                       "acknowledged", field="state")
    conn.execute(text("""update alerts set state = 'acknowledged', acknowledged_at = now(),
                         acknowledged_by = :who where id = :id"""),
                 {"id": alert_id, "who": actor})
    return _changed(conn, alert_id, "acknowledged")


def resolve(conn: Connection, alert_id: int, actor: str) -> Any:
    row = get_alert(conn, alert_id)
    if row.state == "resolved":
        raise Conflict(f"alert {alert_id} is already resolved", field="state")
    _close(conn, alert_id, actor)
    return _changed(conn, alert_id, "resolved")


def _close(conn: Connection, alert_id: int, actor: str) -> None:
    conn.execute(text("""update alerts set state = 'resolved', resolved_at = now(),
                         resolved_by = :who where id = :id and state <> 'resolved'"""),
                 {"id": alert_id, "who": actor})


def _changed(conn: Connection, alert_id: int, event: str, notify: bool = True) -> Any:
    row = get_alert(conn, alert_id)
    publish(conn, row)
    if notify:
        notifications.enqueue(conn, row, event)
    return row


def publish(conn: Connection, row: Any) -> None:
    events.publish(conn, "alert", {
        "id": row.id, "application": row.application, "check_id": row.check_id,
        "project": row.project, "state": row.state, "title": row.title,
        "severity": row.severity})


def incident_key(rule: Any) -> str:
    """Open alerts with the same key are one incident, notified once: by application unless
    the rule groups by check, or not at all."""
    group_by = getattr(rule, "group_by", None) or "application"
    if group_by == "check" and rule.check_id is not None:
        return f"check:{rule.check_id}"
    if group_by == "none":
        return f"rule:{rule.id}"
    return f"application:{rule.app_id}"


def fire(conn: Connection, rule: Any, title: str, message: str) -> Any | None:
    """Open an alert for `rule` unless one is open already; returns it or None."""
    alert_id = conn.execute(text("""
        insert into alerts (rule_id, check_id, application_id, severity, title, message,
                            incident_key)
        values (:rule, :check, :app, :severity, :title, :message, :key)
        on conflict (rule_id) where state <> 'resolved' do nothing
        returning id"""),
        {"rule": rule.id, "check": rule.check_id, "app": rule.app_id,
         "severity": rule.severity, "title": title, "message": message,
         "key": incident_key(rule)}).scalar()
    if alert_id is None:
        return None
    return _changed(conn, alert_id, "fired")


def opened(conn: Connection, alert_id: int) -> Any:
    """An alert inserted without a rule (a collector's own state): announce and notify it."""
    return _changed(conn, alert_id, "fired")


def fire_for_build(conn: Connection, rule: Any, build_id: int, title: str,
                   message: str) -> Any | None:
    """Open an alert for a project rule (services/build_rules.py) about `build_id`, unless
    one is open already. Its incident is the project's, unless the rule groups by nothing."""
    key = (f"rule:{rule.id}" if rule.group_by == "none" else f"project:{rule.project_id}")
    alert_id = conn.execute(text("""
        insert into alerts (rule_id, project_id, build_id, severity, title, message,
                            incident_key)
        values (:rule, :project, :build, :severity, :title, :message, :key)
        on conflict (rule_id) where state <> 'resolved' do nothing
        returning id"""),
        {"rule": rule.id, "project": rule.project_id, "build": build_id,
         "severity": rule.severity, "title": title, "message": message,
         "key": key}).scalar()
    if alert_id is None:
        return None
    return _changed(conn, alert_id, "fired")


def resolve_by(conn: Connection, alert_id: int, actor: str, message: str) -> Any | None:
    """The condition cleared by an event someone can point at (a green build): the alert's
    message gains what cleared it, which the 'resolved' notification carries. None when a
    concurrent writer resolved it first (it notified)."""
    closed = conn.execute(text("""
        update alerts set state = 'resolved', resolved_at = now(), resolved_by = :who,
               message = concat_ws(E'\n\n', message, 'resolved: ' || :m)
         where id = :id and state <> 'resolved'"""),
        {"id": alert_id, "who": actor, "m": message}).rowcount
    return _changed(conn, alert_id, "resolved") if closed else None


def auto_resolve(conn: Connection, alert_id: int, notify: bool) -> Any:
    """The condition cleared by itself; `notify` is False inside a maintenance window."""
    _close(conn, alert_id, "auto")
    return _changed(conn, alert_id, "resolved", notify=notify)


def remind(conn: Connection, alert_id: int) -> None:
    notifications.enqueue(conn, get_alert(conn, alert_id), "reminder")
