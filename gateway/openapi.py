"""`/openapi.json`, generated from the routes' own declarations and schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway.http import Api

PATH_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
PROBLEM = {
    "type": "object",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "request_id": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


def _schema_name(schema: Any) -> str:
    name = schema.__name__ if isinstance(schema, type) else type(schema).__name__
    return name.removesuffix("Schema") or name


def build_spec(entrypoints: Any, version: str = "1.0.0") -> dict[str, Any]:
    spec = APISpec(
        title="Union platform API", version=version, openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": "The federation's gateway: membership, welfare, training and rights."},
    )
    spec.components.schema("Problem", PROBLEM)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    paths: dict[str, dict[str, Any]] = {}
    for entrypoint in sorted(
        (e for e in entrypoints if isinstance(e, Api)), key=lambda e: (e.url, e.method)
    ):
        path = PATH_PARAM.sub(r"{\1}", entrypoint.url)
        for method in entrypoint.method.split(","):
            paths.setdefault(path, {})[method.lower()] = _operation(entrypoint)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(entrypoint: Api) -> dict[str, Any]:
    doc = entrypoint.doc
    op: dict[str, Any] = {
        "operationId": entrypoint.method_name, "summary": doc.summary, "tags": [doc.tag], "responses": {},
    }
    params = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in PATH_PARAM.findall(entrypoint.url)
    ]
    if doc.query is not None:
        params.append({"in": "query", "schema": doc.query})
    if params:
        op["parameters"] = params
    if doc.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc.body}}}
    elif doc.content == "multipart/form-data":
        op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    if doc.response is not None:
        body: Any = doc.response
        if doc.many:
            body = {"type": "object", "properties": {
                "items": {"type": "array", "items": doc.response},
                "next_cursor": {"type": "string", "nullable": True}}}
        op["responses"][str(doc.status)] = {"description": "OK", "content": {"application/json": {"schema": body}}}
    elif doc.content not in ("application/json", "multipart/form-data"):
        op["responses"][str(doc.status)] = {"description": "OK", "content": {doc.content: {}}}
    else:
        op["responses"][str(doc.status)] = {"description": "OK"}
    problem = {"application/problem+json": {"schema": "Problem"}}
    if entrypoint.roles is not None:
        op["security"] = [{"bearer": []}]
        op["responses"]["401"] = {"description": "not signed in", "content": problem}
        op["responses"]["403"] = {"description": "role not allowed", "content": problem}
    if doc.body is not None or doc.query is not None:
        op["responses"]["422"] = {"description": "invalid input, by field", "content": problem}
    if PATH_PARAM.search(entrypoint.url):
        op["responses"]["404"] = {"description": "not found or outside your scope", "content": problem}
    return op


def docs_html(spec: dict[str, Any]) -> str:
    """A plain, readable page of every route (no scripts, no CDN)."""
    from html import escape

    rows = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(path)}</code></td>"
                f"<td>{escape(op.get('summary', ''))}</td><td>{escape(', '.join(op.get('tags', [])))}</td></tr>"
            )
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'><title>Union platform API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:.2em .8em;border-bottom:1px solid #ddd}</style>"
        f"<h1>{escape(spec['info']['title'])} {escape(spec['info']['version'])}</h1>"
        "<p>The machine-readable contract is <a href='/openapi.json'>/openapi.json</a>. "
        "Sign in with <code>POST /api/v1/auth/login</code> and send "
        "<code>Authorization: Bearer &lt;token&gt;</code>.</p>"
        f"<table>{''.join(rows)}</table></html>"
    )
