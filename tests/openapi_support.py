"""Every API response a test receives is checked against the OpenAPI document: the path and
method must be documented, the status must be one the operation lists, and a JSON body must
match its schema. So the document cannot drift from what the API answers (issue 12,
finding 4)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from openapi_schema_validator import OAS30Validator


def _document() -> dict[str, Any]:
    # Built again for each response (about 2 ms): a test may register a check type or a CI
    # source, and the document must describe it the moment it exists.
    from jadugar.api.openapi import document

    return document()


@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    path = path.split("?", 1)[0]
    # Literal paths first: /audit.csv before /audit{x}, /checks/1/history before {id}.
    for template in sorted(doc["paths"], key=lambda t: t.count("{")):
        if _pattern(template).match(path):
            return doc["paths"][template].get(method.lower())
    return None


def check(method: str, path: str, response: Any) -> None:
    """Raise AssertionError when the response does not match the document."""
    doc = _document()
    op = operation(doc, method, path)
    if op is None and response.status_code in (404, 405):
        return  # a test asking for what does not exist, and told so
    assert op is not None, f"{method.upper()} /api/v1{path} is not in the OpenAPI document"
    responses = op["responses"]
    status = str(response.status_code)
    spec = responses.get(status) or responses.get(f"{status[0]}XX")
    if spec is None and status == "429":  # rate limits answer on any route
        return
    assert spec is not None, (f"{method.upper()} {path} answered {status}, which its "
                              f"operation does not list ({', '.join(responses)})")
    if "$ref" in spec:
        spec = doc["components"]["responses"][spec["$ref"].rsplit("/", 1)[-1]]
    if not response.is_json or response.status_code == 204:
        return
    schema = spec.get("content", {}).get("application/json", {}).get("schema")
    if not schema:
        return
    root = {"components": doc["components"], "allOf": [schema]}
    errors = sorted(OAS30Validator(root).iter_errors(response.get_json()),
                    key=lambda e: list(e.absolute_path))
    assert not errors, (f"{method.upper()} {path} → {status} does not match its schema: "
                        + "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: "
                                    f"{e.message[:200]}" for e in errors[:5]))
