"""What a check type is: everything Jadugar knows about one kind of check, in one value.

A type module builds one `CheckType` (http.py, dns.py, ...); the registry collects them.
The API and config files validate with `target` and the schemas, the OpenAPI document
describes the schemas, the Settings form draws `form`, masking reads the schemas' `secret`
and `target.secret`, and the collector runs `probe`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from .conditions_setting import CONDITIONS
from .probe import Probe
from .schema import Schema

NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")
# The check form's own fields; a type's form fields must not reuse these names.
SHARED_FIELDS = ("application", "name", "type", "target", "interval_s", "timeout_s",
                 "conditions")
COLUMNS = ("grace_s",)  # check columns (not expect/options keys) a form field may fill


@dataclass(frozen=True)
class Target:
    """What `target` means for the type.

    `parse(target)` raises ValueError with a sentence for the person when the target is
    malformed, and returns the host it names (None when there is no single host) so the
    outbound rules can refuse a forbidden address at once. `secret` says how much of it
    nobody may read back: "slots" (passwords and tokens inside a URL or DSN) or "whole"."""

    label: str
    placeholder: str
    parse: Callable[[str], str | None]
    help: str = ""
    secret: str = "slots"


@dataclass(frozen=True)
class FormField:
    """One field of the Settings check form.

    `path` says where its value goes: "expect.status", "options.headers",
    "expect.rule.metric", or a check column ("grace_s"). `read` turns what the browser sent
    into that value (ValueError with a sentence that reads beside the field); `show` turns a
    stored value back into what the field displays."""

    name: str
    label: str
    path: str
    widget: str = "text"  # text, number, area, switch, choice
    placeholder: str = ""
    width: int = 3
    choices: tuple[Any, ...] = ()
    default: Any = None  # what a switch or a choice holds before anyone touches it
    read: Callable[[Any], Any] | None = None
    show: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Form:
    """The type's fields in the Settings form. Types that share fields (http and https)
    name the same `group`. `rules(expect, options)` checks what spans several fields
    and raises Invalid naming a form field; it may also drop what an unused field left."""

    fields: tuple[FormField, ...] = ()
    group: str | None = None
    rules: Callable[[dict, dict], None] | None = None


@dataclass(frozen=True)
class CheckType:
    """One kind of check. `target` None: the check reaches nothing (results are pushed to
    Jadugar, like heartbeats); `probe` None: the collector never runs it. `keeps_samples`:
    the probe's `details["samples"]` ([name, labels, value] rows) are stored as metrics.
    `min_interval_s`: the shortest interval_s a check of this type may have (heavy probes).
    `unavailable()`: why checks of this type cannot be saved now (a setting turns the type
    off, an optional package is missing), or None when they can."""

    name: str
    help: str
    target: Target | None
    probe: Probe | None = None
    expect: Schema = field(default_factory=Schema)
    options: Schema = field(default_factory=Schema)
    form: Form = field(default_factory=Form)
    keeps_samples: bool = False
    min_interval_s: int | None = None
    unavailable: Callable[[], str | None] | None = None

    def __post_init__(self) -> None:
        # Every probed type reads `expect.conditions` (conditions_setting.py); a type
        # declares nothing for it, and one that names it keeps its own declaration.
        if self.probe is not None and "conditions" not in self.expect.settings:
            settings = {**self.expect.settings, "conditions": CONDITIONS}
            object.__setattr__(self, "expect", replace(self.expect, settings=settings))

    @property
    def pushed(self) -> bool:
        return self.target is None

    @property
    def form_group(self) -> str:
        return self.form.group or self.name

    def secrets(self) -> dict[str, str]:
        """{option: "value" | "headers"}: the options nobody may read back."""
        return self.options.secrets()

    def validate_settings(self, expect: dict, options: dict,
                          refuse_unknown: bool | None = None) -> None:
        """Raise Invalid naming the first key of `expect` or `options` the probe could not
        run; `refuse_unknown` refuses undeclared keys too (default: as the schema says)."""
        self.expect.validate(expect, "expect", refuse_unknown)
        self.options.validate(options, "options", refuse_unknown)

    def problems(self) -> list[str]:
        """Why this declaration cannot be registered (empty when it can)."""
        out = []
        if not NAME.fullmatch(self.name):
            out.append(f"name {self.name!r} must be lower case letters, digits and _")
        if self.target is None and self.probe is not None:
            out.append("a type without a target has nothing to probe")
        if getattr(self.probe, "type", self.name) != self.name:
            out.append(f"its probe says it is for {self.probe.type!r}")
        if "target" in self.secrets():
            out.append("an option may not be called 'target'")
        for f in self.form.fields:
            where = f.path.split(".")[0]
            if f.name in SHARED_FIELDS or not NAME.fullmatch(f.name):
                out.append(f"form field name {f.name!r} is taken or not a plain name")
            if where not in ("expect", "options") and f.path not in COLUMNS:
                out.append(f"form field {f.name!r}: path {f.path!r} is not expect.*, "
                           f"options.* or one of {', '.join(COLUMNS)}")
        return out
