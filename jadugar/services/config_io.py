"""Configuration as code: `jadugar config export` writes applications (with their checks and
alert rules), maintenance windows and status pages as YAML; `jadugar config apply` makes the
database match a file (create, update, and with prune also delete), in ONE transaction.

Validation is the services' own (applications, checks, alert_rules, maintenance,
status_pages), so the file and the UI accept exactly the same things.

The export never writes a secret: check credentials appear as `***` (target passwords and
tokens, sensitive header values, bodies) and heartbeat tokens are left out. Applying such a
file to the database it came from keeps the stored secrets (`***` means "as stored"); on
another database a `***` is refused at its line, asking for the real value. Every error names the
file line: the loader keeps each mapping's line and each key's line (yaml node marks).
"""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy import Connection, text

from jadugar.errors import JadugarError
from jadugar.services import redact, status_pages
from jadugar.timeutil import iso

APP_FIELDS = ("name", "description", "environment", "owner", "tags")
CHECK_FIELDS = ("type", "target", "interval_s", "timeout_s", "retries", "enabled", "expect",
                "options", "grace_s", "locations_required")
RULE_FIELDS = ("kind", "name", "threshold", "recover_threshold", "window_s", "for_s",
               "params", "severity", "repeat_s", "enabled")


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
    try:
        doc = yaml.load(source, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigFileError(path, mark.line + 1 if mark else None, str(exc)) from None
    if doc is None:
        doc = Located()
    if not isinstance(doc, dict):
        raise ConfigFileError(path, 1, "the file must be a mapping with applications, "
                              "maintenance_windows and status_pages")
    return doc


def export(conn: Connection) -> str:
    """The whole configuration as YAML, secrets masked (heartbeat tokens left out)."""
    apps = [dict(r._mapping) for r in conn.execute(text(
        "select id, slug, name, description, environment, owner, tags from applications "
        "order by slug"))]
    rows = conn.execute(text(f"select id, application_id, name, {', '.join(CHECK_FIELDS)} "
                             "from health_checks order by name")).all()
    rules = conn.execute(text(f"select check_id, {', '.join(RULE_FIELDS)} from alert_rules "
                              "where check_id is not null order by id")).all()
    out_apps = []
    for app in apps:
        entry = {"slug": app["slug"], **{k: app[k] for k in APP_FIELDS if app[k] not in
                                         (None, [])}}
        entry["checks"] = [{"name": c.name, **redact.check({k: getattr(c, k)
                                                            for k in CHECK_FIELDS}),
                            "rules": [_clean({k: getattr(r, k) for k in RULE_FIELDS})
                                      for r in rules if r.check_id == c.id]}
                           for c in rows if c.application_id == app["id"]]
        out_apps.append(entry)
    windows = [{"title": w.title, "application": w.slug, "check": w.check,
                "starts_at": iso(w.starts_at), "ends_at": iso(w.ends_at),
                "recurrence": w.recurrence} for w in conn.execute(text("""
        select w.title, a.slug, c.name as "check", w.starts_at, w.ends_at, w.recurrence
          from maintenance_windows w left join applications a on a.id = w.application_id
          left join health_checks c on c.id = w.check_id order by w.title"""))]
    pages = [{"slug": p["slug"], "title": p["title"], "description": p["description"],
              "applications": list(p["applications"])} for p in status_pages.list_pages(conn)]
    doc = {"applications": out_apps, "maintenance_windows": [_clean(w) for w in windows],
           "status_pages": [_clean(p) for p in pages]}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def located(path: str, item: Any, err: JadugarError) -> ConfigFileError:
    """The error at the line of the offending key, else of the item itself."""
    key = (err.field or "").split(".")[0]
    lines = getattr(item, "lines", {})
    return ConfigFileError(path, lines.get(key, getattr(item, "line", None)), err.message)


def need_list(doc: dict, key: str, path: str) -> list:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise ConfigFileError(path, getattr(doc, "lines", {}).get(key), f"{key} must be a list")
    for item in value:
        if not isinstance(item, dict):
            raise ConfigFileError(path, getattr(doc, "lines", {}).get(key),
                                  f"each entry of {key} must be a mapping")
    return value

