"""One settings area = a create form (errors under each field, cleared when the field
changes), a list with per-row actions (or a line saying it is empty), a confirmation after
every save, and a modal naming the object before anything is deleted. Callbacks are
registered once per section at import (pages/settings.py loops over the areas); they are
the module-level functions `show`, `save`, `act` and `delete` here, taking the section
first. Who may see the list and who may write come from the policy table
(jadugar/policy_map.py names each callback); the guard checks them before a callback runs,
since callbacks accept whatever is sent, and the layout shows only what the viewer may
use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import partial
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Input, Output, State, ctx, dcc, html

from jadugar import db, policy
from jadugar.errors import JadugarError
from jadugar.ui.forms import clear_errors_on_change, error_outputs, errors, field, form_error


@dataclass
class Section:
    prefix: str
    title: str
    fields: list[tuple[str, str, Callable[[str], Any], int]]  # name, label, control, width
    create: Callable[[Any, dict[str, Any], str], Any] | None
    rows: Callable[[Any], tuple[list[str], list[tuple[Any, list[Any]]]]]
    delete: Callable[[Any, Any, str], None] | None = None
    extra: dict[str, Callable[[Any], str | None]] = dc_field(default_factory=dict)
    help: str = ""
    # What to show once after a successful save, made from create's return value (a new
    # token's secret, a generated password); None shows nothing.
    note: Callable[[Any], Any] | None = None
    reset: tuple[str, ...] = ()  # fields emptied after a save (secrets must not linger)
    save_label: str = "Add"
    delete_label: str = "Delete"
    # The question before delete_label, naming the object: "{name}" is filled from
    # name_of(conn, key) (the row's key when None); a generic one naming `noun` when empty.
    confirm: str = ""
    noun: str = ""
    name_of: Callable[[Any, str], str] | None = None
    empty: str = ""  # what an empty list says; "No <title> yet." when empty
    done: str = "Deleted."
    # Areas that need more than one create form and a list (the per-type check form, the
    # user actions) add components before the list; their own callbacks are module-level
    # functions in their modules (settings_checks, settings_users), registered at import.
    more: Callable[[], list] | None = None

    @property
    def read_action(self) -> str:
        return policy.callback_action(f"{self.prefix}-table.children <- {self.prefix}-changed")

    @property
    def write_action(self) -> str:
        return policy.callback_action(f"{self.prefix}-changed.data <- {self.prefix}-save")

    def visible_to(self, who: policy.Principal | str | None) -> bool:
        return policy.allowed(who, self.read_action)

    def writable_by(self, who: policy.Principal | str | None) -> bool:
        has_writes = self.create or self.delete or self.extra or self.more
        return bool(has_writes) and policy.allowed(who, self.write_action)

    @property
    def names(self) -> list[str]:
        return [f[0] for f in self.fields]

    def layout(self) -> html.Div:
        return layout(self)

    def register(self) -> None:
        register(self)


def layout(s: Section) -> html.Div:
    p = s.prefix
    parts: list[Any] = [dcc.Store(id=f"{p}-changed", data=0), dcc.Store(id=f"{p}-pending"),
                        confirm_modal(p, s.delete_label), html.Div(id=f"{p}-message")]
    if s.help:
        parts.append(html.P(s.help, className="small text-body-secondary"))
    if not s.writable_by(policy.current_principal()):
        parts.append(dcc.Loading(html.Div(id=f"{p}-table")))
        return html.Div(parts, className="pt-3")
    if s.create:
        parts.append(dbc.Card(dbc.CardBody([
            dbc.Row([field(p, name, label, control(f"{p}-{name}"), width)
                     for name, label, control, width in s.fields], className="g-2"),
            dbc.Button(s.save_label, id=f"{p}-save", size="sm", color="primary", className="mt-2"),
            form_error(p)]), className="mb-3 shadow-sm"))
    if s.more:
        parts.extend(s.more())
    parts.append(dcc.Loading(html.Div(id=f"{p}-table")))
    return html.Div(parts, className="pt-3")


def confirm_modal(p: str, verb: str, name: str = "confirm",
                  title: str | None = None) -> dbc.Modal:
    """The question before a destructive action; its body names the object. It closes only
    through its buttons, so a cancel always runs what undoes the request (a role select)."""
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(title or f"{verb}?"), close_button=False),
        dbc.ModalBody(id=f"{p}-{name}-body"),
        dbc.ModalFooter([
            dbc.Button("Cancel", id=f"{p}-{name}-cancel", size="sm", color="secondary",
                       outline=True),
            dbc.Button(verb, id=f"{p}-{name}-ok", size="sm", color="danger")])],
        id=f"{p}-{name}", is_open=False, centered=True, backdrop="static", keyboard=False)


def register(s: Section) -> None:
    """Register the area's callbacks; called once per area at import of pages/settings.py.
    Each callback is a module-level function below taking the section first, so a test can
    call it directly: `show(APPLICATIONS, 0)`."""
    p = s.prefix
    dash.callback(Output(f"{p}-table", "children"), Input(f"{p}-changed", "data"))(
        partial(show, s))
    if s.create:
        dash.callback(Output(f"{p}-changed", "data", allow_duplicate=True),
                      Output(f"{p}-message", "children", allow_duplicate=True),
                      *[Output(f"{p}-{n}", "value", allow_duplicate=True) for n in s.reset],
                      *error_outputs(p, s.names), Input(f"{p}-save", "n_clicks"),
                      *[State(f"{p}-{n}", "value") for n in s.names],
                      State(f"{p}-changed", "data"), prevent_initial_call=True)(
            partial(save, s))
        clear_errors_on_change(p, s.names)
    if s.delete or s.extra:
        dash.callback(Output(f"{p}-pending", "data"), Output(f"{p}-confirm", "is_open"),
                      Output(f"{p}-confirm-body", "children"),
                      Output(f"{p}-message", "children", allow_duplicate=True),
                      Input({"type": f"{p}-act", "act": ALL, "key": ALL}, "n_clicks"),
                      prevent_initial_call=True)(partial(act, s))
        dash.callback(Output(f"{p}-changed", "data", allow_duplicate=True),
                      Output(f"{p}-message", "children", allow_duplicate=True),
                      Output(f"{p}-confirm", "is_open", allow_duplicate=True),
                      Input(f"{p}-confirm-ok", "n_clicks"), State(f"{p}-pending", "data"),
                      State(f"{p}-changed", "data"), prevent_initial_call=True)(
            partial(delete, s))
        dash.clientside_callback(ClientsideFunction("jadugarSettings", "closeModal"),
                                 Output(f"{p}-confirm", "is_open", allow_duplicate=True),
                                 Input(f"{p}-confirm-cancel", "n_clicks"),
                                 prevent_initial_call=True)


def show(s: Section, _changed: Any) -> Any:
    """The area's list, with row buttons for those who may write; a line when it is empty."""
    with db.connection() as conn:
        headers, rows = s.rows(conn)
    if not rows:
        # The same id as the table, so whoever waits for the list finds its empty state.
        return html.P(s.empty or f"No {s.title.lower()} yet.", id=f"{s.prefix}-list",
                      className="settings-empty text-body-secondary fst-italic my-3")
    writer = s.writable_by(policy.current_principal())
    body = [html.Tr([*[html.Td(c) for c in cells], html.Td(_buttons(s, key) if writer else "")],
                    **{"data-key": str(key)}) for key, cells in rows]
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in [*headers, ""]])),
                      html.Tbody(body)], size="sm", hover=True, responsive=True,
                     id=f"{s.prefix}-list", className="align-middle")


