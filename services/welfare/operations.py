"""Welfare's use cases: each takes the worker's unit of work and plain data.

They load input with the schemas, apply the rules in `domain.rules`, post
money through `ledger` and publish events through the outbox, all in the
worker's one transaction. `within` (an organisation id, None for the whole
federation) limits a call to that organisation and the ones below it; an
object outside it is "not found", like a missing one.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import distinct, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.chassis.database import UnitOfWork
from services.chassis.directory import Directory
from services.chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.chassis.events import utcnow
from services.chassis.schemas import load
from services.welfare import events, ledger, schemas
from services.welfare.domain import rules
from services.welfare.ledger import decode_cursor, encode_cursor, page_limit, today
from services.welfare.models import (
    Base,
    Claim,
    CondolenceVisit,
    DuesRefund,
    Enrolment,
    HardshipCase,
    HardshipGrant,
    LedgerTransaction,
    MutualAidPlan,
    RewardPayout,
    Subsidy,
)

directory = Directory(Base.metadata)
CHUNK = 1000


# ---------------------------------------------------------------- scope helpers

def federation_only(within: Any, what: str) -> None:
    if within not in (None, ""):
        raise Forbidden(f"only federation staff may {what}")


def _in_scope(path: str, prefix: str | None) -> bool:
    return prefix is None or path.startswith(prefix)


def _member_for(session: Session, member_id: int, prefix: str | None, field: str = "member_id") -> dict:
    """The member named in a request body: unknown or out of scope is a field error."""
    try:
        return directory.member(session, member_id, prefix, field)
    except NotFound:
        raise InvalidInput.field(field, "no such member") from None


def _get(session: Session, model: Any, object_id: int, prefix: str | None, what: str, lock: bool = False) -> Any:
    stmt = select(model).where(model.id == object_id)
    if lock:
        stmt = stmt.with_for_update()
    found = session.scalar(stmt)
    if found is None or not _in_scope(found.organisation_path, prefix):
        raise NotFound(f"no {what} {object_id}")
    return found


def _page(session: Session, stmt: Any, model: Any, query: dict[str, Any], view: Any) -> dict[str, Any]:
    limit = page_limit(query)
    after = decode_cursor(query.get("cursor"))
    if after is not None:
        stmt = stmt.where(model.id < after)
    rows = list(session.scalars(stmt.order_by(model.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [view(row) for row in rows], "next_cursor": encode_cursor(rows[-1].id) if more and rows else None}


def _scoped_page(db: UnitOfWork, model: Any, query: dict[str, Any], within: Any, view: Any,
                 ids: tuple[str, ...] = (), values: tuple[str, ...] = (),
                 where: tuple[Any, ...] = ()) -> dict[str, Any]:
    """A page of `model` rows in the caller's unions, filtered by the query's fields named after columns:
    `ids` are whole numbers (a field error otherwise), `values` are compared as sent; `where`: more conditions."""
    session = db.session
    stmt = select(model).where(*where)
    prefix = directory.scope_path(session, within)
    if prefix:
        stmt = stmt.where(model.organisation_path.startswith(prefix))
    for name in ids:
        if query.get(name):
            stmt = stmt.where(getattr(model, name) == _int_filter(query, name))
    for name in values:
        if query.get(name):
            stmt = stmt.where(getattr(model, name) == query[name])
    return _page(session, stmt, model, query, view)


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _int_filter(query: dict[str, Any], name: str) -> int | None:
    value = query.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput.field(name, "not a valid id") from None


# ---------------------------------------------------------------- ledger

def list_funds(db: UnitOfWork, within: Any = None) -> dict:
    federation_only(within, "read the federation's ledger")
    return ledger.list_accounts(db.session)


def fund_entries(db: UnitOfWork, code: str, query: dict[str, Any], within: Any = None) -> dict:
    federation_only(within, "read the federation's ledger")
    return ledger.list_entries(db.session, code, query)


def deposit(db: UnitOfWork, code: str, data: dict[str, Any], within: Any = None) -> dict:
    federation_only(within, "deposit into a fund")
    data = load(schemas.DepositSchema, data)
    session = db.session
    if ledger.account(session, code).kind != "fund":
        raise InvalidInput.field("code", "deposits go into a fund")
    reason = data["source"] + (f" — {data['memo']}" if data["memo"] else "")
    tx = ledger.take_in(session, code, data["amount_fen"], kind="deposit", reason=reason,
                        ref=("source", data["source"][:64]), posted_on=data["on"])
    return ledger.transaction_view(session, tx)


def _transaction_in_scope(transaction_id: int, within: Any) -> None:
    """The books are the federation's: to a caller bound to a union no transaction exists (404, as outside scope)."""
    if within not in (None, ""):
        raise NotFound(f"no transaction {transaction_id}")


def get_transaction(db: UnitOfWork, transaction_id: int, within: Any = None) -> dict:
    _transaction_in_scope(transaction_id, within)
    return ledger.get_transaction(db.session, transaction_id)


def reverse_transaction(db: UnitOfWork, transaction_id: int, data: dict[str, Any], within: Any = None) -> dict:
    _transaction_in_scope(transaction_id, within)
    data = load(schemas.ReverseSchema, data)
    return ledger.transaction_view(db.session, ledger.reverse(db.session, transaction_id, data["reason"]))


