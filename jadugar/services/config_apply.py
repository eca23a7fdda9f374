"""`jadugar config apply`: make the database match a config file (see config_io).

Natural keys: projects and applications by slug, checks by (application, name), rules by
(owner, kind, name; unnamed rules of a kind match that kind's rules in order, e.g. the
default one every new check gets), notification targets by name, windows by title, status
pages by slug. A `depends_on` names a check of the same application, or `app/check`.

Only what differs from the database is written, so applying an unchanged file changes
nothing and its plan says "unchanged" for every object. Everything happens in a savepoint of
the caller's single transaction: a bad line, a refused prune or a dry run leave the database
as it was.

Prune deletes what the file's sections do not list: applications, checks of a listed
application that has `checks`, rules of a check, application or project that has `rules`,
targets,
windows and status pages, each only when the file has its section. Projects are never
pruned (their builds are history, and CI webhooks create projects on their own). A prune
that would delete more than `max_delete_share` of all objects is refused without `yes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from jadugar import config
from jadugar.errors import Invalid, JadugarError
from jadugar.services import (
    alert_rules,
    applications,
    checks,
    config_plan,
    maintenance,
    notifications,
    projects,
    redact,
    status_pages,
)
from jadugar.services.config_io import (
    APP_FIELDS,
    CHECK_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
    RULE_FIELDS,
    SECTIONS,
    TARGET_FIELDS,
    WINDOW_FIELDS,
    ConfigFileError,
    located,
    need_list,
    rule_item,
)
from jadugar.timeutil import iso

MAX_DELETE_SHARE = 0.25
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
Env = Callable[[str], str | None]


class ApplyRefused(Exception):
    """The file is fine but applying it was refused (a prune deleting too much)."""


def apply(conn: Connection, doc: dict, path: str, prune: bool = False, dry_run: bool = False,
          yes: bool = False, max_delete_share: float = MAX_DELETE_SHARE,
          actor: str = "config", env: Env = config.file_reference) -> config_plan.Plan:
    """1. snapshot, 2. apply each section in order (projects first: applications link to
    them), 3. prune, 4. snapshot again and diff into the plan, 5. roll back the savepoint
    for a dry run or a refused prune."""
    if not any(section in doc for section in SECTIONS):
        raise ConfigFileError(path, 1, "the file names none of " + ", ".join(SECTIONS))
    before = config_plan.snapshot(conn)
    savepoint = conn.begin_nested()
    try:
        run = _Run(conn, doc, path, prune, actor, env, before)
        run.everything()
        plan = config_plan.diff(before, config_plan.snapshot(conn))
        deleted = plan.counts()["deleted"]
        if deleted and not yes and deleted > max_delete_share * plan.total_before:
            raise ApplyRefused(
                f"{path}: --prune would delete {deleted} of {plan.total_before} objects, more "
                f"than {max_delete_share:.0%}; see them with --dry-run, and add --yes to "
                "delete them")
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return plan


def changed(item: dict, current: dict | None, fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields of `item` whose values differ from `current` (the export's form)."""
    wanted = {k: item[k] for k in fields if k in item}
    if current is None:
        return wanted
    return {k: v for k, v in wanted.items() if _same_form(v) != current.get(k)}


