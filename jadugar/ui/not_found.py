"""One not-found page for the whole product: Dash pages (an unknown URL, project, build or
application) and Flask's own error responses (jadugar/web/error_page.py) look the same and
always offer a way back. The markup is built here once, as plain data, so both the Dash
component and the server-rendered HTML come from it."""

from __future__ import annotations

from dataclasses import dataclass

from dash import dcc, html

# URL sections a reader can go back to, by the first part of the path.
SECTIONS = {"builds": "Builds", "monitoring": "Monitoring", "alerts": "Alerts",
            "reports": "Reports", "settings": "Settings"}


@dataclass(frozen=True)
class WayBack:
    href: str
    label: str


def ways_back(path: str | None) -> list[WayBack]:
    """The section the missing thing would have lived in (if any), then the dashboard."""
    first = (path or "").strip("/").split("/", 1)[0]
    ways = [WayBack(f"/{first}", f"Back to {SECTIONS[first]}")] if first in SECTIONS else []
    return ways + [WayBack("/", "Dashboard")]


def page(title: str, message: str, path: str | None = None,
         back: WayBack | None = None) -> html.Div:
    """The Dash form. `back` names a closer parent (a project for a missing build)."""
    ways = ([back] if back else []) + [w for w in ways_back(path) if w != back]
    buttons = [dcc.Link(w.label, href=w.href,
                        className="btn " + ("btn-primary" if n == 0 else "btn-outline-secondary"))
               for n, w in enumerate(ways)]
    return html.Div([
        html.Div(html.I(className="bi bi-signpost-split"), className="not-found-icon"),
        html.Div("Not found", className="not-found-code"),
        html.H1(title, className="h3 mt-1"),
        html.P(message, className="lead not-found-path"),
        html.Div(buttons, className="d-flex gap-2 justify-content-center flex-wrap"),
    ], className="not-found", id="not-found")

