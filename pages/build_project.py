"""/builds/<slug> — one project: delivery (DORA) tiles, duration, success rate, outcomes,
stages, branches, milestones and the builds table, for a time range and filters that live in
the URL query string (?range=30d&branch=main&kind=build&status=failed&unit=week&page=2&env=).

Every panel applies every filter that is set, or says beside its title which it ignores
(dora_panels.IGNORED). The delivery card has its own environment filter (production unless
another is picked).

Callbacks stay thin: filters → build_series / delivery (SQL) → build_figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from jadugar import db, policy
from jadugar.errors import JadugarError
from jadugar.services import build_reads, build_series, delivery
from jadugar.services.applications import linked_to_project
from jadugar.services.csv_export import to_string
from jadugar.services.projects import get_project
from jadugar.timeutil import parse_time, utcnow
from jadugar.ui import build_figures as figs
from jadugar.ui import build_panels as panels
from jadugar.ui import dora_panels as dora
from jadugar.ui import not_found, test_panels
from jadugar.ui.chart_format import local_range
from jadugar.ui.clock import TZ, local_time, localise
from jadugar.ui.components import minutes, percent, status_badge
from jadugar.ui.live import follow, follow_components

dash.register_page(__name__, path_template="/builds/<slug>",
                   title=lambda slug="", **_: f"{slug} · Builds · Jadugar")

P = "builds-project"
RANGES = {"7d": 7, "30d": 30, "90d": 90, "180d": 180, "365d": 365}
STATUSES = ("queued", "running", "success", "failed", "cancelled", "skipped")
PAGE_SIZE = 25


def _filters(range_: str | None, branch: str | None, kind: str | None,
             status: str | None) -> build_reads.BuildFilter:
    custom = zoomed(range_)
    if custom is not None:
        since, until = custom
    else:
        until = utcnow()
        since = until - timedelta(days=RANGES.get(range_ or "30d", 30))
    return build_reads.BuildFilter(status=status or None, branch=branch or None,
                                   kind=kind or None, since=since, until=until)


MAX_ZOOM = timedelta(days=400)


def zoomed(range_: str | None) -> tuple[datetime, datetime] | None:
    """A range made by drag-to-zoom: "<UTC ISO>..<UTC ISO>" (in the URL as ?range=...).
    Anything else, or a span that is empty or longer than MAX_ZOOM, is not one."""
    if not range_ or ".." not in range_:
        return None
    first, _, last = range_.partition("..")
    try:
        since, until = parse_time(first, "range"), parse_time(last, "range")
    except JadugarError:
        return None
    if since is None or until is None or not timedelta(0) < until - since <= MAX_ZOOM:
        return None
    return since, until


def _select(name: str, options, value, placeholder: str, **kw) -> dcc.Dropdown:
    return dcc.Dropdown(id=f"{P}-{name}", options=options, value=value,
                        placeholder=placeholder, clearable=True, **kw)


def _filter_bar(branches: list[str], q: dict) -> dbc.Row:
    return dbc.Row([
        dbc.Col(dbc.RadioItems(id=f"{P}-range", options=list(RANGES), value=q["range"],
                               inline=True, inputClassName="btn-check",
                               labelClassName="btn btn-outline-primary btn-sm",
                               labelCheckedClassName="active", className="btn-group"),
                width="auto"),
        dbc.Col(_select("branch", branches, q["branch"], "All branches"), md=3),
        dbc.Col(_select("kind", ["build", "deploy"], q["kind"], "Builds and deploys"), md=2),
        dbc.Col(_select("status", list(STATUSES), q["status"], "Any status"), md=2),
    ], className="g-2 align-items-center mb-3")


def csv_button(name: str) -> dbc.Button:
    return dbc.Button([html.I(className="bi bi-download me-1"), "Download CSV"],
                      id={"type": "builds-csv", "chart": name}, size="sm", color="secondary",
                      outline=True)


def chart_card(name: str, title: str, body, extra=None) -> dbc.Card:
    """A chart or table with its own "Download CSV" button and a loading spinner, and a note
    naming the filters it ignores when it ignores some."""
    note = dora.note_slot(P, name) if name in dora.IGNORED else None
    head = html.Div([html.Span(title, className="fw-semibold"), note,
                     html.Span(className="me-auto"), extra, csv_button(name)],
                    className="d-flex align-items-center gap-2 flex-wrap")
    return dbc.Card([dbc.CardHeader(head), dbc.CardBody(dcc.Loading(body))],
                    className="mb-3 shadow-sm")


def _graph(name: str) -> dcc.Graph:
    return dcc.Graph(id=f"{P}-{name}", config={"displaylogo": False})


def _linked_applications(apps: list) -> html.Span:
    """The applications this project builds or deploys (Settings → Applications links them)."""
    links: list = []
    for app in apps:
        links += [", " if links else "", dcc.Link(app.name, href=f"/monitoring/{app.slug}")]
    return html.Span(["Applications: ", *links] if links else [], id=f"{P}-applications",
                     className="ms-3 small")


def layout(slug: str = "", **query):
    q = {"range": query.get("range") if query.get("range") in RANGES
         or zoomed(query.get("range")) else "30d",
         "branch": query.get("branch"), "kind": query.get("kind"),
         "status": query.get("status") if query.get("status") in STATUSES else None,
         "unit": "week" if query.get("unit") == "week" else "day",
         "env": query.get("env") or None,
         "page": int(query["page"]) if str(query.get("page", "")).isdigit() else 1}
    try:
        with db.read_connection() as conn:
            project = get_project(conn, slug)
            branches = build_series.branches(conn, project.id)
            environments = delivery.environments(conn, project.id)
            apps = linked_to_project(conn, project.id)
    except JadugarError as err:
        if err.status != 404:
            return dbc.Alert(err.message, color="warning")
        return not_found.page("Project not found", f"There is no project {slug!r}.",
                              f"/builds/{slug}")
    who = policy.current_principal()
    unit = dbc.RadioItems(id=f"{P}-unit", options=["day", "week"], value=q["unit"],
                          inline=True, className="small")
    return html.Div([
        follow_components(P, 5000, slug),
        dcc.Store(id=f"{P}-page", data=q["page"]),
        dcc.Store(id=f"{P}-written", data=0),
        dcc.Location(id=f"{P}-url", refresh=False),
        dcc.Download(id=f"{P}-download"),
        html.Div([html.H3(project.name, className="me-2 mb-0"),
                  html.Span(project.repository or "", className="text-body-secondary"),
                  _linked_applications(apps)],
                 className="d-flex flex-wrap column-gap-2 align-items-baseline mb-3"),
        _filter_bar(branches, q),
        dora.card(P, environments, q["env"], csv_button("dora")),
        chart_card("durations", "Build duration (each build; p50 and p95 trend)",
                   _graph("durations")),
        dbc.Row([
            dbc.Col(chart_card("success", "Success rate", _graph("success"), unit), lg=6),
            dbc.Col(chart_card("outcomes", "Builds by status", _graph("outcomes")), lg=6),
        ]),
        dbc.Row([
            dbc.Col(chart_card("stages", "Duration by stage", _graph("stages")), lg=6),
            dbc.Col(chart_card("branches", "Branches: failure streaks, slowest, flakiest",
                               html.Div(id=f"{P}-branches")), lg=6),
        ]),
        panels.milestones_panel(P, writable=policy.allowed(who, "milestones.write")),
        test_panels.card(),
        chart_card("table", "Builds", html.Div([
            html.Div(id=f"{P}-table"),
            html.Div([dbc.Button("Newer", id=f"{P}-prev", size="sm", outline=True),
                      html.Span(id=f"{P}-pageinfo", className="mx-3 small"),
                      dbc.Button("Older", id=f"{P}-next", size="sm", outline=True)],
                     className="d-flex align-items-center")])),
        panels.project_form(P, project) if policy.allowed(who, "projects.write") else None,
    ])


TIME_COLUMNS = ("created_at", "t", "bucket", "ts")
# Events of this project (the shell joined its room) redraw charts, table and milestones
# at most every 5 s, so a busy CI costs one set of queries, not one per build.
follow(P, ("build", "status_update", "milestone", "tests"), key="project")

# Drag-to-zoom on a time chart makes the zoomed span the page's range (the URL keeps it as
# ?range=<UTC>..<UTC>, and every chart, tile and the table follow), as Grafana does. The
# durations chart reads wall-clock times of the browser's zone, the day charts UTC days.
clientside_callback(
    """(...layouts) => {
        const skip = window.dash_clientside.no_update;
        const trig = (window.dash_clientside.callback_context.triggered || [])[0];
        if (!trig) return skip;
        const id = trig.prop_id.split('.')[0];
        const ids = window.dash_clientside.callback_context.inputs_list.map(i => i.id);
        const lay = layouts[ids.indexOf(id)];
        const a = lay && (lay['xaxis.range[0]'] || (lay['xaxis.range'] || [])[0]);
        const b = lay && (lay['xaxis.range[1]'] || (lay['xaxis.range'] || [])[1]);
        if (!a || !b) return skip;
        const utc = !id.endsWith('-durations');
        const iso = (t) => new Date(String(t).replace(' ', 'T') + (utc ? 'Z' : ''))
            .toISOString().slice(0, 19) + 'Z';
        const since = iso(a), until = iso(b);
        return since < until ? since + '..' + until : skip;
    }""",
    Output(f"{P}-range", "value", allow_duplicate=True),
    *[Input(f"{P}-{g}", "relayoutData") for g in ("durations", "success", "outcomes")],
    prevent_initial_call=True,
)

FILTERS = [Input(f"{P}-range", "value"), Input(f"{P}-branch", "value"),
           Input(f"{P}-kind", "value"), Input(f"{P}-status", "value")]


@callback(Output(f"{P}-durations", "figure"), Output(f"{P}-success", "figure"),
          Output(f"{P}-outcomes", "figure"), Output(f"{P}-stages", "figure"),
          Output(f"{P}-branches", "children"), Output(f"{P}-ignores-success", "children"),
          Output(f"{P}-ignores-branches", "children"), *FILTERS, Input(f"{P}-unit", "value"),
          Input(TZ, "data"), Input(f"{P}-refresh", "data"), State(f"{P}-slug", "data"))
def draw_charts(range_, branch, kind, status, unit, tz, _refresh, slug):
    flt = _filters(range_, branch, kind, status)
    set_ = {"branch": branch, "kind": kind, "status": status}
    with db.read_connection() as conn:
        data = build_series.project_charts(conn, get_project(conn, slug).id, flt, unit)
    # Per-build times in the viewer's zone; day and week buckets stay UTC days. Every time
    # chart spans the chosen range, however few builds fall in it.
    local, utc = local_range(flt.since, flt.until, tz), local_range(flt.since, flt.until, None)
    return (figs.duration_figure(localise(data["durations"], tz, TIME_COLUMNS),
                                 localise(data["trend"], tz, TIME_COLUMNS), local),
            figs.success_rate_figure(data["success"], utc),
            figs.outcomes_figure(data["outcomes"], utc),
            figs.stage_figure(data["stages"], build_series.STAGE_SAMPLE),
            branch_table(data["branches"]), dora.ignored_note("success", set_),
            dora.ignored_note("branches", set_))


@callback(Output(f"{P}-tiles", "children"), Output(f"{P}-dora-table", "children"),
          Output(f"{P}-ignores-dora", "children"), *FILTERS, Input(f"{P}-env", "value"),
          Input(TZ, "data"), Input(f"{P}-refresh", "data"), State(f"{P}-slug", "data"))
def draw_tiles(range_, branch, kind, status, env, tz, _refresh, slug):
    flt = _filters(range_, None, None, None)
    envs = [env] if env else None
    with db.read_connection() as conn:
        d, rows = delivery.with_rows(conn, slug, flt.since, flt.until, envs)
    return (dora.tiles(P, d), dora.deploys_table(P, slug, rows, tz),
            dora.ignored_note("dora", {"branch": branch, "kind": kind, "status": status}))


def branch_table(df) -> dbc.Table | html.P:
    if df.empty:
        return html.P("No finished builds on any branch in this range.")
    rows = [html.Tr([html.Td(r.branch), html.Td(r.runs), html.Td(percent(r.failure_rate)),
                     html.Td(percent(r.flip_rate)),
                     html.Td(minutes(r.p50)),
                     html.Td(int(r.current_streak)), html.Td(int(r.longest_streak))])
            for r in df.itertuples()]
    head = html.Thead(html.Tr([html.Th(h) for h in (
        "Branch", "Runs", "Failing", "Flaky (flips)", "p50", "Failing now", "Longest streak")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, responsive=True)


@callback(Output(f"{P}-page", "data"), Input(f"{P}-prev", "n_clicks"),
          Input(f"{P}-next", "n_clicks"), *FILTERS, State(f"{P}-page", "data"),
          prevent_initial_call=True)
def turn_page(_prev, _next, *args):
    page = args[-1] or 1
    if ctx.triggered_id == f"{P}-next":
        return page + 1
    if ctx.triggered_id == f"{P}-prev":
        return max(1, page - 1)
    return 1  # a new filter starts from the newest builds


@callback(Output(f"{P}-table", "children"), Output(f"{P}-pageinfo", "children"),
          Output(f"{P}-url", "search"), *FILTERS, Input(f"{P}-unit", "value"),
          Input(f"{P}-page", "data"), Input(f"{P}-written", "data"), Input(TZ, "data"),
          Input(f"{P}-refresh", "data"), Input(f"{P}-env", "value"), State(f"{P}-slug", "data"))
def draw_table(range_, branch, kind, status, unit, page, _written, tz, _refresh, env, slug):
    flt = _filters(range_, branch, kind, status)
    with db.read_connection() as conn:
        rows, total = build_reads.table_page(conn, get_project(conn, slug).id, flt, page,
                                             PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    query = {k: v for k, v in (("range", range_), ("branch", branch), ("kind", kind),
                               ("status", status), ("unit", unit),
                               ("page", page if page > 1 else None), ("env", env)) if v}
    return builds_table(slug, rows, tz), f"page {page} of {pages} · {total} builds", \
        "?" + urlencode(query)


def builds_table(slug: str, rows: list[dict], tz: str | None = None) -> dbc.Table | html.P:
    if not rows:
        return html.P("No builds match these filters.")
    body = [html.Tr([
        html.Td(html.A(f"#{r['number'] or r['id']}", href=f"/builds/{slug}/{r['id']}")),
        html.Td(status_badge(r["status"])), html.Td(r["branch"] or ""), html.Td(r["kind"]),
        html.Td((r["commit_sha"] or "")[:8]), html.Td(local_time(r["created_at"], tz)),
        html.Td([minutes(r["duration_s"]), " ", dbc.Badge("abnormally long", color="warning")
                 if r.get("anomalous") else None]),
    ]) for r in rows]
    head = html.Thead(html.Tr([html.Th(h) for h in (
        "Build", "Status", "Branch", "Kind", "Commit", "Created", "Duration")]))
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True,
                     id=f"{P}-builds")


@callback(Output(f"{P}-download", "data"),
          Input({"type": "builds-csv", "chart": ALL}, "n_clicks"),
          State(f"{P}-range", "value"), State(f"{P}-branch", "value"),
          State(f"{P}-kind", "value"), State(f"{P}-status", "value"),
          State(f"{P}-unit", "value"), State(f"{P}-env", "value"), State(f"{P}-slug", "data"),
          prevent_initial_call=True)
def download_csv(clicks, range_, branch, kind, status, unit, env, slug):
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    name = ctx.triggered_id["chart"]
    flt = _filters(range_, branch, kind, status)
    with db.read_connection() as conn:
        df = panels.chart_frame(conn, slug, name, flt, unit, [env] if env else None)
    return dcc.send_string(to_string(list(df.columns), df.itertuples(index=False)),
                           f"{slug}-{name}.csv")
