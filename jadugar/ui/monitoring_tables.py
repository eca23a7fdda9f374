"""Tables for the application page: incidents, deploys, recent results, check settings.
Times are shown in the browser's zone (tz comes from the page's store)."""

from __future__ import annotations

import json
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from jadugar import humanize
from jadugar.services import redact
from jadugar.ui.chart_format import every
from jadugar.ui.clock import local_time
from jadugar.ui.components import status_badge
from jadugar.ui.monitoring_parts import ms


def _table(headers: list[str], rows: list[html.Tr], id_: str | None = None) -> dbc.Table:
    kw = {"id": id_} if id_ else {}
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(rows)],
                     size="sm", hover=True, responsive=True, className="mb-0 small", **kw)


def duration(seconds: float | None) -> str:
    return "–" if seconds is None else humanize.duration(seconds)


def incidents(rows: list[dict[str, Any]], tz: str | None) -> Any:
    if not rows:
        return html.P("No down periods in this range.", className="text-body-secondary mb-0")
    return _table(["Started", "Ended", "Duration", "Alert"], [html.Tr([
        html.Td(local_time(r["started_at"], tz)),
        html.Td(local_time(r["ended_at"], tz) if r["ended_at"] else status_badge("down")),
        html.Td(duration(r["duration_s"])),
        html.Td([status_badge(r["alert_state"]), " ", r["alert_title"]]
                if r["alert_id"] else "–"),
    ]) for r in rows], "mapp-incidents-table")


def deploys(rows: list[dict[str, Any]], tz: str | None) -> Any:
    if not rows:
        return html.P("No builds of linked projects in this range.",
                      className="text-body-secondary mb-0")
    return _table(["Time", "Project", "Build", "Branch", "Kind", "Status"], [html.Tr([
        html.Td(local_time(r["ts"], tz)), html.Td(r["project"]), html.Td(r["number"]),
        html.Td(r["branch"] or ""), html.Td(r["kind"]), html.Td(status_badge(r["status"])),
    ]) for r in rows[:50]])


def recent(rows: list[dict[str, Any]], tz: str | None) -> Any:
    if not rows:
        return html.P("No results in this range.", className="text-body-secondary mb-0")
    return _table(["Time", "Location", "Status", "Response", "Code", "Error"], [html.Tr([
        html.Td(local_time(r["ts"], tz, "%Y-%m-%d %H:%M:%S")), html.Td(r["location"]),
        html.Td(status_badge(r["status"])), html.Td(ms(r["response_ms"])),
        html.Td(_code(r)), html.Td(_said(r), className="text-break"),
    ]) for r in rows], "mapp-recent-table")


def _code(r: dict[str, Any]) -> Any:
    if r.get("exit_code") is not None:  # a heartbeat ping that carried its exit status
        return f'exit {r["exit_code"]}'
    return r["status_code"] or ""


def _said(r: dict[str, Any]) -> list[Any]:
    """The error, then what a heartbeat's ping sent (its log) and how conditions fared."""
    out: list[Any] = [r["error"] or ""]
    if r.get("log"):
        out.append(html.Details([html.Summary("log", className="small"),
                                 html.Pre(r["log"], className="small mb-0")]))
    conditions = r.get("conditions") or []
    if conditions:
        passed = sum(1 for c in conditions if c.get("ok"))
        out.append(html.Div(f"{passed}/{len(conditions)} conditions passed",
                            className="small text-body-secondary"))
    return out


def check_config(checks: list[dict[str, Any]]) -> Any:
    if not checks:
        return html.P("No checks.", className="text-body-secondary mb-0")
    return _table(["Check", "Type", "Target", "Every", "Timeout", "Retries", "Expect",
                   "Enabled"], [html.Tr([
        html.Td(c["name"]), html.Td(c["type"]),
        html.Td(redact.target(c["target"]), className="text-break"),
        html.Td(every(c["interval_s"])), html.Td(f'{c["timeout_s"]:g} s'),
        html.Td(c["retries"]), html.Td(html.Code(json.dumps(c["expect"]))),
        html.Td("yes" if c["enabled"] else "no"),
    ]) for c in checks])
