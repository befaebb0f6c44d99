"""Membership's use cases: each takes the worker's unit of work and plain data.

They load and check input with the schemas, apply the domain rules, write
through the session and publish events through the outbox in the same
transaction. `within` (an organisation id) limits a call to that
organisation and the ones below it; an object outside it is "not found".
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.chassis.database import UnitOfWork
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.schemas import load
from services.membership import events, schemas
from services.membership.domain import rules
from services.membership.models import Honour, Member, Organisation, Transfer

organisation_out = schemas.OrganisationSchema()


def today() -> date:
    return date.today()


# ---------------------------------------------------------------- cursors

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


def page(rows: list[Any], limit: int, dump: Any) -> dict[str, Any]:
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [dump(row) for row in rows],
        "next_cursor": encode_cursor(rows[-1].id) if more and rows else None,
    }


# ---------------------------------------------------------------- organisations

def _ref(org: Organisation) -> rules.OrganisationRef:
    return rules.OrganisationRef(org.id, org.kind, org.path, org.established_on)


def scope_path(session: Session | Connection, within: int | None) -> str | None:
    """The path prefix of the scope organisation (None: no limit)."""
    if within is None:
        return None
    path = session.scalar(select(Organisation.path).where(Organisation.id == within))
    if path is None:
        raise NotFound("the scope organisation does not exist")
    return path


def find_organisation(session: Session, organisation_id: int, within: int | None = None,
                      field: str | None = None) -> Organisation:
    org = session.get(Organisation, organisation_id)
    prefix = scope_path(session, within)
    if org is None or (prefix is not None and not org.path.startswith(prefix)):
        if field:
            raise InvalidInput.field(field, "no such organisation")
        raise NotFound(f"organisation {organisation_id} not found")
    return org


def create_organisation(db: UnitOfWork, data: dict[str, Any], within: int | None = None) -> dict:
    data = load(schemas.OrganisationCreateSchema, data)
    session = db.session
    parent = None
    if data["parent_id"] is not None:
        parent = find_organisation(session, data["parent_id"], within, field="parent_id")
    elif within is not None:
        raise InvalidInput.field("parent_id", "must be your organisation or one below it")
    rules.check_parent(data["kind"], _ref(parent) if parent else None)
    rules.check_not_future("established_on", data["established_on"], today())
    employer = data["employer"] or {}
    if employer and session.scalar(
        select(Organisation.id).where(Organisation.employer_credit_code == employer["credit_code"])
    ):
        raise InvalidInput.field("employer.credit_code", "an organisation with this employer already exists")
    if session.scalar(select(Organisation.id).where(
        Organisation.parent_id == data["parent_id"] if parent else Organisation.parent_id.is_(None),
        Organisation.name == data["name"],
    )):
        raise InvalidInput.field("name", "an organisation with this name already exists under the same parent")
    org = Organisation(
        name=data["name"], kind=data["kind"], parent_id=parent.id if parent else None,
        employer_name=employer.get("name"), employer_credit_code=employer.get("credit_code"),
        employer_size=employer.get("size"), established_on=data["established_on"], path="",
    )
    session.add(org)
    session.flush()
    org.path = rules.path_below(_ref(parent) if parent else None, org.id)
    session.flush()
    db.publish(events.ORGANISATION_REGISTERED, events.organisation_registered(org))
    return organisation_with_counts(session, org)


def organisation_with_counts(session: Session, org: Organisation) -> dict:
    data = organisation_out.dump(org)
    data.update(member_counts(session, [org])[org.id])
    return data


def member_counts(session: Session, orgs: list[Organisation]) -> dict[int, dict[str, int]]:
    """Active members directly in each organisation, and in it and every one below it."""
    counts = {org.id: {"members": 0, "members_total": 0} for org in orgs}
    if not orgs:
        return counts
    ids = list(counts)
    direct = session.execute(
        select(Member.organisation_id, func.count())
        .where(Member.organisation_id.in_(ids), Member.status == "active")
        .group_by(Member.organisation_id)
    )
    for org_id, count in direct:
        counts[org_id]["members"] = count
    below = Organisation.__table__.alias("below")
    total = session.execute(
        select(Organisation.id, func.count(Member.id))
        .join(below, below.c.path.startswith(Organisation.path))
        .join(Member, and_(Member.organisation_id == below.c.id, Member.status == "active"))
        .where(Organisation.id.in_(ids))
        .group_by(Organisation.id)
    )
    for org_id, count in total:
        counts[org_id]["members_total"] = count
    return counts


def get_organisation(db: UnitOfWork, organisation_id: int, within: int | None = None) -> dict:
    return organisation_with_counts(db.session, find_organisation(db.session, organisation_id, within))


def list_organisations(db: UnitOfWork, query: dict[str, Any], within: int | None = None) -> dict:
    session = db.session
    limit = int(query.get("limit") or 50)
    if not 1 <= limit <= 500:
        raise InvalidInput.field("limit", "must be between 1 and 500")
    stmt = select(Organisation).order_by(Organisation.id).limit(limit + 1)
    after = decode_cursor(query.get("cursor"))
    if after is not None:
        stmt = stmt.where(Organisation.id > after)
    prefix = scope_path(session, within)
    if prefix is not None:
        stmt = stmt.where(Organisation.path.startswith(prefix))
    if query.get("parent_id"):
        stmt = stmt.where(Organisation.parent_id == int(query["parent_id"]))
    if query.get("kind"):
        stmt = stmt.where(Organisation.kind == query["kind"])
    if query.get("q"):
        stmt = stmt.where(Organisation.name.contains(query["q"]))
    orgs = list(session.scalars(stmt))
    counts = member_counts(session, orgs[:limit])
    return page(orgs, limit, lambda org: {**organisation_out.dump(org), **counts[org.id]})


# ---------------------------------------------------------------- members

def find_member(session: Session, member_id: int, within: int | None = None,
                for_update: bool = False) -> Member:
    stmt = select(Member).where(Member.id == member_id)
    if for_update:
        stmt = stmt.with_for_update()
    member = session.scalar(stmt)
    prefix = scope_path(session, within)
    if member is None or (prefix is not None and not _org_path(session, member.organisation_id).startswith(prefix)):
        raise NotFound(f"member {member_id} not found")
    return member


def _org_path(session: Session, organisation_id: int) -> str:
    return session.scalar(select(Organisation.path).where(Organisation.id == organisation_id)) or ""


def _check_id_number_free(session: Session, id_number: str) -> None:
    if session.scalar(select(Member.id).where(Member.id_number == id_number, Member.status == "active")):
        raise InvalidInput.field("id_number", "an active member with this ID number already exists")


def register_member(db: UnitOfWork, data: dict[str, Any], within: int | None = None) -> dict:
    data = load(schemas.MemberCreateSchema, data)
    session = db.session
    org = find_organisation(session, data["organisation_id"], within, field="organisation_id")
    rules.check_joining(data["joined_on"], today())
    _check_id_number_free(session, data["id_number"])
    member = Member(**data, status="active", revision=1)
    session.add(member)
    try:
        session.flush()
    except IntegrityError:  # a concurrent registration won the race
        raise InvalidInput.field("id_number", "an active member with this ID number already exists") from None
    db.publish(events.MEMBER_JOINED, events.member_snapshot(member, org.path))
    return member_view(member)


MEMBER_FIELDS = ("id", "name", "id_number", "phone", "organisation_id", "employment_form", "occupation",
                 "joined_on", "status", "left_on", "left_reason", "revision")


def member_view(member: Any) -> dict[str, Any]:
    """A member (ORM object or row) as the API shows it: ids as strings, dates ISO."""
    return member_row_view(tuple(getattr(member, name) for name in MEMBER_FIELDS))


def member_row_view(row: Any) -> dict[str, Any]:
    """The same from a row whose first columns are MEMBER_FIELDS, in order (the fast path for pages)."""
    (id_, name, id_number, phone, organisation_id, employment_form, occupation, joined_on, status, left_on,
     left_reason, revision) = row[:12]
    return {
        "id": str(id_), "name": name, "id_number": id_number, "phone": phone,
        "organisation_id": str(organisation_id), "employment_form": employment_form,
        "occupation": occupation, "joined_on": joined_on.isoformat(), "status": status,
        "left_on": left_on.isoformat() if left_on else None, "left_reason": left_reason,
        "revision": revision,
    }


# Built once: SQLAlchemy then reuses its compiled form without recomputing cache keys.
# One statement for the member, its organisation, transfers and honours: outer joins, so a
# member with t transfers and h honours comes as max(1, t) * max(1, h) rows (both are rare
# and short); a round trip per part cost the hottest read a sixth of its throughput.
MEMBER_READ = (
    select(*(getattr(Member, name) for name in MEMBER_FIELDS),
           Organisation.name.label("organisation_name"), Organisation.path.label("organisation_path"),
           Transfer.id.label("transfer_id"), Transfer.from_organisation_id, Transfer.to_organisation_id,
           Transfer.transferred_on,
           Honour.id.label("honour_id"), Honour.title, Honour.level, Honour.year)
    .join(Organisation, Organisation.id == Member.organisation_id)
    .outerjoin(Transfer, Transfer.member_id == Member.id)
    .outerjoin(Honour, Honour.member_id == Member.id)
    .where(Member.id == bindparam("member_id"))
    .order_by(Transfer.id)
)


def get_member(db: UnitOfWork, member_id: int, within: int | None = None) -> dict:
    """One member with the organisation's name, transfers and honours, in one indexed read."""
    reader = db.reader
    rows = reader.execute(MEMBER_READ, {"member_id": member_id}).all()
    prefix = scope_path(reader, within)
    if not rows or (prefix is not None and not rows[0].organisation_path.startswith(prefix)):
        raise NotFound(f"member {member_id} not found")
    data = member_row_view(rows[0])
    data["organisation_name"] = rows[0].organisation_name
    transfers: dict[int, dict[str, Any]] = {}
    honours: dict[int, dict[str, Any]] = {}
    for row in rows:  # in transfer order; honours sorted below (the rows repeat them per transfer)
        if row.transfer_id is not None and row.transfer_id not in transfers:
            transfers[row.transfer_id] = {
                "from_organisation_id": str(row.from_organisation_id),
                "to_organisation_id": str(row.to_organisation_id), "on": row.transferred_on.isoformat()}
        if row.honour_id is not None and row.honour_id not in honours:
            honours[row.honour_id] = {"id": str(row.honour_id), "member_id": str(member_id), "title": row.title,
                                      "level": row.level, "year": row.year}
    data["transfers"] = list(transfers.values())
    data["honours"] = sorted(honours.values(), key=lambda h: (h["year"], int(h["id"])))
    return data


