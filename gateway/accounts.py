"""Staff accounts: password hashing, signed tokens, and the bootstrap admin.

    python -m gateway.accounts ensure-admin     # admin / $ADMIN_PASSWORD exists

Passwords are hashed with argon2id. Tokens are HS256 JWTs carrying the
user id and the user's token version; bumping the version revokes them.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.chassis.config import secret_setting

ROLES = (
    "admin", "membership_clerk", "welfare_officer", "training_officer",
    "rights_officer", "union_chair", "auditor", "pii",
)
TOKEN_ALGORITHM = "HS256"
TOKEN_LIFETIME = timedelta(hours=int(os.environ.get("TOKEN_HOURS", "12")))

hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in staff user (API keys come later)."""

    user_id: int
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    organisation_id: str | None = None

    @property
    def may_see_pii(self) -> bool:
        return "pii" in self.roles

    @property
    def scope(self) -> str | None:
        """The organisation a union chair is limited to (None: the whole federation)."""
        return self.organisation_id if "admin" not in self.roles else None

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return bool(self.roles.intersection(roles))


def token_secret() -> str:
    return secret_setting("GATEWAY_SECRET", "gateway-secret", 48)


def hash_password(password: str) -> str:
    return hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(user: Any, secret: str, now: datetime | None = None) -> tuple[str, datetime]:
    now = now or datetime.now(UTC)
    expires = now + TOKEN_LIFETIME
    token = jwt.encode(
        {"sub": str(user.id), "ver": user.token_version, "iat": now, "exp": expires},
        secret, algorithm=TOKEN_ALGORITHM,
    )
    return token, expires


def read_token(token: str, secret: str) -> dict[str, Any]:
    """The token's claims; raises jwt.InvalidTokenError if forged, malformed or expired."""
    return jwt.decode(token, secret, algorithms=[TOKEN_ALGORITHM], options={"require": ["sub", "exp", "ver"]})


def ensure_admin(session: Session, password: str) -> None:
    from gateway.models import User

    user = session.scalar(select(User).where(User.username == "admin"))
    if user is None:
        session.add(User(username="admin", password_hash=hash_password(password), display_name="Administrator",
                         roles=["admin", "pii"], token_version=1, disabled=False))
    elif not password_matches(user.password_hash, password):
        user.password_hash = hash_password(password)
        user.token_version += 1
    session.commit()


def main(argv: list[str]) -> int:
    from sqlalchemy.orm import sessionmaker

    from services.chassis.config import database_url
    from services.chassis.database import make_engine

    if argv[:1] != ["ensure-admin"]:
        print(__doc__)
        return 2
    password = os.environ.get("ADMIN_PASSWORD")
    if not password:
        print("ADMIN_PASSWORD is not set", file=sys.stderr)
        return 2
    engine = make_engine(database_url("gateway"))
    with sessionmaker(bind=engine)() as session:
        ensure_admin(session, password)
    engine.dispose()
    print("admin account ready")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
