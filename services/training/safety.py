"""Safety work: trainings and drills, and members' hazard snapshots that a reviewer accepts or rejects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.chassis.database import UnitOfWork
from services.chassis.errors import Conflict
from services.chassis.schemas import load
from services.training import schemas
from services.training.common import (
    active_member,
    find,
    in_unions,
    iso,
    organisation_path,
    paged,
    scope_of,
    year_bounds,
)
from services.training.models import HazardSnapshot, SafetySession, directory


def safety_session_view(row: SafetySession) -> dict[str, Any]:
    return {"id": str(row.id), "kind": row.kind, "title": row.title, "held_on": iso(row.held_on),
            "organisation_id": str(row.organisation_id), "attendees": row.attendees}


def create_safety_session(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    data = load(schemas.SafetySessionCreateSchema, data)
    session = db.session
    path = organisation_path(session, data["organisation_id"], scope_of(session, within))
    row = SafetySession(**data, organisation_path=path)
    session.add(row)
    session.flush()
    return safety_session_view(row)


def get_safety_session(db: UnitOfWork, session_id: Any, within: Any = None) -> dict[str, Any]:
    session = db.session
    return safety_session_view(find(session, SafetySession, session_id, scope_of(session, within), "safety session"))


def list_safety_sessions(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict[str, Any]:
    query = load(schemas.PageSchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    stmt = in_unions(session, select(SafetySession), SafetySession.organisation_path, within,
                     query["organisation_id"])
    if query["kind"]:
        stmt = stmt.where(SafetySession.kind == query["kind"])
    if query["year"]:
        stmt = stmt.where(SafetySession.held_on.between(*year_bounds(query["year"])))
    return paged(session, stmt, SafetySession, query, safety_session_view)


def hazard_view(db: UnitOfWork, row: HazardSnapshot) -> dict[str, Any]:
    return {"id": str(row.id), "member_id": str(row.member_id),
            "member_name": directory.member_names(db.session, [row.member_id]).get(row.member_id),
            "found_on": iso(row.found_on), "location": row.location, "description": row.description,
            "status": row.status, "review_note": row.review_note, "created_at": iso(row.created_at)}


def submit_hazard(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    data = load(schemas.HazardSnapshotCreateSchema, data)
    session = db.session
    member = active_member(session, data["member_id"], scope_of(session, within))
    row = HazardSnapshot(**data, organisation_path=member["organisation_path"], status="submitted")
    session.add(row)
    session.flush()
    return hazard_view(db, row)


def review_hazard(db: UnitOfWork, hazard_id: Any, decision: str, data: dict[str, Any],
                  within: Any = None) -> dict[str, Any]:
    data = load(schemas.HazardReviewSchema, data or {})
    session = db.session
    row = find(session, HazardSnapshot, hazard_id, scope_of(session, within), "hazard snapshot", for_update=True)
    if row.status != "submitted":
        raise Conflict(f"the hazard snapshot was already reviewed ({row.status})")
    row.status = decision
    row.review_note = data.get("note")
    session.flush()
    return hazard_view(db, row)


def list_hazards(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict[str, Any]:
    query = load(schemas.PageSchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    stmt = in_unions(session, select(HazardSnapshot), HazardSnapshot.organisation_path, within,
                     query["organisation_id"])
    if query["status"]:
        stmt = stmt.where(HazardSnapshot.status == query["status"])
    if query["member_id"]:
        stmt = stmt.where(HazardSnapshot.member_id == query["member_id"])
    return paged(session, stmt, HazardSnapshot, query, lambda r: hazard_view(db, r))
