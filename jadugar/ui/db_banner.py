"""A banner across every page while the database is away, and the page served instead of
one that cannot be built.

An open page keeps its last data while PostgreSQL is down, but its callbacks answer 503,
so without a word it would look current. The browser asks /readyz (public, cheap, no
session lookup) every POLL_MS and shows why nothing updates; the banner goes away by itself
when /readyz answers 200 again. Nothing here touches the database, so it works when
nothing else does.

The shell places `components()` once; a page load that fails for the same reason gets the
error page (jadugar/web/error_page.py, 503), which reloads itself.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, clientside_callback, dcc, html

BANNER = "shell-db-banner"
POLL_MS = 5_000
DOWN = "The database is unavailable: pages cannot load or save data. Retrying…"

clientside_callback(
    f"""async (_n) => {{
        // A network error means the web server itself is away: the live badge says so.
        try {{
            const r = await fetch('/readyz', {{cache: 'no-store', credentials: 'omit'}});
            if (r.ok) return [false, ''];
            const body = await r.json().catch(() => ({{}}));
            if (body.migrations === 'pending')
                return [true, 'Database migrations are pending: run `jadugar db upgrade`.'];
            return [true, {DOWN!r}];
        }} catch (e) {{
            return [window.dash_clientside.no_update, window.dash_clientside.no_update];
        }}
    }}""",
    Output(BANNER, "is_open"), Output(f"{BANNER}-text", "children"),
    Input(f"{BANNER}-poll", "n_intervals"),
)


def components() -> html.Div:
    return html.Div([
        dcc.Interval(id=f"{BANNER}-poll", interval=POLL_MS),
        dbc.Alert([html.I(className="bi bi-database-exclamation me-2"),
                   html.Span(id=f"{BANNER}-text")],
                  id=BANNER, color="danger", is_open=False, className="rounded-0 mb-0 py-2",
                  style={"position": "sticky", "top": 0, "zIndex": 1090}),
    ], id=f"{BANNER}-slot")
