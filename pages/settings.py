"""/settings: one tab per settings area (jadugar/ui/settings_areas.py). Viewing needs a
session; writing needs the editor role (checks, windows) or admin (the rest)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from jadugar.ui.settings_areas import AREAS

dash.register_page(__name__, path="/settings", name="Settings", title="Settings · Jadugar")

for _area in AREAS:
    _area.register()


def layout(tab: str | None = None, **_query):
    tabs = [dbc.Tab(a.layout(), label=a.title, tab_id=a.prefix)
            for a in AREAS]
    active = tab if tab in {a.prefix for a in AREAS} else AREAS[0].prefix
    return html.Div([html.H3("Settings"),
                     dbc.Tabs(tabs, id="settings-tabs", active_tab=active)])