def update_member(db: UnitOfWork, member_id: int, data: dict[str, Any], within: int | None = None) -> dict:
    changes = load(schemas.MemberUpdateSchema, data)
    session = db.session
    member = find_member(session, member_id, within, for_update=True)
    if member.status != "active":
        raise InvalidInput.field("member_id", "a member who has left cannot be changed")
    changed = {key: value for key, value in changes.items() if getattr(member, key) != value}
    if changed:
        for key, value in changed.items():
            setattr(member, key, value)
        member.revision += 1
        session.flush()
        db.publish(events.MEMBER_UPDATED, events.member_snapshot(member, _org_path(session, member.organisation_id)))
    return member_view(member)


def transfer_member(db: UnitOfWork, member_id: int, data: dict[str, Any], within: int | None = None) -> dict:
    data = load(schemas.TransferSchema, data)
    session = db.session
    member = find_member(session, member_id, within, for_update=True)
    # The destination may lie outside the caller's scope (a member can move
    # to another union); it only has to exist.
    target = find_organisation(session, data["to_organisation_id"], field="to_organisation_id")
    rules.check_transfer(member.status, member.organisation_id, member.joined_on, _ref(target), data["on"], today())
    previous = member.organisation_id
    session.add(Transfer(member_id=member.id, from_organisation_id=previous,
                         to_organisation_id=target.id, transferred_on=data["on"]))
    member.organisation_id = target.id
    member.revision += 1
    session.flush()
    db.publish(events.MEMBER_TRANSFERRED, {
        **events.member_snapshot(member, target.path),
        "from_organisation_id": str(previous), "to_organisation_id": str(target.id),
        "on": data["on"].isoformat(),
    })
    return member_view(member)


