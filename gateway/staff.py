"""Who may call the gateway: token checks against the staff table, with a short cache.

Every request checks its token's user and version; the answer is cached for
a few seconds per process, so revoking (disable, logout, role change) takes
effect within `CACHE_SECONDS` without a database read on every request.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from gateway import accounts
from gateway.models import User
from services.chassis.database import Database, dependency_of

CACHE_SECONDS = 5.0
MAX_TOKENS = 10_000


class StaffDirectory(DependencyProvider):
    def setup(self) -> None:
        self.secret = self.container.config.get("GATEWAY_SECRET") or accounts.token_secret()
        self._cache: dict[int, tuple[float, User | None]] = {}
        self._verified: dict[str, dict[str, Any]] = {}

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

    def get_dependency(self, worker_ctx: Any) -> StaffDirectory:
        return self

    def forget(self, user_id: int) -> None:
        self._cache.pop(user_id, None)

    def principal(self, user_id: int, token_version: int) -> accounts.Principal | None:
        now = time.monotonic()
        cached = self._cache.get(user_id)
        if cached is None or now - cached[0] > CACHE_SECONDS:
            with self._engine().connect() as conn:
                row = conn.execute(select(User.__table__).where(User.id == user_id)).first()
            cached = (now, row)
            self._cache[user_id] = cached
        row = cached[1]
        if row is None or row.disabled or row.token_version != token_version:
            return None
        return accounts.Principal(row.id, row.username, frozenset(row.roles or ()), row.organisation_id)
