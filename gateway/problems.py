"""Errors as `application/problem+json`, and the table from error class to HTTP status."""

from __future__ import annotations

import json
import logging
from typing import Any

from nameko.exceptions import RemoteError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from services.chassis.errors import DomainError, InternalError

log = logging.getLogger(__name__)


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class PayloadTooLarge(DomainError):
    status = 413
    title = "Payload too large"


class LengthRequired(DomainError):
    status = 411
    title = "Length required"


class BadRequest(DomainError):
    status = 400
    title = "Bad request"


def problem_body(status: int, title: str, detail: str, errors: dict | None = None,
                 request_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://union.example/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    if request_id:
        body["request_id"] = request_id
    return body


def problem_response(exc: BaseException, request_id: str | None = None) -> Response:
    from services.chassis.entrypoints import public_error

    if not isinstance(exc, (DomainError, HTTPException, RemoteError)):
        public = public_error(exc)
        if not isinstance(public, InternalError):  # e.g. the gateway's own database is down
            exc = public
    if isinstance(exc, DomainError):
        body = problem_body(exc.status, exc.title, exc.detail, exc.errors, request_id)
    elif isinstance(exc, HTTPException):
        body = problem_body(exc.code or 500, exc.name, exc.description or exc.name, None, request_id)
    else:
        if isinstance(exc, RemoteError):
            log.error("a service failed: %s", exc)
        else:
            log.error("gateway error", exc_info=exc)
        body = problem_body(500, "Internal error", "something went wrong on our side; "
                            "quote the request id when reporting it", None, request_id)
    headers = {"Retry-After": "5"} if body["status"] == 503 else None
    if getattr(exc, "retry_after", None):
        headers = {"Retry-After": str(exc.retry_after)}
    return Response(json.dumps(body, ensure_ascii=False), status=body["status"],
                    mimetype="application/problem+json", headers=headers)
