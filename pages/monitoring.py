"""/monitoring — placeholder until its issue lands."""

import dash
from dash import html

dash.register_page(__name__, path="/monitoring", name="Monitoring", title="Monitoring · Jadugar")

layout = html.Div([html.H3("Monitoring"), html.P("Coming soon.", className="text-body-secondary")])
