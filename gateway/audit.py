"""The audit trail: every write, and every read that showed whole ID numbers.

Written by the `api` entrypoint after the answer is known, so no route can
forget it. An entry names who (actor, roles or key scopes, organisation),
what (method, route template, operation, object id), the request id, the
time and the outcome. It never holds a request or response body: those may
hold personal data. Nothing in the API changes or deletes an entry.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from gateway.accounts import Principal
from gateway.models import AuditEntry
from services.chassis.events import utcnow
from services.chassis.identity import mask_identifiers_in_text

WHOLE_RESIDENT_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
table = AuditEntry.__table__


def outcome_of(status: int) -> str:
    if status < 400:
        return "done"
    return {401: "refused", 403: "refused", 404: "not_found", 409: "conflict", 429: "limited"}.get(
        status, "failed" if status >= 500 else "invalid")


def shows_whole_identifiers(content_type: str, body: bytes) -> bool:
    """Does this answer carry whole ID numbers? Files (exports) are taken to, JSON is looked at."""
    if "json" not in content_type:
        return not content_type.startswith("text/")
    return WHOLE_RESIDENT_ID.search(body.decode("utf-8", "replace")) is not None


def object_id_of(path_params: dict[str, Any], status: int, body: Any) -> str | None:
    """The first path parameter, else the id of what a write created."""
    for value in path_params.values():
        return mask_identifiers_in_text(str(value))[:64]
    if 200 <= status < 300 and isinstance(body, dict) and body.get("id") is not None:
        return str(body["id"])[:64]
    return None


def record(engine: Engine, *, principal: Principal | None, actor: str | None, method: str, route: str,
           operation: str, object_id: str | None, request_id: str, status: int,
           full_identifiers: bool = False) -> None:
    values = {
        "at": utcnow(),
        "actor": mask_identifiers_in_text(principal.actor if principal else actor or "anonymous")[:120],
        "roles": ",".join(principal.grants)[:200] if principal else "",
        "organisation_id": principal.organisation_id if principal else None,
        "method": method, "route": route[:200], "operation": operation[:100], "object_id": object_id,
        "request_id": request_id, "status": status, "outcome": outcome_of(status),
        "full_identifiers": full_identifiers,
    }
    with engine.begin() as conn:  # on an autocommit engine, the INSERT alone
        conn.execute(insert(table), values)
