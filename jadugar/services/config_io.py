"""Configuration as code: `jadugar config export` writes everything a file can set as YAML;
`jadugar config apply` makes the database match a file (see config_apply), in ONE
transaction.

A file has up to five sections: `projects`, `applications` (with their project links, checks
with dependencies and rules, and application-level rules), `notification_targets`,
`maintenance_windows` and `status_pages`. Every key is known: a typo such as
`applicationz:` or `max_reponse_ms:` is an error at its line, never silently ignored, and a
file that names none of the sections is refused (an empty file must not read as "delete
everything").

Validation of values is the services' own (applications, checks, alert_rules, maintenance,
notifications, status_pages, projects), so the file and the UI accept exactly the same things.

The export never writes a secret: check credentials appear as `***` (target passwords and
tokens, sensitive header values, bodies); notification target URLs, secrets through and
through, as a reference to an environment variable (`url: ${NOTIFY_URL_OPS}`); heartbeat
tokens and project webhook secrets are left out. Apply reads `${NAME}` in a target URL from
its environment. Applying such a file to the database it came from keeps the stored secrets
(`***`, or a `${NAME}` that is not set, means "as stored"); on another database a `***` or an
unset variable is refused at its line, asking for the real value. Every error names the file line:
the loader keeps each mapping's line and each key's line (yaml node marks).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from sqlalchemy import Connection, text

from jadugar.errors import JadugarError
from jadugar.services import applications, notifications, redact, status_pages
from jadugar.timeutil import iso

SECTIONS = ("projects", "applications", "notification_targets", "maintenance_windows",
            "status_pages")
APP_FIELDS = ("name", "description", "environment", "owner", "tags", "public")
CHECK_FIELDS = ("type", "target", "interval_s", "timeout_s", "retries", "enabled", "expect",
                "options", "grace_s", "locations_required", "locations")
RULE_FIELDS = ("kind", "name", "threshold", "recover_threshold", "window_s", "for_s",
               "params", "severity", "repeat_s", "max_reminders", "group_by", "enabled",
               "branch", "environment")  # the last two: build and deploy rules of projects
PROJECT_FIELDS = ("name", "description", "repository_url", "repository", "default_branch")
TARGET_FIELDS = ("url", "application", "min_severity", "enabled")
WINDOW_FIELDS = ("application", "check", "starts_at", "ends_at", "recurrence")
PAGE_FIELDS = ("title", "description", "applications", "header_text", "footer_text",
               "logo_url")
# The keys each kind of entry may have; anything else is a typo, refused at its line.
KEYS: dict[str, tuple[str, ...]] = {
    "project": ("slug", *PROJECT_FIELDS, "rules"),
    "application": ("slug", *APP_FIELDS, "projects", "checks", "rules"),
    "check": ("name", *CHECK_FIELDS, "depends_on", "rules"),
    "rule": RULE_FIELDS,
    "notification target": ("name", *TARGET_FIELDS),
    "maintenance window": ("title", *WINDOW_FIELDS),
    "status page": ("slug", *PAGE_FIELDS),
}
# What `params` of a rule may hold, by kind (a kind not listed takes none).
RULE_PARAMS = {"metric_threshold": ("metric", "op", "labels"), "failures_in_window": ("of",),
               "run_duration": ("max_s", "min_s")}


class ConfigFileError(Exception):
    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(f"{path}:{line or '?'}: {message}")


class Located(dict):
    """A mapping that remembers where it and each of its keys sit in the file."""
    line: int = 0
    lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    """SafeLoader whose mappings are Located (no anchors across mappings needed here)."""


def _located_map(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    out = Located((loader.construct_object(k, deep=True), loader.construct_object(v, deep=True))
                  for k, v in node.value)
    out.line = node.start_mark.line + 1
    out.lines = {k.value: k.start_mark.line + 1 for k, _v in node.value
                 if isinstance(k, yaml.ScalarNode)}
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _located_map)


def load(source: str, path: str = "<config>") -> Located:
    """The file as Located mappings; refuses broken YAML, unknown keys anywhere, and a file
    that names none of the sections."""
    try:
        doc = yaml.load(source, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigFileError(path, mark.line + 1 if mark else None, str(exc)) from None
    if not isinstance(doc, dict) and doc is not None:
        raise ConfigFileError(path, 1, f"the file must be a mapping with {_sections()}")
    if not doc:
        raise ConfigFileError(path, 1, f"the file is empty: it must name at least one of "
                              f"{_sections()}")
    only_known(doc, SECTIONS, "section", path)
    for section, kind in zip(SECTIONS, ("project", "application", "notification target",
                                        "maintenance window", "status page"), strict=True):
        for item in need_list(doc, section, path):
            _check_keys(item, kind, path)
    return doc


def _sections() -> str:
    return ", ".join(SECTIONS[:-1]) + " or " + SECTIONS[-1]


def _check_keys(item: dict, kind: str, path: str) -> None:
    only_known(item, KEYS[kind], f"{kind} key", path)
    if kind == "application":
        for check in need_list(item, "checks", path):
            _check_keys(check, "check", path)
    if kind in ("application", "check", "project"):
        for rule in need_list(item, "rules", path):
            _check_keys(rule, "rule", path)
    if kind == "rule" and isinstance(item.get("params"), dict):
        allowed = RULE_PARAMS.get(item.get("kind"), ())
        only_known(item["params"], allowed, f"params key of a {item.get('kind')} rule", path)


def only_known(item: dict, allowed: tuple[str, ...], what: str, path: str) -> None:
    """Refuse the first key of `item` that is not in `allowed`, at its line."""
    for key in item:
        if key not in allowed:
            known = ", ".join(allowed) or "none"
            raise ConfigFileError(path, getattr(item, "lines", {}).get(key, getattr(
                item, "line", None)), f"unknown {what} {key!r} (known: {known})")


def located(path: str, item: Any, err: JadugarError) -> ConfigFileError:
    """The error at the line of the offending key (following a dotted field such as
    `expect.staus` into nested mappings), else of the item itself."""
    line = getattr(item, "line", None)
    node = item
    for part in (err.field or "").split("."):
        lines = getattr(node, "lines", {})
        if part not in lines:
            break
        line = lines[part]
        node = node.get(part) if isinstance(node, dict) else None
    return ConfigFileError(path, line, err.message)


def need_list(doc: dict, key: str, path: str) -> list:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise ConfigFileError(path, getattr(doc, "lines", {}).get(key), f"{key} must be a list")
    for item in value:
        if not isinstance(item, dict):
            raise ConfigFileError(path, getattr(doc, "lines", {}).get(key),
                                  f"each entry of {key} must be a mapping")
    return value


# -- export --------------------------------------------------------------------------------

def export(conn: Connection) -> str:
    """The whole configuration as YAML, secrets masked (see the module docstring)."""
    return yaml.safe_dump(export_doc(conn), sort_keys=False, allow_unicode=True)


def export_doc(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every section, each entry in the form a file writes it (what `apply` compares to)."""
    return {"projects": _projects(conn), "applications": _applications(conn),
            "notification_targets": _targets(conn), "maintenance_windows": _windows(conn),
            "status_pages": _pages(conn)}


