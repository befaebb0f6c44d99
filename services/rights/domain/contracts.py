"""Collective contracts ("1+3"), in plain Python: no database, no nameko.

One comprehensive contract plus three special contracts (wages, female
workers' protection, labour safety) make the full "1+3" set. The rules follow
the Regulations on Collective Contracts (集体合同规定): a draft passes the
workers' congress only with two thirds of the delegates present and more than
half of all delegates in favour; the signed contract goes to the labour
authority within 10 days; the authority may object within 15 days of receiving
it, after which the contract stands; a term is one to three years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.chassis.errors import InvalidInput

KINDS = ("comprehensive", "wages", "female_workers", "safety")
FULL_SET = frozenset(KINDS)
FILING_STATUSES = ("not_submitted", "submitted", "accepted", "objected")
REVIEW_DECISIONS = ("accepted", "objected")
FILING_DAYS = 10
REVIEW_DAYS = 15
MAX_TERM_YEARS = 3
EXPIRY_NOTICE_DAYS = (90, 30, 7)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_term(signed_on: date, expires_on: date) -> None:
    if expires_on <= signed_on:
        raise InvalidInput.field("expires_on", "a contract must expire after the day it is signed")
    if expires_on > _years_after(signed_on, MAX_TERM_YEARS):
        raise InvalidInput.field("expires_on", f"a collective contract runs for at most {MAX_TERM_YEARS} years")


def check_signed_not_future(signed_on: date, today: date) -> None:
    if signed_on > today:
        raise InvalidInput.field("signed_on", f"{signed_on.isoformat()} is in the future")


@dataclass(frozen=True)
class CongressVote:
    """The workers' congress vote on the draft."""

    delegates: int
    present: int
    votes_for: int


def check_congress(vote: CongressVote) -> None:
    """A vote recorded with a signed contract: a quorum, and more than half of all delegates in favour."""
    check_quorum(vote, "congress.")
    if not approves(vote):
        raise InvalidInput.field("congress.votes_for", "the draft needs more than half of all delegates in favour")


def approves(vote: CongressVote) -> bool:
    """More than half of all delegates in favour (the quorum is checked separately)."""
    return vote.votes_for * 2 > vote.delegates


def check_quorum(vote: CongressVote, prefix: str = "") -> None:
    """A vote counts only with two thirds of the delegates present."""
    if vote.present > vote.delegates:
        raise InvalidInput.field(f"{prefix}present", "cannot exceed the number of delegates")
    if vote.votes_for > vote.present:
        raise InvalidInput.field(f"{prefix}votes_for", "cannot exceed the delegates present")
    if vote.present * 3 < vote.delegates * 2:
        raise InvalidInput.field(f"{prefix}present", "no quorum: two thirds of the delegates must be present; "
                                                     "the vote does not count")


NEGOTIATION_STATUSES = ("negotiating", "approved", "signed")


def check_round(status: str, started_on: date, held_on: date, today: date) -> None:
    if status != "negotiating":
        raise InvalidInput.field("status", f"a negotiation that is {status} takes no more rounds")
    if held_on < started_on:
        raise InvalidInput.field("held_on", "cannot precede the start of the negotiation")
    if held_on > today:
        raise InvalidInput.field("held_on", f"{held_on.isoformat()} is in the future")


def check_vote(status: str, rounds: int, last_round_on: date | None, held_on: date, today: date) -> None:
    if status != "negotiating":
        raise InvalidInput.field("status", f"a negotiation that is {status} cannot be put to a vote")
    if rounds < 1 or last_round_on is None:
        raise InvalidInput.field("status", "hold at least one round of negotiation before the vote")
    if held_on < last_round_on:
        raise InvalidInput.field("held_on", "the vote comes after the last round")
    if held_on > today:
        raise InvalidInput.field("held_on", f"{held_on.isoformat()} is in the future")


def check_signing(status: str, vote_held_on: date | None, signed_on: date) -> None:
    if status != "approved" or vote_held_on is None:
        raise InvalidInput.field("status", "only a draft the workers' congress approved can be signed")
    if signed_on < vote_held_on:
        raise InvalidInput.field("signed_on", "a contract is signed after the congress approved it")


def filing_due_on(signed_on: date) -> date:
    return signed_on + timedelta(days=FILING_DAYS)


def review_due_on(submitted_on: date) -> date:
    return submitted_on + timedelta(days=REVIEW_DAYS)


def check_filing(filing_status: str, signed_on: date, submitted_on: date, late_reason: str | None,
                 today: date) -> None:
    if filing_status != "not_submitted":
        raise InvalidInput.field("submitted_on", "this contract has already been submitted for filing")
    if submitted_on < signed_on:
        raise InvalidInput.field("submitted_on", "cannot precede the day the contract was signed")
    if submitted_on > today:
        raise InvalidInput.field("submitted_on", f"{submitted_on.isoformat()} is in the future")
    if submitted_on > filing_due_on(signed_on) and not (late_reason or "").strip():
        raise InvalidInput.field(
            "late_reason", f"submitted more than {FILING_DAYS} days after signing: give the reason")


def check_review(filing_status: str, submitted_on: date | None, reviewed_on: date, decision: str,
                 today: date) -> None:
    if filing_status != "submitted" or submitted_on is None:
        raise InvalidInput.field("decision", "only a contract submitted and not yet reviewed can be reviewed")
    if reviewed_on < submitted_on:
        raise InvalidInput.field("reviewed_on", "cannot precede the day the contract was submitted")
    if reviewed_on > today:
        raise InvalidInput.field("reviewed_on", f"{reviewed_on.isoformat()} is in the future")
    if decision == "objected" and reviewed_on > review_due_on(submitted_on):
        raise InvalidInput.field(
            "reviewed_on", f"an objection must come within {REVIEW_DAYS} days of submission; "
                           "after that the contract stands")


def check_renewal(old_signed_on: date, old_renewed: bool, new_signed_on: date) -> None:
    if old_renewed:
        raise InvalidInput.field("contract_id", "this contract has already been renewed")
    if new_signed_on <= old_signed_on:
        raise InvalidInput.field("signed_on", "a renewal is signed after the contract it renews")


def state(signed_on: date, expires_on: date, filing_status: str, renewed: bool, today: date) -> str:
    """`objected`, `renewed` (superseded by its renewal), `expired`, `in_force`, or `signed` (starts later)."""
    if filing_status == "objected":
        return "objected"
    if renewed:
        return "renewed"
    if expires_on < today:
        return "expired"
    return "in_force" if signed_on <= today else "signed"


def expiry_notice_due(expires_on: date, today: date) -> int | None:
    """Which notice (90, 30 or 7 days before expiry) is due today, if any.

    The tightest threshold the contract is within: a contract signed with 20
    days left gets the 30-day notice, never a late 90-day one, since days
    left only shrink. Each is sent once (the caller records it).
    """
    days_left = (expires_on - today).days
    if days_left < 0:
        return None
    due = [days for days in EXPIRY_NOTICE_DAYS if days_left <= days]
    return min(due) if due else None


def full_set(kinds: set[str]) -> bool:
    return kinds >= FULL_SET
