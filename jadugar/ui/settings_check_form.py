"""The check form, drawn from the check types (jadugar/checks/): each type's form fields
(types that share them, like http and https, name one group), and the two translations the
form needs: browser values → the check the services take, and a stored check → form values.

Browser values are whatever was sent: each field's reader turns its value into JSON, and a
mistake names its own form field. The check is then validated with its type's schema here
as well, so an error lands beside the field holding the value (expect.rule.op → rule_op);
jadugar/services/check_fields.py validates it once more, exactly as for the API.

The form never shows a stored secret, to admins neither: passwords in the target, sensitive
header values and the body read `***`, and saving with `***` left in place keeps the
stored secret (jadugar/services/check_credentials.py)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc

from jadugar.checks import CheckType, FormField, conditions_setting, registry
from jadugar.checks import form as readers
from jadugar.checks.conditions import ConditionError, parse_all
from jadugar.checks.kind import SHARED_FIELDS
from jadugar.errors import Invalid
from jadugar.services import redact
from jadugar.ui.forms import field, number, whole

SHARED = SHARED_FIELDS
_MISSING = object()


def groups() -> dict[str, tuple[FormField, ...]]:
    """Form fields by group, in registry order; types without fields have no group."""
    out: dict[str, tuple[FormField, ...]] = {}
    for kind in registry.types().values():
        if kind.form.fields:
            out.setdefault(kind.form_group, kind.form.fields)
    return out


def all_fields() -> list[FormField]:
    return [f for fields in groups().values() for f in fields]


# What settings_checks.py reads. Plug-ins are found once, at process start, so these hold.
GROUPS = {group: tuple(f.name for f in fields) for group, fields in groups().items()}
TYPE_GROUPS = {name: kind.form_group for name, kind in registry.types().items()
               if kind.form.fields}
TARGETS = {name: (kind.target.label, kind.target.placeholder)
           for name, kind in registry.types().items() if kind.target}
NAMES = [*SHARED, *(f.name for f in all_fields())]
# Service error fields → the form field that shows them.
ALIASES = {**{f.path: f.name for f in all_fields()}, "expect.conditions": "conditions"}


def has_target(kind: str | None) -> bool:
    """False for pushed types (heartbeat), whose form shows no target field."""
    declared = registry.get(kind)
    return declared is None or not declared.pushed


def to_check(v: dict[str, Any], current: Any = None) -> dict[str, Any]:
    """The service input for a create (current None) or an update of `current`."""
    kind = registry.get(v["type"]) if isinstance(v["type"], str) else None
    data: dict[str, Any] = {"name": v["name"], "type": v["type"],
                            "interval_s": whole(v["interval_s"], "interval_s")}
    if kind is None or not kind.pushed:  # an unknown type is the service's to refuse
        data["target"] = v["target"]
    if v["timeout_s"] not in (None, ""):
        data["timeout_s"] = number(v["timeout_s"], "timeout_s")
    if kind is None or not kind.form.fields:
        return _with_conditions(data, kind, v, current)
    expect, options, columns = _read(kind, v)
    if kind.form.rules:
        kind.form.rules(expect, options)
    owned = _owned(kind)
    if owned["expect"] or owned["options"]:
        data["expect"] = _merge(getattr(current, "expect", None), owned["expect"], expect)
        data["options"] = _merge(getattr(current, "options", None), owned["options"],
                                 options)
        _validate(kind, data["expect"], data["options"])
    return _with_conditions({**data, **columns}, kind, v, current)


def _with_conditions(data: dict[str, Any], kind: CheckType | None, v: dict[str, Any],
                     current: Any) -> dict[str, Any]:
    """The conditions textarea (one a line) into expect.conditions, for every probed type;
    an error names the condition and column beside the textarea."""
    if kind is None or kind.pushed:
        return data
    lines = conditions_setting.lines(v.get("conditions"))
    try:
        parse_all(lines)
    except ConditionError as exc:
        raise Invalid(str(exc), field="conditions") from None
    before = data.get("expect", getattr(current, "expect", None) or {})
    expect = {k: x for k, x in before.items() if k != "conditions"}
    if lines:
        expect["conditions"] = lines
    return {**data, "expect": expect} if expect != before else data


def _read(kind: CheckType, v: dict[str, Any]) -> tuple[dict, dict, dict]:
    """expect, options and check columns from the type's fields; blank fields say nothing."""
    out: dict[str, dict] = {"expect": {}, "options": {}, "columns": {}}
    for f in kind.form.fields:
        raw = v.get(f.name)
        if f.widget == "choice":
            raw = raw or f.default
        elif f.widget != "switch" and not _filled(raw):
            continue
        reader = f.read or (readers.number if f.widget == "number" else str)
        try:
            value = reader(raw)
        except ValueError as exc:
            raise Invalid(str(exc), field=f.name) from None
        where, _, path = f.path.partition(".")
        node = out[where] if path else out["columns"]
        *parents, last = path.split(".") if path else [where]
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return out["expect"], out["options"], out["columns"]


