"""Form plumbing for settings pages: every field has an error slot right under it, and a
JadugarError naming a field lands in that field's slot (others in the form's own slot)."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, html

from jadugar.errors import JadugarError


def field(prefix: str, name: str, label: str, control: Any, width: int = 3) -> dbc.Col:
    return dbc.Col([dbc.Label(label, html_for=f"{prefix}-{name}", className="small mb-0"),
                    control,
                    html.Div(id=f"{prefix}-{name}-error", className="invalid-feedback d-block")],
                   xs=12, md=width)


def error_outputs(prefix: str, names: list[str]) -> list[Output]:
    return [Output(f"{prefix}-{n}-error", "children") for n in [*names, "form"]]


def errors(names: list[str], err: JadugarError | None,
           aliases: dict[str, str] | None = None) -> list[str | None]:
    """One message per field (plus the form-wide slot last), all None when err is None.
    `aliases` sends a service's field name (expect.max_response_ms) to the form field that
    holds it when the two differ."""
    out: list[str | None] = [None] * (len(names) + 1)
    if err is not None:
        key = (aliases or {}).get(err.field or "") or (err.field or "").split(".")[0]
        out[names.index(key) if key in names else -1] = err.message
    return out


def form_error(prefix: str) -> html.Div:
    return html.Div(id=f"{prefix}-form-error", className="text-danger small")


def number(value: Any, name: str) -> float | None:
    """Inputs arrive as whatever the browser sent; turn them into numbers or say which one."""
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        from jadugar.errors import Invalid

        raise Invalid(f"{name} must be a number", field=name) from None


def whole(value: Any, name: str) -> int | None:
    n = number(value, name)
    return None if n is None else int(n)


def clear_errors_on_change(prefix: str, names: list[str]) -> None:
    """A field's error slot empties as soon as that field changes (in the browser: no round
    trip, so nothing for the policy table), and the form-wide slot on any change."""
    dash.clientside_callback(
        ClientsideFunction("jadugarSettings", "clearErrors"),
        *[Output(f"{prefix}-{n}-error", "children", allow_duplicate=True)
          for n in [*names, "form"]],
        *[Input(f"{prefix}-{n}", "value") for n in names], prevent_initial_call=True)
