"""`jadugar config apply`: make the database match a config file (see config_io).

Natural keys: applications by slug, checks by (application, name), rules by (check, kind,
name; a rule without a name matches the check's first rule of that kind, e.g. the default
one every new check gets), windows by title, status pages by slug. Everything happens in
the caller's single transaction, so a bad line leaves the database as it was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from jadugar.errors import Invalid, JadugarError
from jadugar.services import alert_rules, applications, checks, maintenance, status_pages
from jadugar.services.config_io import (
    APP_FIELDS,
    CHECK_FIELDS,
    RULE_FIELDS,
    located,
    need_list,
)


def apply(conn: Connection, doc: dict, path: str, prune: bool = False,
          actor: str = "config") -> dict[str, int]:
    """1. applications with their checks and rules, 2. maintenance windows, 3. status pages,
    4. with prune, delete what the file no longer lists. Returns counts of changes."""
    counts = {"created": 0, "updated": 0, "deleted": 0}
    apps = need_list(doc, "applications", path)
    for app in apps:
        _apply_app(conn, app, path, prune, counts, actor)
    windows = need_list(doc, "maintenance_windows", path)
    _apply_windows(conn, windows, path, prune, counts, actor)
    pages = need_list(doc, "status_pages", path)
    for page in pages:
        _step(path, page, lambda p=page: status_pages.save_page(
            conn, p.get("slug"), p.get("title"), p.get("description"),
            p.get("applications", [])))
        counts["updated"] += 1
    if prune:
        counts["deleted"] += _prune(conn, "applications", "slug", [a.get("slug") for a in apps])
        counts["deleted"] += _prune(conn, "status_pages", "slug", [p.get("slug") for p in pages])
    return counts


def _step(path: str, item: Any, fn) -> Any:
    try:
        return fn()
    except JadugarError as err:
        raise located(path, item, err) from None


def _apply_app(conn: Connection, app: dict, path: str, prune: bool, counts: dict,
               actor: str) -> None:
    slug = app.get("slug")
    data = {k: app[k] for k in APP_FIELDS if k in app}
    exists = conn.execute(text("select 1 from applications where slug = :s"),
                          {"s": slug}).first()
    if exists:
        _step(path, app, lambda: applications.update_application(conn, slug, data))
        counts["updated"] += 1
    else:
        _step(path, app, lambda: applications.create_application(conn, {"slug": slug,
                                                                        **data}))
        counts["created"] += 1
    listed = need_list(app, "checks", path)
    for check in listed:
        _apply_check(conn, slug, check, path, prune, counts, actor)
    if prune:
        app_id = applications.application_id(conn, slug)
        gone = conn.execute(text("delete from health_checks where application_id = :a "
                                 "and not (name = any(:names))"),
                            {"a": app_id, "names": [c.get("name") for c in listed]}).rowcount
        counts["deleted"] += gone


def _apply_check(conn: Connection, app_slug: str, check: dict, path: str, prune: bool,
                 counts: dict, actor: str) -> None:
    data = {k: check[k] for k in ("name", *CHECK_FIELDS) if k in check}
    row = conn.execute(text("""select c.id from health_checks c
        join applications a on a.id = c.application_id where a.slug = :a and c.name = :n"""),
        {"a": app_slug, "n": check.get("name")}).first()
    if row:
        check_id = row.id
        _step(path, check, lambda: checks.update_check(conn, check_id, data, actor))
        counts["updated"] += 1
    else:
        check_id = _step(path, check, lambda: checks.create_check(conn, app_slug, data,
                                                                  actor)).id
        counts["created"] += 1
    if "rules" not in check:
        return
    keep = []
    for rule in need_list(check, "rules", path):
        keep.append(_apply_rule(conn, check_id, rule, path, counts, actor))
    if prune:
        counts["deleted"] += conn.execute(text(
            "delete from alert_rules where check_id = :c and not (id = any(:keep))"),
            {"c": check_id, "keep": keep}).rowcount


def _apply_rule(conn: Connection, check_id: int, rule: dict, path: str, counts: dict,
                actor: str) -> int:
    data = {k: rule[k] for k in RULE_FIELDS if k in rule}
    row = conn.execute(text("""select id from alert_rules where check_id = :c and kind = :k
        and (cast(:n as text) is null or name = :n) order by id limit 1"""),
        {"c": check_id, "k": rule.get("kind"), "n": rule.get("name")}).first()
    if row:
        _step(path, rule, lambda: alert_rules.update_rule(conn, row.id, data, actor))
        counts["updated"] += 1
        return row.id
    made = _step(path, rule, lambda: alert_rules.create_rule(
        conn, {**data, "check_id": check_id}, actor))
    counts["created"] += 1
    return made.id


def _apply_windows(conn: Connection, windows: list, path: str, prune: bool, counts: dict,
                   actor: str) -> None:
    """Windows have no natural key but their title: replace a window of the same title."""
    for w in windows:
        if not isinstance(w.get("title"), str):
            raise located(path, w, Invalid("title is required", field="title"))
        conn.execute(text("delete from maintenance_windows where title = :t"),
                     {"t": w["title"]})
        check_id = None
        if w.get("check"):
            row = conn.execute(text("""select c.id from health_checks c join applications a
                on a.id = c.application_id where a.slug = :a and c.name = :n"""),
                {"a": w.get("application"), "n": w["check"]}).first()
            if row is None:
                raise located(path, w, Invalid(f"no check {w['check']!r}", field="check"))
            check_id = row.id
        data = {k: w.get(k) for k in ("title", "starts_at", "ends_at", "recurrence",
                                      "application") if w.get(k) is not None}
        _step(path, w, lambda d=data, c=check_id: maintenance.create_window(
            conn, {**d, "check_id": c} if c else d, actor))
        counts["updated"] += 1
    if prune:
        counts["deleted"] += _prune(conn, "maintenance_windows", "title",
                                    [w["title"] for w in windows])


def _prune(conn: Connection, table: str, key: str, keep: list) -> int:
    # table and key are constants from this module, never user input
    return conn.execute(text(f"delete from {table} where not ({key} = any(:keep))"),
                        {"keep": [k for k in keep if k is not None]}).rowcount