def _filled(value: Any) -> bool:
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


def _owned(kind: CheckType) -> dict[str, set[str]]:
    """The expect/options keys the form owns. Editing replaces these and keeps any other
    key (set through the API or a config file, e.g. options.max_body_bytes) as it was."""
    out: dict[str, set[str]] = {"expect": set(), "options": set()}
    for f in kind.form.fields:
        where, _, path = f.path.partition(".")
        if path:
            out[where].add(path.split(".")[0])
    return out


def _merge(old: dict | None, owned: set[str], new: dict) -> dict:
    return {**{k: v for k, v in (old or {}).items() if k not in owned}, **new}


def _validate(kind: CheckType, expect: dict, options: dict) -> None:
    try:
        kind.validate_settings(expect, options)
    except Invalid as err:
        name = {f.path: f.name for f in kind.form.fields}.get(err.field or "")
        if name is None:
            raise
        # "expect.status: cannot read 'x'" reads "cannot read 'x'" beside its field.
        message = err.message.removeprefix(f"{err.field}:").removeprefix(err.field or "")
        raise Invalid(message.strip(), field=name) from None


def to_form(row: Any) -> dict[str, Any]:
    """A stored check (checks.get_check row) as form values: the inverse of to_check."""
    stored = {"expect": row.expect or {}, "options": redact.options(row.options or {})}
    values = {"application": row.application, "name": row.name, "type": row.type,
              "target": redact.target(row.target, row.type) if has_target(row.type) else "",
              "interval_s": row.interval_s, "timeout_s": row.timeout_s,
              "conditions": conditions_setting.text((row.expect or {}).get("conditions", []))}
    for f in all_fields():
        where, _, path = f.path.partition(".")
        value = _lookup(stored[where], path) if path else getattr(row, where, _MISSING)
        values[f.name] = _shown(f, value)
    return values


def _lookup(node: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _shown(f: FormField, value: Any) -> Any:
    if value is _MISSING or (value is None and f.show is None):
        if f.widget in ("switch", "choice"):
            return f.default
        return None if f.widget == "number" else ""
    if f.show:
        return f.show(value)  # json_value shows a stored null as "null"
    return bool(value) if f.widget == "switch" else value


def group_rows(prefix: str, shown: str = "http") -> list[dbc.Row]:
    """One row of fields per group, hidden but the `shown` one; the form's type callback
    shows the row of the chosen type (ids: <prefix>-group-<group>, <prefix>-<field>)."""
    return [dbc.Row([field(prefix, f.name, "" if f.widget == "switch" else f.label,
                           _control(prefix, f), f.width) for f in fields],
                    id=f"{prefix}-group-{group}",
                    className="g-2" if group == shown else "g-2 d-none")
            for group, fields in groups().items()]


def _control(prefix: str, f: FormField) -> Any:
    id_ = f"{prefix}-{f.name}"
    if f.widget == "choice":
        return dcc.Dropdown(id=id_, options=list(f.choices), value=f.default,
                            clearable=False)
    if f.widget == "switch":
        return dbc.Switch(id=id_, label=f.label, value=f.default, className="mt-4")
    if f.widget == "area":
        return dbc.Textarea(id=id_, placeholder=f.placeholder, size="sm", rows=2)
    return dbc.Input(id=id_, placeholder=f.placeholder, size="sm",
                     type="number" if f.widget == "number" else "text")
