"""Membership's tables: organisations, members, transfers, honours, roster imports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.events import utcnow
from services.chassis.tables import Id, add_chassis_tables


class Base(DeclarativeBase):
    pass


add_chassis_tables(Base.metadata)


class Organisation(Base):
    """A union organisation: the federation, an industry federation or a grassroots union.

    `path` is the chain of ids from the root, `/1/7/42/`, so "this union and
    every union below it" is one indexed prefix match.
    """

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="")
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employer_credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    employer_size: Mapped[str | None] = mapped_column(String(10))
    established_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_organisation_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
        UniqueConstraint("parent_id", "name", name="uq_organisation_parent_name"),
    )


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(11))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    employment_form: Mapped[str] = mapped_column(String(20))
    occupation: Mapped[str | None] = mapped_column(String(100))
    joined_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")
    left_on: Mapped[date | None] = mapped_column(Date)
    left_reason: Mapped[str | None] = mapped_column(String(500))
    # Bumped on every change; consumers keep the highest revision they saw,
    # so events that arrive out of order cannot roll a copy back.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # No two active members with one ID number; a member who left may join again.
        Index(
            "uq_member_active_id_number",
            "id_number",
            unique=True,
            postgresql_where=(status == "active"),
            sqlite_where=(status == "active"),
        ),
        # text_pattern_ops: "starts with" searches use the index whatever the collation.
        Index("ix_member_id_number", "id_number", postgresql_ops={"id_number": "text_pattern_ops"}),
        Index("ix_member_phone", "phone", postgresql_ops={"phone": "text_pattern_ops"}),
        Index("ix_member_organisation", "organisation_id", "id"),
        Index("ix_member_name", "name", postgresql_ops={"name": "text_pattern_ops"}),
        Index("ix_member_joined_on", "joined_on"),
    )


# "Members with this surname, in id order": the index walks one surname's
# members in the order a page wants, common surname or rare.
Index("ix_member_surname", func.substr(Member.name, 1, 1), Member.id)


class Transfer(Base):
    """A member's move from one organisation to another, kept as history."""

    __tablename__ = "transfer"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    to_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    transferred_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Honour(Base):
    """A title a member holds: model worker, May Day medal, chief craftsman..."""

    __tablename__ = "honour"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("member_id", "title", "level", "year", name="uq_honour"),)


class RosterImport(Base):
    """A roster upload processed in the background, row by row, resumable."""

    __tablename__ = "roster_import"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = mapped_column(Text)
    scope_organisation_id: Mapped[int | None] = mapped_column(Integer)
    requested_by: Mapped[str | None] = mapped_column(String(100))
    # Whoever runs the job holds it until then and renews it after each chunk,
    # so a redelivered request cannot run the same rows twice at once.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
