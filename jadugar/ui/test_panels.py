"""Test results on the build pages: the project page's Tests card (flaky, slowest, most
failing, newly slower; CSV) and the build page's test summary with its failures expanded.

The card follows the project page's range and branch filters and redraws on its live
refresh signal (a new report publishes a `tests` event). Callbacks stay thin:
filters → test_insights (SQL) → a table."""

from __future__ import annotations

from datetime import timedelta

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from jadugar import db
from jadugar.services import test_insights, test_reads
from jadugar.services.csv_export import to_string
from jadugar.timeutil import utcnow
from jadugar.ui.build_figures import TEMPLATE, empty
from jadugar.ui.live import follow, follow_components
from jadugar.ui.theme import color

P = "builds-project-tests"
PROJECT = "builds-project"
D = "builds-detail-tests"
RANGES = {"7d": 7, "30d": 30, "90d": 90, "180d": 180, "365d": 365}
# The card reads raw results: past 90 days a big suite's query takes many seconds (see
# docs/benchmarks.md), so longer page ranges show the last 90 days and say so.
MAX_DAYS = 90
SORTS = {"flaky": "Flaky", "slowest": "Slowest", "failing": "Most failing",
         "slower": "Newly slower"}
ROWS = 25
CSV_ROWS = 50_000
FAILURES_SHOWN = 50
HISTORY_RUNS = 500


def _filter(range_: str | None, branch: str | None, sort: str | None
            ) -> test_insights.TestFilter:
    now = utcnow()
    since = now - timedelta(days=min(MAX_DAYS, RANGES.get(range_ or "30d", 30)))
    return test_insights.make_filter(since, now, branch, sort, now)


def card() -> dbc.Card:
    """The Tests card of the project page (its rows come from `draw_tests`)."""
    sort = dbc.RadioItems(id=f"{P}-sort", options=[{"label": v, "value": k}
                                                    for k, v in SORTS.items()],
                          value="flaky", inline=True, className="small")
    csv = dbc.Button([html.I(className="bi bi-download me-1"), "Download CSV"],
                     id=f"{P}-csv", size="sm", color="secondary", outline=True)
    head = html.Div([html.Span("Tests", className="fw-semibold"), sort,
                     html.Span(className="me-auto"), csv],
                    className="d-flex align-items-center gap-3 flex-wrap")
    history = dcc.Graph(id=f"{P}-history", config={"displaylogo": False},
                        figure=empty("Pick a test above to see its runs across builds"))
    return dbc.Card([dbc.CardHeader(head),
                     dbc.CardBody([dcc.Loading(html.Div(id=f"{P}-table")),
                                   dcc.Loading(history)]),
                     dcc.Download(id=f"{P}-download")], className="mb-3 shadow-sm")


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f} s"


def _trend(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.0f}%"


def tests_table(slug: str, items: list[dict], total: int, capped: bool = False
                ) -> html.Div:
    if not items:
        return html.P("No test results in this range. Post JUnit reports to "
                      "/api/v1/builds/<id>/tests (see docs/test-results.md).")
    rows = [html.Tr([
        html.Td([html.Button(t["name"], id={"type": f"{P}-pick", "test": t["test_id"]},
                             className="btn btn-link btn-sm p-0 fw-semibold text-start"),
                 html.Br(),
                 html.Small(t["suite"], className="text-body-secondary")]),
        html.Td(t["runs"]), html.Td(t["failures"]),
        html.Td(dbc.Badge(f"{t['flaky_score']:.2f}", color="warning") if t["flaky"]
                else f"{t['flaky_score']:.2f}"),
        html.Td([html.A(f"#{b}", href=f"/builds/{slug}/{b}", className="me-1")
                 for b in t["flaky_builds"][:5]]),
        html.Td(_seconds(t["p50_s"])), html.Td(_seconds(t["p95_s"])),
        html.Td(_trend(t["trend"])),
        html.Td(html.A((t["last_failure_message"] or "")[:120],
                       href=f"/builds/{slug}/{t['last_failure_build']}")
                if t["last_failure_build"] else ""),
    ]) for t in items]
    head = html.Thead(html.Tr([html.Th(h) for h in (
        "Test", "Runs", "Failures", "Flaky score", "Evidence", "p50", "p95",
        "Trend", "Last failure")]))
    return html.Div([
        dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, responsive=True,
                  id=f"{P}-rows"),
        html.Small(f"{min(len(items), total)} of {total} tests that ran in "
                   + (f"the last {MAX_DAYS} days (the longest range this card reads)"
                      if capped else "this range"), className="text-body-secondary")])


@callback(Output(f"{P}-table", "children"), Input(f"{P}-sort", "value"),
          Input(f"{PROJECT}-range", "value"), Input(f"{PROJECT}-branch", "value"),
          Input(f"{PROJECT}-refresh", "data"), State(f"{PROJECT}-slug", "data"))
