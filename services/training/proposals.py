"""Golden ideas: proposals by members, marked by reviewers, adopted or rejected, rewards paid by welfare.

Adopting a proposal with a reward asks welfare for the payout exactly once:
the request (with its own `request_id`) is published through the outbox in
the same transaction as the decision, and a proposal is reviewed only once,
so it can never be asked again. Welfare's answer (`payout_made` or
`payout_refused`) is applied once per request: an answer that does not match
the proposal's request, or comes after the outcome is known, changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.chassis.database import UnitOfWork
from services.chassis.errors import Conflict
from services.chassis.events import utcnow
from services.chassis.schemas import load
from services.training import domain, events, schemas
from services.training.common import active_member, find, in_unions, iso, paged, scope_of, today
from services.training.models import Proposal, ProposalScore, directory

log = logging.getLogger(__name__)


def proposal_view(db: UnitOfWork, row: Proposal) -> dict[str, Any]:
    session = db.session
    scores = session.execute(select(ProposalScore.reviewer, ProposalScore.score)
                             .where(ProposalScore.proposal_id == row.id).order_by(ProposalScore.id))
    payout = None
    if row.payout_status:
        payout = {"request_id": row.reward_request_id, "status": row.payout_status,
                  "transaction_id": row.payout_transaction_id, "refusal_reason": row.refusal_reason,
                  "paid_at": iso(row.paid_at)}
    return {
        "id": str(row.id), "member_id": str(row.member_id),
        "member_name": directory.member_names(session, [row.member_id]).get(row.member_id),
        "title": row.title, "summary": row.summary, "status": row.status, "score": row.score,
        "reviewer_scores": [{"reviewer": r, "score": s} for r, s in scores],
        "reviewed_by": row.reviewed_by, "reviewed_at": iso(row.reviewed_at), "reward_fen": row.reward_fen,
        "payout": payout, "created_at": iso(row.created_at),
    }


def submit(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict[str, Any]:
    data = load(schemas.ProposalCreateSchema, data)
    session = db.session
    member = active_member(session, data["member_id"], scope_of(session, within))
    row = Proposal(**data, organisation_path=member["organisation_path"], status="submitted", reward_fen=0)
    session.add(row)
    session.flush()
    return proposal_view(db, row)


def get(db: UnitOfWork, proposal_id: Any, within: Any = None) -> dict[str, Any]:
    session = db.session
    return proposal_view(db, find(session, Proposal, proposal_id, scope_of(session, within), "proposal"))


def list_proposals(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict[str, Any]:
    query = load(schemas.PageSchema, {k: v for k, v in query.items() if v not in (None, "")})
    session = db.session
    stmt = in_unions(session, select(Proposal), Proposal.organisation_path, within, query["organisation_id"])
    if query["status"]:
        stmt = stmt.where(Proposal.status == query["status"])
    if query["member_id"]:
        stmt = stmt.where(Proposal.member_id == query["member_id"])
    return paged(session, stmt, Proposal, query, lambda r: proposal_view(db, r))


def score(db: UnitOfWork, proposal_id: Any, data: dict[str, Any], reviewer: str, within: Any = None) -> dict:
    """A reviewer's mark, once per reviewer, before the decision."""
    data = load(schemas.ProposalScoreSchema, data)
    session = db.session
    row = find(session, Proposal, proposal_id, scope_of(session, within), "proposal", for_update=True)
    if row.status != "submitted":
        raise Conflict(f"the proposal was already reviewed ({row.status})")
    if session.scalar(select(ProposalScore.id).where(ProposalScore.proposal_id == row.id,
                                                     ProposalScore.reviewer == reviewer)):
        raise Conflict("you have already scored this proposal")
    session.add(ProposalScore(proposal_id=row.id, reviewer=reviewer, score=data["score"]))
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("you have already scored this proposal") from None
    return proposal_view(db, row)


def review(db: UnitOfWork, proposal_id: Any, data: dict[str, Any], reviewer: str | None = None,
           within: Any = None) -> dict[str, Any]:
    """Adopt or reject, once. Adopting with a reward asks welfare for it (one request, ever)."""
    data = load(schemas.ProposalReviewSchema, data)
    session = db.session
    row = find(session, Proposal, proposal_id, scope_of(session, within), "proposal", for_update=True)
    domain.check_proposal_review(row.status, data["decision"], data["reward_fen"])
    day = domain.decision_day(data["on"], today())
    marks = list(session.scalars(select(ProposalScore.score).where(ProposalScore.proposal_id == row.id)))
    row.score = data["score"] if data["score"] is not None else domain.mean_score(marks)
    row.status = data["decision"]
    row.reviewed_by = reviewer
    row.reviewed_at = utcnow() if data["on"] is None else datetime.combine(day, time(12), tzinfo=UTC)
    row.reward_fen = data["reward_fen"]
    if data["decision"] == "adopted" and data["reward_fen"] > 0:
        row.reward_request_id = str(uuid.uuid4())
        row.payout_status = "requested"
        db.publish(events.REWARD_REQUESTED, {
            "request_id": row.reward_request_id, "proposal_id": str(row.id), "member_id": str(row.member_id),
            "amount_fen": row.reward_fen, "reason": f"金点子奖励：{row.title}"[:200],
            # the decision day: welfare books the payout on it when its ledger year is open
            "on": day.isoformat(),
        })
    session.flush()
    return proposal_view(db, row)


def _awaiting(db: UnitOfWork, data: dict[str, Any]) -> Proposal | None:
    """The proposal whose request this answer is for, if its outcome is still open."""
    row = db.session.scalar(select(Proposal).where(Proposal.reward_request_id == str(data.get("request_id")))
                            .with_for_update())
    if row is None or str(row.id) != str(data.get("proposal_id")):
        log.warning("welfare answered a reward request training never made: %s", data.get("request_id"))
        return None
    if row.payout_status != "requested":
        return None  # already settled: a late duplicate or a contradicting answer changes nothing
    return row


def apply_reward_paid(db: UnitOfWork, data: dict[str, Any]) -> bool:
    row = _awaiting(db, data)
    if row is None:
        return False
    row.status = "paid"
    row.payout_status = "paid"
    row.payout_transaction_id = str(data.get("transaction_id") or "")[:64] or None
    row.paid_at = _paid_at(data.get("paid_on"))
    if int(data.get("amount_fen", row.reward_fen)) != row.reward_fen:
        log.warning("welfare paid %s fen for proposal %s, which asked for %s",
                    data.get("amount_fen"), row.id, row.reward_fen)
    return True


def _paid_at(paid_on: Any) -> datetime:
    """When the reward counts as paid: the day welfare booked it (it may be a past decision's day)."""
    try:
        day = date.fromisoformat(str(paid_on)) if paid_on else None
    except ValueError:
        day = None
    return utcnow() if day is None or day > today() else datetime.combine(day, time(12), tzinfo=UTC)


def apply_reward_refused(db: UnitOfWork, data: dict[str, Any]) -> bool:
    row = _awaiting(db, data)
    if row is None:
        return False
    row.payout_status = "refused"
    row.refusal_reason = str(data.get("reason") or "refused")[:500]
    return True
