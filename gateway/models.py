"""The gateway's own tables: staff accounts (API keys and the audit trail come next)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.chassis.events import utcnow
from services.chassis.tables import Id


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    roles: Mapped[list] = mapped_column(JSON, default=list)
    organisation_id: Mapped[str | None] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped to revoke every token issued so far (logout everywhere, role change).
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
