"""Who may call the gateway: token and API-key checks against the database, with a short cache.

Every request checks its token's user and version (or its key); the answer
is cached for a few seconds per process, so revoking (disable, logout, role
change, key revoked) takes effect at once in the gateway that did it and
within `CACHE_SECONDS` in any other, without a database read on every request.
A key's last use is written at most once a minute.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from nameko.extensions import DependencyProvider
from sqlalchemy import select, update

from gateway import accounts
from gateway.models import ApiKey, User
from services.chassis.database import Database, dependency_of
from services.chassis.events import utcnow

CACHE_SECONDS = 5.0
MAX_TOKENS = 10_000
LAST_USED_EVERY = 60.0


class StaffDirectory(DependencyProvider):
    def setup(self) -> None:
        self.secret = self.container.config.get("GATEWAY_SECRET") or accounts.token_secret()
        self._cache: dict[int, tuple[float, User | None]] = {}
        self._verified: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, tuple[float, Any]] = {}
        self._key_used: dict[int, float] = {}

    def claims(self, token: str) -> dict[str, Any]:
        """The token's claims, verifying its signature once per process and its expiry every time."""
        claims = self._verified.get(token)
        if claims is None:
            claims = accounts.read_token(token, self.secret)
            if len(self._verified) >= MAX_TOKENS:
                self._verified.clear()
            self._verified[token] = claims
        elif claims["exp"] <= time.time():
            self._verified.pop(token, None)
            raise jwt.ExpiredSignatureError("the token has expired")
        return claims

    def _engine(self) -> Any:
        return dependency_of(self.container, Database).engine

    def _reader(self) -> Any:
        """Reads outside a transaction: one round trip instead of BEGIN, SELECT and ROLLBACK."""
        return dependency_of(self.container, Database).read_engine

    def get_dependency(self, worker_ctx: Any) -> StaffDirectory:
        return self

    def forget(self, user_id: int) -> None:
        self._cache.pop(user_id, None)

    def forget_keys(self) -> None:
        self._keys.clear()

    def key_principal(self, key: str) -> accounts.Principal | None:
        """The caller holding API key `key`, or None if it is unknown, malformed or revoked."""
        prefix = accounts.api_key_prefix(key)
        if prefix is None:
            return None
        now = time.monotonic()
        cached = self._keys.get(prefix)
        if cached is None or now - cached[0] > CACHE_SECONDS:
            with self._reader().connect() as conn:
                row = conn.execute(select(ApiKey.__table__).where(ApiKey.prefix == prefix)).first()
            cached = (now, row)
            if len(self._keys) >= MAX_TOKENS:
                self._keys.clear()
            self._keys[prefix] = cached
        row = cached[1]
        if row is None or row.revoked_at is not None or not accounts.api_key_matches(row.key_hash, key):
            return None
        if now - self._key_used.get(row.id, -LAST_USED_EVERY) >= LAST_USED_EVERY:
            self._key_used[row.id] = now
            with self._engine().begin() as conn:
                conn.execute(update(ApiKey.__table__).where(ApiKey.id == row.id).values(last_used_at=utcnow()))
        return accounts.Principal(row.id, row.name, frozenset(), row.organisation_id, kind="key",
                                  key_scopes=frozenset(row.scopes or ()), rate_per_minute=row.rate_per_minute)

    def principal(self, user_id: int, token_version: int) -> accounts.Principal | None:
        now = time.monotonic()
        cached = self._cache.get(user_id)
        if cached is None or now - cached[0] > CACHE_SECONDS:
            with self._reader().connect() as conn:
                row = conn.execute(select(User.__table__).where(User.id == user_id)).first()
            cached = (now, row)
            self._cache[user_id] = cached
        row = cached[1]
        if row is None or row.disabled or row.token_version != token_version:
            return None
        return accounts.Principal(row.id, row.username, frozenset(row.roles or ()), row.organisation_id)
