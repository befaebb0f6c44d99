"""`/openapi.json`, generated from the routes' own declarations and schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway.http import UNSET, WRITES, Api

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


ERRORS = {
    "400": "malformed request (not JSON, bad header)",
    "401": "no valid credentials: sign in, or send a valid API key",
    "403": "your role or your key's scope may not do this (or a cookie write without X-CSRF-Token)",
    "404": "not found, or outside your organisation: the two look the same",
    "409": "conflicts with the current state, or an Idempotency-Key reused for another request",
    "413": "the body or upload is too large",
    "422": "invalid input, by field (also server-owned fields in a body, or ?limit= over 500)",
    "429": "too many requests; wait for Retry-After seconds",
    "503": "a service or the database is unavailable; retry",
    "504": "a service did not answer in time",
}
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
               "description": "A token from POST /api/v1/auth/login."},
    "session": {"type": "apiKey", "in": "cookie", "name": "union_session",
                "description": "The web client's session, set by POST /api/v1/auth/login (HttpOnly, "
                               "SameSite=Strict). A write with it must send the header X-CSRF-Token equal "
                               "to the readable cookie union_csrf."},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
               "description": "An external system's key, created by an admin; each route names the key "
                              "scope it needs."},
}


def build_spec(entrypoints: Any, version: str = "1.0.0") -> dict[str, Any]:
    spec = APISpec(
        title="Union platform API", version=version, openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": "The federation's gateway: membership, welfare, training and rights. "
                             "Staff sign in (bearer token or session cookie); external systems send an "
                             "API key. A caller bound to an organisation sees only it and the "
                             "organisations below it."},
    )
    spec.components.schema("Problem", PROBLEM)
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    paths: dict[str, dict[str, Any]] = {}
    for entrypoint in sorted(
        (e for e in entrypoints if isinstance(e, Api)), key=lambda e: (e.url, e.method)
    ):
        path = PATH_PARAM.sub(r"{\1}", entrypoint.url)
        for method in entrypoint.method.split(","):
            paths.setdefault(path, {})[method.lower()] = _operation(entrypoint, method)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _roles(entrypoint: Api) -> list[str]:
    return list(entrypoint.roles) if isinstance(entrypoint.roles, (tuple, list)) else []


def _who(entrypoint: Api) -> str:
    if entrypoint.roles is None:
        return "Anyone may call this, without credentials."
    if entrypoint.roles is UNSET:
        return "This route declares no roles, so nobody may call it."
    roles = ", ".join(entrypoint.roles) if entrypoint.roles else "any signed-in staff user"
    key = f"API keys with the scope `{entrypoint.key_scope}`" if isinstance(entrypoint.key_scope, str) \
        else "no API key"
    return f"Roles: {roles}. Keys: {key}."


def _operation(entrypoint: Api, method: str) -> dict[str, Any]:
    doc = entrypoint.doc
    op: dict[str, Any] = {
        "operationId": entrypoint.method_name, "summary": doc.summary, "tags": [doc.tag], "responses": {},
        "description": _who(entrypoint),
    }
    params: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in PATH_PARAM.findall(entrypoint.url)
    ]
    if doc.query is not None:
        params.append({"in": "query", "schema": doc.query})
    if method.upper() in WRITES and entrypoint.roles is not None:
        params.append({"in": "header", "name": "Idempotency-Key", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
                       "description": "the same key with the same request returns the first answer again "
                                      "(kept 48 hours per caller); with another request it is 409"})
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
            body = {"type": "object", "required": ["items", "next_cursor"], "properties": {
                "items": {"type": "array", "items": doc.response},
                "next_cursor": {"type": "string", "nullable": True}}}
        op["responses"][str(doc.status)] = {"description": "OK", "content": {"application/json": {"schema": body}}}
    elif doc.content not in ("application/json", "multipart/form-data"):
        op["responses"][str(doc.status)] = {"description": "OK", "content": {doc.content: {}}}
    else:
        op["responses"][str(doc.status)] = {"description": "OK"}
    problem = {"application/problem+json": {"schema": "Problem"}}
    codes = {"400", "422", "503", "504"}
    if entrypoint.roles is not None:
        security = [{"bearer": []}, {"session": []}]
        if isinstance(entrypoint.key_scope, str):
            security.append({"apiKey": []})
        op["security"] = security
        op["x-roles"] = _roles(entrypoint)
        op["x-key-scope"] = entrypoint.key_scope if isinstance(entrypoint.key_scope, str) else None
        codes |= {"401", "403", "429"}
    else:
        op["security"] = []
    if method.upper() in WRITES:
        codes |= {"409", "413"}
    if PATH_PARAM.search(entrypoint.url):
        codes.add("404")
    for code in sorted(codes):
        op["responses"].setdefault(code, {"description": ERRORS[code], "content": problem})
    op["responses"]["default"] = {"description": "another error", "content": problem}
    return op


def docs_html(spec: dict[str, Any]) -> str:
    """Swagger UI (vendored under static/swagger-ui, no CDN), with a plain list of routes without scripts."""
    from html import escape

    rows = []
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{escape(path)}</code></td>"
                f"<td>{escape(op.get('summary', ''))}</td><td>{escape(', '.join(op.get('tags', [])))}</td></tr>"
            )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Union platform API</title>"
        "<link rel='stylesheet' href='/static/swagger-ui/swagger-ui.css'></head><body>"
        "<div id='swagger-ui'></div>"
        "<noscript><h1>" + escape(spec["info"]["title"]) + " " + escape(spec["info"]["version"]) + "</h1>"
        "<p>The machine-readable contract is <a href='/openapi.json'>/openapi.json</a>. "
        "Sign in with <code>POST /api/v1/auth/login</code> and send "
        "<code>Authorization: Bearer &lt;token&gt;</code>.</p>"
        f"<table>{''.join(rows)}</table></noscript>"
        "<script src='/static/swagger-ui/swagger-ui-bundle.js'></script>"
        "<script src='/static/swagger-ui/docs.js'></script>"
        "</body></html>"
    )
