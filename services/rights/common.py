"""What every rights use case shares: the clock, scope, pages of results."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session

from services.chassis.directory import Directory
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.events import utcnow
from services.chassis.schemas import load
from services.rights.domain.calendar import local_date
from services.rights.models import Base

directory = Directory(Base.metadata)


def now() -> datetime:
    """The current time (UTC); tests replace it."""
    return utcnow()


def today() -> date:
    """Today in China: the day deadlines and "in force" are counted in."""
    return local_date(now())


def as_id(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no {what} {value!r}") from None
    if not 0 < number < 2**63:
        raise NotFound(f"no {what} {value!r}")
    return number


def load_query(schema: Any, query: dict[str, Any] | None) -> dict[str, Any]:
    return load(schema, {k: v for k, v in (query or {}).items() if v not in (None, "")})


def in_scope(path_column: Any, scope: str | None) -> ColumnElement[bool]:
    """Rows visible in `scope` (a path prefix): everything for the federation;
    for a union only rows of it and the unions below it (never rows without a union)."""
    if scope is None:
        return true()
    if scope == "/nothing/":
        return false()
    return path_column.startswith(scope, autoescape=True)


def visible(path: str | None, scope: str | None) -> bool:
    return scope is None or (path is not None and path.startswith(scope))


def organisation(session: Session, organisation_id: int, scope: str | None,
                 field: str = "organisation_id") -> dict[str, Any]:
    """The copy of an organisation the caller names; unknown or out of scope is a field error."""
    try:
        return directory.organisation(session, organisation_id, scope, field)
    except NotFound:
        raise InvalidInput.field(field, "no such organisation") from None


def organisation_path(session: Session, organisation_id: int | None, scope: str | None,
                      field: str = "organisation_id") -> str | None:
    if organisation_id is None:
        return None
    return organisation(session, organisation_id, scope, field)["path"]


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, value = text.split(":", 1)
        if prefix != "id":
            raise ValueError(prefix)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput.field("cursor", "not a cursor this API returned") from None


def scoped(session: Session, model: Any, within: Any, organisation_id: int | None = None) -> Select:
    """select(model) in the caller's unions and, when the query names one, in that organisation and below."""
    stmt = select(model).where(in_scope(model.organisation_path, directory.scope_path(session, within)))
    if organisation_id is not None:
        stmt = stmt.where(in_scope(model.organisation_path, directory.scope_path(session, organisation_id)))
    return stmt


def page_rows(session: Session, stmt: Select, model: Any, query: dict[str, Any]) -> list[Any]:
    """The rows of the page the query's cursor asks for, oldest first, and one more to tell if more follow."""
    after = decode_cursor(query["cursor"])
    if after is not None:
        stmt = stmt.where(model.id > after)
    return list(session.scalars(stmt.order_by(model.id).limit(query["limit"] + 1)))


def page(rows: list[Any], limit: int, dump: Callable[[Any], dict]) -> dict[str, Any]:
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [dump(row) for row in rows],
            "next_cursor": encode_cursor(rows[-1].id) if more and rows else None}


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def year_bounds(year: int) -> tuple[date, date]:
    if not 1950 <= year <= 2200:
        raise InvalidInput.field("year", "must be between 1950 and 2200")
    return date(year, 1, 1), date(year, 12, 31)
