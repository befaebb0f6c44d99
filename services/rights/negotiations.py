"""Collective negotiation: the rounds at the table, the workers' congress vote on the draft,
then signing, which records the contract with its rounds and vote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.chassis.database import UnitOfWork
from services.chassis.errors import InvalidInput, NotFound
from services.chassis.schemas import load
from services.rights import common, contracts, schemas
from services.rights.domain import contracts as rules
from services.rights.models import ContractNegotiation


def start(db: UnitOfWork, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.NegotiationStartSchema, data)
    session = db.session
    path = common.organisation_path(session, data["organisation_id"], common.directory.scope_path(session, within))
    started_on = data.get("started_on") or common.today()
    if started_on > common.today():
        raise InvalidInput.field("started_on", f"{started_on.isoformat()} is in the future")
    negotiation = ContractNegotiation(organisation_id=data["organisation_id"], organisation_path=path,
                                      kind=data["kind"], status="negotiating", started_on=started_on, rounds=0,
                                      votes_taken=0)
    session.add(negotiation)
    session.flush()
    return view(negotiation)


def find(session: Session, negotiation_id: int, scope: str | None, for_update: bool = False
         ) -> ContractNegotiation:
    stmt = select(ContractNegotiation).where(ContractNegotiation.id == negotiation_id)
    if for_update:
        stmt = stmt.with_for_update()
    negotiation = session.scalars(stmt).first()
    if negotiation is None or not common.visible(negotiation.organisation_path, scope):
        raise NotFound(f"no negotiation {negotiation_id}")
    return negotiation


def hold_round(db: UnitOfWork, negotiation_id: int, data: dict[str, Any], within: Any = None) -> dict:
    data = load(schemas.NegotiationRoundSchema, data)
    session = db.session
    negotiation = find(session, negotiation_id, common.directory.scope_path(session, within), for_update=True)
    held_on = data.get("held_on") or common.today()
    rules.check_round(negotiation.status, negotiation.started_on, held_on, common.today())
    negotiation.rounds += 1
    negotiation.last_round_on = max(held_on, negotiation.last_round_on or held_on)
    session.flush()
    return view(negotiation)


def take_vote(db: UnitOfWork, negotiation_id: int, data: dict[str, Any], within: Any = None) -> dict:
    """The congress votes on the draft. Without a quorum the vote does not count (422); a vote
    that falls short is recorded and the negotiation goes on to another round."""
    data = load(schemas.CongressVoteSchema, data)
    session = db.session
    negotiation = find(session, negotiation_id, common.directory.scope_path(session, within), for_update=True)
    held_on = data.get("held_on") or common.today()
    rules.check_vote(negotiation.status, negotiation.rounds, negotiation.last_round_on, held_on, common.today())
    vote = rules.CongressVote(data["delegates"], data["present"], data["votes_for"])
    rules.check_quorum(vote)
    negotiation.vote_held_on = held_on
    negotiation.congress_delegates, negotiation.congress_present = vote.delegates, vote.present
    negotiation.congress_votes_for = vote.votes_for
    negotiation.votes_taken += 1
    if rules.approves(vote):
        negotiation.status = "approved"
    session.flush()
    return view(negotiation)


def sign(db: UnitOfWork, negotiation_id: int, data: dict[str, Any], within: Any = None) -> dict:
    """Sign the approved draft: the contract, carrying the rounds and the vote."""
    data = load(schemas.NegotiationSignSchema, data)
    session = db.session
    negotiation = find(session, negotiation_id, common.directory.scope_path(session, within), for_update=True)
    rules.check_signing(negotiation.status, negotiation.vote_held_on, data["signed_on"])
    contract = contracts.create_contract(db, {
        "organisation_id": negotiation.organisation_id, "kind": negotiation.kind,
        "signed_on": data["signed_on"].isoformat(), "expires_on": data["expires_on"].isoformat(),
        "workers_covered": data["workers_covered"], "negotiation_rounds": negotiation.rounds,
        "congress": {"delegates": negotiation.congress_delegates, "present": negotiation.congress_present,
                     "votes_for": negotiation.congress_votes_for},
    }, within)
    negotiation.status = "signed"
    negotiation.contract_id = int(contract["id"])
    session.flush()
    return {**view(negotiation), "contract": contract}


def get(db: UnitOfWork, negotiation_id: int, within: Any = None) -> dict:
    session = db.session
    return view(find(session, negotiation_id, common.directory.scope_path(session, within)))


def list_negotiations(db: UnitOfWork, query: dict[str, Any], within: Any = None) -> dict:
    query = common.load_query(schemas.NegotiationQuerySchema, query)
    session = db.session
    stmt = common.scoped(session, ContractNegotiation, within, query["organisation_id"])
    if query["status"]:
        stmt = stmt.where(ContractNegotiation.status == query["status"])
    return common.page(common.page_rows(session, stmt, ContractNegotiation, query), query["limit"], view)


def view(n: ContractNegotiation) -> dict:
    vote = None
    if n.congress_delegates is not None:
        vote = {"held_on": common.iso(n.vote_held_on), "delegates": n.congress_delegates,
                "present": n.congress_present, "votes_for": n.congress_votes_for,
                "approved": rules.approves(rules.CongressVote(n.congress_delegates, n.congress_present,
                                                              n.congress_votes_for))}
    return {"id": str(n.id), "organisation_id": str(n.organisation_id), "kind": n.kind, "status": n.status,
            "started_on": n.started_on.isoformat(), "rounds": n.rounds, "last_round_on": common.iso(n.last_round_on),
            "last_vote": vote, "votes_taken": n.votes_taken,
            "contract_id": str(n.contract_id) if n.contract_id else None}
