"""The craftsman ladder: nominations, review, public notice, naming; and a member's record.

A nomination names the level above the one the member holds; a reviewer
approves it (a public notice starts) or rejects it with a reason; objections
during the notice stop it until a reviewer decides again; once the notice has
run its days without objection the member is named (`conclude_notices`, run by
a timer and callable on demand). Naming a chief or gold craftsman publishes
`craftsman_named` for membership's honours.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.chassis.database import UnitOfWork
from services.chassis.errors import Conflict, InvalidInput
from services.chassis.events import utcnow
from services.chassis.schemas import load
from services.training import domain, events, schemas
from services.training.common import (
    LadderSettings,
    active_member,
    find,
    in_unions,
    iso,
    paged,
    scope_of,
    sid,
    today,
)
from services.training.models import (
    Attendance,
    Competition,
    CourseSession,
    Craftsman,
    Entry,
    HazardSnapshot,
    Nomination,
    Proposal,
    directory,
)

OPEN = ("pending", "public_notice", "objected")


def member_record(session: Session, member_id: int) -> dict[str, Any]:
    """What reviewers see beside a nomination: the member's record here."""
    ranks = session.execute(
        select(Competition.id, Competition.name, Competition.held_on, Entry.rank, Entry.award,
               Entry.final_score_centi)
        .join(Entry, Entry.competition_id == Competition.id)
        .where(Entry.member_id == member_id, Competition.status == "published", Entry.rank.is_not(None))
        .order_by(Competition.held_on.desc(), Competition.id)
    )
    hours = session.scalar(
        select(func.coalesce(func.sum(CourseSession.hours), 0))
        .join(Attendance, Attendance.session_id == CourseSession.id).where(Attendance.member_id == member_id)
    )
    proposals = session.execute(
        select(Proposal.id, Proposal.title, Proposal.status, Proposal.score)
        .where(Proposal.member_id == member_id, Proposal.status.in_(("adopted", "paid"))).order_by(Proposal.id)
    )
    hazards = session.scalar(select(func.count()).select_from(HazardSnapshot).where(
        HazardSnapshot.member_id == member_id, HazardSnapshot.status == "accepted"))
    craftsman = session.get(Craftsman, member_id)
    return {
        "member_id": str(member_id),
        "level": craftsman.level if craftsman else None,
        "level_since": iso(craftsman.named_on) if craftsman else None,
        "competition_ranks": [
            {"competition_id": str(r.id), "name": r.name, "held_on": r.held_on.isoformat(), "rank": r.rank,
             "award": r.award, "final_score": r.final_score_centi / 100 if r.final_score_centi is not None else None}
            for r in ranks
        ],
        "training_hours": int(hours or 0),
        "adopted_proposals": [
            {"proposal_id": str(p.id), "title": p.title, "status": p.status, "score": p.score} for p in proposals
        ],
        "hazard_snapshots_accepted": int(hazards or 0),
    }


def nomination_view(session: Session, nomination: Nomination, with_record: bool = True) -> dict[str, Any]:
    data = {
        "id": str(nomination.id), "member_id": str(nomination.member_id),
        "member_name": directory.member_names(session, [nomination.member_id]).get(nomination.member_id),
        "organisation_id": str(nomination.organisation_id), "level": nomination.level,
        "from_level": nomination.from_level, "year": nomination.year, "status": nomination.status,
        "nominated_by": nomination.nominated_by, "reviewed_by": nomination.reviewed_by,
        "reason": nomination.reason, "objections": list(nomination.objections or []),
        "notice_ends_on": iso(nomination.notice_ends_on), "named_on": iso(nomination.named_on),
        "created_at": iso(nomination.created_at), "reviewed_at": iso(nomination.reviewed_at),
    }
    if with_record:
        data["evidence"] = member_record(session, nomination.member_id)
    return data


