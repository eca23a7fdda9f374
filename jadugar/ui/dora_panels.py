"""The project page's delivery (DORA) card: four tiles that say what they counted, each
linking to the table of the production deploys behind them, and notes naming the page
filters a panel does not apply."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from jadugar.ui.clock import local_time
from jadugar.ui.components import percent

ROWS_ANCHOR = "dora-rows"
# The page filters each panel leaves out, and why (a rate needs every status; DORA counts
# production deploys whatever branch or kind the builds charts show).
IGNORED = {
    "success": {"status": "a rate needs every status"},
    "branches": {"status": "failure rates need every status"},
    "dora": {"branch": "deploys of every branch", "kind": "deploys only",
             "status": "deploys of every outcome"},
}


def ignored_note(panel: str, filters: dict[str, str | None]) -> str:
    """"Ignores status=failed (a rate needs every status)" for the filters that are set
    and that `panel` does not apply; "" when it applies every filter that is set."""
    parts = [f"{name}={value} ({why})" for name, why in IGNORED.get(panel, {}).items()
             if (value := filters.get(name))]
    return "Ignores " + "; ".join(parts) if parts else ""


def note_slot(prefix: str, panel: str) -> html.Small:
    return html.Small(id=f"{prefix}-ignores-{panel}", className="text-warning-emphasis")


def card(prefix: str, environments: list[str], selected: str | None,
         csv_button: Any) -> dbc.Card:
    """Tiles and the counted deploys; `environments` the project has deployed to."""
    env = dcc.Dropdown(id=f"{prefix}-env", options=environments, value=selected,
                       placeholder="Production", clearable=True, style={"minWidth": 200})
    head = html.Div([html.Span("Delivery (DORA)", className="fw-semibold"),
                     html.Span("environment", className="small text-body-secondary ms-2"),
                     env, note_slot(prefix, "dora"), html.Span(className="me-auto"),
                     csv_button], className="d-flex align-items-center gap-2 flex-wrap")
    rows = html.Details([
        html.Summary("Deploys counted", className="small"),
        html.Div(id=f"{prefix}-dora-table")], id=f"{prefix}-{ROWS_ANCHOR}", className="mt-3")
    return dbc.Card([dbc.CardHeader(head), dbc.CardBody(dcc.Loading([
        html.Div(id=f"{prefix}-tiles"), rows]))], className="mb-3 shadow-sm")


def hours(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _tile(prefix: str, n: int, label: str, value: str, counted: str, before: str) -> dbc.Col:
    body = [html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value", id=f"{prefix}-tile-{n}"),
            html.Small([html.A(counted, href=f"#{prefix}-{ROWS_ANCHOR}"), f"; before: {before}"],
                       className="text-body-secondary")]
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="kpi-card h-100 shadow-sm"),
                   md=3, xs=6)


def tiles(prefix: str, d: dict[str, Any]) -> html.Div:
    prev = d["previous"]
    where = ", ".join(d["environments"])
    failed = d["failures"]
    total = d["deploys"] + d["failed_deploys"]
    return html.Div([dbc.Row([
        _tile(prefix, 0, "Deploys / day", f"{d['deploys_per_day']:.2f}",
              f"{d['deploys']} successful deploys to {where}",
              f"{prev['deploys_per_day']:.2f}"),
        _tile(prefix, 1, "Lead time (median)", hours(d["lead_time_s"]),
              f"commit → deploy, {d['lead_time_deploys']} deploys with a commit time",
              hours(prev["lead_time_s"])),
        _tile(prefix, 2, "Change failure rate", percent(d["change_failure_rate"]),
              f"{failed} of {total} deploys failed: {d['failed_deploys']} failed, "
              f"{d['rolled_back']} rolled back, {d['with_incident']} with an incident "
              f"within {d['window_h']:g} h", percent(prev["change_failure_rate"])),
        _tile(prefix, 3, "Time to restore (median)", hours(d["time_to_restore_s"]),
              f"{failed - d['open_failures']} failures over, {d['open_failures']} open",
              hours(prev["time_to_restore_s"])),
    ], className="g-3")])


TABLE_ROWS = 200


def deploys_table(prefix: str, slug: str, rows: list[dict[str, Any]], tz: str | None) -> Any:
    """The newest TABLE_ROWS counted deploys, newest first; the CSV has them all."""
    if not rows:
        return html.P("No production deploys finished in this range.", className="small")
    shown = rows[::-1][:TABLE_ROWS]
    caption = (f"The newest {TABLE_ROWS} of {len(rows)}; Download CSV has them all."
               if len(rows) > TABLE_ROWS else f"{len(rows)} deploys, newest first.")
    body = [html.Tr([
        html.Td(html.A(f"#{r['number'] or r['id']}", href=f"/builds/{slug}/{r['id']}")),
        html.Td(r["status"]), html.Td(r["environment"]),
        html.Td(local_time(r["finished_at"], tz)), html.Td((r["commit_sha"] or "")[:8]),
        html.Td(_lead(r)), html.Td("; ".join(r["failures"]) or "–"),
        html.Td(hours(r["time_to_restore_s"]) if r["failures"] else "–"),
    ]) for r in shown]
    head = html.Thead(html.Tr([html.Th(h) for h in (
        "Deploy", "Status", "Environment", "Finished", "Commit", "Lead time", "Failure",
        "Restored after")]))
    return html.Div([html.Small(caption, className="text-body-secondary"),
                     dbc.Table([head, html.Tbody(body)], size="sm", hover=True,
                               responsive=True, id=f"{prefix}-{ROWS_ANCHOR}-table")])


def _lead(row: dict[str, Any]) -> str:
    if row["rollback"]:
        return "rollback"
    if row["redeploy"]:
        return "redeploy"
    if row["status"] == "success" and row["lead_time_s"] is None:
        return "no commit time"
    return hours(row["lead_time_s"])
