"""Forms of the build pages: a field with its validation message beside it, and the glue
that turns a JadugarError into "this field is invalid, because ...".

Every form's callback calls `submit(fields, write)`: it runs the write (a service function)
in one transaction and maps an error to its field. Who may submit each form is the policy
table's business: the guard checks the callback's action before it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import dash_bootstrap_components as dbc
from dash import Output, html
from sqlalchemy import Connection

from jadugar import db
from jadugar.errors import JadugarError


def field(prefix: str, name: str, label: str, control: Any) -> html.Div:
    """A labelled control with its feedback line (shown whenever it has text, so it also
    works beside sliders and dropdowns, which Bootstrap's sibling CSS does not cover)."""
    return html.Div([dbc.Label(label, html_for=f"{prefix}-{name}"), control,
                     dbc.FormFeedback(id=f"{prefix}-{name}-fb", type="invalid",
                                      style={"display": "block"})], className="mb-3")


def outputs(prefix: str, names: Sequence[str], inputs: Sequence[str]) -> list[Output]:
    """Feedback text for every field, `invalid` for the text inputs, and the form alert."""
    outs = [Output(f"{prefix}-{n}-fb", "children") for n in names]
    outs += [Output(f"{prefix}-{n}", "invalid") for n in inputs]
    return outs + [Output(f"{prefix}-alert", "children")]


def render(names: Sequence[str], inputs: Sequence[str], err: JadugarError | None,
           ok: str | None = None) -> list[Any]:
    at = err.field if err is not None else None
    known = at in names
    values: list[Any] = [err.message if (err and n == at) else "" for n in names]
    values += [bool(err and n == at) for n in inputs]
    if err is not None and not known:
        values.append(dbc.Alert(err.message, color="danger", className="py-2 mb-0"))
    elif ok:
        values.append(dbc.Alert(ok, color="success", className="py-2 mb-0", duration=4000))
    else:
        values.append(None)
    return values


def submit(names: Sequence[str], inputs: Sequence[str],
           write: Callable[[Connection], Any], ok: str) -> list[Any]:
    """Write in one transaction, and render the outcome for the form."""
    try:
        with db.transaction() as conn:
            write(conn)
    except JadugarError as err:
        return render(names, inputs, err)
    return render(names, inputs, None, ok)


def alert_slot(prefix: str) -> html.Div:
    return html.Div(id=f"{prefix}-alert", className="mt-2")
