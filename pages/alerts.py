"""/alerts — placeholder until its issue lands."""

import dash
from dash import html

dash.register_page(__name__, path="/alerts", name="Alerts", title="Alerts · Jadugar")

layout = html.Div([html.H3("Alerts"), html.P("Coming soon.", className="text-body-secondary")])
