"""Notifications through Apprise: targets, the outbox, and the sender.

Alert changes put one row per matching target into `notifications` (the outbox) in the same
transaction. `send_pending` sends due rows; a failure is stored on the row and on the target
(`last_error`, shown in Settings) and retried with exponential backoff. Nothing here raises
for a failed send: a broken Slack hook must never stop the collector.

Target URLs are secrets (tokens ride in them): stored encrypted, read back masked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from jadugar import outbound
from jadugar import secrets as vault
from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.models.base import SealedText
from jadugar.services import redact
from jadugar.services.serialize import row_dict

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BACKOFF_S = 30
MAX_BACKOFF_S = 3600
Sender = Callable[[str, str, str], str | None]  # (url, title, body) -> error or None
SEVERITIES = ("info", "warning", "critical")


def to_dict(row: Any) -> dict[str, Any]:
    out = row_dict(row)
    if "url" in out:
        out["url"] = redact.apprise_url(out["url"])
    return out


# -- targets -------------------------------------------------------------------------------

class _ShownUrl(SealedText):
    """A stored URL read for showing: masked, and a listing still works when the key
    cannot open it."""

    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        try:
            return redact.apprise_url(super().process_result_value(value, dialect))
        except vault.UnreadableSecret:
            return f"{redact.HIDDEN} (unreadable with the current JADUGAR_SECRET_KEY)"


def list_targets(conn: Connection) -> list[Any]:
    """Targets for showing: their URLs masked (get_target has the URL to send to)."""
    return list(conn.execute(text(_TARGETS + " order by t.name").columns(url=_ShownUrl()))
                .all())


def get_target(conn: Connection, target_id: int, shown: bool = False) -> Any:
    """The target with its URL decrypted, or masked when `shown`."""
    row = conn.execute(text(_TARGETS + " where t.id = :id").columns(
        url=_ShownUrl() if shown else SealedText()), {"id": target_id}).first()
    if row is None:
        raise NotFound(f"no notification target {target_id}", field="id")
    return row


_TARGETS = """select t.id, t.name, t.url, a.slug as application, t.enabled, t.min_severity,
    t.last_error,
    t.last_error_at, t.last_sent_at, t.created_at
    from notification_targets t left join applications a on a.id = t.application_id"""


def create_target(conn: Connection, data: dict[str, Any]) -> Any:
    """{name, url (an Apprise URL such as slack://..., mailto://..., json://host/path),
    application? (slug; none means every application), enabled?}"""
    values = _sealed(_clean_target(conn, data, partial=False))
    try:
        with conn.begin_nested():
            target_id = conn.execute(text(f"""insert into notification_targets
                ({", ".join(values)}) values ({", ".join(":" + k for k in values)})
                returning id"""), values).scalar_one()
    except IntegrityError:
        raise Conflict(f"a target named {values['name']!r} exists", field="name") from None
    return get_target(conn, target_id)


def update_target(conn: Connection, target_id: int, data: dict[str, Any]) -> Any:
    if data.get("url") == get_target(conn, target_id, shown=True).url:
        data = {k: v for k, v in data.items() if k != "url"}  # left masked: keep it
    values = _sealed(_clean_target(conn, data, partial=True))
    if values:
        sets = ", ".join(f"{k} = :{k}" for k in values)
        conn.execute(text(f"update notification_targets set {sets} where id = :id"),
                     {**values, "id": target_id})
    return get_target(conn, target_id, shown=True)


def delete_target(conn: Connection, target_id: int) -> None:
    if not conn.execute(text("delete from notification_targets where id = :id"),
                        {"id": target_id}).rowcount:
        raise NotFound(f"no notification target {target_id}", field="id")


def _sealed(values: dict[str, Any]) -> dict[str, Any]:
    if "url" in values:
        values["url"] = vault.encrypt(values["url"])
    return values


def _clean_target(conn: Connection, data: dict[str, Any], partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in ("name", "url"):
        if field in data or not partial:
            value = data.get(field)
            if not isinstance(value, str) or not value.strip():
                raise Invalid(f"{field} is required", field=field)
            out[field] = value.strip()
    if "url" in out and not _apprise_accepts(out["url"]):
        raise Invalid("url is not an Apprise URL this server understands "
                      "(e.g. slack://..., mailto://..., json://host/path)", field="url")
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            raise Invalid("enabled must be true or false", field="enabled")
        out["enabled"] = data["enabled"]
    if "min_severity" in data:
        if data["min_severity"] not in SEVERITIES:
            raise Invalid(f"min_severity must be one of {', '.join(SEVERITIES)}",
                          field="min_severity")
        out["min_severity"] = data["min_severity"]
    if "application" in data:
        from jadugar.services import applications

        slug = data["application"]
        out["application_id"] = applications.application_id(conn, slug) if slug else None
    return out


def _apprise_accepts(url: str) -> bool:
    import apprise

    # Apprise logs a refused URL at ERROR; here a refusal is the user's typo, answered as a
    # field error, not a server fault worth a log line.
    quiet = logging.getLogger("apprise")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        return apprise.Apprise().add(url)
    finally:
        quiet.setLevel(level)


# -- outbox --------------------------------------------------------------------------------

SEVERITY_RANK = "array['info', 'warning', 'critical']"

# Whether this alert's event speaks for its incident: 'fired' and 'reminder' only for the
# incident's first open alert (later ones join it quietly), 'resolved' only when no other
# alert of the incident is still open; an acknowledgement is a person's act, always told.
_SPEAKS = text("""
select case :event
         when 'resolved' then not exists (
             select 1 from alerts o where o.incident_key = al.incident_key
                and o.state <> 'resolved' and o.id <> al.id)
         when 'acknowledged' then true
         else not exists (
             select 1 from alerts o where o.incident_key = al.incident_key
                and o.state <> 'resolved' and o.id < al.id)
       end
       and not exists (select 1 from silences s
                        where now() >= s.starts_at and now() < s.ends_at
                          and (s.application_id is null or s.application_id = al.application_id)
                          and (s.check_id is null or s.check_id = al.check_id)
                          and (s.project_id is null or s.project_id = al.project_id))
  from alerts al where al.id = :alert
""")


def enqueue(conn: Connection, alert: Any, event: str) -> int:
    """One pending notification per enabled target that hears this alert: its application
    (or every application; a build alert's applications are those linked to its project),
    and a severity at least its min_severity. Nothing when a silence
    covers the alert or another alert speaks for its incident (see _SPEAKS)."""
    if not conn.execute(_SPEAKS, {"alert": alert.id, "event": event}).scalar():
        return 0
    title = f"[{event.upper()}] {alert.title}"
    body = "\n".join(filter(None, [alert.message, f"state: {alert.state}",
                                   f"severity: {alert.severity}"]))
    n = conn.execute(text(f"""
        insert into notifications (alert_id, target_id, event, title, body)
        select :alert, t.id, :event, :title, :body from notification_targets t
         where t.enabled and (t.application_id is null or t.application_id = :app
                or t.application_id in (select ap.application_id from application_projects ap
                                         where ap.project_id = :project))
           and array_position({SEVERITY_RANK}, :severity)
               >= array_position({SEVERITY_RANK}, t.min_severity)"""),
        {"alert": alert.id, "event": event, "title": title, "body": body,
         "app": alert.application_id, "project": getattr(alert, "project_id", None),
         "severity": alert.severity}).rowcount
    conn.execute(text("""update alerts set last_notified_at = now(),
                         notify_count = notify_count + 1 where id = :id"""), {"id": alert.id})
    return n


def apprise_send(url: str, title: str, body: str) -> str | None:
    """Send one message; return None on success or what went wrong, in words."""
    import apprise

    sender = apprise.Apprise()
    if not sender.add(url):
        return "Apprise does not understand this URL"
    # The outbound guard, as check-then-connect: Apprise resolves and connects by itself
    # and gives no connect hook, so the hosts its URL names are resolved and checked here
    # first. A name whose answer changes between the two lookups is not caught.
    try:
        outbound.check_hosts(outbound.apprise_hosts(sender), outbound.current_policy())
    except outbound.Refused as exc:
        return str(exc)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as logs:
        try:
            ok = sender.notify(title=title, body=body)
        except Exception as exc:  # a plugin bug must not escape into the collector
            return f"{type(exc).__name__}: {exc}"
        captured = " ".join(logs.getvalue().split())
    return None if ok else (captured[-500:] or "the service refused the notification")


def send_pending(conn_factory: Callable, limit: int = 50, send: Sender = apprise_send) -> int:
    """Send due notifications, one short transaction per message; return how many were tried.

    1. claim due rows with FOR UPDATE SKIP LOCKED (several collectors never double-send),
    2. send outside any transaction, 3. record the outcome on the row and its target."""
    with conn_factory() as conn:
        due = conn.execute(text("""
            update notifications n set next_attempt_at = now() + interval '5 minutes'
             where id in (select id from notifications where status = 'pending'
                           and next_attempt_at <= now() order by next_attempt_at
                           limit :n for update skip locked)
            returning n.id, n.target_id, n.title, n.body, n.attempts,
                      (select url from notification_targets t where t.id = n.target_id) as url"""),
            {"n": limit}).all()
    for row in due:
        error = _send_sealed(send, row)
        with conn_factory() as conn:
            record_outcome(conn, row.id, row.target_id, row.attempts + 1, error)
    return len(due)


def _send_sealed(send: Sender, row: Any) -> str | None:
    """Send to the decrypted URL; a URL the key cannot open is this row's failure, stored
    like any other, not an exception that would stall the whole batch."""
    try:
        url = vault.decrypt(row.url)
    except vault.UnreadableSecret as exc:
        return exc.message
    return send(url, row.title, row.body)


def record_outcome(conn: Connection, note_id: int, target_id: int, attempts: int,
                   error: str | None) -> None:
    if error is None:
        conn.execute(text("""update notifications set status = 'sent', sent_at = now(),
                             attempts = :a, last_error = null where id = :id"""),
                     {"id": note_id, "a": attempts})
        conn.execute(text("update notification_targets set last_sent_at = now() "
                          "where id = :id"), {"id": target_id})
        return
    log.warning("notification %s failed (attempt %s): %s", note_id, attempts, error)
    delay = min(MAX_BACKOFF_S, BACKOFF_S * 2 ** (attempts - 1))
    conn.execute(text("""update notifications set attempts = :a, last_error = :e,
                         status = case when :a >= :max then 'failed' else 'pending' end,
                         next_attempt_at = now() + make_interval(secs => :delay)
                         where id = :id"""),
                 {"id": note_id, "a": attempts, "e": error, "max": MAX_ATTEMPTS,
                  "delay": delay})
    conn.execute(text("""update notification_targets set last_error = :e,
                         last_error_at = now() where id = :id"""), {"id": target_id, "e": error})


def send_test(target_id: int, conn_factory: Callable | None = None,
              send: Sender = apprise_send) -> str | None:
    """Send a test message now; the outcome is stored on the target. Returns the error."""
    from jadugar import db

    factory = conn_factory or db.transaction
    with factory() as conn:
        target = get_target(conn, target_id)
    error = send(target.url, "Jadugar test notification",
                 f"This is a test from Jadugar to {target.name}.")
    with factory() as conn:
        if error is None:
            conn.execute(text("update notification_targets set last_sent_at = now(), "
                              "last_error = null where id = :id"), {"id": target_id})
        else:
            conn.execute(text("update notification_targets set last_error = :e, "
                              "last_error_at = now() where id = :id"),
                         {"id": target_id, "e": error})
    return error


def list_notifications(conn: Connection, limit: int = 100) -> list[Any]:
    return list(conn.execute(text("""select n.id, n.alert_id, t.name as target, n.event,
        n.title, n.status, n.attempts, n.last_error, n.created_at, n.sent_at,
        n.next_attempt_at from notifications n join notification_targets t
        on t.id = n.target_id order by n.id desc limit :n"""), {"n": limit}).all())
