"""One palette for every page: the same status always has the same colour, and one look
for light and dark mode (Bootstrap's data-bs-theme and the Plotly templates below)."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

STATUS_COLORS = {
    "success": "#2e9d5b", "up": "#2e9d5b",
    "failed": "#d63939", "down": "#d63939",
    "running": "#2f7ed8", "queued": "#8c98a4",
    "cancelled": "#6c757d", "skipped": "#adb5bd",
    "degraded": "#f0a020", "unknown": "#adb5bd",
    "firing": "#d63939", "acknowledged": "#f0a020", "resolved": "#2e9d5b",
}

BADGE = {
    "success": "success", "up": "success", "resolved": "success",
    "failed": "danger", "down": "danger", "firing": "danger",
    "running": "primary", "queued": "secondary", "cancelled": "secondary",
    "skipped": "light", "degraded": "warning", "acknowledged": "warning",
    "unknown": "secondary",
}


def color(status: str | None) -> str:
    return STATUS_COLORS.get(status or "unknown", STATUS_COLORS["unknown"])


def badge_color(status: str | None) -> str:
    return BADGE.get(status or "unknown", "secondary")


# --- Light and dark -------------------------------------------------------------------
# Figures are built once on the server, but the reader picks light or dark in the browser
# (assets/theme.js). So each figure is built with the light template, and the browser swaps
# `layout.template` for the one of the current mode before Plotly draws, and again when the
# mode changes. The two templates travel to the browser in the shell's THEME_STORE.
# Backgrounds match Bootstrap's --bs-body-bg of each mode, so a chart sits flush in its card.

# A trend line (p50) that reads on white and on near-black, and is not a status colour.
P50 = "#8a63d2"
P95 = "#c08a2e"

_MODES = {
    "light": {"bg": "#ffffff", "text": "#343a40", "muted": "#6c757d", "grid": "#e9ecef",
              "zero": "#ced4da", "hover_bg": "#ffffff", "hover_border": "#ced4da"},
    "dark": {"bg": "#212529", "text": "#dee2e6", "muted": "#adb5bd", "grid": "#343a40",
             "zero": "#495057", "hover_bg": "#2b3035", "hover_border": "#495057"},
}
COLORWAY = ["#2f7ed8", P50, "#16a085", "#d35400", "#c0392b", "#7f8c8d", "#e83e8c", "#20c997"]


def _axis(m: dict[str, str]) -> dict:
    return {"automargin": True, "gridcolor": m["grid"], "linecolor": m["zero"],
            "zerolinecolor": m["zero"], "zerolinewidth": 1, "ticks": "",
            "tickfont": {"color": m["muted"]}, "title": {"standoff": 12,
                                                        "font": {"color": m["text"]}}}


def plotly_template(mode: str) -> go.layout.Template:
    """The layout defaults of one mode; no per-trace defaults, which would be copied into
    every figure's JSON (tens of kB per chart)."""
    m = _MODES[mode]
    return go.layout.Template(layout={
        "paper_bgcolor": m["bg"], "plot_bgcolor": m["bg"], "colorway": COLORWAY,
        "font": {"color": m["text"], "family": FONT}, "title": {"x": 0.05},
        "xaxis": _axis(m), "yaxis": _axis(m),
        "legend": {"font": {"color": m["text"]}, "bgcolor": "rgba(0,0,0,0)"},
        "hoverlabel": {"align": "left", "bgcolor": m["hover_bg"],
                       "bordercolor": m["hover_border"], "font": {"color": m["text"]}},
        "annotationdefaults": {"font": {"color": m["muted"]}},
    })


FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
        '"Liberation Sans", Arial, sans-serif')
LIGHT = "jadugar-light"
DARK = "jadugar-dark"
pio.templates[LIGHT] = plotly_template("light")
pio.templates[DARK] = plotly_template("dark")
TEMPLATE = pio.templates[LIGHT]


def templates_for_browser() -> dict[str, dict]:
    """Both templates as plain JSON, for assets/theme.js."""
    return {"light": pio.templates[LIGHT].to_plotly_json(),
            "dark": pio.templates[DARK].to_plotly_json()}