def close_year(db: UnitOfWork, data: dict[str, Any], closed_by: str | None = None, within: Any = None) -> dict:
    federation_only(within, "close a year's books")
    data = load(schemas.CloseSchema, data)
    return ledger.close_year(db.session, data["year"], closed_by)


def list_closes(db: UnitOfWork, within: Any = None) -> dict:
    federation_only(within, "read the federation's ledger")
    return ledger.list_closes(db.session)


def trial_balance(db: UnitOfWork, within: Any = None) -> dict:
    federation_only(within, "read the federation's ledger")
    return ledger.trial_balance(db.session)


# ---------------------------------------------------------------- dues refund

def refund_view(refund: DuesRefund) -> dict:
    return {"id": str(refund.id), "organisation_id": str(refund.organisation_id), "year": refund.year,
            "amount_fen": refund.amount_fen, "transaction_id": str(refund.transaction_id),
            "created_at": refund.created_at.isoformat() if refund.created_at else None}


def refund_dues(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.DuesRefundSchema, data)
    session = db.session
    prefix = directory.scope_path(session, within)
    try:
        org = directory.organisation(session, data["organisation_id"], prefix)
    except NotFound:
        raise InvalidInput.field("organisation_id", "no such organisation") from None
    if org["employer_size"] not in rules.REFUNDABLE_SIZES:
        raise InvalidInput.field("organisation_id", "the dues refund is for micro and small employers only")
    if session.scalar(select(DuesRefund.id).where(DuesRefund.organisation_id == org["organisation_id"],
                                                  DuesRefund.year == data["year"])):
        raise Conflict(f"the dues of {data['year']} were already refunded to this organisation",
                       {"year": ["already refunded for this organisation"]})
    tx = ledger.pay_out(session, "dues_refund", data["amount_fen"], kind="dues_refund",
                        reason=f"{data['year']}年度经费返还 {org['name']}",
                        ref=("organisation", org["organisation_id"]))
    refund = DuesRefund(organisation_id=org["organisation_id"], organisation_path=org["path"], year=data["year"],
                        amount_fen=data["amount_fen"], transaction_id=tx.id)
    session.add(refund)
    try:
        session.flush()
    except IntegrityError:  # a concurrent refund won the race
        raise Conflict("already refunded for this organisation and year", {"year": ["already refunded"]}) from None
    db.publish(events.DUES_REFUNDED, {"refund_id": str(refund.id), "organisation_id": str(refund.organisation_id),
                                      "year": refund.year, "amount_fen": refund.amount_fen,
                                      "transaction_id": str(tx.id)})
    return refund_view(refund)


