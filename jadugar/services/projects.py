"""Projects: the unit builds, milestones and delivery metrics belong to."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Result, delete, insert, select, text, update

from jadugar.errors import Conflict, NotFound
from jadugar.models import projects
from jadugar.services import build_fields as f
from jadugar.services import redact
from jadugar.services.serialize import row_dict

# Webhook secrets never leave the server; they are stored encrypted (models: SealedText).
PRIVATE = ("github_webhook_secret", "gitlab_webhook_token")
EDITABLE = ("name", "description", "repository_url", "repository", "default_branch")


def to_dict(row: Any) -> dict[str, Any]:
    out = row_dict(row, exclude=PRIVATE)
    out["has_github_secret"] = bool(row.github_webhook_secret)
    out["has_gitlab_token"] = bool(row.gitlab_webhook_token)
    return out


def list_projects(conn: Connection, limit: int, after: str | None = None) -> list[Any]:
    """Projects by slug, limit + 1 rows so the caller knows whether another page follows."""
    q = select(projects).order_by(projects.c.slug).limit(limit + 1)
    if after is not None:
        q = q.where(projects.c.slug > after)
    return list(conn.execute(q).all())


def get_project(conn: Connection, slug: str) -> Any:
    row = conn.execute(select(projects).where(projects.c.slug == slug)).first()
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
    return conn.execute(insert(projects).values(slug=slug, **values)
                        .returning(*projects.c)).one()


def update_project(conn: Connection, slug: str, body: dict[str, Any]) -> Any:
    f.only(body, EDITABLE)
    get_project(conn, slug)
    values = _fields(body)
    _unique_repository(conn, values.get("repository"), slug)
    if not values:
        return get_project(conn, slug)
    return conn.execute(update(projects).where(projects.c.slug == slug)
                        .values(**values, updated_at=text("now()"))
                        .returning(*projects.c)).one()


def set_webhook_secrets(conn: Connection, slug: str, body: dict[str, Any]) -> Any:
    """Per-project overrides of JADUGAR_GITHUB_WEBHOOK_SECRET / JADUGAR_GITLAB_WEBHOOK_TOKEN;
    an empty string or null clears one, *** (the masked value) leaves it as it is."""
    f.only(body, PRIVATE)
    get_project(conn, slug)
    values = {k: f.text(body, k) for k in PRIVATE if k in body and body[k] != redact.HIDDEN}
    if values:
        conn.execute(update(projects).where(projects.c.slug == slug).values(**values))
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