def save(s: Section, _n: Any, *sent: Any) -> tuple:
    """The create form: errors under each field, or a note and an emptied form."""
    assert s.create is not None
    *inputs, changed = sent
    values = dict(zip(s.names, inputs, strict=True))
    try:
        with db.transaction() as conn:
            made = s.create(conn, values, policy.current_actor())
    except JadugarError as err:
        return (dash.no_update, dash.no_update, *[dash.no_update] * len(s.reset),
                *errors(s.names, err))
    return ((changed or 0) + 1, s.note(made) if s.note else saved(s, values),
            *[""] * len(s.reset), *errors(s.names, None))


def saved(s: Section, values: dict[str, Any]) -> dbc.Alert:
    """'Added maintenance window “deploy”.': every save says what it did."""
    label = next((values[k] for k in ("title", "name", "slug") if values.get(k)), None)
    named = f" “{str(label).strip()}”" if label else ""
    return alert(f"Added {s.noun or s.title.lower()}{named}.", "success")


def _buttons(s: Section, key: Any) -> list:
    out = [dbc.Button(label, id={"type": f"{s.prefix}-act", "act": name, "key": str(key)},
                      size="sm", color="secondary", outline=True, className="me-1")
           for name, label in (("extra:" + k, k) for k in s.extra)]
    if s.delete:
        out.append(dbc.Button(s.delete_label, id={"type": f"{s.prefix}-act", "act": "delete",
                                            "key": str(key)},
                              size="sm", color="danger", outline=True))
    return out


def act(s: Section, _clicks: Any) -> tuple:
    """A row button: delete asks first; the extra actions run at once."""
    trig = ctx.triggered_id
    if not trig or not any(t["value"] for t in ctx.triggered):
        return dash.no_update, False, dash.no_update, dash.no_update
    try:
        if trig["act"] == "delete":  # destructive: ask first, naming the object
            return trig["key"], True, question(s, trig["key"]), None
        outcome = s.extra[trig["act"].removeprefix("extra:")](trig["key"])
    except (JadugarError, KeyError, ValueError) as err:
        return (dash.no_update, False, dash.no_update,
                alert(getattr(err, "message", str(err)), "danger"))
    return dash.no_update, False, dash.no_update, alert(outcome or "Done.", "info")


def question(s: Section, key: str) -> str:
    """'Delete application “Shop”? This cannot be undone.' for the row `key`."""
    with db.connection() as conn:
        name = s.name_of(conn, key) if s.name_of else key
    text = s.confirm or "{verb} {noun} “{name}”? This cannot be undone."
    return text.format(verb=s.delete_label, noun=s.noun or s.title.lower(), name=name)


def delete(s: Section, _n: Any, key: Any, changed: Any) -> tuple:
    """The confirmed delete of the row `key`."""
    assert s.delete is not None
    if not _n or key is None:
        return dash.no_update, dash.no_update, False
    try:
        with db.transaction() as conn:
            s.delete(conn, key, policy.current_actor())
    except (JadugarError, TypeError, ValueError) as err:
        return dash.no_update, alert(getattr(err, "message", str(err)), "danger"), False
    return (changed or 0) + 1, alert(s.done, "success"), False


def alert(text: str, color: str) -> dbc.Alert:
    return dbc.Alert(text, color=color, dismissable=True, className="py-2")


def shown_once(lead: str, secret: str, id_: str) -> dbc.Alert:
    """A secret the server does not keep readable (a token, a generated password): it travels
    in this one callback response and is never rendered again."""
    return dbc.Alert([
        html.Div(lead),
        html.Div([html.Code(secret, id=id_, className="user-select-all fs-6 me-2"),
                  dcc.Clipboard(target_id=id_, title="Copy", className="d-inline-block")],
                 className="my-1"),
        html.Div("Copy it now: it is shown only this once.", className="small"),
    ], color="warning", dismissable=True, className="py-2")
