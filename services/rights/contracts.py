"""Collective contracts: signing, filing with the labour authority, renewal, expiry notices, enterprises."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.orm import Session

from services.chassis.database import UnitOfWork
from services.chassis.errors import Conflict, NotFound
from services.chassis.schemas import load
from services.rights import common, events, schemas
from services.rights.domain import contracts as rules
from services.rights.models import CollectiveContract, ContractExpiryNotice


def _congress(data: dict[str, Any]) -> dict[str, Any]:
    vote = data.get("congress")
    if not vote:
        return {}
    rules.check_congress(rules.CongressVote(vote["delegates"], vote["present"], vote["votes_for"]))
    return {"congress_delegates": vote["delegates"], "congress_present": vote["present"],
            "congress_votes_for": vote["votes_for"]}


def _check_terms(data: dict[str, Any]) -> None:
    rules.check_signed_not_future(data["signed_on"], common.today())
    rules.check_term(data["signed_on"], data["expires_on"])


# Built once: SQLAlchemy reuses its compiled form on every signing.
OVERLAPPING = (
    select(CollectiveContract.id, CollectiveContract.expires_on).where(
        CollectiveContract.organisation_id == bindparam("organisation_id"),
        CollectiveContract.kind == bindparam("kind"),
        CollectiveContract.filing_status != "objected", CollectiveContract.renewed_by_id.is_(None),
        CollectiveContract.signed_on <= bindparam("expires_on"),
        CollectiveContract.expires_on >= bindparam("signed_on"),
        CollectiveContract.id != bindparam("exclude"),
    ).limit(1)
)


def _overlapping(session: Session, organisation_id: int, kind: str, signed_on: date, expires_on: date,
                 exclude: int | None = None) -> Any:
    """A contract of the kind, not renewed or objected, whose term meets [signed_on, expires_on]."""
    return session.execute(OVERLAPPING, {"organisation_id": organisation_id, "kind": kind, "signed_on": signed_on,
                                         "expires_on": expires_on, "exclude": exclude or 0}).first()


def _lock_signings(session: Session, organisation_id: int) -> None:
    """Signings for one organisation take turns (PostgreSQL row lock on its directory copy),
    so two at once cannot both pass the overlap check."""
    table = common.directory.organisations
    session.execute(select(table.c.organisation_id).where(table.c.organisation_id == organisation_id)
                    .with_for_update())


def _signed(db: UnitOfWork, contract: CollectiveContract) -> None:
    db.publish(events.CONTRACT_SIGNED, {
        "contract_id": str(contract.id), "organisation_id": str(contract.organisation_id), "kind": contract.kind,
        "signed_on": contract.signed_on.isoformat(), "expires_on": contract.expires_on.isoformat(),
        "workers_covered": contract.workers_covered,
        "renews_contract_id": str(contract.renews_id) if contract.renews_id else None,
    })


def create_contract(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.ContractCreateSchema, data)
    session = db.session
    scope = common.directory.scope_path(session, within)
    organisation = common.organisation(session, data["organisation_id"], scope)
    _lock_signings(session, data["organisation_id"])
    _check_terms(data)
    congress = _congress(data)
    clash = _overlapping(session, data["organisation_id"], data["kind"], data["signed_on"], data["expires_on"])
    if clash is not None:
        raise Conflict(
            f"contract {clash.id} of this kind is in force for this organisation until "
            f"{clash.expires_on.isoformat()}; renew it instead", {"kind": ["a contract of this kind is in force"]})
    contract = CollectiveContract(
        organisation_id=data["organisation_id"], organisation_path=organisation["path"], kind=data["kind"],
        signed_on=data["signed_on"], expires_on=data["expires_on"], workers_covered=data["workers_covered"],
        negotiation_rounds=data.get("negotiation_rounds"), filing_status="not_submitted", **congress,
    )
    session.add(contract)
    session.flush()
    _signed(db, contract)
    return contract_view(session, contract, {contract.organisation_id: organisation["name"]})


def find_contract(session: Session, contract_id: int, scope: str | None, for_update: bool = False
                  ) -> CollectiveContract:
    stmt = select(CollectiveContract).where(CollectiveContract.id == contract_id)
    if for_update:
        stmt = stmt.with_for_update()
    contract = session.scalars(stmt).first()
    if contract is None or not common.visible(contract.organisation_path, scope):
        raise NotFound(f"no collective contract {contract_id}")
    return contract


def renew_contract(db: UnitOfWork, contract_id: int, data: dict[str, Any], within: Any = None) -> dict:
    """A new contract of the same kind for the same organisation, linked to the one it renews."""
    data = load(schemas.ContractRenewSchema, data)
    session = db.session
    scope = common.directory.scope_path(session, within)
    old = find_contract(session, contract_id, scope)
    _lock_signings(session, old.organisation_id)
    session.refresh(old)  # as it stands once the signings lock is held
    rules.check_renewal(old.signed_on, old.renewed_by_id is not None, data["signed_on"])
    _check_terms(data)
    congress = _congress(data)
    clash = _overlapping(session, old.organisation_id, old.kind, data["signed_on"], data["expires_on"],
                         exclude=old.id)
    if clash is not None:
        raise Conflict(f"contract {clash.id} of this kind already covers that term",
                       {"signed_on": ["another contract of this kind covers that term"]})
    new = CollectiveContract(
        organisation_id=old.organisation_id, organisation_path=old.organisation_path, kind=old.kind,
        signed_on=data["signed_on"], expires_on=data["expires_on"], workers_covered=data["workers_covered"],
        negotiation_rounds=data.get("negotiation_rounds"), filing_status="not_submitted", renews_id=old.id,
        **congress,
    )
    session.add(new)
    session.flush()
    old.renewed_by_id = new.id
    session.flush()
    _signed(db, new)
    return contract_view(session, new)


def record_filing(db: UnitOfWork, contract_id: int, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.FilingSchema, data)
    session = db.session
    contract = find_contract(session, contract_id, common.directory.scope_path(session, within), for_update=True)
    rules.check_filing(contract.filing_status, contract.signed_on, data["submitted_on"], data.get("late_reason"),
                       common.today())
    contract.filing_status = "submitted"
    contract.submitted_on = data["submitted_on"]
    contract.late_reason = data.get("late_reason")
    session.flush()
    return contract_view(session, contract)


def record_review(db: UnitOfWork, contract_id: int, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.ReviewSchema, data)
    session = db.session
    contract = find_contract(session, contract_id, common.directory.scope_path(session, within), for_update=True)
    rules.check_review(contract.filing_status, contract.submitted_on, data["reviewed_on"], data["decision"],
                       common.today())
    contract.filing_status = data["decision"]
    contract.reviewed_on = data["reviewed_on"]
    contract.review_note = data.get("note")
    session.flush()
    return contract_view(session, contract)


def get_contract(db: UnitOfWork, contract_id: int, within: Any = None) -> dict:
    session = db.session
    return contract_view(session, find_contract(session, contract_id, common.directory.scope_path(session, within)))


def list_contracts(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    query = common.load_query(schemas.ContractQuerySchema, query)
    session = db.session
    day = common.today()
    stmt = common.scoped(session, CollectiveContract, within, query["organisation_id"])
    if query["kind"]:
        stmt = stmt.where(CollectiveContract.kind == query["kind"])
    if query["in_force"] is not None or query["expiring_within_days"] is not None:
        current = and_(CollectiveContract.filing_status != "objected", CollectiveContract.renewed_by_id.is_(None),
                       CollectiveContract.signed_on <= day, CollectiveContract.expires_on >= day)
        stmt = stmt.where(current if query["in_force"] is not False else ~current)
    if query["expiring_within_days"] is not None:
        stmt = stmt.where(CollectiveContract.expires_on <= day + timedelta(days=query["expiring_within_days"]))
    rows = common.page_rows(session, stmt, CollectiveContract, query)
    names = _names(session, {c.organisation_id for c in rows})
    return common.page(rows, query["limit"], lambda c: contract_view(session, c, names))


def _names(session: Session, organisation_ids: set[int]) -> dict[int, str]:
    if not organisation_ids:
        return {}
    table = common.directory.organisations
    rows = session.execute(select(table.c.organisation_id, table.c.name)
                           .where(table.c.organisation_id.in_(organisation_ids)))
    return dict(rows.all())


def contract_view(session: Session, c: CollectiveContract, names: dict[int, str] | None = None) -> dict:
    if names is None:
        names = _names(session, {c.organisation_id})
    day = common.today()
    filing_due = rules.filing_due_on(c.signed_on)
    review_due = rules.review_due_on(c.submitted_on) if c.submitted_on else None
    return {
        "id": str(c.id), "organisation_id": str(c.organisation_id),
        "organisation_name": names.get(c.organisation_id), "kind": c.kind,
        "signed_on": c.signed_on.isoformat(), "expires_on": c.expires_on.isoformat(),
        "workers_covered": c.workers_covered, "negotiation_rounds": c.negotiation_rounds,
        "congress": None if c.congress_delegates is None else {
            "delegates": c.congress_delegates, "present": c.congress_present, "votes_for": c.congress_votes_for},
        "state": rules.state(c.signed_on, c.expires_on, c.filing_status, c.renewed_by_id is not None, day),
        "days_to_expiry": (c.expires_on - day).days,
        "filing": {
            "status": c.filing_status, "due_on": filing_due.isoformat(),
            "overdue": c.filing_status == "not_submitted" and day > filing_due,
            "submitted_on": common.iso(c.submitted_on), "late_reason": c.late_reason,
            "review_due_on": common.iso(review_due), "reviewed_on": common.iso(c.reviewed_on),
            "review_note": c.review_note,
            # No objection within 15 days of submission: the contract stands.
            "deemed_accepted": c.filing_status == "submitted" and review_due is not None and day > review_due,
        },
        "renews_contract_id": str(c.renews_id) if c.renews_id else None,
        "renewed_by_contract_id": str(c.renewed_by_id) if c.renewed_by_id else None,
    }


# ---------------------------------------------------------------- enterprises

def in_force_during(start: date, end: date) -> Any:
    """Contracts in force at some time between `start` and `end` (an objected one never was)."""
    return and_(CollectiveContract.filing_status != "objected",
                CollectiveContract.signed_on <= end, CollectiveContract.expires_on >= start)


def kinds_by_organisation(session: Session, scope: str | None, start: date, end: date,
                          after: int | None = None) -> dict[int, set[str]]:
    stmt = (select(CollectiveContract.organisation_id, CollectiveContract.kind).distinct()
            .where(common.in_scope(CollectiveContract.organisation_path, scope), in_force_during(start, end)))
    if after is not None:
        stmt = stmt.where(CollectiveContract.organisation_id > after)
    found: dict[int, set[str]] = {}
    for organisation_id, kind in session.execute(stmt):
        found.setdefault(organisation_id, set()).add(kind)
    return found


def enterprises(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    """Organisations with contracts in force on a day (today by default), the kinds they hold,
    and whether that is the full "1+3" set."""
    query = common.load_query(schemas.EnterpriseQuerySchema, query)
    session = db.session
    scope = common.directory.scope_path(session, within)
    day = query["on"] or common.today()
    found = kinds_by_organisation(session, scope, day, day, common.decode_cursor(query["cursor"]))
    ids = sorted(i for i, kinds in found.items()
                 if query["full_set"] is None or rules.full_set(kinds) == query["full_set"])
    limit = query["limit"]
    names = _names(session, set(ids[:limit]))
    items = [{"organisation_id": str(i), "organisation_name": names.get(i),
              "kinds": [k for k in rules.KINDS if k in found[i]], "full_set": rules.full_set(found[i])}
             for i in ids[:limit]]
    return {"items": items, "next_cursor": common.encode_cursor(ids[limit - 1]) if len(ids) > limit else None,
            "on": day.isoformat()}


# ---------------------------------------------------------------- expiry notices

def _insert_once(session: Session, values: dict[str, Any]) -> bool:
    """Insert the notice unless it exists; True if this transaction inserted it.

    ON CONFLICT DO NOTHING: a second instance running at the same moment waits
    for the first's commit on the primary key, then inserts nothing.
    """
    table = ContractExpiryNotice.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    else:  # pragma: no cover - the platform runs on PostgreSQL or SQLite
        exists = session.get(ContractExpiryNotice, (values["contract_id"], values["days_before"]))
        if exists:
            return False
        session.execute(insert(table).values(**values))
        return True
    result = session.execute(upsert(table).values(**values).on_conflict_do_nothing())
    return result.rowcount == 1


def send_expiry_notices(db: UnitOfWork, on: date | None = None) -> int:
    """The daily job: publish `contract_expiring` 90, 30 and 7 days before expiry, once each.

    Safe to run as often as one likes, on as many instances as run: each
    notice is recorded under its (contract, threshold) key in the same
    transaction that publishes it. Returns how many notices this run sent.
    """
    session = db.session
    day = on or common.today()
    horizon = day + timedelta(days=max(rules.EXPIRY_NOTICE_DAYS))
    candidates = session.scalars(
        select(CollectiveContract).where(
            CollectiveContract.renewed_by_id.is_(None), CollectiveContract.filing_status != "objected",
            CollectiveContract.expires_on >= day, CollectiveContract.expires_on <= horizon,
            CollectiveContract.signed_on <= day,
        ).order_by(CollectiveContract.id)
    ).all()
    sent = 0
    for contract in candidates:
        days_before = rules.expiry_notice_due(contract.expires_on, day)
        if days_before is None:
            continue
        if not _insert_once(session, {"contract_id": contract.id, "days_before": days_before,
                                      "sent_at": common.now()}):
            continue
        db.publish(events.CONTRACT_EXPIRING, {
            "contract_id": str(contract.id), "organisation_id": str(contract.organisation_id),
            "kind": contract.kind, "expires_on": contract.expires_on.isoformat(), "days_before": days_before,
        })
        sent += 1
    return sent
