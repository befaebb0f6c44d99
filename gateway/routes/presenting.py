"""How the gateway shows what services return: masking and query parsing."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE
from werkzeug.wrappers import Request

from gateway.accounts import Principal
from services.chassis.identity import mask_mobile, mask_resident_id
from services.chassis.schemas import load, schema_instance


def query_args(request: Request, schema: Any) -> dict[str, Any]:
    """The query string, checked by `schema` (unknown parameters are ignored)."""
    raw = {key: value for key, value in request.args.items() if value != ""}
    load(schema, raw, unknown=EXCLUDE)
    return {key: raw[key] for key in schema_instance(schema).fields if key in raw}


def present_member(member: dict[str, Any], principal: Principal | None) -> dict[str, Any]:
    """Personal identifiers in full only for callers with the pii permission."""
    if principal is not None and principal.may_see_pii:
        return member
    return {**member, "id_number": mask_resident_id(member.get("id_number")),
            "phone": mask_mobile(member.get("phone"))}


def present_page(page: dict[str, Any], principal: Principal | None) -> dict[str, Any]:
    return {"items": [present_member(m, principal) for m in page["items"]], "next_cursor": page["next_cursor"]}