def _same_form(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


class _Run:
    """One apply: the file, the state before it, and the rule ids already matched."""

    def __init__(self, conn: Connection, doc: dict, path: str, prune: bool, actor: str,
                 env: Env, before: dict) -> None:
        self.conn, self.doc, self.path, self.prune = conn, doc, path, prune
        self.actor, self.env, self.before = actor, env, before
        self.used_rules: set[int] = set()

    def step(self, item: Any, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except JadugarError as err:
            raise located(self.path, item, err) from None

    def current(self, kind: str, key: str) -> dict | None:
        return self.before.get((kind, key))

    def everything(self) -> None:
        for project in need_list(self.doc, "projects", self.path):
            self.project(project)
        apps = need_list(self.doc, "applications", self.path)
        for app in apps:
            self.application(app)
        for app in apps:
            for check in need_list(app, "checks", self.path):
                self.dependency(app, check)
        for target in need_list(self.doc, "notification_targets", self.path):
            self.target(target)
        self.windows(need_list(self.doc, "maintenance_windows", self.path))
        for page in need_list(self.doc, "status_pages", self.path):
            self.page(page)
        if self.prune:
            self.prune_sections(apps)

    # -- sections ----------------------------------------------------------------------------

    def project(self, p: dict) -> None:
        slug = p.get("slug")
        current = self.current("project", slug)
        if current is None:
            self.step(p, lambda: projects.create_project(
                self.conn, {k: v for k, v in p.items() if k != "rules"}))
        elif values := changed(p, current, PROJECT_FIELDS):
            self.step(p, lambda: projects.update_project(self.conn, slug, values))
        kept_rules = [self.rule(rule, project=slug)
                      for rule in need_list(p, "rules", self.path)]
        if self.prune and "rules" in p:
            self.drop_rules("project_id", projects.get_project(self.conn, slug).id, kept_rules)

    def application(self, app: dict) -> None:
        slug = app.get("slug")
        fields = (*APP_FIELDS, "projects")
        current = self.current("application", slug)
        if current is None:
            self.step(app, lambda: applications.create_application(
                self.conn, {"slug": slug, **changed(app, None, fields)}))
        elif values := changed(app, {"projects": [], "tags": [], "public": False,
                                         **current}, fields):
            self.step(app, lambda: applications.update_application(self.conn, slug, values))
        listed = need_list(app, "checks", self.path)
        kept = [self.check(slug, check) for check in listed]
        kept_rules = [self.rule(rule, application=slug)
                      for rule in need_list(app, "rules", self.path)]
        if not self.prune:
            return
        app_id = applications.application_id(self.conn, slug)
        if "checks" in app:
            for (check_id,) in self.conn.execute(text(
                    "select id from health_checks where application_id = :a "
                    "and not (id = any(:keep))"), {"a": app_id, "keep": kept}):
                checks.delete_check(self.conn, check_id, self.actor)
        if "rules" in app:
            self.drop_rules("application_id", app_id, kept_rules)

    def check(self, app_slug: str, check: dict) -> int:
        name = check.get("name")
        row = self.conn.execute(text("""select c.id from health_checks c
            join applications a on a.id = c.application_id where a.slug = :a and c.name = :n"""),
            {"a": app_slug, "n": name}).first()
        if row is None:
            check_id = self.step(check, lambda: checks.create_check(
                self.conn, app_slug, changed(check, None, ("name", *CHECK_FIELDS)),
                self.actor)).id
        else:
            check_id = row.id
            values = changed(check, self.current("check", f"{app_slug}/{name}"), CHECK_FIELDS)
            if values:
                self.step(check, lambda: checks.update_check(self.conn, check_id, values,
                                                             self.actor))
        kept = [self.rule(rule, check_id=check_id)
                for rule in need_list(check, "rules", self.path)]
        if self.prune and "rules" in check:
            self.drop_rules("check_id", check_id, kept)
        return check_id

    def rule(self, rule: dict, check_id: int | None = None,
             application: str | None = None, project: str | None = None) -> int:
        """Match by kind and name (unnamed: the next unmatched rule of the kind, in order)."""
        if check_id is not None:
            owner: tuple[str, Any] = ("check_id = :o", check_id)
        elif project is not None:
            owner = ("project_id = (select id from projects where slug = :o)", project)
        else:
            owner = ("application_id = (select id from applications where slug = :o)",
                     application)
        rows = self.conn.execute(text(f"""
            select id, {', '.join(RULE_FIELDS)} from alert_rules where {owner[0]}
               and kind = :k and (cast(:n as text) is null or name = :n) order by id"""),
            {"o": owner[1], "k": rule.get("kind"), "n": rule.get("name")}).all()
        row = next((r for r in rows if r.id not in self.used_rules), None)
        if row is None:
            owned = {"project": project} if project is not None else {
                "check_id": check_id, "application": application}
            made = self.step(rule, lambda: alert_rules.create_rule(
                self.conn, {**rule, **owned}, self.actor))
            self.used_rules.add(made.id)
            return made.id
        self.used_rules.add(row.id)
        if values := changed(rule, rule_item(row), RULE_FIELDS):
            self.step(rule, lambda: alert_rules.update_rule(
                self.conn, row.id, {"kind": rule.get("kind"), **values}, self.actor))
        return row.id

    def drop_rules(self, column: str, owner_id: int, keep: list[int]) -> None:
        # column is one of three constants of this module, never user input
        for (rule_id,) in self.conn.execute(text(
                f"select id from alert_rules where {column} = :o and not (id = any(:keep))"),
                {"o": owner_id, "keep": keep}):
            alert_rules.delete_rule(self.conn, rule_id, self.actor)

    def dependency(self, app: dict, check: dict) -> None:
        if "depends_on" not in check:
            return
        parent = check["depends_on"]
        parent_id = None
        if parent is not None:
            parent_id = self.check_id(app.get("slug"), parent)
            if parent_id is None:
                raise located(self.path, check, Invalid(
                    f"depends_on: no check {parent!r} (write a check of the same "
                    "application, or application/check)", field="depends_on"))
        current = self.current("check", f"{app.get('slug')}/{check.get('name')}") or {}
        if current.get("depends_on") == parent:
            return
        check_id = self.check_id(app.get("slug"), check.get("name"))
        self.step(check, lambda: checks.update_check(self.conn, check_id,
                                                     {"depends_on": parent_id}, self.actor))

    def check_id(self, app_slug: str, name: Any) -> int | None:
        if not isinstance(name, str):
            return None
        candidates = [(app_slug, name)]
        if "/" in name:
            candidates.append(tuple(name.split("/", 1)))
        for slug, check in candidates:
            row = self.conn.execute(text("""select c.id from health_checks c
                join applications a on a.id = c.application_id
                where a.slug = :a and c.name = :n"""), {"a": slug, "n": check}).first()
            if row is not None:
                return row.id
        return None

    def target(self, t: dict) -> None:
        name = t.get("name")
        found = [x for x in notifications.list_targets(self.conn) if x.name == name]
        current = notifications.get_target(self.conn, found[0].id) if found else None
        values = changed(t, None, ("name", *TARGET_FIELDS))
        url = self.target_url(t, current)
        if url is None:
            values.pop("url", None)
        else:
            values["url"] = url
        if current is None:
            self.step(t, lambda: notifications.create_target(self.conn, values))
            return
        stored = {"name": current.name, "url": current.url,
                  "application": current.application, "min_severity": current.min_severity,
                  "enabled": current.enabled}
        values = {k: v for k, v in values.items() if stored[k] != v}
        if values:
            self.step(t, lambda: notifications.update_target(self.conn, current.id, values))

    def target_url(self, t: dict, current: Any) -> str | None:
        """The URL to store: `${NAME}` taken from the environment; None keeps the stored
        one (a mask, or a variable not set where the target exists)."""
        url = t.get("url")
        if not isinstance(url, str):
            return url
        missing = [m for m in _REFERENCE.findall(url) if self.env(m) is None]
        if missing or redact.HIDDEN in url:
            if current is not None:
                return None
            why = (f"refers to ${{{missing[0]}}}, which is not set in the environment"
                   if missing else "is masked (***): write the real URL or ${ENV_NAME}")
            raise located(self.path, t, Invalid(f"url {why}", field="url"))
        return _REFERENCE.sub(lambda m: self.env(m.group(1)) or "", url)

    def windows(self, windows: list) -> None:
        """Windows have no natural key but their title: a changed one is made again."""
        for w in windows:
            title = w.get("title")
            if not isinstance(title, str):
                raise located(self.path, w, Invalid("title is required", field="title"))
            current = self.current("maintenance window", title)
            wanted = {"title": title, **{k: _same_form(w[k]) for k in WINDOW_FIELDS
                                         if w.get(k) is not None}}
            if current == {"recurrence": "none", **wanted}:
                continue
            self.conn.execute(text("delete from maintenance_windows where title = :t"),
                              {"t": title})
            data = {k: w[k] for k in ("title", *WINDOW_FIELDS) if w.get(k) is not None
                    and k != "check"}
            if w.get("check"):
                check_id = self.check_id(w.get("application"), w["check"])
                if check_id is None:
                    raise located(self.path, w, Invalid(f"no check {w['check']!r}",
                                                        field="check"))
                data["check_id"] = check_id
            self.step(w, lambda d=data: maintenance.create_window(self.conn, d, self.actor))

    def page(self, p: dict) -> None:
        current = self.current("status page", p.get("slug"))
        if current is not None and not changed(p, {"applications": [], **current},
                                               PAGE_FIELDS):
            return
        # Header, footer and logo the file leaves out are kept, as in the Settings form.
        branding = {k: p[k] if k in p else (current or {}).get(k)
                    for k in ("header_text", "footer_text", "logo_url")}
        self.step(p, lambda: status_pages.save_page(
            self.conn, p.get("slug"), p.get("title"), p.get("description"),
            p.get("applications", []), branding))

    def prune_sections(self, apps: list) -> None:
        doc = self.doc
        if "applications" in doc:
            keep = {a.get("slug") for a in apps}
            for slug in applications.slugs(self.conn):
                if slug not in keep:
                    applications.delete_application(self.conn, slug)
        if "notification_targets" in doc:
            keep = {t.get("name") for t in doc["notification_targets"] or []}
            for t in notifications.list_targets(self.conn):
                if t.name not in keep:
                    notifications.delete_target(self.conn, t.id)
        if "maintenance_windows" in doc:
            self.conn.execute(text("delete from maintenance_windows "
                                   "where not (title = any(:keep))"),
                              {"keep": [w.get("title") for w in doc["maintenance_windows"]
                                        or []]})
        if "status_pages" in doc:
            keep = {p.get("slug") for p in doc["status_pages"] or []}
            for page in status_pages.list_pages(self.conn):
                if page["slug"] not in keep:
                    status_pages.delete_page(self.conn, page["slug"])

