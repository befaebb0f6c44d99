"""The `api` entrypoint every gateway route uses.

One place does what every route needs: the request id, the body size limit,
authentication and the role check, JSON in and out, and problems for every
error. Routes declare their roles and schemas on the decorator, which is also
what `/openapi.json` is generated from, so the document cannot drift from
the routes.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jwt
from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler
from prometheus_client import Counter, Histogram
from werkzeug.wrappers import Request, Response

from gateway import accounts
from gateway.problems import BadRequest, PayloadTooLarge, Unauthorized, problem_response
from services.chassis.database import dependency_of
from services.chassis.errors import DomainError, Forbidden

access_log = logging.getLogger("gateway.access")
SLOW_REQUEST_SECONDS = 0.5

MAX_JSON_BYTES = 1 * 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
ANY_STAFF = ()  # roles=() : any signed-in caller

HTTP_REQUESTS = Counter(
    "union_http_requests_total", "HTTP requests answered by the gateway.", ["route", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "union_http_request_latency_seconds", "Gateway request latency.", ["route", "method"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


@dataclass
class Doc:
    """What OpenAPI says about a route."""

    summary: str = ""
    tag: str = "operations"
    body: Any = None          # marshmallow schema class of the JSON body
    query: Any = None         # marshmallow schema class of the query string
    response: Any = None      # marshmallow schema class of the 2xx body
    status: int = 200
    many: bool = False        # the response is a page: {items, next_cursor}
    content: str = "application/json"
    extra: dict = field(default_factory=dict)


def json_response(payload: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False, default=str), status=status,
                    mimetype="application/json", headers=headers)


class Api(HttpRequestHandler):
    def __init__(self, method: str, url: str, roles: tuple[str, ...] | None = ANY_STAFF,
                 doc: Doc | None = None, upload: bool = False, **kwargs: Any):
        """`roles=None`: a public route; `()`: any signed-in caller; else one of these roles."""
        kwargs.setdefault("expected_exceptions", DomainError)
        super().__init__(method, url, **kwargs)
        self.roles = roles
        self.doc = doc or Doc()
        self.upload = upload

    @property
    def route_name(self) -> str:
        return self.method_name

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        request_id = request.headers.get("X-Request-Id", "")
        if not REQUEST_ID.match(request_id):
            request_id = uuid.uuid4().hex
        started = time.perf_counter()
        try:
            request.principal = self.authenticate(request)
            try:
                request.args  # noqa: B018 - parse now, so a bad query string is a 400
            except UnicodeDecodeError:
                raise BadRequest("the query string is not valid UTF-8; percent-encode it",
                                 {"_query": ["not valid UTF-8"]}) from None
            request.json_body = self.read_body(request)
            event = Event()
            args, kwargs = self.get_entrypoint_parameters(request)
            self.container.spawn_worker(
                self, args, kwargs, context_data={"request_id": request_id},
                handle_result=partial(self.handle_result, event),
            )
            response = self.response_from_result(event.wait())
        except Exception as exc:
            response = problem_response(exc, request_id)
        response.headers["X-Request-Id"] = request_id
        elapsed = time.perf_counter() - started
        HTTP_REQUESTS.labels(self.route_name, request.method, str(response.status_code)).inc()
        HTTP_LATENCY.labels(self.route_name, request.method).observe(elapsed)
        # Every request is counted in metrics; the log keeps the ones worth reading.
        level = logging.INFO if response.status_code >= 400 or elapsed >= SLOW_REQUEST_SECONDS else logging.DEBUG
        access_log.log(
            level, "%s %s %s", request.method, self.route_name, response.status_code,
            extra={"request_id": request_id, "status": response.status_code, "route": self.route_name,
                   "ms": round(elapsed * 1000, 1), "user": getattr(request.principal, "username", None)
                   if getattr(request, "principal", None) else None},
        )
        return response

    def handle_result(self, event: Event, worker_ctx: Any, result: Any, exc_info: Any) -> Any:
        from services.chassis.entrypoints import finish_transaction

        exc_info = finish_transaction(self.container, worker_ctx, exc_info)
        if exc_info is not None:
            event.send_exception(exc_info[1])
        else:
            event.send(result)
        return result, exc_info

    def response_from_result(self, result: Any) -> Response:
        if isinstance(result, Response):
            return result
        return json_response(result)

    def authenticate(self, request: Request) -> accounts.Principal | None:
        if self.roles is None:
            return None
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise Unauthorized("sign in first: send Authorization: Bearer <token>")
        staff = self._staff()
        try:
            claims = staff.claims(header[7:].strip())
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired; sign in again") from None
        except jwt.InvalidTokenError:
            raise Unauthorized("the token is not valid") from None
        principal = staff.principal(int(claims["sub"]), int(claims["ver"]))
        if principal is None:
            raise Unauthorized("the token has been revoked or the account disabled")
        if self.roles and not principal.has_any(self.roles):
            raise Forbidden("your role may not do this")
        return principal

    def _staff(self) -> Any:
        from gateway.staff import StaffDirectory

        return dependency_of(self.container, StaffDirectory)

    def read_body(self, request: Request) -> Any:
        if request.method in ("GET", "HEAD", "DELETE") or self.upload:
            if self.upload and (request.content_length or 0) > MAX_UPLOAD_BYTES:
                raise PayloadTooLarge(f"uploads are limited to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
            return None
        if (request.content_length or 0) > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"request bodies are limited to {MAX_JSON_BYTES // 1024} KB")
        raw = request.get_data(cache=True)
        if len(raw) > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"request bodies are limited to {MAX_JSON_BYTES // 1024} KB")
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the request body is not valid JSON", {"_body": ["not valid JSON"]}) from None


api = Api.decorator
