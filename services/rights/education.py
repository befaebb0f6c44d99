"""Legal-education events: lectures, stands, live streams, and the brochures handed out."""

from __future__ import annotations

from typing import Any

from services.chassis.database import UnitOfWork
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.schemas import load
from services.rights import common, schemas
from services.rights.models import LegalEvent


def record_event(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.LegalEventCreateSchema, data)
    session = db.session
    scope = common.directory.scope_path(session, within)
    path = common.organisation_path(session, data.get("organisation_id"), scope)
    if path is None and scope is not None:
        raise InvalidInput.field("organisation_id", "name your union")
    if data["held_on"] > common.today():
        raise InvalidInput.field("held_on", f"{data['held_on'].isoformat()} is in the future: record events held")
    event = LegalEvent(organisation_id=data.get("organisation_id"), organisation_path=path, title=data.get("title"),
                       held_on=data["held_on"], kind=data["kind"], attendees=data["attendees"],
                       brochures=data["brochures"])
    session.add(event)
    session.flush()
    return event_view(event)


def get_event(db: UnitOfWork, event_id: int, within: Any = None) -> dict:
    session = db.session
    event = session.get(LegalEvent, event_id)
    if event is None or not common.visible(event.organisation_path, common.directory.scope_path(session, within)):
        raise NotFound(f"no legal-education event {event_id}")
    return event_view(event)


def list_events(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    query = common.load_query(schemas.LegalEventQuerySchema, query)
    session = db.session
    stmt = common.scoped(session, LegalEvent, within)
    if query["year"] is not None:
        start, end = common.year_bounds(query["year"])
        stmt = stmt.where(LegalEvent.held_on.between(start, end))
    if query["kind"]:
        stmt = stmt.where(LegalEvent.kind == query["kind"])
    return common.page(common.page_rows(session, stmt, LegalEvent, query), query["limit"], event_view)


def event_view(event: LegalEvent) -> dict:
    return {"id": str(event.id), "title": event.title, "held_on": event.held_on.isoformat(), "kind": event.kind,
            "attendees": event.attendees, "brochures": event.brochures,
            "organisation_id": str(event.organisation_id) if event.organisation_id else None}
