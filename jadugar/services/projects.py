"""Projects: the unit builds, milestones and delivery metrics belong to."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Result, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as upsert

from jadugar.errors import Conflict, NotFound
from jadugar.models import project_webhook_secrets as secrets
from jadugar.models import projects
from jadugar.services import build_fields as f
from jadugar.services import redact
from jadugar.services.serialize import row_dict
from jadugar.services.webhooks import registry as ci_sources

EDITABLE = ("name", "description", "repository_url", "repository", "default_branch")
# Which CI sources have a secret of the project's own: a column of the rows read here. The
# secrets themselves never leave the server; they are stored encrypted (models: SealedText).
SECRET_SOURCES = "webhook_secret_sources"
_PROJECT = select(projects, select(func.array_agg(secrets.c.source))
                  .where(secrets.c.project_id == projects.c.id)
                  .scalar_subquery().label(SECRET_SOURCES))


def secret_fields() -> dict[str, str]:
    """{field of PUT /projects/<slug>/webhook-secrets: CI source}, e.g.
    {"github_webhook_secret": "github", "gitlab_webhook_token": "gitlab"}."""
    return {s.secret_field: s.name for s in ci_sources.with_project_secret()}


def secret_flags(row: Any) -> dict[str, bool]:
    """{"has_github_secret": True, ...}: which of its own secrets a project has."""
    have = set(row._mapping.get(SECRET_SOURCES) or ())
    return {s.secret_flag: s.name in have for s in ci_sources.with_project_secret()}


def to_dict(row: Any) -> dict[str, Any]:
    return {**row_dict(row, exclude=(SECRET_SOURCES,)), **secret_flags(row)}


def list_projects(conn: Connection, limit: int, after: str | None = None) -> list[Any]:
    """Projects by slug, limit + 1 rows so the caller knows whether another page follows."""
    q = _PROJECT.order_by(projects.c.slug).limit(limit + 1)
    if after is not None:
        q = q.where(projects.c.slug > after)
    return list(conn.execute(q).all())


def get_project(conn: Connection, slug: str) -> Any:
    row = conn.execute(_PROJECT.where(projects.c.slug == slug)).first()
    if row is None:
        raise NotFound(f"no project {slug!r}", field="slug")
    return row


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """The editable fields present in `body`, validated."""
    out: dict[str, Any] = {}
    if "name" in body:
        out["name"] = f.text(body, "name", required=True, limit=200)
    if "description" in body:
        out["description"] = f.text(body, "description", limit=f.MESSAGE_LIMIT)
    if "repository_url" in body:
        out["repository_url"] = f.url(body, "repository_url")
    if "repository" in body:
        out["repository"] = f.text(body, "repository", limit=300)
    if "default_branch" in body:
        out["default_branch"] = f.text(body, "default_branch", required=True, limit=200)
    return out


def _unique_repository(conn: Connection, repository: str | None, slug: str | None) -> None:
    if repository is None:
        return
    other = conn.scalar(select(projects.c.slug).where(projects.c.repository == repository))
    if other is not None and other != slug:
        raise Conflict(f"repository {repository!r} already belongs to project {other!r}",
                       field="repository")


def create_project(conn: Connection, body: dict[str, Any]) -> Any:
    f.only(body, ("slug", *EDITABLE))
    slug = f.slug(body)
    values = _fields(body)
    if "name" not in values:
        values["name"] = f.text(body, "name", required=True)
    if conn.scalar(select(projects.c.id).where(projects.c.slug == slug)):
        raise Conflict(f"a project with slug {slug!r} already exists", field="slug")
    _unique_repository(conn, values.get("repository"), None)
    conn.execute(insert(projects).values(slug=slug, **values))
    return get_project(conn, slug)


def update_project(conn: Connection, slug: str, body: dict[str, Any]) -> Any:
    f.only(body, EDITABLE)
    get_project(conn, slug)
    values = _fields(body)
    _unique_repository(conn, values.get("repository"), slug)
    if values:
        conn.execute(update(projects).where(projects.c.slug == slug)
                     .values(**values, updated_at=text("now()")))
    return get_project(conn, slug)


def set_webhook_secrets(conn: Connection, slug: str, body: dict[str, Any]) -> Any:
    """A project's own secrets, overriding its CI sources' global settings (such as
    JADUGAR_GITHUB_WEBHOOK_SECRET) for deliveries about its repository. The body's keys
    are the sources' `secret_field`s; an empty string or null clears one, *** (the masked
    value) leaves it as it is."""
    fields = secret_fields()
    f.only(body, tuple(fields))
    project_id = get_project(conn, slug).id
    for key, source in fields.items():
        if key not in body or body[key] == redact.HIDDEN:
            continue
        secret = f.text(body, key)
        if secret is None:
            conn.execute(delete(secrets).where(secrets.c.project_id == project_id,
                                               secrets.c.source == source))
            continue
        stmt = upsert(secrets).values(project_id=project_id, source=source, secret=secret)
        conn.execute(stmt.on_conflict_do_update(index_elements=[secrets.c.project_id,
                                                                secrets.c.source],
                                                set_={"secret": stmt.excluded.secret}))
    return get_project(conn, slug)


def delete_project(conn: Connection, slug: str) -> None:
    if conn.execute(delete(projects).where(projects.c.slug == slug)).rowcount == 0:
        raise NotFound(f"no project {slug!r}", field="slug")


def _slug_for(repository: str) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", repository.rsplit("/", 1)[-1].lower()).strip("-")
    return (base or "project")[:50]


def for_repository(conn: Connection, repository: str, name: str,
                   repository_url: str | None) -> Any:
    """The project filed under `repository` (e.g. octo-org/app), created on first sight.

    1. Look it up by repository (unique).
    2. Otherwise insert it under a free slug; `on conflict do nothing` lets two concurrent
       first deliveries race safely, and the loser reads the winner's row.
    """
    row = conn.execute(select(projects).where(projects.c.repository == repository)).first()
    if row is not None:
        return row
    base = _slug_for(repository)
    candidates = [base, _slug_for(repository.replace("/", "-"))]
    candidates += [f"{base}-{n}" for n in range(2, 50)]
    for slug in candidates:
        row = conn.execute(text("""
            insert into projects (slug, name, repository, repository_url)
            values (:slug, :name, :repo, :url) on conflict do nothing returning *"""),
            {"slug": slug, "name": name[:200], "repo": repository, "url": repository_url}
        ).first()
        if row is not None:
            return row
        row = conn.execute(select(projects).where(projects.c.repository == repository)).first()
        if row is not None:
            return row
    raise Conflict(f"no free slug for repository {repository!r}", field="repository")


def export(conn: Connection) -> Result:
    """Every project for the CSV export; webhook secrets are never part of it."""
    return conn.execute(select(
        projects.c.id, projects.c.slug, projects.c.name, projects.c.description,
        projects.c.repository, projects.c.repository_url, projects.c.default_branch,
        projects.c.created_at, projects.c.updated_at).order_by(projects.c.slug))
