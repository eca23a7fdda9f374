"""The database side of CI webhooks: which secret applies, redeliveries, and the upsert of a
BuildEvent into builds and build_stages.

Builds go through jadugar.services.builds like every other write, so a webhook obeys the
same rules as the API: idempotent by (project, external_id), a finished build never moves
back, every status/progress change lands in status_updates and is published."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text

from jadugar import config
from jadugar.models import project_webhook_secrets as secrets_table
from jadugar.models import projects as projects_table
from jadugar.services import builds, projects
from jadugar.services.webhooks import registry
from jadugar.services.webhooks.events import FINISHED, BuildEvent

_FIN = ", ".join(f"'{s}'" for s in sorted(FINISHED))

# A stage follows the build's rule: once finished it never moves back.
UPSERT_STAGE = text(f"""
insert into build_stages (build_id, external_id, name, status, position, started_at,
                          finished_at, url)
values (:build_id, :external_id, :name, :status, :position, :started_at, :finished_at, :url)
on conflict (build_id, external_id) do update set
    name = excluded.name,
    status = case when build_stages.status in ({_FIN})
                   and excluded.status in ('queued', 'running')
                  then build_stages.status else excluded.status end,
    position = case when excluded.position = 0 then build_stages.position
                    else excluded.position end,
    started_at = coalesce(excluded.started_at, build_stages.started_at),
    finished_at = coalesce(excluded.finished_at, build_stages.finished_at),
    url = coalesce(excluded.url, build_stages.url)
""")

STAGE_PROGRESS = text(f"""
select round(100.0 * count(*) filter (where status in ({_FIN})) / nullif(count(*), 0))
  from build_stages where build_id = :id
""")


def secret_for(conn: Connection, source: str, repository: str | None) -> str | None:
    """The project's own secret for `source` when it has one, else the source's global
    setting; None when neither is set (the caller refuses the delivery)."""
    declared = registry.get(source)
    if declared.project_secret and repository:
        # Through the table so the stored (encrypted) secret is decrypted.
        own = conn.scalar(
            select(secrets_table.c.secret)
            .join(projects_table, projects_table.c.id == secrets_table.c.project_id)
            .where(projects_table.c.repository == repository,
                   secrets_table.c.source == source))
        if own:
            return own
    return global_secret(source)


def global_secret(source: str) -> str | None:
    """The value of the setting the source names (jadugar/config.py), or None."""
    setting = registry.get(source).setting
    if setting is None:
        return None
    return getattr(config.get(), setting.removeprefix("JADUGAR_").lower())


def first_delivery(conn: Connection, provider: str, delivery_id: str | None) -> bool:
    """Remember a delivery id; False when it was seen before (a redelivery)."""
    if not delivery_id:
        return True
    return conn.execute(text(
        "insert into webhook_deliveries (provider, delivery_id) values (:p, :d) "
        "on conflict do nothing returning 1"), {"p": provider, "d": delivery_id[:200]}
    ).first() is not None


def _values(event: BuildEvent, status: str | None, progress: int | None) -> dict[str, Any]:
    return {"external_id": event.external_id, "number": event.number, "branch": event.branch,
            "commit_sha": event.commit_sha, "commit_at": event.commit_at,
            "pipeline": event.pipeline, "trigger": event.trigger, "kind": event.kind,
            "environment": event.environment, "url": event.url,
            "build_message": event.message, "status": status, "progress": progress,
            "started_at": event.started_at, "finished_at": event.finished_at,
            "attempt": event.attempt}


def _first_status(event: BuildEvent) -> str:
    """A job event can arrive before its run: file the build as running once a job has
    started, else queued."""
    if event.status:
        return event.status
    return "running" if any(s.status != "queued" for s in event.stages) else "queued"


def ingest(conn: Connection, event: BuildEvent) -> tuple[Any, bool]:
    """Upsert one delivery.

    1. Find or create the project by repository.
    2. Create the build on first sight; a job event without a run status starts it as
       queued/running.
    3. Upsert the stages the delivery carries.
    4. On a known build, apply the change; without a progress of its own, progress is
       derived from the stored stages (a job event carries only one of them).
    Returns (build row, created)."""
    project = projects.for_repository(conn, event.repository, event.project_name,
                                      event.repository_url)
    known = conn.execute(text("select id, attempt from builds where project_id = :p "
                              "and external_id = :e"),
                         {"p": project.id, "e": event.external_id}).first()
    build_id = known.id if known else None
    created = False
    status = event.status
    if known and status is None and event.attempt and event.attempt > (known.attempt or 1):
        # A job of a new attempt can arrive before its run: it restarts the build as well.
        status = _first_status(event)
    if build_id is None:
        row, created = builds.create_or_update(
            conn, project, _values(event, _first_status(event), event.progress),
            source=event.provider)
        build_id = row.id
    if event.stages:
        conn.execute(UPSERT_STAGE, [
            {"build_id": build_id, "external_id": s.external_id, "name": s.name,
             "status": s.status, "position": s.position, "started_at": s.started_at,
             "finished_at": s.finished_at, "url": s.url} for s in event.stages])
    if created:
        return row, True
    progress = event.progress
    if progress is None and event.stages and status not in FINISHED:
        value = conn.scalar(STAGE_PROGRESS, {"id": build_id})
        progress = None if value is None else int(value)
    row = builds.change(conn, project, build_id, _values(event, status, progress),
                        source=event.provider)
    return row, False
