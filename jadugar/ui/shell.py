"""The frame around every page: navbar, connection state, theme toggle, toasts."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, clientside_callback, dcc, html
from flask_login import current_user

from jadugar import db
from jadugar.services import user_theme
from jadugar.ui import clock, db_banner, live, replica_note, theme
from jadugar.web import csrf

# Dash's page, with assets/theme.js first in <head>: the light or dark mode is set before
# anything is drawn, so a dark page never flashes white. (Dash itself would load assets' JS
# at the end of <body>; app.py leaves theme.js out of those.)
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        <script src="/assets/theme.js"></script>
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""
THEME_SCRIPT_PATTERN = r"theme\.js$"

NAV = [("Dashboard", "/"), ("Builds", "/builds"), ("Monitoring", "/monitoring"),
       ("Alerts", "/alerts"), ("Settings", "/settings")]


def navbar() -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(name, href=href, active="exact" if href == "/" else "partial"))
             for name, href in NAV]
    extra = [dbc.NavItem(dbc.NavLink(p["name"], href=p["path"], active="partial"))
             for p in dash.page_registry.values() if p.get("nav_extra")]
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand([html.I(className="bi bi-stars me-2"), "Jadugar"], href="/"),
            dbc.NavbarToggler(id="shell-toggler"),
            dbc.Collapse([
                dbc.Nav(links + extra, navbar=True, className="me-auto"),
                html.Div([
                    dbc.Badge("offline", id="shell-live", color="secondary", className="me-3",
                              title="Live updates"),
                    theme_menu(),
                    logout_form(),
                ], className="d-flex align-items-center"),
            ], id="shell-collapse", navbar=True),
        ], fluid=True),
        color="primary", dark=True, className="mb-3",
    )


THEMES = (("light", "bi-sun", "Light"), ("dark", "bi-moon-stars", "Dark"),
          ("auto", "bi-circle-half", "Follow system"))


def theme_menu() -> dbc.DropdownMenu:
    """Light, dark, or the system's setting; assets/theme.js applies and remembers it."""
    items = [dbc.DropdownMenuItem([html.I(className=f"bi {icon} me-2"), text],
                                  id=f"shell-theme-{value}", n_clicks=0)
             for value, icon, text in THEMES]
    return dbc.DropdownMenu(
        items, id="shell-theme", nav=True, in_navbar=True, align_end=True,
        # The word shows in the phone menu; beside the icon alone it is for screen readers.
        label=html.Span([html.I(className="bi bi-circle-half", id="shell-theme-icon"),
                         html.Span("Theme", className="ms-1 d-lg-none"),
                         html.Span("Theme", className="visually-hidden d-none d-lg-inline")]),
        toggle_class_name="text-white", class_name="me-3", toggle_style={"padding": 0},
    )


def logout_form() -> html.Form:
    """Logout is a POST carrying the session's CSRF token, so no link or image on another
    site can sign anyone out. The layout is built per request, so the token is this
    browser's own."""
    return html.Form([
        dcc.Input(type="hidden", name=csrf.FIELD, value=csrf.token(), id="shell-logout-csrf"),
        html.Button([html.I(className="bi bi-box-arrow-right me-1"), "Log out"],
                    type="submit", id="shell-logout",
                    className="btn btn-link nav-link text-white p-0 border-0"),
    ], method="POST", action="/logout", id="shell-logout-form", className="mb-0")


def layout() -> html.Div:
    return html.Div([
        dcc.Location(id="shell-url", refresh=False),
        db_banner.components(),
        navbar(),
        replica_note.components(),
        live.components(),
        dcc.Store(id="shell-plotly-templates", data=theme.templates_for_browser()),
        dcc.Store(id="shell-theme-saved"),
        clock.components(),
        # Bottom right: at the top the toasts covered the dashboard's "Open alerts" card.
        html.Div(id="shell-toasts", className="shell-toasts"),
        dbc.Container(dash.page_container, fluid=True, className="pb-5"),
    ])


clientside_callback(
    """(templates) => {
        window.jadugarTheme.setTemplates(templates);
        return window.dash_clientside.no_update;
    }""",
    Output("shell-plotly-templates", "id"),
    Input("shell-plotly-templates", "data"),
)

# A pick (or the first render) → apply it, then show its icon and tick it in the menu.
clientside_callback(
    """(...clicks) => {
        const t = window.jadugarTheme;
        const id = window.dash_clientside.callback_context.triggered_id;
        if (typeof id === 'string' && id.startsWith('shell-theme-')) {
            t.set(id.slice('shell-theme-'.length));
        }
        const choice = t.choice();
        const icons = {light: 'bi bi-sun', dark: 'bi bi-moon-stars', auto: 'bi bi-circle-half'};
        return [icons[choice], choice === 'light', choice === 'dark', choice === 'auto'];
    }""",
    Output("shell-theme-icon", "className"),
    *[Output(f"shell-theme-{value}", "active") for value, _icon, _text in THEMES],
    *[Input(f"shell-theme-{value}", "n_clicks") for value, _icon, _text in THEMES],
)


@callback(Output("shell-theme-saved", "data"),
          *[Input(f"shell-theme-{value}", "n_clicks") for value, _icon, _text in THEMES],
          prevent_initial_call=True)
def keep_theme(*_clicks: int | None) -> str:
    """A pick is the person's: kept on their user (any browser they sign in from gets it,
    through the cookie sign-in sets) and in this browser's cookie."""
    picked = str(dash.ctx.triggered_id or "").removeprefix("shell-theme-")
    if picked not in user_theme.CHOICES:
        return dash.no_update
    if current_user and current_user.is_authenticated:
        with db.transaction() as conn:
            user_theme.set_choice(conn, int(current_user.id), picked)
    user_theme.set_cookie(dash.callback_context.response, picked)
    return picked


@callback(Output("shell-collapse", "is_open"), Input("shell-toggler", "n_clicks"),
          prevent_initial_call=True)
def toggle_menu(n: int | None) -> bool:
    return bool(n and n % 2)