def list_dues_refunds(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    return _scoped_page(db, DuesRefund, query, within, refund_view, ids=("year", "organisation_id"))


# ---------------------------------------------------------------- mutual aid: plans and enrolment

def plan_view(plan: MutualAidPlan) -> dict:
    return {"id": str(plan.id), "year": plan.year, "premium_fen": plan.premium_fen, "caps": json.loads(plan.caps),
            "annual_cap_fen": plan.annual_cap_fen, "cover_ends_on": rules.paid_through(plan.year).isoformat()}


def create_plan(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    federation_only(within, "set up a mutual-aid plan")
    data = load(schemas.PlanSchema, data)
    caps = rules.check_caps(data["caps"], data["annual_cap_fen"])
    session = db.session
    if session.scalar(select(MutualAidPlan.id).where(MutualAidPlan.year == data["year"])):
        raise Conflict(f"there is already a plan for {data['year']}", {"year": ["a plan exists for this year"]})
    plan = MutualAidPlan(year=data["year"], premium_fen=data["premium_fen"], caps=json.dumps(caps),
                         annual_cap_fen=data["annual_cap_fen"])
    session.add(plan)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("there is already a plan for this year", {"year": ["a plan exists for this year"]}) from None
    return plan_view(plan)


def list_plans(db: UnitOfWork, query: dict[str, Any]) -> dict:
    stmt = select(MutualAidPlan)
    if query.get("year"):
        stmt = stmt.where(MutualAidPlan.year == _int_filter(query, "year"))
    return _page(db.session, stmt, MutualAidPlan, query, plan_view)


def _plan(session: Session, plan_id: int, field: str | None = "plan_id") -> MutualAidPlan:
    plan = session.get(MutualAidPlan, plan_id)
    if plan is None:
        if field:
            raise InvalidInput.field(field, "no such plan")
        raise NotFound(f"no plan {plan_id}")
    return plan


def get_plan(db: UnitOfWork, plan_id: int) -> dict:
    return plan_view(_plan(db.session, plan_id, None))


def enrol(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    """A unit enrols its members in bulk: all of them or, if any cannot be, none."""
    data = load(schemas.EnrolmentSchema, data)
    session = db.session
    plan = _plan(session, data["plan_id"])
    prefix = directory.scope_path(session, within)
    try:
        org = directory.organisation(session, data["organisation_id"], prefix)
    except NotFound:
        raise InvalidInput.field("organisation_id", "no such organisation") from None
    day = rules.check_enrolment_day(plan.year, data["enrolled_on"] or today())
    member_ids = list(dict.fromkeys(data["member_ids"]))
    members: dict[int, Any] = {}
    enrolled: set[int] = set()
    table = directory.members
    for start in range(0, len(member_ids), CHUNK):
        chunk = member_ids[start:start + CHUNK]
        for row in session.execute(select(table.c.member_id, table.c.organisation_path, table.c.status)
                                   .where(table.c.member_id.in_(chunk))):
            members[row.member_id] = row
        enrolled.update(session.scalars(select(Enrolment.member_id).where(
            Enrolment.plan_id == plan.id, Enrolment.member_id.in_(chunk))))
    errors: dict[str, list[str]] = {}
    for index, member_id in enumerate(member_ids):
        row = members.get(member_id)
        if row is None or not row.organisation_path.startswith(org["path"]):
            errors[f"member_ids.{index}"] = [f"{member_id} is not a member of this organisation"]
        elif row.status != "active":
            errors[f"member_ids.{index}"] = [f"{member_id} has left the union"]
        elif member_id in enrolled:
            errors[f"member_ids.{index}"] = [f"{member_id} is already enrolled in this plan"]
        if len(errors) >= 50:
            break
    if errors:
        raise InvalidInput(f"{len(errors)} member(s) cannot be enrolled; nobody was", errors)
    count = len(member_ids)
    premiums = plan.premium_fen * count
    tx = ledger.take_in(session, "mutual_aid", premiums, kind="premium",
                        reason=f"{plan.year}年度互助保障 {org['name']} {count}人",
                        ref=("organisation", org["organisation_id"]))
    ends = rules.paid_through(plan.year)
    rows = [{"plan_id": plan.id, "member_id": member_id, "organisation_id": org["organisation_id"],
             "organisation_path": members[member_id].organisation_path, "enrolled_on": day, "paid_through": ends,
             "premium_fen": plan.premium_fen, "transaction_id": tx.id} for member_id in member_ids]
    try:
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(Enrolment), rows[start:start + CHUNK])
    except IntegrityError:  # a concurrent enrolment of one of them
        raise Conflict("some of these members were enrolled meanwhile; try again", {"member_ids": ["enrolled"]}) \
            from None
    return {"plan_id": str(plan.id), "organisation_id": str(org["organisation_id"]), "enrolled": count,
            "premiums_fen": premiums, "enrolled_on": day.isoformat(), "cover_ends_on": ends.isoformat(),
            "transaction_id": str(tx.id)}


def _used_by_kind(session: Session, plan_id: int, member_id: int) -> dict[str, int]:
    rows = session.execute(select(Claim.kind, func.sum(Claim.amount_approved_fen)).where(
        Claim.plan_id == plan_id, Claim.member_id == member_id, Claim.status.in_(("approved", "paid")))
        .group_by(Claim.kind))
    return {kind: int(total) for kind, total in rows}


def member_cover(db: UnitOfWork, member_id: int, within: Any = None) -> dict:
    session = db.session
    member = directory.member(session, member_id, directory.scope_path(session, within))
    day = today()
    covers = []
    for enrolment, plan in session.execute(
            select(Enrolment, MutualAidPlan).join(MutualAidPlan, Enrolment.plan_id == MutualAidPlan.id)
            .where(Enrolment.member_id == member_id).order_by(MutualAidPlan.year.desc())):
        caps = json.loads(plan.caps)
        left = rules.remaining_caps(caps, plan.annual_cap_fen, _used_by_kind(session, plan.id, member_id))
        covers.append({
            "plan_id": str(plan.id), "year": plan.year, "organisation_id": str(enrolment.organisation_id),
            "enrolled_on": enrolment.enrolled_on.isoformat(), "cover_ends_on": enrolment.paid_through.isoformat(),
            "covered_today": rules.covered_on(enrolment.enrolled_on, enrolment.paid_through, day),
            "caps": caps, "annual_cap_fen": plan.annual_cap_fen,
            "remaining": {kind: left.for_kind(kind) for kind in caps}, "remaining_annual_fen": left.annual_fen,
        })
    return {"member_id": str(member_id), "name": member["name"], "status": member["status"],
            "left_on": _day(member["left_on"]), "organisation_id": str(member["organisation_id"]),
            "covered_today": any(c["covered_today"] for c in covers), "covers": covers}


# ---------------------------------------------------------------- mutual aid: claims

def claim_view(claim: Claim) -> dict:
    return {"id": str(claim.id), "plan_id": str(claim.plan_id), "member_id": str(claim.member_id),
            "kind": claim.kind, "incurred_on": claim.incurred_on.isoformat(),
            "amount_claimed_fen": claim.amount_claimed_fen, "amount_approved_fen": claim.amount_approved_fen,
            "status": claim.status, "reason": claim.reason, "transaction_id": _id(claim.transaction_id),
            "created_at": claim.created_at.isoformat() if claim.created_at else None,
            "paid_at": claim.paid_at.isoformat() if claim.paid_at else None}


def file_claim(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.ClaimSchema, data)
    session = db.session
    plan = _plan(session, data["plan_id"])
    member = _member_for(session, data["member_id"], directory.scope_path(session, within))
    if not session.scalar(select(Enrolment.id).where(Enrolment.plan_id == plan.id,
                                                      Enrolment.member_id == data["member_id"])):
        raise InvalidInput.field("member_id", "the member is not enrolled in this plan")
    rules.check_claim_kind(data["kind"], json.loads(plan.caps))
    if data["incurred_on"] > today():
        raise InvalidInput.field("incurred_on", "must not be in the future")
    claim = Claim(plan_id=plan.id, member_id=data["member_id"], organisation_path=member["organisation_path"],
                  kind=data["kind"], incurred_on=data["incurred_on"],
                  amount_claimed_fen=data["amount_claimed_fen"], status="filed")
    session.add(claim)
    session.flush()
    return claim_view(claim)


def get_claim(db: UnitOfWork, claim_id: int, within: Any = None) -> dict:
    session = db.session
    return claim_view(_get(session, Claim, claim_id, directory.scope_path(session, within), "claim"))


def list_claims(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    return _scoped_page(db, Claim, query, within, claim_view, ids=("plan_id", "member_id"), values=("status",))


def approve_claim(db: UnitOfWork, claim_id: int, data: dict[str, Any], within: Any = None) -> dict:
    session = db.session
    prefix = directory.scope_path(session, within)
    # The claim, its enrolment and its plan in one statement (one round trip, which counts at a working
    # pace); locking the enrolment serialises the member's approvals, so two cannot both use one cap.
    row = session.execute(
        select(Claim, Enrolment, MutualAidPlan)
        .join(Enrolment, (Enrolment.plan_id == Claim.plan_id) & (Enrolment.member_id == Claim.member_id))
        .join(MutualAidPlan, MutualAidPlan.id == Claim.plan_id)
        .where(Claim.id == claim_id).with_for_update(of=(Claim, Enrolment))).first()
    if row is not None and _in_scope(row[0].organisation_path, prefix):
        claim, enrolment, plan = row
    else:  # not enrolled (cannot be approved), out of scope or missing (404)
        claim = _get(session, Claim, claim_id, prefix, "claim", lock=True)
        enrolment, plan = None, session.get(MutualAidPlan, claim.plan_id)
    rules.check_transition("claim", claim.status, "approved")
    data = load(schemas.ApproveClaimSchema, data)
    left = rules.remaining_caps(json.loads(plan.caps), plan.annual_cap_fen,
                                _used_by_kind(session, plan.id, claim.member_id))
    covered = enrolment is not None and rules.covered_on(enrolment.enrolled_on, enrolment.paid_through,
                                                         claim.incurred_on)
    claim.amount_approved_fen = rules.check_approval(claim.status, claim.amount_claimed_fen,
                                                     data["amount_approved_fen"], claim.kind, covered, left)
    claim.status = "approved"
    claim.decided_at = utcnow()
    session.flush()
    return claim_view(claim)


def reject_claim(db: UnitOfWork, claim_id: int, data: dict[str, Any], within: Any = None) -> dict:
    session = db.session
    claim = _get(session, Claim, claim_id, directory.scope_path(session, within), "claim", lock=True)
    rules.check_transition("claim", claim.status, "rejected")
    data = load(schemas.RejectSchema, data)
    claim.status, claim.reason = "rejected", data["reason"]
    claim.decided_at = utcnow()
    session.flush()
    return claim_view(claim)


def pay_claim(db: UnitOfWork, claim_id: int, within: Any = None) -> dict:
    """Pay an approved claim once: the claim row is locked, so a second call finds it paid (409)."""
    session = db.session
    claim = _get(session, Claim, claim_id, directory.scope_path(session, within), "claim", lock=True)
    rules.check_transition("claim", claim.status, "paid")
    _pay(db, claim)
    return claim_view(claim)


def pay_claims(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    """Pay several approved claims at once (the day's queue): all of them or, if any cannot be, none.

    The claims are locked in id order (as one claim's pay locks it) and the
    fund last, so batches and single payments never wait on each other in a
    circle. Each claim still gets its own ledger transaction and event.
    """
    data = load(schemas.ClaimPaymentSchema, data)
    session = db.session
    prefix = directory.scope_path(session, within)
    claim_ids = list(dict.fromkeys(data["claim_ids"]))
    found = {claim.id: claim for claim in session.scalars(
        select(Claim).where(Claim.id.in_(claim_ids)).order_by(Claim.id).with_for_update())}
    errors: dict[str, list[str]] = {}
    for index, claim_id in enumerate(claim_ids):
        claim = found.get(claim_id)
        if claim is None or not _in_scope(claim.organisation_path, prefix):
            errors[f"claim_ids.{index}"] = [f"no claim {claim_id}"]
        elif claim.status != "approved":
            errors[f"claim_ids.{index}"] = [f"claim {claim_id} is {claim.status}, not approved"]
    if errors:
        raise InvalidInput(f"{len(errors)} claim(s) cannot be paid; none was", errors)
    paid = [found[claim_id] for claim_id in claim_ids]
    for claim in paid:
        _pay(db, claim)
    return {"paid": len(paid), "amount_fen": sum(claim.amount_approved_fen for claim in paid),
            "claims": [claim_view(claim) for claim in paid]}


def _pay(db: UnitOfWork, claim: Claim) -> None:
    """The payout of one locked, approved claim: its ledger transaction, its status, its event."""
    session = db.session
    tx = ledger.pay_out(session, "mutual_aid", claim.amount_approved_fen, kind="claim_payout",
                        reason=f"互助保障理赔 {claim.kind}", ref=("claim", claim.id), field="amount_approved_fen")
    claim.status, claim.transaction_id = "paid", tx.id
    claim.paid_at = utcnow()
    session.flush()
    db.publish(events.CLAIM_PAID, {"claim_id": str(claim.id), "plan_id": str(claim.plan_id),
                                   "member_id": str(claim.member_id), "kind": claim.kind,
                                   "amount_fen": claim.amount_approved_fen, "transaction_id": str(tx.id)})


# ---------------------------------------------------------------- hardship relief

def case_view(case: HardshipCase, grants: list[HardshipGrant] | None = None) -> dict:
    view = {"id": str(case.id), "member_id": str(case.member_id), "reason": case.reason, "status": case.status,
            "source": case.source, "referral_id": case.referral_id, "review_note": case.review_note,
            "recheck_on": _day(case.recheck_on),
            "created_at": case.created_at.isoformat() if case.created_at else None}
    if grants is not None:
        view["grants"] = [grant_view(g) for g in grants]
    return view


def grant_view(grant: HardshipGrant) -> dict:
    return {"id": str(grant.id), "case_id": str(grant.case_id), "member_id": str(grant.member_id),
            "kind": grant.kind, "year": grant.year, "amount_fen": grant.amount_fen,
            "episode_cost_fen": grant.episode_cost_fen, "claim_id": _id(grant.claim_id), "status": grant.status,
            "notice_ends_on": grant.notice_ends_on.isoformat(), "objection": grant.objection,
            "transaction_id": _id(grant.transaction_id)}


def open_case(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.CaseSchema, data)
    session = db.session
    member = _member_for(session, data["member_id"], directory.scope_path(session, within))
    case = HardshipCase(member_id=data["member_id"], organisation_path=member["organisation_path"],
                        reason=data["reason"], status="open", source="staff")
    session.add(case)
    session.flush()
    return case_view(case, [])


def open_referred_case(db: UnitOfWork, data: dict[str, Any]) -> bool:
    """Rights referred a worker in hardship: one case per referral id. False when already opened."""
    session = db.session
    referral_id = str(data["referral_id"])
    if session.scalar(select(HardshipCase.id).where(HardshipCase.referral_id == referral_id)):
        return False
    # An unknown member raises: the event is retried (the member's copy may be on its way), then parked.
    member = directory.member(session, int(data["member_id"]))
    reason = f"维权个案转介（案件 {data.get('case_id')}）：{data.get('reason') or ''}"[:500]
    session.add(HardshipCase(member_id=member["member_id"], organisation_path=member["organisation_path"],
                             reason=reason, status="open", source="rights_referral", referral_id=referral_id))
    session.flush()
    return True


def _grants_of(session: Session, case_id: int) -> list[HardshipGrant]:
    return list(session.scalars(select(HardshipGrant).where(HardshipGrant.case_id == case_id)
                                .order_by(HardshipGrant.id)))


def get_case(db: UnitOfWork, case_id: int, within: Any = None) -> dict:
    session = db.session
    case = _get(session, HardshipCase, case_id, directory.scope_path(session, within), "hardship case")
    return case_view(case, _grants_of(session, case.id))


def list_cases(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    due = (HardshipCase.status == "approved", HardshipCase.recheck_on <= today()) if query.get("recheck_due") else ()
    return _scoped_page(db, HardshipCase, query, within, case_view, ids=("member_id",), values=("status",), where=due)


def review_case(db: UnitOfWork, case_id: int, data: dict[str, Any], within: Any = None) -> dict:
    session = db.session
    case = _get(session, HardshipCase, case_id, directory.scope_path(session, within), "hardship case", lock=True)
    data = load(schemas.ReviewSchema, data)
    rules.check_transition("case", case.status, data["decision"])
    case.status, case.review_note = data["decision"], data["note"]
    if data["decision"] == "approved":
        recheck = data["recheck_on"] or today() + timedelta(days=365)
        if recheck <= today():
            raise InvalidInput.field("recheck_on", "must be after today")
        case.recheck_on = recheck
    session.flush()
    return case_view(case, _grants_of(session, case.id))


def relief_used(session: Session, member_id: int, year: int) -> int:
    """What the member has had this year from both schemes: mutual-aid claims and hardship grants."""
    claims = session.scalar(select(func.coalesce(func.sum(Claim.amount_approved_fen), 0))
                            .join(MutualAidPlan, Claim.plan_id == MutualAidPlan.id)
                            .where(Claim.member_id == member_id, MutualAidPlan.year == year,
                                   Claim.status.in_(("approved", "paid"))))
    grants = session.scalar(select(func.coalesce(func.sum(HardshipGrant.amount_fen), 0)).where(
        HardshipGrant.member_id == member_id, HardshipGrant.year == year,
        HardshipGrant.status.in_(("notice", "paid"))))
    return int(claims) + int(grants)


def make_grant(db: UnitOfWork, case_id: int, data: dict[str, Any], within: Any = None) -> dict:
    session = db.session
    case = _get(session, HardshipCase, case_id, directory.scope_path(session, within), "hardship case", lock=True)
    data = load(schemas.GrantSchema, data)
    if case.status != "approved":
        raise Conflict("grants are made on an approved case", {"status": [f"the case is {case.status}"]})
    year = data["year"] or today().year
    yearly_left = rules.RELIEF_YEARLY_CAP_FEN - relief_used(session, case.member_id, year)
    claim_id = None
    if data["kind"] == "regular":
        if data["amount_fen"] is None:
            raise InvalidInput.field("amount_fen", "a regular grant needs an amount")
        amount = data["amount_fen"]
        rules.check_yearly_cap(amount, yearly_left)
    else:
        if data["episode_cost_fen"] is None:
            raise InvalidInput.field("episode_cost_fen", "the second relief is worked out from the episode's cost")
        mutual_aid_paid = 0
        earlier = select(func.coalesce(func.sum(HardshipGrant.amount_fen), 0)).where(
            HardshipGrant.kind == "second_relief", HardshipGrant.status.in_(("notice", "paid")))
        if data["claim_id"] is not None:
            claim = session.get(Claim, data["claim_id"])
            if claim is None or claim.member_id != case.member_id:
                raise InvalidInput.field("claim_id", "no such claim of this member")
            if claim.status != "paid":
                raise InvalidInput.field("claim_id", "the mutual-aid claim of this episode is not paid yet")
            mutual_aid_paid, claim_id = claim.amount_approved_fen, claim.id
            earlier = earlier.where(HardshipGrant.claim_id == claim.id)
        else:
            earlier = earlier.where(HardshipGrant.case_id == case.id)
        amount = rules.second_relief_amount(data["episode_cost_fen"], mutual_aid_paid,
                                            int(session.scalar(earlier)), yearly_left, data["amount_fen"])
    notice_days = rules.NOTICE_DAYS if data["notice_days"] is None else data["notice_days"]
    grant = HardshipGrant(case_id=case.id, member_id=case.member_id, organisation_path=case.organisation_path,
                          kind=data["kind"], year=year, amount_fen=amount, episode_cost_fen=data["episode_cost_fen"],
                          claim_id=claim_id, status="notice", notice_ends_on=rules.notice_ends_on(today(), notice_days))
    session.add(grant)
    session.flush()
    return grant_view(grant)


def list_grants(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    return _scoped_page(db, HardshipGrant, query, within, grant_view, ids=("case_id", "member_id"),
                        values=("kind", "status"))


def object_to_grant(db: UnitOfWork, grant_id: int, data: dict[str, Any], within: Any = None) -> dict:
    session = db.session
    grant = _get(session, HardshipGrant, grant_id, directory.scope_path(session, within), "grant", lock=True)
    rules.check_transition("grant", grant.status, "objected")
    data = load(schemas.ObjectionSchema, data)
    if today() >= grant.notice_ends_on:
        raise Conflict("the notice period is over", {"notice_ends_on": ["the notice period is over"]})
    grant.status, grant.objection = "objected", data["reason"]
    session.flush()
    return grant_view(grant)


def pay_grant(db: UnitOfWork, grant_id: int, within: Any = None) -> dict:
    session = db.session
    grant = _get(session, HardshipGrant, grant_id, directory.scope_path(session, within), "grant", lock=True)
    rules.check_notice_over(today(), grant.notice_ends_on, grant.status == "objected")
    rules.check_transition("grant", grant.status, "paid")
    tx = ledger.pay_out(session, "hardship_relief", grant.amount_fen, kind="relief_grant",
                        reason="二次救助" if grant.kind == "second_relief" else "困难帮扶",
                        ref=("hardship_grant", grant.id))
    grant.status, grant.transaction_id = "paid", tx.id
    session.flush()
    db.publish(events.RELIEF_GRANTED, {"grant_id": str(grant.id), "case_id": str(grant.case_id),
                                       "member_id": str(grant.member_id), "kind": grant.kind, "year": grant.year,
                                       "amount_fen": grant.amount_fen, "transaction_id": str(tx.id)})
    return grant_view(grant)


# ---------------------------------------------------------------- condolence visits

def visit_view(visit: CondolenceVisit) -> dict:
    return {"id": str(visit.id), "member_id": str(visit.member_id), "visited_on": visit.visited_on.isoformat(),
            "visited_by": visit.visited_by, "occasion": visit.occasion, "amount_fen": visit.amount_fen,
            "transaction_id": _id(visit.transaction_id)}


def record_visit(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.VisitSchema, data)
    session = db.session
    member = _member_for(session, data["member_id"], directory.scope_path(session, within))
    if data["visited_on"] > today():
        raise InvalidInput.field("visited_on", "must not be in the future")
    visit = CondolenceVisit(member_id=data["member_id"], organisation_path=member["organisation_path"],
                            visited_on=data["visited_on"], visited_by=data["visited_by"], occasion=data["occasion"],
                            amount_fen=data["amount_fen"])
    session.add(visit)
    session.flush()
    if visit.amount_fen:
        tx = ledger.pay_out(session, "condolence", visit.amount_fen, kind="condolence",
                            reason=f"慰问 {data['occasion']}", ref=("condolence_visit", visit.id))
        visit.transaction_id = tx.id
        session.flush()
    return visit_view(visit)


def list_visits(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    return _scoped_page(db, CondolenceVisit, query, within, visit_view, ids=("member_id",))


# ---------------------------------------------------------------- education-upgrade subsidies

def subsidy_view(subsidy: Subsidy) -> dict:
    return {"id": str(subsidy.id), "member_id": str(subsidy.member_id), "programme": subsidy.programme,
            "institution": subsidy.institution, "amount_requested_fen": subsidy.amount_requested_fen,
            "amount_approved_fen": subsidy.amount_approved_fen, "status": subsidy.status, "reason": subsidy.reason,
            "transaction_id": _id(subsidy.transaction_id)}


def apply_subsidy(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.SubsidySchema, data)
    session = db.session
    prefix = directory.scope_path(session, within)
    member = _member_for(session, data["member_id"], prefix)
    if member["status"] != "active":
        raise InvalidInput.field("member_id", "the member has left the union")
    subsidy = Subsidy(member_id=data["member_id"], organisation_path=member["organisation_path"],
                      programme=data["programme"], institution=data["institution"],
                      amount_requested_fen=data["amount_requested_fen"], status="applied")
    session.add(subsidy)
    session.flush()
    return subsidy_view(subsidy)


def get_subsidy(db: UnitOfWork, subsidy_id: int, within: Any = None) -> dict:
    session = db.session
    return subsidy_view(_get(session, Subsidy, subsidy_id, directory.scope_path(session, within), "subsidy"))


def list_subsidies(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    return _scoped_page(db, Subsidy, query, within, subsidy_view, ids=("member_id",), values=("status",))


def approve_subsidy(db: UnitOfWork, subsidy_id: int, data: dict[str, Any], within: Any = None) -> dict:
    session = db.session
    subsidy = _get(session, Subsidy, subsidy_id, directory.scope_path(session, within), "subsidy", lock=True)
    rules.check_transition("subsidy", subsidy.status, "approved")
    data = load(schemas.ApproveSubsidySchema, data)
    amount = data["amount_approved_fen"] or subsidy.amount_requested_fen
    if amount > subsidy.amount_requested_fen:
        raise InvalidInput.field("amount_approved_fen", "more than was applied for")
    subsidy.status, subsidy.amount_approved_fen = "approved", amount
    session.flush()
    return subsidy_view(subsidy)


def reject_subsidy(db: UnitOfWork, subsidy_id: int, data: dict[str, Any], within: Any = None) -> dict:
    session = db.session
    subsidy = _get(session, Subsidy, subsidy_id, directory.scope_path(session, within), "subsidy", lock=True)
    rules.check_transition("subsidy", subsidy.status, "rejected")
    data = load(schemas.RejectSchema, data)
    subsidy.status, subsidy.reason = "rejected", data["reason"]
    session.flush()
    return subsidy_view(subsidy)


def pay_subsidy(db: UnitOfWork, subsidy_id: int, within: Any = None) -> dict:
    session = db.session
    subsidy = _get(session, Subsidy, subsidy_id, directory.scope_path(session, within), "subsidy", lock=True)
    rules.check_transition("subsidy", subsidy.status, "paid")
    tx = ledger.pay_out(session, "subsidies", subsidy.amount_approved_fen, kind="subsidy",
                        reason=f"学历提升补助 {subsidy.programme}", ref=("subsidy", subsidy.id),
                        field="amount_approved_fen")
    subsidy.status, subsidy.transaction_id = "paid", tx.id
    session.flush()
    return subsidy_view(subsidy)


# ---------------------------------------------------------------- payouts asked for by training

def reward_view(reward: RewardPayout) -> dict:
    return {"request_id": reward.request_id, "proposal_id": reward.proposal_id, "member_id": _id(reward.member_id),
            "amount_fen": reward.amount_fen, "status": reward.status, "refusal": reward.refusal,
            "transaction_id": _id(reward.transaction_id)}


def _announce_reward(db: UnitOfWork, reward: RewardPayout) -> None:
    if reward.status == "paid":
        tx = db.session.get(LedgerTransaction, reward.transaction_id) if reward.transaction_id else None
        db.publish(events.PAYOUT_MADE, {"request_id": reward.request_id, "proposal_id": reward.proposal_id,
                                        "transaction_id": str(reward.transaction_id), "amount_fen": reward.amount_fen,
                                        "paid_on": tx.posted_on.isoformat() if tx else None})
    else:
        db.publish(events.PAYOUT_REFUSED, {"request_id": reward.request_id, "proposal_id": reward.proposal_id,
                                           "reason": reward.refusal})


def _reward_refusal(session: Session, amount: Any, member_id: Any) -> str | None:
    """Why a reward cannot be paid, or None."""
    try:
        rules.check_amount("amount_fen", amount)
    except InvalidInput as bad:
        return bad.detail
    try:
        directory.member(session, int(member_id))
    except (TypeError, ValueError, NotFound):
        return "member_id: welfare knows no such member"
    left = ledger.available(session, "innovation_rewards")
    if amount > left:
        return f"the innovation_rewards fund holds {left} fen, less than {amount} fen"
    return None


def _reward_day(session: Session, on: Any) -> date | None:
    """The decision day training sent, when the payout may be booked on it (a past day of an open
    ledger year); otherwise None: booked today."""
    try:
        day = date.fromisoformat(str(on)) if on else None
    except ValueError:
        return None
    if day is None or day > today() or day.year in ledger.closed_years(session):
        return None
    return day


def pay_reward(db: UnitOfWork, data: dict[str, Any]) -> dict:
    """Pay training's reward request once per request id, or refuse it saying why.

    A request id seen before (the same request sent again) changes nothing
    and announces the first outcome again.
    """
    session = db.session
    request_id = str(data.get("request_id") or "")[:64]
    if not request_id:
        raise InvalidInput.field("request_id", "required")
    known = session.scalar(select(RewardPayout).where(RewardPayout.request_id == request_id).with_for_update())
    if known is not None:
        _announce_reward(db, known)
        return reward_view(known)
    amount = data.get("amount_fen")
    proposal_id = _id(data.get("proposal_id"))
    reward = RewardPayout(request_id=request_id, proposal_id=proposal_id,
                          amount_fen=amount if isinstance(amount, int) and not isinstance(amount, bool) else 0,
                          reason=str(data.get("reason") or "")[:500], status="refused")
    refusal = _reward_refusal(session, amount, data.get("member_id"))
    if refusal:
        reward.refusal = refusal
    else:
        reward.member_id = int(data["member_id"])
        # A concurrent payout may still take the money first: then this raises, the
        # worker rolls back and the retried request is refused with the reason.
        tx = ledger.pay_out(session, "innovation_rewards", amount, kind="reward",
                            reason=f"金点子奖励 {reward.reason or proposal_id}", ref=("reward_request", request_id),
                            posted_on=_reward_day(session, data.get("on")))
        reward.status, reward.transaction_id = "paid", tx.id
    session.add(reward)
    session.flush()
    _announce_reward(db, reward)
    return reward_view(reward)


def list_rewards(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    federation_only(within, "read the reward payouts of the federation's ledger")
    session = db.session
    limit = page_limit(query)
    stmt = select(RewardPayout).order_by(RewardPayout.created_at.desc(), RewardPayout.request_id).limit(limit)
    if query.get("proposal_id"):
        stmt = stmt.where(RewardPayout.proposal_id == str(query["proposal_id"]))
    return {"items": [reward_view(r) for r in session.scalars(stmt)], "next_cursor": None}


# ---------------------------------------------------------------- figures

def annual_stats(db: UnitOfWork, year: int, within: Any = None) -> dict[str, int]:
    """The welfare block of the annual report (API.md "Reports")."""
    session = db.session
    prefix = directory.scope_path(session, within)

    def scoped(stmt: Any, column: Any) -> Any:
        return stmt.where(column.startswith(prefix)) if prefix else stmt

    def one(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    plan_ids = select(MutualAidPlan.id).where(MutualAidPlan.year == year).scalar_subquery()
    paid_claims = scoped(select(func.count(), func.coalesce(func.sum(Claim.amount_approved_fen), 0))
                         .where(Claim.plan_id == plan_ids, Claim.status == "paid"), Claim.organisation_path)
    claims_paid, claims_paid_fen = session.execute(paid_claims).one()
    second = scoped(select(func.count(distinct(HardshipGrant.member_id)),
                           func.coalesce(func.sum(HardshipGrant.amount_fen), 0))
                    .where(HardshipGrant.year == year, HardshipGrant.kind == "second_relief",
                           HardshipGrant.status == "paid"), HardshipGrant.organisation_path)
    second_members, second_fen = session.execute(second).one()
    return {
        "dues_refunded_fen": one(scoped(select(func.sum(DuesRefund.amount_fen)).where(DuesRefund.year == year),
                                        DuesRefund.organisation_path)),
        "mutual_aid_units": one(scoped(select(func.count(distinct(Enrolment.organisation_id)))
                                       .where(Enrolment.plan_id == plan_ids), Enrolment.organisation_path)),
        "mutual_aid_members": one(scoped(select(func.count()).select_from(Enrolment)
                                         .where(Enrolment.plan_id == plan_ids), Enrolment.organisation_path)),
        "mutual_aid_raised_fen": one(scoped(select(func.sum(Enrolment.premium_fen))
                                            .where(Enrolment.plan_id == plan_ids), Enrolment.organisation_path)),
        "claims_paid": int(claims_paid), "claims_paid_fen": int(claims_paid_fen),
        "second_relief_members": int(second_members), "second_relief_fen": int(second_fen),
    }


# ---------------------------------------------------------------- the member copy

def member_copy(db: UnitOfWork, member_id: int) -> dict:
    row = directory.member(db.session, member_id)
    return {"member_id": str(row["member_id"]), "name": row["name"], "organisation_id": str(row["organisation_id"]),
            "organisation_path": row["organisation_path"], "employment_form": row["employment_form"],
            "status": row["status"], "joined_on": _day(row["joined_on"]), "left_on": _day(row["left_on"]),
            "revision": row["revision"]}


def member_copy_counts(db: UnitOfWork) -> dict[str, int]:
    table = directory.members
    counts = dict(db.session.execute(select(table.c.status, func.count()).group_by(table.c.status)).all())
    return {"active": counts.get("active", 0), "left": counts.get("left", 0)}