def nominate(db: UnitOfWork, data: dict[str, Any], settings: LadderSettings, within: Any = None,
             actor: str | None = None, on: date | None = None) -> dict[str, Any]:
    data = load(schemas.NominationCreateSchema, data)
    session = db.session
    prefix = scope_of(session, within)
    member = active_member(session, data["member_id"], prefix)
    craftsman = session.get(Craftsman, member["member_id"], with_for_update=True)
    current = craftsman.level if craftsman else None
    given = data.pop("on") or on
    day = domain.decision_day(given, today())
    domain.check_next_level(current, data["level"])
    if given and craftsman is not None and day < craftsman.named_on:  # a past decision keeps the order
        raise InvalidInput.field("on", f"the member was named {current} on {craftsman.named_on}, after this day")
    domain.check_time_at_level(current, craftsman.named_on if craftsman else None, data["level"],
                               day, settings.min_days)
    if session.scalar(select(Nomination.id).where(Nomination.member_id == member["member_id"],
                                                  Nomination.status.in_(OPEN))):
        raise Conflict("the member already has a nomination under review or in public notice")
    nomination = Nomination(
        member_id=member["member_id"], organisation_id=member["organisation_id"],
        organisation_path=member["organisation_path"], level=data["level"], from_level=current,
        year=data["year"], status="pending", nominated_by=actor, objections=[],
    )
    session.add(nomination)
    try:
        session.flush()
    except IntegrityError:  # a concurrent nomination of the same member won
        raise Conflict("the member already has a nomination under review or in public notice") from None
    return nomination_view(session, nomination)


def get_nomination(db: UnitOfWork, nomination_id: Any, within: Any = None) -> dict[str, Any]:
    session = db.session
    return nomination_view(session, find(session, Nomination, nomination_id, scope_of(session, within), "nomination"))


