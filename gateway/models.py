"""The gateway's own tables: staff accounts, API keys, the audit trail, idempotency and login throttling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, LargeBinary, String, Text, UniqueConstraint
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
    # Bumped to revoke every token issued so far (logout, disabling, role change).
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    """A key for an external system. Only the key's hash is kept; the key is shown once."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    # The public part of the key, to find its row without scanning every hash.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    organisation_id: Mapped[str | None] = mapped_column(String(20))
    rate_per_minute: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One write, or one read of whole ID numbers. Only ever inserted: no route changes or deletes it."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_actor_at", "actor", "at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))        # user:<username> or key:<name>
    roles: Mapped[str] = mapped_column(String(200))        # roles, or the key's scopes
    organisation_id: Mapped[str | None] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(200))        # the route template, e.g. /api/v1/members/{member_id}
    operation: Mapped[str] = mapped_column(String(100))    # the route's name
    object_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))       # done, refused, invalid, not_found, failed
    full_identifiers: Mapped[bool] = mapped_column(Boolean, default=False)


class IdempotencyRecord(Base):
    """The first answer to a write sent with an Idempotency-Key, per caller, kept for a day or more."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_caller_key"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    caller: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))   # method, route and body, hashed
    state: Mapped[str] = mapped_column(String(12))         # running, done
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    headers: Mapped[str | None] = mapped_column(Text)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class LoginFailure(Base):
    """Failed sign-ins per username and per address in the current window (shared by every gateway)."""

    __tablename__ = "login_failure"

    subject: Mapped[str] = mapped_column(String(200), primary_key=True)   # user:<name> or addr:<ip>
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
