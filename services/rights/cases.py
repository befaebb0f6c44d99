"""Labour dispute cases: intake, assignment to a legal-aid lawyer, mediation, arbitration,
litigation, closing with the outcome, and the hardship referral to welfare."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services.chassis.database import UnitOfWork
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.schemas import load
from services.rights import common, events, schemas
from services.rights.domain import cases as rules
from services.rights.models import CaseStep, DisputeCase, HardshipReferral


def _placement(session: Session, member_id: int | None, organisation_id: int | None, scope: str | None
               ) -> tuple[int | None, str | None]:
    """The case's organisation: the member's union if a member, else the one named, else none
    (then only federation-wide staff see it)."""
    if member_id is not None:
        try:
            member = common.directory.member(session, member_id, scope, "member_id")
        except NotFound:
            raise InvalidInput.field("member_id", "no such member") from None
        return member["organisation_id"], member["organisation_path"]
    if organisation_id is not None:
        return organisation_id, common.organisation_path(session, organisation_id, scope)
    if scope is not None:
        raise InvalidInput.field("organisation_id", "name your union (or the member) so the case is yours to see")
    return None, None


def open_case(session: Session, data: dict[str, Any], scope: str | None, hotline_order_id: int | None = None
              ) -> DisputeCase:
    organisation_id, path = _placement(session, data.get("member_id"), data.get("organisation_id"), scope)
    day = data.get("opened_on") or common.today()
    if day > common.today():
        raise InvalidInput.field("opened_on", f"{day.isoformat()} is in the future")
    case = DisputeCase(
        organisation_id=organisation_id, organisation_path=path, member_id=data.get("member_id"),
        claimant_name=data["claimant_name"], claimant_phone=data.get("claimant_phone"),
        employer_name=data["employer_name"], kind=data["kind"], amount_claimed_fen=data["amount_claimed_fen"],
        description=data.get("description"), status="filed", stage_started_on=day, opened_on=day,
        legal_aid=True, hotline_order_id=hotline_order_id,
    )
    session.add(case)
    session.flush()
    session.add(CaseStep(case_id=case.id, action="file", from_status=None, to_status="filed", on=day,
                         note="escalated from a hotline order" if hotline_order_id else None))
    return case


def file_case(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.CaseCreateSchema, data)
    session = db.session
    case = open_case(session, data, common.directory.scope_path(session, within))
    session.flush()
    return case_view(session, case)


def find_case(session: Session, case_id: int, scope: str | None, for_update: bool = False) -> DisputeCase:
    stmt = select(DisputeCase).where(DisputeCase.id == case_id)
    if for_update:
        stmt = stmt.with_for_update()
    case = session.scalars(stmt).first()
    if case is None or not common.visible(case.organisation_path, scope):
        raise NotFound(f"no dispute case {case_id}")
    return case


def _move(session: Session, case: DisputeCase, action: str, on: date | None, note: str | None) -> date:
    target = rules.next_status(case.status, action)
    day = on or common.today()
    rules.check_move_day(day, case.stage_started_on, common.today())
    session.add(CaseStep(case_id=case.id, action=action, from_status=case.status, to_status=target, on=day,
                         note=note))
    case.status = target
    case.stage_started_on = day
    return day


def assign_case(db: UnitOfWork, case_id: int, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.AssignSchema, data)
    session = db.session
    case = find_case(session, case_id, common.directory.scope_path(session, within), for_update=True)
    _move(session, case, "assign", data.get("on"), data.get("note") or data["lawyer_name"])
    case.lawyer_name = data["lawyer_name"]
    case.legal_aid = data["legal_aid"]
    session.flush()
    return case_view(session, case)


def advance_case(db: UnitOfWork, case_id: int, action: str, data: dict[str, Any], within: Any = None) -> dict:
    """mediate, arbitrate or litigate: the next stage, if the state machine allows it."""
    if action not in ("mediate", "arbitrate", "litigate"):
        raise NotFound(f"no action {action!r}")
    data = load(schemas.StageSchema, data)
    session = db.session
    case = find_case(session, case_id, common.directory.scope_path(session, within), for_update=True)
    _move(session, case, action, data.get("on"), data.get("note"))
    session.flush()
    return case_view(session, case)


def close_case(db: UnitOfWork, case_id: int, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.CloseCaseSchema, data)
    session = db.session
    case = find_case(session, case_id, common.directory.scope_path(session, within), for_update=True)
    rules.next_status(case.status, "close")  # a closed case is a 409 before anything else is checked
    if data["refer_hardship"]:
        rules.check_hardship_referral(case.kind, case.member_id, _referral(session, case.id) is not None)
        if not (data.get("hardship_reason") or "").strip():
            raise InvalidInput.field("hardship_reason", "say why the worker needs hardship relief")
    day = _move(session, case, "close", data.get("on"), data.get("note"))
    case.closed_on = day
    case.outcome = data["outcome"]
    case.amount_recovered_fen = data["amount_recovered_fen"]
    session.flush()
    db.publish(events.CASE_CLOSED, {
        "case_id": str(case.id), "kind": case.kind,
        "organisation_id": str(case.organisation_id) if case.organisation_id else None,
        "member_id": str(case.member_id) if case.member_id else None, "outcome": case.outcome,
        "amount_claimed_fen": case.amount_claimed_fen, "amount_recovered_fen": case.amount_recovered_fen,
        "closed_on": day.isoformat(),
    })
    if data["refer_hardship"]:
        _refer(db, case, data["hardship_reason"])
    return case_view(session, case)


def refer_hardship(db: UnitOfWork, case_id: int, data: dict[str, Any], within: Any = None) -> dict:
    """Refer the worker of a closed wage-arrears case to welfare, if it was not done on closing."""
    data = load(schemas.ReferralSchema, data)
    session = db.session
    case = find_case(session, case_id, common.directory.scope_path(session, within), for_update=True)
    if case.status != "closed":
        raise InvalidInput.field("refer_hardship", "a worker is referred when the case closes")
    rules.check_hardship_referral(case.kind, case.member_id, _referral(session, case.id) is not None)
    _refer(db, case, data["reason"])
    return case_view(session, case)


def _referral(session: Session, case_id: int) -> HardshipReferral | None:
    return session.scalars(select(HardshipReferral).where(HardshipReferral.case_id == case_id)).first()


def _refer(db: UnitOfWork, case: DisputeCase, reason: str) -> None:
    referral = HardshipReferral(referral_id=str(uuid.uuid4()), case_id=case.id, member_id=case.member_id,
                                reason=reason)
    db.session.add(referral)
    db.session.flush()  # the unique case_id stops a concurrent second referral here
    db.publish(events.HARDSHIP_REFERRED, {
        "referral_id": referral.referral_id, "case_id": str(case.id), "member_id": str(case.member_id),
        "reason": reason,
    })


def get_case(db: UnitOfWork, case_id: int, within: Any = None) -> dict:
    session = db.session
    case = find_case(session, case_id, common.directory.scope_path(session, within))
    view = case_view(session, case)
    view["history"] = [
        {"action": s.action, "from_status": s.from_status, "to_status": s.to_status, "on": s.on.isoformat(),
         "note": s.note}
        for s in session.scalars(select(CaseStep).where(CaseStep.case_id == case.id).order_by(CaseStep.id))
    ]
    return view


def list_cases(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    query = common.load_query(schemas.CaseQuerySchema, query)
    session = db.session
    stmt = common.scoped(session, DisputeCase, within, query["organisation_id"])
    for name in ("status", "kind", "member_id"):
        if query[name] is not None:
            stmt = stmt.where(getattr(DisputeCase, name) == query[name])
    if query["overdue"] is not None:
        late = _overdue_clause(common.today())
        stmt = stmt.where(late if query["overdue"] else ~late)
    rows = common.page_rows(session, stmt, DisputeCase, query)
    referred = _referrals(session, [c.id for c in rows])
    return common.page(rows, query["limit"], lambda c: case_view(session, c, referred))


def _overdue_clause(day: date) -> Any:
    """Open cases whose stage began more than its allowed days before `day`."""
    return or_(*(
        and_(DisputeCase.status == status, DisputeCase.stage_started_on < day - timedelta(days=days))
        for status, days in rules.STAGE_DAYS.items()
    ))


def _referrals(session: Session, case_ids: list[int]) -> dict[int, HardshipReferral]:
    if not case_ids:
        return {}
    return {r.case_id: r for r in session.scalars(select(HardshipReferral)
                                                  .where(HardshipReferral.case_id.in_(case_ids)))}


def case_view(session: Session, case: DisputeCase, referrals: dict[int, HardshipReferral] | None = None) -> dict:
    """The whole case; the gateway shows the sensitive part only to rights officers and admins."""
    if referrals is None:
        referrals = _referrals(session, [case.id])
    referral = referrals.get(case.id)
    day = common.today()
    due = rules.stage_due_on(case.status, case.stage_started_on)
    return {
        "id": str(case.id), "kind": case.kind, "status": case.status,
        "organisation_id": str(case.organisation_id) if case.organisation_id else None,
        "member_id": str(case.member_id) if case.member_id else None,
        "claimant_name": case.claimant_name, "claimant_phone": case.claimant_phone,
        "employer_name": case.employer_name, "description": case.description,
        "amount_claimed_fen": case.amount_claimed_fen, "amount_recovered_fen": case.amount_recovered_fen,
        "lawyer_name": case.lawyer_name, "legal_aid": case.legal_aid,
        "opened_on": case.opened_on.isoformat(), "stage_started_on": case.stage_started_on.isoformat(),
        "stage_due_on": common.iso(due), "overdue": rules.is_overdue(case.status, case.stage_started_on, day),
        "allowed_actions": rules.allowed_actions(case.status),
        "closed_on": common.iso(case.closed_on), "outcome": case.outcome,
        "hotline_order_id": str(case.hotline_order_id) if case.hotline_order_id else None,
        "hardship_referral": None if referral is None else {
            "referral_id": referral.referral_id, "reason": referral.reason,
            "referred_at": referral.created_at.isoformat()},
    }
