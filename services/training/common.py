"""What every training use case shares: the clock, scoping, pages and cursors, settings."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from services.chassis.errors import InvalidInput, NotFound
from services.training import domain
from services.training.models import directory


def today() -> date:
    return date.today()


def year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of `year` (dates, as every backend's Date column wants)."""
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class LadderSettings:
    """How long a public notice runs, and how long a level must be held before the next."""

    notice_days: int = domain.DEFAULT_NOTICE_DAYS
    min_days: Mapping[str, int] = field(default_factory=lambda: dict(domain.DEFAULT_MIN_DAYS_AT_LEVEL_BELOW))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LadderSettings:
        """`TRAINING_NOTICE_DAYS` (e.g. 5) and `TRAINING_MIN_DAYS` (e.g. "craftsman=365,chief=730,gold=1095"),
        from the nameko config, else the environment, else the defaults."""
        notice = config.get("TRAINING_NOTICE_DAYS", os.environ.get("TRAINING_NOTICE_DAYS"))
        raw = config.get("TRAINING_MIN_DAYS", os.environ.get("TRAINING_MIN_DAYS"))
        min_days = dict(domain.DEFAULT_MIN_DAYS_AT_LEVEL_BELOW)
        if isinstance(raw, Mapping):
            min_days.update({k: int(v) for k, v in raw.items()})
        elif raw:
            for part in str(raw).split(","):
                level, _, days = part.partition("=")
                if level.strip() in domain.LEVELS:
                    min_days[level.strip()] = int(days)
        return cls(int(notice) if notice not in (None, "") else domain.DEFAULT_NOTICE_DAYS, min_days)


def scope_of(session: Session, within: Any) -> str | None:
    """The caller's path prefix (None: the whole federation)."""
    return directory.scope_path(session, within)


def in_unions(session: Session, stmt: Any, path: Any, within: Any, organisation_id: Any = None) -> Any:
    """`stmt` limited to the caller's unions and, when the query names an organisation, to it and those below;
    `path` is the column holding each row's organisation path."""
    for root in (scope_of(session, within), scope_of(session, organisation_id)):
        if root:
            stmt = stmt.where(path.startswith(root))
    return stmt


def in_scope(path: str | None, prefix: str | None) -> bool:
    return prefix is None or (path or "").startswith(prefix)


def find(session: Session, model: type, object_id: Any, prefix: str | None = None, what: str = "object",
         for_update: bool = False) -> Any:
    """The row, or NotFound (also when its organisation is outside the caller's scope)."""
    try:
        key = int(object_id)
    except (TypeError, ValueError):
        raise NotFound(f"{what} {object_id!r} not found") from None
    if not 0 < key < 2**63:
        raise NotFound(f"{what} {object_id!r} not found")
    row = session.get(model, key, with_for_update=for_update or None)
    if row is None or not in_scope(getattr(row, "organisation_path", None), prefix):
        raise NotFound(f"{what} {object_id} not found")
    return row


def organisation_path(session: Session, organisation_id: int, prefix: str | None) -> str:
    """The path of an organisation the caller may act for (a field error when unknown)."""
    try:
        return directory.organisation(session, organisation_id, prefix)["path"]
    except NotFound:
        raise InvalidInput.field("organisation_id", "no such organisation") from None


def active_member(session: Session, member_id: int, prefix: str | None) -> dict[str, Any]:
    """The member's copy; unknown or out of scope is a field error, and so is a member who left."""
    try:
        return directory.active_member(session, member_id, prefix)
    except NotFound:
        raise InvalidInput.field("member_id", "no such member") from None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, value = text.split(":", 1)
        number = int(value)
        if prefix != "id" or not 0 <= number < 2**63:
            raise ValueError(prefix)
        return number
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput.field("cursor", "not a cursor this API returned") from None


def paged(session: Session, stmt: Any, model: Any, query: Mapping[str, Any],
          view: Callable[[Any], dict[str, Any]], key: Any = None) -> dict[str, Any]:
    """One page of `stmt` in id order: `{items, next_cursor}`."""
    key = key if key is not None else model.id
    limit = int(query.get("limit") or 50)
    after = decode_cursor(query.get("cursor"))
    if after is not None:
        stmt = stmt.where(key > after)
    rows = list(session.scalars(stmt.order_by(key).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    return {
        "items": [view(row) for row in rows],
        "next_cursor": encode_cursor(getattr(last, key.key)) if more and last is not None else None,
    }


def iso(value: Any) -> str | None:
    """A date, or a timestamp in UTC (SQLite hands timestamps back without their zone)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat() if value is not None else None


def sid(value: Any) -> str | None:
    return None if value is None else str(value)
