"""GET /api/v1/openapi.json: the OpenAPI 3 document, assembled from the resource modules.

Each resource module may define OPENAPI = {"paths": {...}, "schemas": {...}}; a test fails
when a route under /api/v1 is missing from the document."""

from __future__ import annotations

import sys
from typing import Any

from flask import jsonify

from jadugar import __version__
from jadugar.api import api
from jadugar.checks import registry

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "field": {"type": "string"}}}},
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def op(summary: str, scope_: str | None, *, body: str | None = None,
       response: str | dict | None = None, status: int = 200,
       params: list[dict[str, Any]] | None = None, listing: bool = False,
       also: tuple[int, ...] = ()) -> dict[str, Any]:
    """One operation: the scope it needs, its body and response schemas, the usual errors.
    `also`: other success statuses with the same body (an upsert: 201 created, 200 updated)."""
    schema: Any = ref(response) if isinstance(response, str) else (response or {})
    if listing:
        schema = {"type": "object", "properties": {"items": {"type": "array", "items": schema},
                                                   "next_cursor": {"type": "string",
                                                                   "nullable": True}}}
    out: dict[str, Any] = {
        "summary": summary,
        "responses": {**{str(code): {"description": "OK",
                                     "content": {"application/json": {"schema": schema}}}
                         for code in (status, *also)},
                      "4XX": {"$ref": "#/components/responses/Error"}},
    }
    out["x-scope"] = scope_ or "none (authenticates itself)"
    if scope_ is None:
        out["security"] = []
    if body:
        out["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": ref(body)}}}
    if params:
        out["parameters"] = params
    return out


def path_param(name: str, type_: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": type_}}


def query_param(name: str, type_: str = "string", description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": {"type": type_}, "description": description}


PAGING = [query_param("limit", "integer", "1-1000"), query_param("cursor")]
TIME_RANGE = [query_param("since", description="ISO 8601 or Unix seconds"),
              query_param("until", description="ISO 8601 or Unix seconds")]


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for name, module in sorted(sys.modules.items()):
        if name.startswith("jadugar.api.") and hasattr(module, "OPENAPI"):
            paths.update(module.OPENAPI.get("paths", {}))
            schemas.update(module.OPENAPI.get("schemas", {}))
    paths.setdefault("/openapi.json", {"get": op("This document", None)})
    describe_check_types(schemas)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Jadugar API", "version": __version__},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {"Error": {"description": "Error",
                                    "content": {"application/json": {
                                        "schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


def describe_check_types(schemas: dict[str, Any]) -> None:
    """The parts of Check and CheckInput that depend on the check types, from the registry
    (plug-ins included): the `type` enum, and per type a schema of `expect` and `options`
    with each key's type, default and help (components CheckExpect.<type>, ...)."""
    kinds = registry.types()
    refs: dict[str, list[dict[str, str]]] = {"expect": [], "options": []}
    for name, kind in kinds.items():
        for part, declared in (("expect", kind.expect), ("options", kind.options)):
            if declared.settings:
                component = f"Check{part.title()}.{name}"
                schemas[component] = {**declared.json_schema(refuse_unknown=True),
                                      "description": f"`{part}` of a {name} check"}
                refs[part].append(ref(component))
    described: dict[str, Any] = {
        "type": {"type": "string", "enum": list(kinds), "description": "; ".join(
            f"{name}: {kind.help}" for name, kind in kinds.items())},
        "target": {"type": "string", "description": "; ".join(
            f"{name}: {kind.target.help or kind.target.label}"
            for name, kind in kinds.items() if kind.target)},
    }
    for part, what in (("expect", "What a result must show"), ("options", "How to probe")):
        described[part] = {"type": "object", "description": f"{what}; the keys depend on "
                           f"`type` (schemas Check{part.title()}.<type>)."}
        if refs[part]:
            described[part]["anyOf"] = refs[part]
    for name in ("Check", "CheckInput"):
        if name in schemas:  # copies: the resource module's dicts stay as they are
            schemas[name] = {**schemas[name], "properties": {
                **schemas[name].get("properties", {}), **described}}


@api.get("/openapi.json")
def openapi_json():
    return jsonify(document())