def member_leaves(db: UnitOfWork, member_id: int, data: dict[str, Any], within: int | None = None) -> dict:
    data = load(schemas.LeaveSchema, data)
    session = db.session
    member = find_member(session, member_id, within, for_update=True)
    rules.check_leaving(member.status, member.joined_on, data["on"], today())
    member.status = "left"
    member.left_on = data["on"]
    member.left_reason = data["reason"]
    member.revision += 1
    session.flush()
    db.publish(events.MEMBER_LEFT, {
        **events.member_snapshot(member, _org_path(session, member.organisation_id)),
        "on": data["on"].isoformat(), "reason": data["reason"],
    })
    return member_view(member)


def award_honour(db: UnitOfWork, member_id: int, data: dict[str, Any], within: int | None = None) -> dict:
    data = load(schemas.HonourCreateSchema, data)
    session = db.session
    member = find_member(session, member_id, within)
    existing = session.scalar(select(Honour).where(
        Honour.member_id == member.id, Honour.title == data["title"],
        Honour.level == data["level"], Honour.year == data["year"],
    ))
    if existing is not None:
        raise InvalidInput.field("title", "the member already holds this honour for that year")
    honour = Honour(member_id=member.id, **data)
    session.add(honour)
    session.flush()
    db.publish(events.HONOUR_AWARDED, {
        "honour_id": str(honour.id), "member_id": str(member.id),
        "title": honour.title, "level": honour.level, "year": honour.year,
    })
    return schemas.HonourSchema().dump(honour)


