"""Claiming due checks from PostgreSQL so any number of collectors share the work.

One UPDATE moves each claimed check's next_run_at a whole interval on and returns it; the
rows are picked with FOR UPDATE SKIP LOCKED, so two collectors never claim the same run and
a check is claimed once per interval. Checks that need several locations to agree keep one
schedule row per location in check_schedule instead.

A check pinned to locations (`locations`) is claimed only by collectors there. An impaired
collector (services/collector_status.py) claims no unpinned check: a healthy one runs it.

A claimed check's credentials (kept encrypted apart from its masked target and options) are
put back here, just before the probe needs them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from collectors.probes import CheckSpec
from jadugar import secrets as vault
from jadugar.services import check_credentials

log = logging.getLogger(__name__)


@dataclass
class Claimed:
    spec: CheckSpec
    application: str
    interval_s: int
    retries: int
    due_at: datetime


# The next run keeps the check's phase (its jitter) unless it fell a whole interval behind
# (collectors were down): then it is spread again instead of running in a burst.
_NEXT = """case when {t}.next_run_at + make_interval(secs => c.interval_s) > now()
                 then {t}.next_run_at + make_interval(secs => c.interval_s)
                 else now() + random() * make_interval(secs => c.interval_s) end"""
_RETURNING = """c.id, c.type, c.target, c.timeout_s, c.expect, c.options, c.retries,
    c.interval_s, due.next_run_at as due_at,
    (select slug from applications a where a.id = c.application_id) as application,
    c.credentials"""

CLAIM_SHARED = text(f"""
    update health_checks c set next_run_at = {_NEXT.format(t="c")}, claimed_by = :name
      from (select id, next_run_at from health_checks
             where enabled and type <> 'heartbeat' and locations_required = 1
               and (:location = any(locations) or (locations is null and :shared))
               and next_run_at <= now() + make_interval(secs => :ahead)
             order by next_run_at limit :n for update skip locked) due
     where c.id = due.id
    returning {_RETURNING}""")

CLAIM_LOCATION = text(f"""
    with due as (
        select s.check_id, s.next_run_at from check_schedule s
          join health_checks hc on hc.id = s.check_id
         where s.location = :location and hc.enabled and hc.locations_required > 1
           and s.next_run_at <= now() + make_interval(secs => :ahead)
         order by s.next_run_at limit :n for update of s skip locked
    ), moved as (
        update check_schedule s set next_run_at = {_NEXT.format(t="s")}, claimed_by = :name
          from due, health_checks c
         where s.check_id = due.check_id and s.location = :location and c.id = s.check_id
        returning s.check_id
    )
    select {_RETURNING} from due join health_checks c on c.id = due.check_id""")


def claim_due_checks(conn: Connection, name: str, location: str, limit: int,
                     ahead_s: float = 1.0, shared: bool = True) -> list[Claimed]:
    """Claim up to `limit` checks due within `ahead_s`, the most overdue first; unpinned
    checks only when `shared` (the collector is not impaired)."""
    if limit <= 0:
        return []
    params = {"name": name, "location": location, "n": limit, "ahead": ahead_s,
              "shared": shared}
    rows = list(conn.execute(CLAIM_SHARED, params).all())
    if len(rows) < limit:
        params["n"] = limit - len(rows)
        rows += conn.execute(CLAIM_LOCATION, params).all()
    # Unpacked by position (the order of _RETURNING): a few hundred rows per claim, four
    # claims a second, and a tuple unpacks faster than named lookups on each row.
    return [Claimed(_spec(id_, type_, target, timeout_s, expect, options, sealed),
                    application, interval_s, retries, due_at)
            for (id_, type_, target, timeout_s, expect, options, retries, interval_s, due_at,
                 application, sealed) in rows]


def _spec(id_: int, type_: str, target: str, timeout_s: float, expect: Any, options: Any,
          sealed: str | None) -> CheckSpec:
    if sealed:
        target, options = _unsealed(id_, target, options, sealed)
    return CheckSpec(id_, type_, target, timeout_s, expect or {}, options or {})


def _unsealed(check_id: int, target: str, options: Any,
              sealed: str | None) -> tuple[str, dict]:
    """The target and options with their credentials; without them when the key cannot
    open them (the probe then fails on the masked value, and the log says why)."""
    try:
        return check_credentials.unseal(target, options, sealed)
    except vault.UnreadableSecret as exc:
        log.warning("check %s: %s", check_id, exc.message)
        return target, options or {}


SAMPLE = text(f"""
    select {_RETURNING.replace("due.next_run_at", "now()")}
      from health_checks c
     where c.enabled and c.type <> 'heartbeat' and c.locations is null
     order by random() limit :n""")


def sample_checks(conn: Connection, n: int) -> list[Claimed]:
    """A few unpinned checks, not claimed: what an impaired collector probes (without
    storing) to learn whether its network is back."""
    return [Claimed(_spec(id_, type_, target, timeout_s, expect, options, sealed),
                    application, interval_s, retries, due_at)
            for (id_, type_, target, timeout_s, expect, options, retries, interval_s, due_at,
                 application, sealed) in conn.execute(SAMPLE, {"n": n}).all()]


def add_location_schedules(conn: Connection, location: str) -> int:
    """Give this location a schedule row for every check that needs several locations and
    may run here; drop the rows of checks since pinned elsewhere."""
    conn.execute(text("""
        delete from check_schedule s using health_checks c
         where s.check_id = c.id and s.location = :location
           and not (:location = any(c.locations) or c.locations is null)"""),
        {"location": location})
    return conn.execute(text("""
        insert into check_schedule (check_id, location, next_run_at)
        select id, :location, now() + random() * make_interval(secs => interval_s)
          from health_checks where locations_required > 1 and type <> 'heartbeat'
           and (:location = any(locations) or locations is null)
        on conflict do nothing"""), {"location": location}).rowcount
