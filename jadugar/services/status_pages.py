"""Public status pages: a chosen set of applications with current status, 90-day uptime bars
and ongoing incidents. What a page returns is deliberately narrow: application names and
statuses only; never check targets, check names or error texts."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Conflict, Invalid, NotFound
from jadugar.services import status_branding, status_incidents, status_notices
from jadugar.services.ranges import ORIGIN
from jadugar.timeutil import utcnow

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# How bad a status is, for "the worst current status"; unknown (no data yet) ranks lowest.
RANK = {"unknown": 0, "up": 1, "degraded": 2, "down": 3}
# Resolved incidents stay on the page this long, under "Past incidents".
RECENT_INCIDENTS = timedelta(days=14)

PUBLIC_APPS = text("""
with apps as (
    select a.id, a.name, a.status, spa.position
      from status_page_applications spa join applications a on a.id = spa.application_id
     where spa.status_page_id = :page_id
), days as (
    -- Time-weighted, as on /monitoring: each result stands for one interval of its check.
    select ap.id, d.t, sum(r.total * c.interval_s) as total, sum(r.down * c.interval_s) as down,
           sum(r.degraded * c.interval_s) as degraded
      from apps ap cross join generate_series(:first_day, :last_day, interval '1 day') d(t)
      left join health_checks c on c.application_id = ap.id
      left join history_hourly r on r.check_id = c.id and r.hour >= d.t
                                and r.hour < d.t + interval '1 day'
     group by ap.id, d.t
)
select ap.name, ap.status, ap.position,
       (select sum(total - down)::float / nullif(sum(total), 0) from days where days.id = ap.id)
           as uptime,
       (select json_agg(json_build_object(
                   't', t, 'uptime', (total - down)::float / nullif(total, 0),
                   'status', case when total is null then 'unknown' when down > 0 then 'down'
                                  when degraded > 0 then 'degraded' else 'up' end)
                   order by t) from days where days.id = ap.id) as bars,
       (select min(al.fired_at) from alerts al
         where al.application_id = ap.id and al.state <> 'resolved'
           and al.severity <> 'info') as incident_since,
       -- the worst open incident's impact, as a status (status_incidents.IMPACT_STATUS)
       (select case max(case i.impact when 'minor' then 1 when 'none' then 0 else 2 end)
                    when 2 then 'down' when 1 then 'degraded' end
          from status_incidents i
         where i.status_page_id = :page_id and i.resolved_at is null
           and (exists (select 1 from status_incident_applications ia
                         where ia.incident_id = i.id and ia.application_id = ap.id)
                or not exists (select 1 from status_incident_applications ia
                                where ia.incident_id = i.id))) as posted_impact
  from apps ap order by ap.position, ap.name
""")


def public_view(conn: Connection, slug: str, days: int = 90,
                now: datetime | None = None) -> dict[str, Any]:
    """Everything the public page shows, and nothing more."""
    page = conn.execute(text("select id, slug, title, description, header_text, footer_text, "
                             "logo_url from status_pages where slug = :slug"),
                        {"slug": slug}).first()
    if page is None:
        raise NotFound(f"no status page {slug!r}", field="slug")
    now = now or utcnow()
    last_day = ORIGIN + ((now - ORIGIN) // timedelta(days=1)) * timedelta(days=1)
    apps = [_public_status(dict(r._mapping)) for r in conn.execute(PUBLIC_APPS, {
        "page_id": page.id, "first_day": last_day - timedelta(days=days - 1),
        "last_day": last_day})]
    incidents = [public_incident(i) for i in
                 status_incidents.list_incidents(conn, slug, since=now - RECENT_INCIDENTS)]
    return {"slug": page.slug, "title": page.title, "description": page.description,
            "header_text": page.header_text, "footer_text": page.footer_text,
            "logo_url": page.logo_url, "applications": apps, "incidents": incidents,
            "maintenance": status_notices.maintenance_notices(conn, page.id, now),
            "generated_at": now,
            "status": worst([a["status"] for a in apps] + [
                status_incidents.IMPACT_STATUS[i["impact"]]
                for i in incidents if i["resolved_at"] is None])}


def feed_view(conn: Connection, slug: str, limit: int = 50) -> dict[str, Any]:
    """What the page's Atom feed carries: its title and its latest incidents, public parts."""
    title = conn.execute(text("select title from status_pages where slug = :slug"),
                         {"slug": slug}).scalar()
    if title is None:
        raise NotFound(f"no status page {slug!r}", field="slug")
    return {"slug": slug, "title": title, "incidents": [
        public_incident(i) for i in status_incidents.list_incidents(conn, slug, limit=limit)]}