def draw_tests(sort, range_, branch, _refresh, slug):
    with db.read_connection() as conn:
        out = test_insights.project_tests(conn, slug, _filter(range_, branch, sort), ROWS)
    capped = RANGES.get(range_ or "30d", 30) > MAX_DAYS
    return tests_table(slug, out["items"][:ROWS], out["total"], capped)


@callback(Output(f"{P}-download", "data"), Input(f"{P}-csv", "n_clicks"),
          State(f"{P}-sort", "value"), State(f"{PROJECT}-range", "value"),
          State(f"{PROJECT}-branch", "value"), State(f"{PROJECT}-slug", "data"),
          prevent_initial_call=True)
def download_tests(_n, sort, range_, branch, slug):
    with db.read_connection() as conn:
        items = test_insights.project_tests(conn, slug, _filter(range_, branch, sort),
                                            CSV_ROWS)["items"][:CSV_ROWS]
    header = list(items[0]) if items else ["name"]
    return dcc.send_string(to_string(header, ([t[k] for k in header] for t in items)),
                           f"{slug}-tests.csv")


# Outcome colours of the build palette: a failed run red, a passed one green.
OUTCOME_COLOR = {"passed": "success", "failed": "failed", "error": "failed",
                 "flaky": "cancelled", "skipped": "skipped"}


def history_figure(history: dict) -> go.Figure:
    """One test's runs across builds: duration over time, coloured by outcome."""
    runs = history["items"]
    if not runs:
        return empty("No runs of this test")
    fig = go.Figure()
    for status in test_reads.STATUSES:
        part = [r for r in runs if r["status"] == status]
        if part:
            fig.add_trace(go.Scatter(
                x=[r["ts"] for r in part], y=[r["duration_s"] for r in part],
                mode="markers", name=status,
                marker={"color": color(OUTCOME_COLOR[status]), "size": 7},
                customdata=[[r["build_id"], r["branch"] or ""] for r in part],
                hovertemplate="build %{customdata[0]} %{customdata[1]}<br>%{y:.3f} s"
                              "<extra></extra>"))
    fig.update_layout(template=TEMPLATE, height=280, yaxis_title="seconds",
                      title=f"{history['suite']} › {history['name']}",
                      margin={"l": 50, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.2})
    return fig


@callback(Output(f"{P}-history", "figure"), Input({"type": f"{P}-pick", "test": ALL},
                                                   "n_clicks"), prevent_initial_call=True)
def draw_history(clicks):
    if not ctx.triggered_id or not any(clicks):
        return dash.no_update
    with db.read_connection() as conn:
        history = test_reads.test_history(conn, int(ctx.triggered_id["test"]), None, None,
                                          HISTORY_RUNS)
    return history_figure(history)


# A report for this build (its `tests` event names the build) redraws the build page's card.
follow(D, ("tests",), key="build")


def build_tests_live(build_id: int) -> html.Div:
    """The build page's test card, redrawn as reports arrive."""
    return html.Div([follow_components(D, 2000, build_id),
                     html.Div(build_tests(build_id), id=f"{D}-box")])


@callback(Output(f"{D}-box", "children"), Input(f"{D}-refresh", "data"),
          State(f"{D}-slug", "data"), prevent_initial_call=True)
def redraw_build_tests(_refresh, build_id):
    return build_tests(int(build_id))


def build_tests(build_id: int) -> html.Div | None:
    """The build page's test summary, with each failure's message expanded; None when the
    build has no test report."""
    with db.read_connection() as conn:
        out = test_reads.build_tests(conn, build_id, None, FAILURES_SHOWN)
    s = out["summary"]
    if not s["reports"]:
        return None
    failing = [t for t in out["items"] if t["status"] in ("failed", "error")]
    passed = s["tests"] - s["failed"] - s["errors"] - s["skipped"]
    badges = [dbc.Badge(f"{passed} passed", color="success", className="me-1"),
              dbc.Badge(f"{s['failed']} failed", color="danger", className="me-1"),
              dbc.Badge(f"{s['errors']} errors", color="danger", className="me-1"),
              dbc.Badge(f"{s['skipped']} skipped", color="secondary", className="me-1")]
    details = [html.Details([
        html.Summary([dbc.Badge(t["status"], color="danger", className="me-2"),
                      f"{t['suite']} › {t['name']}"]),
        html.Pre(t["message"] or "", className="small bg-body-tertiary p-2 mb-2")],
        open=True) for t in failing]
    return dbc.Card([
        dbc.CardHeader(f"Tests · {s['tests']} in {s['reports']} report(s) · "
                       f"{s['duration_s']:.1f} s"),
        dbc.CardBody([html.Div(badges, className="mb-2"), *details,
                      html.Small("Only the first failures are shown; the API lists all "
                                 f"(/api/v1/builds/{build_id}/tests).",
                                 className="text-body-secondary")
                      if len(failing) >= FAILURES_SHOWN else None])],
        className="mb-3", id="builds-detail-tests")