def _projects(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(text(f"select id, slug, {', '.join(PROJECT_FIELDS)} from projects "
                             "order by slug")).all()
    rules = conn.execute(text(f"select project_id, {', '.join(RULE_FIELDS)} from alert_rules "
                              "where project_id is not null order by id")).all()
    out = []
    for r in rows:
        entry = _clean({k: v for k, v in r._mapping.items() if k != "id"})
        own = [rule_item(rule) for rule in rules if rule.project_id == r.id]
        if own:
            entry["rules"] = own  # build and deploy alert rules (services/build_rules.py)
        out.append(entry)
    return out


def _applications(conn: Connection) -> list[dict[str, Any]]:
    checks = conn.execute(text(f"""
        select c.id, c.application_id, c.name, {', '.join('c.' + f for f in CHECK_FIELDS)},
               pa.slug as parent_app, p.name as parent
          from health_checks c left join health_checks p on p.id = c.depends_on
          left join applications pa on pa.id = p.application_id
         order by c.name""")).all()
    rules = conn.execute(text(f"select check_id, application_id, {', '.join(RULE_FIELDS)} "
                              "from alert_rules order by id")).all()
    out = []
    for app in applications.all_applications(conn):
        entry: dict[str, Any] = {"slug": app.slug, **{
            # public only when true: a private application is the default, said by silence.
            k: getattr(app, k) for k in APP_FIELDS if getattr(app, k) not in (None, [], False)}}
        if app.projects:
            entry["projects"] = list(app.projects)
        entry["checks"] = [_check(app.slug, c, rules) for c in checks
                           if c.application_id == app.id]
        own = [rule_item(r) for r in rules if r.application_id == app.id]
        if own:
            entry["rules"] = own
        out.append(entry)
    return out


def _check(app: str, c: Any, rules: list) -> dict[str, Any]:
    entry = {"name": c.name, **redact.check({k: getattr(c, k) for k in CHECK_FIELDS})}
    if entry.get("locations") is None:
        entry.pop("locations", None)  # runs anywhere: the default, not worth a line
    if c.parent is not None:
        entry["depends_on"] = c.parent if c.parent_app == app else f"{c.parent_app}/{c.parent}"
    entry["rules"] = [rule_item(r) for r in rules if r.check_id == c.id]
    return entry


def rule_item(row: Any) -> dict[str, Any]:
    """A rule as a file writes it."""
    return _clean({k: getattr(row, k) for k in RULE_FIELDS})


def _targets(conn: Connection) -> list[dict[str, Any]]:
    return [_clean({"name": t.name, "url": "${" + url_variable(t.name) + "}",
                    "application": t.application, "min_severity": t.min_severity,
                    "enabled": t.enabled})
            for t in notifications.list_targets(conn)]


def url_variable(target_name: str) -> str:
    """The environment variable an exported target's URL refers to, e.g. NOTIFY_URL_OPS."""
    return "NOTIFY_URL_" + (re.sub(r"[^A-Z0-9]+", "_", target_name.upper()).strip("_")
                            or "TARGET")


def _windows(conn: Connection) -> list[dict[str, Any]]:
    return [_clean({"title": w.title, "application": w.slug, "check": w.check,
                    "starts_at": iso(w.starts_at), "ends_at": iso(w.ends_at),
                    "recurrence": w.recurrence}) for w in conn.execute(text("""
        select w.title, a.slug, c.name as "check", w.starts_at, w.ends_at, w.recurrence
          from maintenance_windows w left join applications a on a.id = w.application_id
          left join health_checks c on c.id = w.check_id order by w.title, w.id"""))]


def _pages(conn: Connection) -> list[dict[str, Any]]:
    return [_clean({"slug": p["slug"], "title": p["title"], "description": p["description"],
                    "applications": list(p["applications"]), "header_text": p["header_text"],
                    "footer_text": p["footer_text"], "logo_url": p["logo_url"]})
            for p in status_pages.list_pages(conn)]


# Settings left at their default are not written, so a file says only what was chosen.
DEFAULTS = {"min_severity": "info", "max_reminders": 3, "group_by": "application"}


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items()
            if v is not None and not (k in DEFAULTS and v == DEFAULTS[k])}
