"""`expect.conditions`: the key every probed check type reads, declared once."""

from __future__ import annotations

from typing import Any

from .conditions import MAX_CONDITIONS, ConditionError, parse_all
from .schema import Setting, fail


def _check(field: str, value: Any) -> None:
    try:
        parse_all(value)
    except ConditionError as exc:
        fail(field, str(exc))


def lines(value: Any) -> list[str]:
    """The Settings form's textarea: one condition a line; blank lines and # notes skipped."""
    return [line.strip() for line in str(value or "").splitlines()
            if line.strip() and not line.strip().startswith("#")]


def text(value: list[str]) -> str:
    return "\n".join(value)


CONDITIONS = Setting(
    f"Conditions the result must meet, each judged on its own (at most {MAX_CONDITIONS}), "
    "like \"[STATUS] == 200\", \"[BODY].data.items[0].id > 3\" or \"degraded: "
    "[RESPONSE_TIME] < 300\" (a failed degraded: condition degrades instead of downing). "
    "See docs/conditions.md.",
    json="array", items="string", shape="a list of conditions (text)",
    example=["[STATUS] == 200", "degraded: [RESPONSE_TIME] < 300"], check=_check)
