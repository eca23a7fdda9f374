"""/settings: one tab per settings area (jadugar/ui/settings_areas.py). Viewing needs a
session; each area is shown to those the policy table lets read it (users, tokens,
notification targets and webhook secrets: admins), with its forms to those who may write."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, dcc, html
from flask_login import current_user

from jadugar import policy
from jadugar.ui import settings_refresh
from jadugar.ui.components import empty_state
from jadugar.ui.settings_areas import AREAS

dash.register_page(__name__, path="/settings", name="Settings", title="Settings · Jadugar")

for _area in AREAS:
    _area.register()
settings_refresh.register()

# The chosen tab goes into the URL (?tab=checks) and /settings#checks opens that tab: in the
# browser (assets/settings_admin.js), so nothing for the policy table.
dash.clientside_callback(ClientsideFunction("jadugarSettings", "syncTab"),
                         Output("settings-tabs", "active_tab"),
                         Input("settings-tabs", "active_tab"), State("settings-tab-ids", "data"))


def layout(tab: str | None = None, **_query):
    if not current_user.is_authenticated:  # anonymous view reads pages, never settings
        return empty_state("Sign in to see settings",
                           "Settings show users, tokens and check definitions.", None)
    who = policy.current_principal()
    areas = [a for a in AREAS if a.visible_to(who)]
    tabs = [dbc.Tab(a.layout(), label=a.title, tab_id=a.prefix) for a in areas]
    ids = [a.prefix for a in areas]
    wanted = tab if (tab or "").startswith("set-") else f"set-{tab}"  # ?tab=checks
    return html.Div([html.H3("Settings"), dcc.Store(id="settings-tab-ids", data=ids),
                     dbc.Tabs(tabs, id="settings-tabs",
                              active_tab=wanted if wanted in ids else ids[0])])
