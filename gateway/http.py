"""The `api` entrypoint every gateway route uses: the one door into the platform.

One place does what every route needs, so a new route cannot forget any of it:

* the request id; limits on body and upload size, page size and request rate;
* who is calling: a bearer token, the web client's session cookie (writes
  need the CSRF header), or an API key; revoked tokens and keys are refused;
* what they may do: every route must declare `roles=` and `key_scope=`
  (`tests/e2e/test_access.py` fails for a route that does not); a route
  without them refuses everyone;
* the caller's union scope, put in the worker context so every RPC call the
  route makes carries it (`services/chassis/scope.py` applies it as `within`);
* `Idempotency-Key` on writes; mass assignment (server-owned fields in a body);
* masking of ID numbers and phones in answers for callers without `pii`, and
  in every error;
* the audit trail of writes and of reads that showed whole ID numbers;
* problems for every error, the access log and the metrics.

Routes declare their roles and schemas on the decorator, which is also what
`/openapi.json` is generated from, so the document cannot drift from the routes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
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
from nameko.web.server import WebServer
from prometheus_client import Counter, Histogram
from werkzeug.wrappers import Request, Response

from gateway import accounts, audit, idempotency
from gateway.limits import RateLimiter, default_rate_per_minute
from gateway.problems import BadRequest, LengthRequired, PayloadTooLarge, Unauthorized, problem_response
from services.chassis import scope as union_scope
from services.chassis.database import Database, dependency_of
from services.chassis.errors import DomainError, Forbidden, InvalidInput
from services.chassis.identity import mask_mobile, mask_resident_id

access_log = logging.getLogger("gateway.access")
SLOW_REQUEST_SECONDS = 0.5

MAX_JSON_BYTES = 1 * 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PAGE = 500
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
PATH_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

PUBLIC = None      # roles=PUBLIC: anyone, without credentials
ANY_STAFF = ()     # roles=ANY_STAFF: any signed-in staff user
STAFF_ONLY = None  # key_scope=STAFF_ONLY: no API key may call the route


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # a route that did not say: it refuses everyone, and the access tests fail

SESSION_COOKIE = "union_session"
CSRF_COOKIE = "union_csrf"
CSRF_HEADER = "X-CSRF-Token"
API_KEY_HEADER = "X-API-Key"

# Fields the server owns: a body that sets one is rejected, unless the route's
# body schema takes it. Keys ending in `_at` are server timestamps (days a person
# gives end in `_on`), keys ending in `balance_fen` are balances.
SERVER_OWNED = frozenset({"id", "status", "created_at", "updated_at", "revision", "created_by"})

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


# An ID number or a mobile number standing on its own in an answer. Unlike the log
# formatter's pattern, a digit run touching letters (a hex request id) is left alone.
_IDENTIFIER_IN_ANSWER = re.compile(
    r"(?<![0-9A-Za-z])(?:(?P<id>[0-9]{17}[0-9Xx])|(?P<mobile>1[3-9][0-9]{9}))(?![0-9A-Za-z])")


def mask_answer(text: str) -> str:
    """`text` with every ID number and mobile number in it masked."""
    return _IDENTIFIER_IN_ANSWER.sub(
        lambda m: mask_resident_id(m.group()) if m.group("id") else mask_mobile(m.group()), text)


def csrf_token_for(session_token: str, secret: str) -> str:
    """The CSRF token that goes with a session: derived from it, so it cannot be made up."""
    digest = hmac.new(secret.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def route_template(url: str) -> str:
    """`/api/v1/members/<member_id>` as OpenAPI writes it: `/api/v1/members/{member_id}`."""
    return PATH_PARAM.sub(r"{\1}", url)


class GracefulWebServer(WebServer):
    """nameko's web server, but a stopping gateway stops taking requests first.

    nameko closes the listening socket only after every worker has finished,
    so a gateway told to stop (SIGTERM) under load kept accepting requests,
    each a new worker to wait for, and never got to exit. Here the first
    route to stop closes the listener and ends keep-alive connections after
    their current response; requests already in progress finish.
    """

    def stop_accepting(self) -> None:
        if not self._is_accepting:
            return
        self._is_accepting = False
        if self._gt is not None:
            self._gt.kill()
        if getattr(self, "_sock", None) is not None:
            self._sock.close()
        if getattr(self, "_serv", None) is not None:
            self._serv.keepalive = False

    def stop(self) -> None:
        self.stop_accepting()
        super(WebServer, self).stop()


class Api(HttpRequestHandler):
    server = GracefulWebServer()

    def __init__(self, method: str, url: str, roles: tuple[str, ...] | None = UNSET,
                 doc: Doc | None = None, upload: bool = False, key_scope: str | None = UNSET, **kwargs: Any):
        """Who may call the route; both must be said on every route.

        `roles`: `PUBLIC` (None) for the few routes anyone may call, `ANY_STAFF` (())
        for any signed-in user, else the staff roles that may call it.
        `key_scope`: the API-key scope that lets an external system call it
        (e.g. `members:read`, `welfare:write`); `STAFF_ONLY` (None): no key may.
        """
        kwargs.setdefault("expected_exceptions", DomainError)
        super().__init__(method, url, **kwargs)
        self.roles = roles
        self.doc = doc or Doc()
        self.upload = upload
        self.key_scope = key_scope

    def stop(self) -> None:
        self.server.stop_accepting()
        super().stop()

    @property
    def route_name(self) -> str:
        return self.method_name

    @property
    def is_public(self) -> bool:
        return self.roles is None

    def setup(self) -> None:
        super().setup()
        # Per process, shared by the routes: nameko makes one Api instance per route.
        shared = self.container.__dict__.setdefault("_gateway_shared", {})
        self.rate_limiter = shared.setdefault("rate_limiter", RateLimiter())
        self.default_rate = int(self.container.config.get("RATE_LIMIT_PER_MINUTE") or default_rate_per_minute())

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        request_id = request.headers.get("X-Request-Id", "")
        if not REQUEST_ID.match(request_id):
            request_id = uuid.uuid4().hex
        started = time.perf_counter()
        request.principal = None
        claim: tuple[Any, str, str] | None = None
        try:
            request.principal = self.authenticate(request)
            if request.principal is not None:
                self.rate_limiter.take(request.principal.caller,
                                       request.principal.rate_per_minute or self.default_rate)
            self.check_query(request)
            request.json_body = self.read_body(request)
            self.check_server_owned(request.json_body)
            claim, replay = self.claim_idempotency_key(request)
            response = replay if replay is not None else self.run_worker(request, request_id)
        except Exception as exc:
            response = problem_response(exc, request_id)
        self.present(request, response)
        if claim is not None:
            self.finish_idempotency(claim, response)
        response.headers["X-Request-Id"] = request_id
        self.audit(request, response, request_id)
        elapsed = time.perf_counter() - started
        HTTP_REQUESTS.labels(self.route_name, request.method, str(response.status_code)).inc()
        HTTP_LATENCY.labels(self.route_name, request.method).observe(elapsed)
        # Every request is counted in metrics; the log keeps the ones worth reading.
        level = logging.INFO if response.status_code >= 400 or elapsed >= SLOW_REQUEST_SECONDS else logging.DEBUG
        principal = request.principal
        access_log.log(
            level, "%s %s %s", request.method, self.route_name, response.status_code,
            extra={"request_id": request_id, "status": response.status_code, "route": self.route_name,
                   "ms": round(elapsed * 1000, 1), "user": principal.actor if principal else None},
        )
        return response

    def run_worker(self, request: Request, request_id: str) -> Response:
        event = Event()
        args, kwargs = self.get_entrypoint_parameters(request)
        context = {"request_id": request_id}
        # Every RPC call the route makes carries the caller's scope (see services/chassis/scope.py).
        principal = request.principal
        context[union_scope.CONTEXT_KEY] = (
            union_scope.NOBODY if principal is None else union_scope.scope_header_value(principal.scope))
        self.container.spawn_worker(
            self, args, kwargs, context_data=context, handle_result=partial(self.handle_result, event),
        )
        return self.response_from_result(event.wait())

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

    # -- who is calling, and may they ----------------------------------------------------------

    def authenticate(self, request: Request) -> accounts.Principal | None:
        """Who is calling (401 if nobody valid); sets `request.principal` before checking what they may do."""
        if self.roles is None:
            return None
        staff = self._staff()
        key = request.headers.get(API_KEY_HEADER)
        if key:
            principal = staff.key_principal(key.strip())
            if principal is None:
                raise Unauthorized("the API key is not valid or has been revoked")
            request.principal = principal
            self.authorise_key(principal)
            return principal
        header = request.headers.get("Authorization", "")
        from_cookie = False
        if header:
            if not header.startswith("Bearer "):
                raise Unauthorized("send Authorization: Bearer <token>")
            token = header[7:].strip()
        else:
            token = request.cookies.get(SESSION_COOKIE, "")
            from_cookie = True
            if not token:
                raise Unauthorized(f"sign in first: send Authorization: Bearer <token> or {API_KEY_HEADER}")
        try:
            claims = staff.claims(token)
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired; sign in again") from None
        except jwt.InvalidTokenError:
            raise Unauthorized("the token is not valid") from None
        principal = staff.principal(int(claims["sub"]), int(claims["ver"]))
        if principal is None:
            raise Unauthorized("the token has been revoked or the account disabled")
        request.principal = principal
        if from_cookie and request.method in WRITES:
            sent = request.headers.get(CSRF_HEADER, "")
            if not (sent and hmac.compare_digest(sent, request.cookies.get(CSRF_COOKIE, ""))
                    and hmac.compare_digest(sent, csrf_token_for(token, staff.secret))):
                raise Forbidden(f"a write with the session cookie needs the {CSRF_HEADER} header "
                                f"equal to the {CSRF_COOKIE} cookie")
        self.authorise_user(principal)
        return principal

    def authorise_user(self, principal: accounts.Principal) -> None:
        if isinstance(self.roles, _Unset):
            raise Forbidden("this route declares no roles, so nobody may call it")
        if self.roles and not principal.has_any(tuple(self.roles)):
            raise Forbidden("your role may not do this")

    def authorise_key(self, principal: accounts.Principal) -> None:
        if self.key_scope is None or isinstance(self.key_scope, _Unset):
            raise Forbidden("API keys may not call this route")
        if self.key_scope not in principal.key_scopes:
            raise Forbidden(f"this route needs an API key with the scope {self.key_scope}")

    def _staff(self) -> Any:
        from gateway.staff import StaffDirectory

        return dependency_of(self.container, StaffDirectory)

    def _engine(self) -> Any:
        return dependency_of(self.container, Database).engine

    # -- what they send ------------------------------------------------------------------------

    def check_query(self, request: Request) -> None:
        try:
            limit = request.args.get("limit")
        except UnicodeDecodeError:
            raise BadRequest("the query string is not valid UTF-8; percent-encode it",
                             {"_query": ["not valid UTF-8"]}) from None
        if limit not in (None, "") and (not limit.isdigit() or not 1 <= int(limit) <= MAX_PAGE):
            raise InvalidInput.field("limit", f"a whole number from 1 to {MAX_PAGE}")

    def read_body(self, request: Request) -> Any:
        if (request.method in WRITES and request.content_length is None
                and "chunked" in request.headers.get("Transfer-Encoding", "").lower()):
            # werkzeug would read a chunked body as empty; say so instead of guessing
            raise LengthRequired("send the body with a Content-Length header, not chunked")
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

    def check_server_owned(self, body: Any) -> None:
        """Mass assignment: a body may not set what the server owns (ids, status, timestamps, balances)."""
        if not isinstance(body, dict) or not body:
            return
        accepted = _loadable_fields(self.doc.body)
        owned = [name for name in body if isinstance(name, str) and name not in accepted and (
            name in SERVER_OWNED or name.endswith("_at") or name.endswith("balance_fen"))]
        if owned:
            raise InvalidInput(f"{owned[0]}: set by the server, not by a request",
                               {name: ["read-only: set by the server"] for name in owned})

    # -- idempotency ---------------------------------------------------------------------------

    def claim_idempotency_key(self, request: Request) -> tuple[tuple[Any, str, str] | None, Response | None]:
        key = request.headers.get(idempotency.HEADER)
        principal = request.principal
        if not key or request.method not in WRITES or principal is None:
            return None, None
        key = idempotency.valid_key(key)
        store = self._idempotency()
        print_ = idempotency.fingerprint(request.method, request.path, request.query_string,
                                         self._content_of(request))
        wait = float(self.container.config.get("RPC_TIMEOUT") or 10) + 5
        stored = store.begin(principal.caller, key, print_, wait)
        if stored is not None:
            response = Response(stored.body, status=stored.status, mimetype=None,
                                content_type=stored.content_type, headers=stored.headers)
            response.headers["Idempotent-Replayed"] = "true"
            return None, response
        return (store, principal.caller, key), None

    def _content_of(self, request: Request) -> bytes:
        """What a write sends, for its fingerprint: a form's fields and files, not its random boundary."""
        if not (self.upload and request.mimetype.startswith("multipart/")):
            return request.get_data(cache=True)
        digest = hashlib.sha256()
        for name, value in sorted(request.form.items(multi=True)):
            digest.update(f"{len(name)}:{name}={len(value)}:{value};".encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
            content = upload.stream.read()
            upload.stream.seek(0)  # the route reads it again
            digest.update(f"{name}:{upload.filename}:{len(content)}:".encode())
            digest.update(content)
        return digest.digest()

    def finish_idempotency(self, claim: tuple[Any, str, str], response: Response) -> None:
        store, caller, key = claim
        try:
            store.finish(caller, key, response.status_code, response.content_type or "",
                         response.headers, response.get_data())
        except Exception:
            access_log.exception("could not store the answer for an Idempotency-Key")

    def _idempotency(self) -> idempotency.IdempotencyStore:
        shared = self.container.__dict__.setdefault("_gateway_shared", {})
        if "idempotency" not in shared:
            shared["idempotency"] = idempotency.IdempotencyStore(self._engine())
        return shared["idempotency"]

    # -- what they get back, and the record of it ----------------------------------------------

    def present(self, request: Request, response: Response) -> None:
        """ID numbers and phones masked for callers without `pii`, and in every error."""
        content_type = response.content_type or ""
        if "json" not in content_type or response.direct_passthrough:
            return
        principal = request.principal
        if response.status_code < 400 and principal is not None and principal.may_see_pii:
            return
        text = response.get_data(as_text=True)
        masked = mask_answer(text)
        if masked != text:
            response.set_data(masked)

    def audit(self, request: Request, response: Response, request_id: str) -> None:
        principal = request.principal
        actor = getattr(request, "audit_actor", None)
        status = response.status_code
        write = request.method in WRITES
        full = False
        if not write:
            if principal is None or not principal.may_see_pii or status >= 300:
                return
            full = audit.shows_whole_identifiers(response.content_type or "", response.get_data())
            if not full:
                return
        elif (principal is None and actor is None) or status == 429:
            # not signed in, or over the rate: the access log has it (a flood must not fill the trail)
            return
        body = None
        if write and 200 <= status < 300 and "json" in (response.content_type or ""):
            try:
                body = json.loads(response.get_data())
            except ValueError:
                body = None
        try:
            audit.record(
                dependency_of(self.container, Database).single_statement_engine,
                principal=principal, actor=actor, method=request.method,
                route=route_template(self.url), operation=self.route_name,
                object_id=audit.object_id_of(getattr(request, "path_values", {}) or {}, status, body),
                request_id=request_id, status=status, full_identifiers=full,
            )
        except Exception:
            access_log.exception("could not write the audit entry")


def _loadable_fields(schema: Any) -> set[str]:
    if schema is None:
        return set()
    from services.chassis.schemas import schema_instance

    instance = schema_instance(schema) if isinstance(schema, type) else schema
    return {name for name, f in instance.fields.items() if not f.dump_only}


api = Api.decorator