def list_nominations(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict[str, Any]:
    query = load(schemas.NominationQuerySchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    stmt = in_unions(session, select(Nomination), Nomination.organisation_path, within, query["organisation_id"])
    for name in ("year", "status", "level", "member_id"):
        if query[name] is not None:
            stmt = stmt.where(getattr(Nomination, name) == query[name])
    return paged(session, stmt, Nomination, query, lambda n: nomination_view(session, n))


def approve(db: UnitOfWork, nomination_id: Any, data: dict[str, Any], settings: LadderSettings,
            within: Any = None, actor: str | None = None, on: date | None = None) -> dict[str, Any]:
    """Approve: the public notice starts (again, after an objection was dismissed)."""
    data = load(schemas.ApproveSchema, data or {})
    session = db.session
    nomination = find(session, Nomination, nomination_id, scope_of(session, within), "nomination", for_update=True)
    domain.check_review(nomination.status, "approve")
    given = data.pop("on") or on
    day = domain.decision_day(given, today())
    # the member may have left, or moved up, since the nomination
    member = active_member(session, nomination.member_id, None)
    craftsman = session.get(Craftsman, member["member_id"])
    current = craftsman.level if craftsman else None
    domain.check_next_level(current, nomination.level)
    if given and craftsman is not None and day < craftsman.named_on:
        raise InvalidInput.field("on", f"the member was named {current} on {craftsman.named_on}, after this day")
    domain.check_time_at_level(current, craftsman.named_on if craftsman else None, nomination.level, day,
                               settings.min_days)
    nomination.status = "public_notice"
    nomination.reviewed_by = actor
    nomination.reviewed_at = utcnow()
    nomination.reason = data.get("note")
    nomination.notice_ends_on = domain.notice_end(day, settings.notice_days)
    session.flush()
    if nomination.notice_ends_on < today():
        # a past decision whose notice has already run: conclude it now, as the timer would,
        # naming the member as of the day after the notice ended
        name(db, nomination, nomination.notice_ends_on + timedelta(days=1))
    return nomination_view(session, nomination)


def reject(db: UnitOfWork, nomination_id: Any, data: dict[str, Any], within: Any = None,
           actor: str | None = None) -> dict[str, Any]:
    data = load(schemas.ReasonSchema, data)
    session = db.session
    nomination = find(session, Nomination, nomination_id, scope_of(session, within), "nomination", for_update=True)
    domain.check_review(nomination.status, "reject")
    nomination.status = "rejected"
    nomination.reason = data["reason"]
    nomination.reviewed_by = actor
    nomination.reviewed_at = utcnow()
    session.flush()
    return nomination_view(session, nomination)


def object_to(db: UnitOfWork, nomination_id: Any, data: dict[str, Any], within: Any = None,
              actor: str | None = None, on: date | None = None) -> dict[str, Any]:
    """An objection during the public notice stops the nomination until a reviewer decides again."""
    data = load(schemas.ReasonSchema, data)
    session = db.session
    nomination = find(session, Nomination, nomination_id, scope_of(session, within), "nomination", for_update=True)
    domain.check_review(nomination.status, "object")
    day = on or today()
    if nomination.notice_ends_on is not None and day > nomination.notice_ends_on:
        raise Conflict("the public notice has ended")
    nomination.objections = [*(nomination.objections or []),
                             {"reason": data["reason"], "by": actor, "on": day.isoformat()}]
    nomination.status = "objected"
    session.flush()
    return nomination_view(session, nomination)


def conclude_notices(db: UnitOfWork, on: date | None = None) -> int:
    """Name every member whose nomination's notice ended without objection; how many were named."""
    session = db.session
    day = on or today()
    ids = list(session.scalars(select(Nomination.id).where(
        Nomination.status == "public_notice", Nomination.notice_ends_on < day).order_by(Nomination.id).limit(500)))
    named = 0
    for nomination_id in ids:
        nomination = session.get(Nomination, nomination_id, with_for_update=True)
        if nomination is None or nomination.status != "public_notice":
            continue  # another instance got there first
        # it takes effect the day after the notice's last day, whenever the check runs
        name(db, nomination, nomination.notice_ends_on + timedelta(days=1))
        named += 1
    return named


def name(db: UnitOfWork, nomination: Nomination, day: date) -> None:
    session = db.session
    craftsman = session.get(Craftsman, nomination.member_id, with_for_update=True)
    current = craftsman.level if craftsman else None
    if current != nomination.from_level:  # the ladder moved under it: never skip or repeat a level
        nomination.status = "rejected"
        nomination.reason = f"the member's level changed to {current} during the notice"
        return
    if craftsman is None:
        craftsman = Craftsman(member_id=nomination.member_id)
        session.add(craftsman)
    craftsman.level = nomination.level
    craftsman.named_on = day
    craftsman.nomination_id = nomination.id
    nomination.status = "named"
    nomination.named_on = day
    session.flush()
    if nomination.level in domain.HONOURED_LEVELS:
        db.publish(events.CRAFTSMAN_NAMED, {
            "nomination_id": str(nomination.id), "member_id": str(nomination.member_id),
            "level": nomination.level, "year": nomination.year, "title": domain.LEVEL_TITLES[nomination.level],
        })


def list_craftsmen(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict[str, Any]:
    query = load(schemas.CraftsmanQuerySchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    members = directory.members
    stmt = in_unions(session, select(Craftsman).join(members, members.c.member_id == Craftsman.member_id),
                     members.c.organisation_path, within, query["organisation_id"])
    if query["level"]:
        stmt = stmt.where(Craftsman.level == query["level"])
    page_rows: list[Craftsman] = []

    def view(row: Craftsman) -> dict[str, Any]:
        page_rows.append(row)
        return {"member_id": str(row.member_id), "level": row.level, "title": domain.LEVEL_TITLES[row.level],
                "named_on": row.named_on.isoformat(), "nomination_id": sid(row.nomination_id)}

    result = paged(session, stmt, Craftsman, query, view, key=Craftsman.member_id)
    ids = [r.member_id for r in page_rows]
    copies = {row.member_id: row for row in session.execute(
        select(members.c.member_id, members.c.name, members.c.organisation_id).where(members.c.member_id.in_(ids)))
    } if ids else {}
    for item in result["items"]:
        copy = copies.get(int(item["member_id"]))
        item["name"] = copy.name if copy else None
        item["organisation_id"] = sid(copy.organisation_id) if copy else None
    return result


def get_member_record(db: UnitOfWork, member_id: Any, within: Any = None) -> dict[str, Any]:
    session = db.session
    member = directory.member(session, int(member_id), scope_of(session, within))
    return {**member_record(session, member["member_id"]), "name": member["name"], "status": member["status"],
            "organisation_id": str(member["organisation_id"])}
