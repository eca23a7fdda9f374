"""/alerts: open alerts (firing, acknowledged) with acknowledge/resolve for those the policy
table allows (alerts.act), the history with a filter, and the rule editor
(jadugar/ui/alert_rule_form.py)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html

from jadugar import db, policy
from jadugar.errors import JadugarError
from jadugar.services import alerts, applications, csv_export, silences
from jadugar.timeutil import utcnow
from jadugar.ui import alert_labels as labels
from jadugar.ui import url_state
from jadugar.ui.alert_rule_form import rule_editor
from jadugar.ui.clock import TZ, local_time
from jadugar.ui.components import status_badge
from jadugar.ui.live import follow, follow_components

dash.register_page(__name__, path="/alerts", name="Alerts", title="Alerts · Jadugar")

P = "alerts"


STATES = [{"label": "All states", "value": "all"}, {"label": "Firing", "value": "firing"},
          {"label": "Acknowledged", "value": "acknowledged"},
          {"label": "Resolved", "value": "resolved"}]


def layout(state: str | None = None, application: str | None = None, **_query):
    """The filters start from the URL (`?state=&application=`), so a reload keeps them."""
    with db.read_connection() as conn:
        apps = applications.slugs(conn)
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        dcc.Store(id=f"{P}-changed", data=0), follow_components(P, 5000),
        html.H3("Alerts"),
        html.Div(id=f"{P}-message"),
        dbc.Row([
            dbc.Col(dcc.Dropdown(id=f"{P}-state", value=url_state.choice(state, STATES, "all"),
                                 clearable=False, options=STATES), xs=6, md=3),
            dbc.Col(dcc.Dropdown(id=f"{P}-app", options=apps, placeholder="Application",
                                 value=url_state.choice(application, apps)), xs=6, md=3),
            dbc.Col(dbc.Button([html.I(className="bi bi-download me-1"), "CSV"],
                               id=f"{P}-csv-btn", size="sm", color="secondary", outline=True),
                    xs="auto"),
        ], className="g-2 mb-3 align-items-center"),
        dcc.Download(id=f"{P}-csv"),
        html.Div(id=f"{P}-silences"),
        dcc.Loading(html.Div(id=f"{P}-groups")),
        rule_editor(),
    ])


def _fetch(state: str | None, app: str | None, limit: int = 300) -> list:
    with db.read_connection() as conn:
        rows = alerts.list_alerts(conn, None if state in (None, "all") else state, app or None,
                                  limit=limit)
    return rows[:limit]


def _actions(a) -> list:
    buttons = []
    if a.state == "firing":
        buttons.append(dbc.Button("Acknowledge", id={"type": f"{P}-ack", "id": a.id},
                                  size="sm", color="warning", className="me-1"))
    if a.state != "resolved":
        buttons.append(dbc.Button("Resolve", id={"type": f"{P}-resolve", "id": a.id},
                                  size="sm", color="success", className="me-1"))
        buttons.append(dbc.Button("Silence 1 h", id={"type": f"{P}-silence", "id": a.id},
                                  size="sm", color="secondary", outline=True,
                                  title="No notifications about its check (or application, "
                                        "or project) for an hour"))
    return buttons


def _owner(a) -> html.A | str:
    """The application, or for a build alert the build that fired it."""
    if a.application:
        return html.A(a.application, href=f"/monitoring/{a.application}")
    if getattr(a, "project", None):
        return html.A(f"{a.project} (build)", href=f"/builds/{a.project}/{a.build_id}"
                      if a.build_id else f"/builds/{a.project}")
    return ""


def _about(a) -> str:
    """The check and the rule behind an alert, by name, then its message."""
    parts = [a.check_name and f"check {a.check_name}",
             a.rule_kind and labels.kind_label(a.rule_kind), a.message]
    return " · ".join(p for p in parts if p)


def _group(title: str, rows: list, tz: str | None, actions: bool) -> html.Div:
    now = utcnow()
    body = [html.Tr([
        html.Td(status_badge(a.state)), html.Td(a.severity),
        html.Td(_owner(a)),
        html.Td([html.Div(a.title, className="fw-semibold"),
                 html.Div(_about(a), className="small text-body-secondary")]),
        html.Td([html.Div(local_time(a.fired_at, tz)),
                 html.Div(labels.lasted(a, now), className="small text-body-secondary")]),
        html.Td(f"{a.acknowledged_by or a.resolved_by or ''}"),
        html.Td(_actions(a) if actions else ""),
    ], **{"data-alert": a.id}) for a in rows]
    table = dbc.Table([html.Thead(html.Tr([html.Th(h) for h in (
        "State", "Severity", "Application", "Alert", "Fired", "By", "")])),
        html.Tbody(body)], size="sm", hover=True, responsive=True, className="align-middle")
    return html.Div([html.H5(f"{title} ({len(rows)})"),
                     table if rows else html.P("None.", className="text-body-secondary")],
                    className="mb-3", id=f"{P}-group-{title.lower()}")


follow(P, ("alert",))  # fired, acknowledged or resolved anywhere: redraw, at most every 5 s


@dash.callback(Output(f"{P}-url", "search"), Input(f"{P}-state", "value"),
               Input(f"{P}-app", "value"), prevent_initial_call=True)
def keep_in_url(state, app):
    return url_state.query(state=None if state == "all" else state, application=app)


@dash.callback(Output(f"{P}-groups", "children"), Input(f"{P}-state", "value"),
               Input(f"{P}-app", "value"), Input(f"{P}-changed", "data"),
               Input(TZ, "data"), Input(f"{P}-refresh", "data"))
def show(state, app, _changed, tz, _refresh):
    rows = _fetch(state, app)
    may_act = policy.allowed(policy.current_principal(), "alerts.act")
    groups = [(s.capitalize(), [a for a in rows if a.state == s])
              for s in ("firing", "acknowledged", "resolved")]
    return [_group(title if title != "Resolved" else "Resolved", part, tz,
                   actions=may_act and title != "Resolved")
            for title, part in groups if state in (None, "all") or part]


@dash.callback(Output(f"{P}-changed", "data"), Output(f"{P}-message", "children"),
               Input({"type": f"{P}-ack", "id": ALL}, "n_clicks"),
               Input({"type": f"{P}-resolve", "id": ALL}, "n_clicks"),
               Input({"type": f"{P}-silence", "id": ALL}, "n_clicks"),
               Input({"type": f"{P}-unsilence", "id": ALL}, "n_clicks"),
               State(f"{P}-changed", "data"), prevent_initial_call=True)
def act(_acks, _resolves, _silences, _ends, changed):
    trigger = ctx.triggered_id
    if not trigger or not any(t["value"] for t in ctx.triggered):
        return dash.no_update, dash.no_update
    try:  # the guard has checked alerts.act: the browser may send anything
        said = _do(trigger["type"].removeprefix(f"{P}-"), int(trigger["id"]))
    except (JadugarError, TypeError, ValueError) as err:
        return dash.no_update, dbc.Alert(getattr(err, "message", str(err)), color="danger",
                                         dismissable=True)
    return (changed or 0) + 1, dbc.Alert(said, color="success", dismissable=True,
                                         duration=4000)


def _do(verb: str, key: int) -> str:
    actor = policy.current_actor()
    with db.transaction() as conn:
        if verb == "ack":
            return f"Acknowledged: {alerts.acknowledge(conn, key, actor).title}"
        if verb == "resolve":
            return f"Resolved: {alerts.resolve(conn, key, actor).title}"
        if verb == "silence":
            silences.silence_alert(conn, key, 3600, actor)
            return f"Silenced for an hour: {alerts.get_alert(conn, key).title}"
        silences.expire(conn, key)
        return "Silence ended"


@dash.callback(Output(f"{P}-silences", "children"), Input(f"{P}-changed", "data"),
               Input(TZ, "data"))
def show_silences(_changed, tz):
    """Active and coming silences, with End for those who may act."""
    with db.read_connection() as conn:
        rows = silences.list_silences(conn)
    if not rows:
        return None
    may_act = policy.allowed(policy.current_principal(), "alerts.act")
    items = [html.Li([
        html.Span(_silenced_what(r), className="fw-semibold me-2"),
        html.Span(f"until {local_time(r['ends_at'], tz)} · {r['reason']}",
                  className="small text-body-secondary me-2"),
        dbc.Button("End", id={"type": f"{P}-unsilence", "id": r["id"]}, size="sm",
                   color="link", className="p-0 align-baseline") if may_act else None,
    ], **{"data-silence": r["id"]}) for r in rows]
    return dbc.Alert([html.Div("Silenced", className="fw-semibold mb-1"),
                      html.Ul(items, className="mb-0")], color="secondary", className="py-2")


def _silenced_what(r: dict) -> str:
    if r.get("check_id"):
        return f"check {r.get('check_name') or r['check_id']}"
    return r.get("application") or (r.get("project") and f"project {r['project']}") or \
        "everything"


@dash.callback(Output(f"{P}-csv", "data"), Input(f"{P}-csv-btn", "n_clicks"),
               State(f"{P}-state", "value"), State(f"{P}-app", "value"),
               prevent_initial_call=True)
def download(_n, state, app):
    """The same CSV as /api/v1/exports/alerts.csv, for the page's filters (newest 1000)."""
    with db.read_connection() as conn:
        rows = alerts.export(conn, state=None if state in (None, "all") else state,
                             application=app or None, limit=1000)
        content = csv_export.to_string(list(rows.keys()), rows)
    return {"content": content, "filename": "alerts.csv"}
