"""How a "Try it" run reads in the Settings form: the status, the error, and each condition
with a tick or a cross and why it failed."""

from __future__ import annotations

from typing import Any

from dash import html

from jadugar.checks.probe import Result
from jadugar.ui.components import status_badge
from jadugar.ui.monitoring_parts import ms


def result(r: Result) -> Any:
    head = [status_badge(r.status), " ", ms(r.response_ms)]
    if r.status_code is not None:
        head += [" · HTTP ", str(r.status_code)]
    rows: list[Any] = [html.Div(head, id="set-checks-try-status")]
    if r.error:
        rows.append(html.Div(r.error, className="small text-danger text-break"))
    for c in r.details.get("conditions", []):
        mark = "✓" if c["ok"] else "✗"
        why = f' — {c["reason"]}' if c.get("reason") else ""
        rows.append(html.Div([html.Span(mark, className="me-1"), html.Code(c["condition"]),
                              why], className="small"))
    return html.Div(rows, className="border rounded p-2")
