"""Staff accounts and API keys: password hashing, signed tokens, keys, and the bootstrap admin.

    python -m gateway.accounts ensure-admin     # admin / $ADMIN_PASSWORD exists

Passwords are hashed with argon2id. Tokens are HS256 JWTs carrying the
user id and the user's token version; bumping the version (logout,
disabling, a change of roles) revokes every token issued before. API keys
are `uk_<prefix>_<secret>`: 32 random bytes, so a SHA-256 of the key is
enough to keep (a slow hash guards guessable passwords, not random keys).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
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

STAFF_ROLES = (
    "admin", "membership_clerk", "welfare_officer", "training_officer",
    "rights_officer", "union_chair", "auditor",
)
PII = "pii"  # not a role of its own: lets a role see ID numbers and phones in full
ROLES = (*STAFF_ROLES, PII)
KEY_SCOPES = (
    "members:read", "members:write", "welfare:read", "welfare:write", "training:read",
    "training:write", "rights:read", "rights:write", "reports:read", PII,
)
TOKEN_ALGORITHM = "HS256"
TOKEN_LIFETIME = timedelta(hours=int(os.environ.get("TOKEN_HOURS", "12")))
KEY_PREFIX = "uk_"

hasher = PasswordHasher()


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in staff user, or an external system with an API key.

    `user_id` is the user's or the key's id; `kind` says which. A key has
    no roles, only `key_scopes`; each route names the one scope that lets
    a key call it.
    """

    user_id: int
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    organisation_id: str | None = None
    kind: str = "user"  # user | key
    key_scopes: frozenset[str] = field(default_factory=frozenset)
    rate_per_minute: int | None = None

    @property
    def is_key(self) -> bool:
        return self.kind == "key"

    @property
    def may_see_pii(self) -> bool:
        return PII in (self.key_scopes if self.is_key else self.roles)

    @property
    def scope(self) -> str | None:
        """The organisation the caller is limited to, with the ones below it (None: the whole federation).

        A user bound to an organisation (a union chair) and a key bound to one are
        limited to it; an admin never is.
        """
        if not self.is_key and "admin" in self.roles:
            return None
        return self.organisation_id or None

    @property
    def caller(self) -> str:
        """One name per caller, for idempotency keys and rate limits."""
        return f"{self.kind}:{self.user_id}"

    @property
    def actor(self) -> str:
        """Who did it, as the audit trail shows it: the username, or `key:<id>:<name>`."""
        return f"key:{self.user_id}:{self.username}" if self.is_key else self.username

    @property
    def grants(self) -> tuple[str, ...]:
        """The roles of a user, or the scopes of a key."""
        return tuple(sorted(self.key_scopes if self.is_key else self.roles))

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return bool(self.roles.intersection(roles))


def new_api_key() -> tuple[str, str, str]:
    """A new key: (the whole key, shown once; its prefix, kept; its hash, kept)."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, hash_api_key(key)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_prefix(key: str) -> str | None:
    """The prefix of a well-formed key, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, _, secret = key[len(KEY_PREFIX):].partition("_")
    return prefix if len(prefix) == 12 and secret else None


def api_key_matches(key_hash: str, key: str) -> bool:
    return hmac.compare_digest(key_hash, hash_api_key(key))


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
