"""The plan of `jadugar config apply`: what it creates, updates, deletes and leaves as it was.

The plan compares two snapshots of every object a file can set, taken before and after the
apply, in the form the export writes them (so "unchanged" means what a reader of the export
would see as unchanged), plus a digest of each secret, so a changed password or notification
URL counts as an update although the export shows it masked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from jadugar import secrets as vault
from jadugar.services import check_credentials as credentials
from jadugar.services import config_io, notifications

ACTIONS = ("create", "update", "delete", "unchanged")
Key = tuple[str, str]  # (kind, natural key), e.g. ("check", "shop/homepage")


@dataclass
class Plan:
    steps: list[tuple[str, str, str]] = field(default_factory=list)  # (action, kind, key)
    total_before: int = 0

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("created", "updated", "deleted", "unchanged"), 0)
        for action, _kind, _key in self.steps:
            out[{"create": "created", "update": "updated", "delete": "deleted",
                 "unchanged": "unchanged"}[action]] += 1
        return out

    def lines(self, unchanged: bool = True) -> list[str]:
        return [f"{action:9} {kind} {key}" for action, kind, key in self.steps
                if unchanged or action != "unchanged"]


def snapshot(conn: Connection) -> dict[Key, Any]:
    """Every object a file can set, by (kind, natural key), with digests of its secrets."""
    out = dict(_objects(config_io.export_doc(conn)))
    for name, digest in _target_digests(conn).items():
        out[("notification target", name)] = {**out[("notification target", name)],
                                              "secret": digest}
    for key, digest in _check_digests(conn).items():
        out[("check", key)] = {**out[("check", key)], "secret": digest}
    return out


def diff(before: dict[Key, Any], after: dict[Key, Any]) -> Plan:
    plan = Plan(total_before=len(before))
    for key in sorted(before.keys() | after.keys(), key=_order):
        if key not in before:
            action = "create"
        elif key not in after:
            action = "delete"
        else:
            action = "unchanged" if before[key] == after[key] else "update"
        plan.steps.append((action, *key))
    return plan


_KINDS = ("project", "application", "check", "rule", "notification target",
          "maintenance window", "status page")


def _order(key: Key) -> tuple[int, str]:
    return _KINDS.index(key[0]), key[1]


def _objects(doc: dict[str, list[dict[str, Any]]]) -> Iterator[tuple[Key, Any]]:
    for p in doc["projects"]:
        yield ("project", p["slug"]), p
    for app in doc["applications"]:
        slug = app["slug"]
        yield ("application", slug), {k: v for k, v in app.items()
                                      if k not in ("checks", "rules")}
        for check in app.get("checks", []):
            yield ("check", f"{slug}/{check['name']}"), {k: v for k, v in check.items()
                                                        if k != "rules"}
            yield from _rules(f"{slug}/{check['name']}", check.get("rules", []))
        yield from _rules(slug, app.get("rules", []))
    for t in doc["notification_targets"]:
        yield ("notification target", t["name"]), t
    seen: dict[str, int] = {}
    for w in doc["maintenance_windows"]:
        seen[w["title"]] = seen.get(w["title"], 0) + 1
        suffix = f" #{seen[w['title']]}" if seen[w["title"]] > 1 else ""
        yield ("maintenance window", w["title"] + suffix), w
    for page in doc["status_pages"]:
        yield ("status page", page["slug"]), page


def _rules(owner: str, rules: list[dict[str, Any]]) -> Iterator[tuple[Key, Any]]:
    for n, rule in enumerate(rules, 1):
        yield ("rule", f"{owner}: {rule['kind']} {rule.get('name') or f'#{n}'}"), rule


def _digest(value: Any) -> str:
    raw = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _target_digests(conn: Connection) -> dict[str, str]:
    out = {}
    for t in notifications.list_targets(conn):
        try:
            out[t.name] = _digest(notifications.get_target(conn, t.id).url)
        except vault.UnreadableSecret:
            out[t.name] = "unreadable"
    return out


def _check_digests(conn: Connection) -> dict[str, str]:
    rows = conn.execute(text("""select a.slug, c.name, c.target, c.options, c.credentials
        from health_checks c join applications a on a.id = c.application_id
        where c.credentials is not null""")).all()
    out = {}
    for r in rows:
        try:
            out[f"{r.slug}/{r.name}"] = _digest(credentials.unseal(r.target, r.options,
                                                                   r.credentials))
        except vault.UnreadableSecret:
            out[f"{r.slug}/{r.name}"] = "unreadable"
    return out
