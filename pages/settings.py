"""/settings — placeholder until its issue lands."""

import dash
from dash import html

dash.register_page(__name__, path="/settings", name="Settings", title="Settings · Jadugar")

layout = html.Div([html.H3("Settings"), html.P("Coming soon.", className="text-body-secondary")])
