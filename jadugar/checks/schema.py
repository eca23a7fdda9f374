"""The keys a check type reads from `expect` and `options`, declared as data: type, default,
help and rules. The same declaration validates (every error names its key, e.g.
`expect.rule.op`), documents (the API's OpenAPI document) and masks (`secret`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jadugar.errors import Invalid

INF = float("inf")
_PY_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}
_WORDS = {"string": "text", "boolean": "true or false", "number": "a number",
          "integer": "a whole number", "object": "an object", "array": "a list"}


def fail(field: str, message: str) -> None:
    """Refuse `field`: the message completes the sentence "<field> ..."."""
    raise Invalid(f"{field} {message}", field=field)


@dataclass(frozen=True)
class Setting:
    """One key of `expect` or `options`.

    `json` is its JSON type (None: any JSON value); `check(field, value)` adds a rule the
    declaration cannot say and raises through `fail`. `secret` marks what nobody may read
    back: "value" (the whole value, like a request body) or "headers" (an object of HTTP
    headers whose secret-looking values are hidden)."""

    help: str
    json: str | None = "string"
    default: Any = None
    enum: tuple[Any, ...] = ()
    ignore_case: bool = False
    minimum: float | None = None
    maximum: float | None = None
    items: str | None = None  # the JSON type of a list's items
    values: str | None = None  # the JSON type of an object's values (an object of text)
    pattern: str | None = None  # text, list items and object keys must match it
    fields: Schema | None = None  # a nested object's own keys
    nullable: bool = False
    example: Any = None
    shape: str = ""  # words for "must be ..." when the type is wrong
    check: Callable[[str, Any], None] | None = None
    secret: str | None = None

    def validate(self, field: str, value: Any, refuse_unknown: bool | None = None) -> None:
        if value is None and self.nullable:
            return
        if self.json and not _PY_TYPES[self.json](value):
            fail(field, f"must be {self.shape or self._words()}")
        if self.enum:
            self._one_of(field, value)
        if self.json in ("number", "integer"):
            self._within(field, value)
        if self.items and not all(_PY_TYPES[self.items](i) and self._matches(i)
                                  for i in value):
            fail(field, f"must be {self.shape or f'a list of {_WORDS[self.items]}'}")
        if self.values and not all(_PY_TYPES[self.values](v) and self._matches(k)
                                   for k, v in value.items()):
            fail(field, f"must be {self.shape or f'an object of {_WORDS[self.values]} values'}")
        if self.pattern and self.json == "string" and not self._matches(value):
            fail(field, f"must be {self.shape or f'text like {self.example!r}'}")
        if self.fields is not None:
            self.fields.validate(value, field, refuse_unknown)
        if self.check:
            self.check(field, value)

    def _words(self) -> str:
        if self.json == "object" and self.example is not None:
            return f"an object like {json.dumps(self.example)}"
        return _WORDS[self.json] if self.json else "a JSON value"

    def _one_of(self, field: str, value: Any) -> None:
        allowed = {str(e).upper() if self.ignore_case else e for e in self.enum}
        if (str(value).upper() if self.ignore_case else value) not in allowed:
            fail(field, f"must be one of {', '.join(map(str, self.enum))}")

    def _within(self, field: str, value: float) -> None:
        low = -INF if self.minimum is None else self.minimum
        high = INF if self.maximum is None else self.maximum
        if low <= value <= high:
            return
        if high == INF:
            bound = f"at least {low:g}"
        elif low == -INF:
            bound = f"at most {high:g}"
        else:
            bound = f"between {low:g} and {high:g}"
        fail(field, f"must be a number, {bound}")

    def _matches(self, text: Any) -> bool:
        return self.pattern is None or bool(re.fullmatch(self.pattern, str(text)))

    def json_schema(self, refuse_unknown: bool | None = None) -> dict[str, Any]:
        """This setting as an OpenAPI 3.0 schema object."""
        out: dict[str, Any] = {"type": self.json} if self.json else {}
        out["description"] = self.help
        if self.enum and self.ignore_case:  # an enum would refuse what is accepted
            out["description"] += f" One of {', '.join(map(str, self.enum))}, in any case."
        for key, value in (("default", self.default), ("example", self.example),
                           ("minimum", self.minimum), ("maximum", self.maximum),
                           ("pattern", self.pattern)):
            if value is not None:
                out[key] = value
        if self.enum and not self.ignore_case:
            out["enum"] = list(self.enum)
        if self.items:
            out["items"] = {"type": self.items}
        if self.values:
            out["additionalProperties"] = {"type": self.values}
        if self.fields is not None:
            out.update(self.fields.json_schema(refuse_unknown))
        if self.nullable:
            out["nullable"] = True
        return out


@dataclass(frozen=True)
class Schema:
    """The keys of one object (`expect`, `options`, or an object inside them).

    `open` keys that are not declared: kept as they are (True), or refused naming the key
    (False). `rules(values, prefix)` checks what spans several keys."""

    settings: Mapping[str, Setting] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    open: bool = True
    rules: Callable[[dict, str], None] | None = None

    def validate(self, values: dict, prefix: str, refuse_unknown: bool | None = None) -> None:
        """Raise Invalid naming the first key of `values` that breaks the declaration;
        `refuse_unknown` overrides `open` here and in nested objects (the API and config
        files refuse every undeclared key, so a typo such as `expect.staus` is an error)."""
        closed = (not self.open) if refuse_unknown is None else refuse_unknown
        for key in values:
            if key not in self.settings and closed:
                known = ", ".join(self.settings) or "none"
                fail(f"{prefix}.{key}", f"is not a known key (known: {known})")
        for key in self.required:
            if values.get(key) in (None, ""):
                fail(f"{prefix}.{key}", "is required")
        for key, setting in self.settings.items():
            if key in values:
                setting.validate(f"{prefix}.{key}", values[key], refuse_unknown)
        if self.rules:
            self.rules(values, prefix)

    def defaults(self) -> dict[str, Any]:
        return {k: s.default for k, s in self.settings.items() if s.default is not None}

    def secrets(self) -> dict[str, str]:
        """{key: "value" | "headers"} for the keys nobody may read back."""
        return {k: s.secret for k, s in self.settings.items() if s.secret}

    def json_schema(self, refuse_unknown: bool | None = None) -> dict[str, Any]:
        closed = (not self.open) if refuse_unknown is None else refuse_unknown
        out: dict[str, Any] = {"type": "object", "properties": {
            k: s.json_schema(refuse_unknown) for k, s in self.settings.items()},
            "additionalProperties": not closed}
        if self.required:
            out["required"] = list(self.required)
        return out
