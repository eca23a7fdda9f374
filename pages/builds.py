"""/builds — placeholder until its issue lands."""

import dash
from dash import html

dash.register_page(__name__, path="/builds", name="Builds", title="Builds · Jadugar")

layout = html.Div([html.H3("Builds"), html.P("Coming soon.", className="text-body-secondary")])
