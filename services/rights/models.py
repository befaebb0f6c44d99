"""Rights' tables: collective contracts, dispute cases, hotline orders, legal-education events.

Each record that belongs to a union keeps its organisation's `path` (from the
local directory copy, see `services.chassis.directory`), so "this union and
the ones below it" is one prefix match. A record without an organisation
(a hotline caller who named no union) has no path: only federation-wide
staff see it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.directory import add_directory_tables
from services.chassis.events import utcnow
from services.chassis.tables import Id, add_chassis_tables


class Base(DeclarativeBase):
    pass


add_chassis_tables(Base.metadata)
add_directory_tables(Base.metadata)


class CollectiveContract(Base):
    """One signed contract of one kind for one organisation (enterprise)."""

    __tablename__ = "collective_contract"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(20))
    signed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    workers_covered: Mapped[int] = mapped_column(Integer)
    negotiation_rounds: Mapped[int | None] = mapped_column(Integer)
    congress_delegates: Mapped[int | None] = mapped_column(Integer)
    congress_present: Mapped[int | None] = mapped_column(Integer)
    congress_votes_for: Mapped[int | None] = mapped_column(Integer)
    filing_status: Mapped[str] = mapped_column(String(20), default="not_submitted")
    submitted_on: Mapped[date | None] = mapped_column(Date)
    late_reason: Mapped[str | None] = mapped_column(String(500))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_note: Mapped[str | None] = mapped_column(String(500))
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("collective_contract.id"), unique=True)
    renewed_by_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_collective_contract_path", "organisation_path",
              postgresql_ops={"organisation_path": "text_pattern_ops"}),
        Index("ix_collective_contract_org_kind", "organisation_id", "kind"),
    )


class ContractNegotiation(Base):
    """The collective negotiation that leads to a contract: rounds at the table, then the
    workers' congress vote on the draft, then signing."""

    __tablename__ = "contract_negotiation"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="negotiating")
    started_on: Mapped[date] = mapped_column(Date)
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    last_round_on: Mapped[date | None] = mapped_column(Date)
    vote_held_on: Mapped[date | None] = mapped_column(Date)
    congress_delegates: Mapped[int | None] = mapped_column(Integer)
    congress_present: Mapped[int | None] = mapped_column(Integer)
    congress_votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_taken: Mapped[int] = mapped_column(Integer, default=0)
    contract_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_contract_negotiation_path", "organisation_path",
              postgresql_ops={"organisation_path": "text_pattern_ops"}),
    )


class ContractExpiryNotice(Base):
    """A `contract_expiring` notice sent: the primary key makes each one happen once,
    however often and on however many instances the daily job runs."""

    __tablename__ = "contract_expiry_notice"

    contract_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    days_before: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DisputeCase(Base):
    """A labour dispute taken on with legal aid."""

    __tablename__ = "dispute_case"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str | None] = mapped_column(String(400))
    member_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    claimant_name: Mapped[str] = mapped_column(String(100))
    claimant_phone: Mapped[str | None] = mapped_column(String(20))
    employer_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    amount_claimed_fen: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="filed", index=True)
    stage_started_on: Mapped[date] = mapped_column(Date)
    lawyer_name: Mapped[str | None] = mapped_column(String(100))
    legal_aid: Mapped[bool] = mapped_column(Boolean, default=True)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    amount_recovered_fen: Mapped[int | None] = mapped_column(BigInteger)
    hotline_order_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_dispute_case_path", "organisation_path", postgresql_ops={"organisation_path": "text_pattern_ops"}),
    )


class CaseStep(Base):
    """The case's history: each move, on which day, by whom, with a note."""

    __tablename__ = "case_step"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HardshipReferral(Base):
    """A worker referred to welfare for hardship relief; one per case."""

    __tablename__ = "hardship_referral"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(String(36), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dispute_case.id"), unique=True)
    member_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class HotlineOrder(Base):
    """A call to the rights hotline, worked to a deadline."""

    __tablename__ = "hotline_order"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str | None] = mapped_column(String(400))
    member_id: Mapped[int | None] = mapped_column(BigInteger)
    caller_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    wage_amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    handler_name: Mapped[str | None] = mapped_column(String(100))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    visit_note: Mapped[str | None] = mapped_column(String(1000))
    visited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        Index("ix_hotline_order_path", "organisation_path", postgresql_ops={"organisation_path": "text_pattern_ops"}),
    )


class LegalEvent(Base):
    """A legal-education event: a lecture, a stand in a square, a live stream."""

    __tablename__ = "legal_event"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str | None] = mapped_column(String(400))
    title: Mapped[str | None] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    attendees: Mapped[int] = mapped_column(Integer)
    brochures: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