def public_incident(incident: dict[str, Any]) -> dict[str, Any]:
    """An incident as the public reads it: no database id and no authors. `key` names it
    stably (for the feed's entry ids and page anchors) without giving the id away."""
    return {"key": str(uuid.uuid5(uuid.NAMESPACE_URL, f"jadugar-incident:{incident['id']}")),
            "title": incident["title"], "impact": incident["impact"],
            "state": incident["state"], "created_at": incident["created_at"],
            "resolved_at": incident["resolved_at"],
            "applications": incident["applications"],
            "updates": [{"at": u["at"], "state": u["state"], "message": u["message"]}
                        for u in incident["updates"]]}


def worst(statuses: list[str | None]) -> str:
    """The worst of some statuses; 'up' when none is worse (no data is not an outage)."""
    rank = max((RANK.get(s or "unknown", 0) for s in statuses), default=0)
    return {RANK["degraded"]: "degraded", RANK["down"]: "down"}.get(rank, "up")


def _public_status(app: dict[str, Any]) -> dict[str, Any]:
    """What the public is told of one application: the worst of what its checks say, an
    ongoing alert (at least degraded: the team is dealing with something) and an incident
    the team posted. So "Operational" never sits beside "Ongoing incident"."""
    seen = [app["status"] or "unknown", app.pop("posted_impact")]
    if app["incident_since"] is not None:
        seen.append("degraded")
    app["status"] = max(seen, key=lambda s: RANK.get(s or "unknown", 0))
    return app


def list_pages(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(text("""
        select p.id, p.slug, p.title, p.description, p.header_text, p.footer_text,
               p.logo_url, p.created_at,
               coalesce(array_agg(a.slug order by spa.position, a.slug)
                        filter (where a.slug is not null), '{}') as applications
          from status_pages p
          left join status_page_applications spa on spa.status_page_id = p.id
          left join applications a on a.id = spa.application_id
         group by p.id order by p.slug"""))
    return [dict(r._mapping) for r in rows]


def save_page(conn: Connection, slug: str, title: str, description: str | None,
              applications: list[str], branding: dict[str, Any] | None = None) -> int:
    """Create or update a page (by slug) and set its applications in the given order.
    `branding` (header_text, footer_text, logo_url) replaces the page's; None keeps it."""
    _validate(slug, title, description, applications)
    checked = None if branding is None else status_branding.validate(branding)
    ids = dict(conn.execute(text("select slug, id from applications where slug = any(:s)"),
                            {"s": applications}).all())
    missing = [a for a in applications if a not in ids]
    if missing:
        raise Invalid(f"no application {missing[0]!r}", field="applications")
    page_id = conn.execute(text("""
        insert into status_pages (slug, title, description) values (:slug, :title, :d)
        on conflict (slug) do update set title = excluded.title,
                                         description = excluded.description
        returning id"""), {"slug": slug, "title": title.strip(), "d": description}).scalar_one()
    conn.execute(text("delete from status_page_applications where status_page_id = :p"),
                 {"p": page_id})
    for position, app in enumerate(applications):
        conn.execute(text("insert into status_page_applications values (:p, :a, :pos)"),
                     {"p": page_id, "a": ids[app], "pos": position})
    if checked is not None:
        status_branding.save(conn, page_id, checked)
    return page_id


def _validate(slug: object, title: object, description: object, applications: object) -> None:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise Invalid("slug must be lower-case letters, digits and dashes", field="slug")
    if not isinstance(title, str) or not title.strip():
        raise Invalid("title is required", field="title")
    if description is not None and not isinstance(description, str):
        raise Invalid("description must be text", field="description")
    if not isinstance(applications, list) or not all(isinstance(a, str) for a in applications):
        raise Invalid("applications must be a list of application slugs", field="applications")
    seen: set[str] = set()
    for app in applications:
        if app in seen:  # each application has one place on a page (so says the table's key)
            raise Invalid(f"application {app[:100]!r} is listed twice", field="applications")
        seen.add(app)


def create_page(conn: Connection, slug: str, title: str, description: str | None,
                applications: list[str], branding: dict[str, Any] | None = None) -> int:
    _validate(slug, title, description, applications)  # before the slug reaches SQL
    exists = conn.execute(text("select 1 from status_pages where slug = :s"), {"s": slug})
    if exists.first():
        raise Conflict(f"a status page {slug!r} exists already", field="slug")
    return save_page(conn, slug, title, description, applications, branding)


def delete_page(conn: Connection, slug: str) -> None:
    gone = conn.execute(text("delete from status_pages where slug = :s returning id"),
                        {"s": slug}).first()
    if gone is None:
        raise NotFound(f"no status page {slug!r}", field="slug")
