"""Welfare's tables. For now: its local copy of who is a member, and of which union."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.events import utcnow
from services.chassis.tables import add_chassis_tables


class Base(DeclarativeBase):
    pass


add_chassis_tables(Base.metadata)


class MemberCopy(Base):
    """Membership's member, as welfare last heard of it (fed by events only)."""

    __tablename__ = "member_copy"

    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    organisation_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_path: Mapped[str] = mapped_column(String(400))
    employment_form: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
