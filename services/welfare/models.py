"""Welfare's tables: the fund ledger, and what moves money out of it.

The local copy of organisations and members comes from the chassis
directory (`organisation_copy`, `member_copy`), fed by membership's events.
Every movement of money is a `ledger_transaction` whose `ledger_entry` rows
sum to zero; a fund's balance is the sum of its entries.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.directory import add_directory_tables
from services.chassis.events import utcnow
from services.chassis.tables import Id, add_chassis_tables


class Base(DeclarativeBase):
    pass


add_chassis_tables(Base.metadata)
add_directory_tables(Base.metadata)


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utcnow)


# ---------------------------------------------------------------- ledger

class FundAccount(Base):
    """A fund (kind `fund`, never below zero) or the outside world (kind `external`, no running balance)."""

    __tablename__ = "fund_account"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    # A fund's running balance, kept in the transaction that posts each entry: one
    # UPDATE ... RETURNING both locks the fund and says whether it would go below zero.
    # The entries stay the truth; the trial balance checks the two agree.
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class LedgerTransaction(Base):
    __tablename__ = "ledger_transaction"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    posted_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(String(500))
    ref_type: Mapped[str | None] = mapped_column(String(30))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transaction.id"), unique=True)
    created_at: Mapped[datetime] = _created()


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_account", "account_code", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transaction.id"), index=True)
    account_code: Mapped[str] = mapped_column(ForeignKey("fund_account.code"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class PeriodClose(Base):
    __tablename__ = "period_close"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    closed_at: Mapped[datetime] = _created()
    closed_by: Mapped[str | None] = mapped_column(String(100))


# ---------------------------------------------------------------- dues refund

class DuesRefund(Base):
    __tablename__ = "dues_refund"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    organisation_path: Mapped[str] = mapped_column(String(400), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = _created()


# ---------------------------------------------------------------- mutual aid

class MutualAidPlan(Base):
    __tablename__ = "mutual_aid_plan"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    premium_fen: Mapped[int] = mapped_column(BigInteger)
    caps: Mapped[str] = mapped_column(Text)  # JSON {kind: cap_fen}
    annual_cap_fen: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _created()


class Enrolment(Base):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("plan_id", "member_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("mutual_aid_plan.id"))
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    organisation_path: Mapped[str] = mapped_column(String(400))
    enrolled_on: Mapped[date] = mapped_column(Date)
    paid_through: Mapped[date] = mapped_column(Date)
    premium_fen: Mapped[int] = mapped_column(BigInteger)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transaction.id"))


class Claim(Base):
    __tablename__ = "claim"
    __table_args__ = (Index("ix_claim_plan_member", "plan_id", "member_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("mutual_aid_plan.id"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    organisation_path: Mapped[str] = mapped_column(String(400), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    incurred_on: Mapped[date] = mapped_column(Date)
    amount_claimed_fen: Mapped[int] = mapped_column(BigInteger)
    amount_approved_fen: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = _created()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# ---------------------------------------------------------------- hardship

class HardshipCase(Base):
    __tablename__ = "hardship_case"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10))  # open, approved, rejected
    source: Mapped[str] = mapped_column(String(20))  # staff, rights_referral
    referral_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    review_note: Mapped[str | None] = mapped_column(String(500))
    recheck_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = _created()


class HardshipGrant(Base):
    __tablename__ = "hardship_grant"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("hardship_case.id"), index=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(20))  # regular, second_relief
    year: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    episode_cost_fen: Mapped[int | None] = mapped_column(BigInteger)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
    status: Mapped[str] = mapped_column(String(10))  # notice, objected, paid
    notice_ends_on: Mapped[date] = mapped_column(Date)
    objection: Mapped[str | None] = mapped_column(String(500))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = _created()


# ---------------------------------------------------------------- visits, subsidies, rewards

class CondolenceVisit(Base):
    __tablename__ = "condolence_visit"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    visited_by: Mapped[str] = mapped_column(String(200))
    occasion: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = _created()


class Subsidy(Base):
    """An education-upgrade subsidy: applied -> approved -> paid (or rejected)."""

    __tablename__ = "subsidy"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400), index=True)
    programme: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str | None] = mapped_column(String(200))
    amount_requested_fen: Mapped[int] = mapped_column(BigInteger)
    amount_approved_fen: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = _created()


class RewardPayout(Base):
    """A payout another service asked for (training's golden ideas), once per request id."""

    __tablename__ = "reward_payout"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    proposal_id: Mapped[str | None] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10))  # paid, refused
    refusal: Mapped[str | None] = mapped_column(String(500))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transaction.id"))
    created_at: Mapped[datetime] = _created()