def member_filters(session: Session, query: dict[str, Any], within: int | None) -> list[Any]:
    """WHERE clauses for a member search (shared by the list and the export)."""
    clauses: list[Any] = []
    for root in (within, query.get("organisation_id")):
        if root is not None:
            prefix = scope_path(session, root)
            clauses.append(Member.organisation_id.in_(
                select(Organisation.id).where(Organisation.path.startswith(prefix))
            ))
    if query.get("employment_form"):
        clauses.append(Member.employment_form == query["employment_form"])
    if query.get("status"):
        clauses.append(Member.status == query["status"])
    q = (query.get("q") or "").strip()
    if q:
        digits = q.upper()
        if len(digits) >= 4 and digits.rstrip("X").isdigit():
            # An ID number or a phone number, whole or its beginning.
            clauses.append(or_(Member.id_number.startswith(digits), Member.phone.startswith(digits)))
        elif len(q) == 1:
            # A surname alone: ix_member_surname yields its members in id order.
            clauses.append(func.substr(Member.name, 1, 1) == q)
        else:
            # The start of a whole name is rarer: the name index finds it at once.
            # (Names match from their start; "contains" would read every member.)
            clauses.append(Member.name.startswith(q, autoescape=True))
    return clauses


def search_members(db: UnitOfWork, query: dict[str, Any], within: int | None = None) -> dict:
    query = load(schemas.MemberQuerySchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.reader
    after = decode_cursor(query["cursor"])
    stmt = (select(*(getattr(Member, name) for name in MEMBER_FIELDS))
            .where(*member_filters(session, query, within)).order_by(Member.id))
    if after is not None:
        stmt = stmt.where(Member.id > after)
    rows = list(session.execute(stmt.limit(query["limit"] + 1)))
    return page(rows, query["limit"], member_row_view)


def iter_members_for_export(db: UnitOfWork, query: dict[str, Any], within: int | None = None) -> Iterator[dict]:
    query = load(schemas.MemberQuerySchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    names = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    stmt = (
        select(Member).where(*member_filters(session, query, within))
        .order_by(Member.id).execution_options(yield_per=2000)
    )
    for member in session.scalars(stmt):
        row = member_view(member)
        row["organisation_name"] = names.get(member.organisation_id)
        yield row


# ---------------------------------------------------------------- the year in figures

MODEL_WORKER_TITLE = "劳动模范"


def annual_stats(db: UnitOfWork, year: int, within: int | None = None) -> dict[str, int]:
    """The year's figures of the work report's "夯实基层基础" part, for `within` and below.

    `members_total` is the members on the year's last day (joined by then, not
    left by then); a transfer moves a member between unions, not out of the count.
    """
    session = db.session
    start, end = rules.year_bounds(year)
    prefix = scope_path(session, within)
    in_scope_org = Organisation.path.startswith(prefix) if prefix else True
    in_scope_member = Member.organisation_id.in_(select(Organisation.id).where(in_scope_org)) if prefix else True
    joined = and_(in_scope_member, Member.joined_on.between(start, end))
    return {
        "new_organisations": session.scalar(
            select(func.count()).select_from(Organisation)
            .where(in_scope_org, Organisation.established_on.between(start, end))
        ),
        "new_members": session.scalar(select(func.count()).select_from(Member).where(joined)),
        "new_form_members": session.scalar(
            select(func.count()).select_from(Member).where(joined, Member.employment_form == "new_form")
        ),
        "members_total": session.scalar(
            select(func.count()).select_from(Member).where(
                in_scope_member, Member.joined_on <= end, or_(Member.left_on.is_(None), Member.left_on > end)
            )
        ),
        "members_left": session.scalar(
            select(func.count()).select_from(Member).where(in_scope_member, Member.left_on.between(start, end))
        ),
        "honours_awarded": session.scalar(
            select(func.count()).select_from(Honour).join(Member).where(in_scope_member, Honour.year == year)
        ),
        "model_workers": session.scalar(
            select(func.count(func.distinct(Honour.member_id))).select_from(Honour).join(Member)
            .where(in_scope_member, Honour.year == year, Honour.title == MODEL_WORKER_TITLE)
        ),
    }
