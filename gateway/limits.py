"""Request rates per caller, and failed sign-ins per username and per address.

Request rates are a token bucket per caller in each gateway process: cheap
enough for every request, and with N gateways a caller gets at most N times
the rate. Failed sign-ins are counted in the gateway's database, so every
gateway sees them: guessing passwords is the attack worth stopping exactly.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from gateway.models import LoginFailure
from services.chassis.errors import DomainError
from services.chassis.events import utcnow


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: float):
        super().__init__(detail)
        self.retry_after = max(1, math.ceil(retry_after))


def _setting(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class RateLimiter:
    """A token bucket per caller: `per_minute` requests a minute, with bursts up to that many."""

    MAX_CALLERS = 100_000

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}  # caller -> (tokens, at)

    def take(self, caller: str, per_minute: int) -> None:
        """Spend one request of `caller`'s allowance, or raise TooManyRequests."""
        now = self.clock()
        tokens, at = self.buckets.get(caller, (float(per_minute), now))
        tokens = min(float(per_minute), tokens + (now - at) * per_minute / 60.0)
        if tokens < 1.0:
            self.buckets[caller] = (tokens, now)
            raise TooManyRequests(f"more than {per_minute} requests a minute; slow down",
                                  (1.0 - tokens) * 60.0 / per_minute)
        if len(self.buckets) >= self.MAX_CALLERS and caller not in self.buckets:
            self.buckets.clear()
        self.buckets[caller] = (tokens - 1.0, now)


def default_rate_per_minute() -> int:
    return _setting("RATE_LIMIT_PER_MINUTE", 6000)


class LoginThrottle:
    """Failed sign-ins per subject (`user:<name>`, `addr:<ip>`) in a window, in the database."""

    def __init__(self, per_user: int | None = None, per_address: int | None = None,
                 window: timedelta | None = None, now: Callable[[], datetime] = utcnow):
        self.limits = {
            "user": per_user or _setting("LOGIN_FAILURES_PER_USER", 5),
            "addr": per_address or _setting("LOGIN_FAILURES_PER_ADDRESS", 50),
        }
        self.window = window or timedelta(minutes=_setting("LOGIN_WINDOW_MINUTES", 15))
        self.now = now
        self.table = LoginFailure.__table__

    def subjects(self, username: str, address: str | None) -> list[str]:
        found = [f"user:{username.lower()[:150]}"]
        if address:
            found.append(f"addr:{address[:150]}")
        return found

    def check(self, engine: Engine, subjects: list[str]) -> None:
        """Raise TooManyRequests while any subject is locked out."""
        now = self.now()
        with engine.connect() as conn:
            rows = conn.execute(select(self.table).where(self.table.c.subject.in_(subjects))).all()
        for row in rows:
            started = _aware(row.window_started_at)
            limit = self.limits[row.subject.split(":", 1)[0]]
            if row.failures >= limit and now - started < self.window:
                wait = (started + self.window - now).total_seconds()
                raise TooManyRequests("too many failed sign-ins; wait before trying again", wait)

    def failed(self, engine: Engine, subjects: list[str]) -> None:
        now = self.now()
        for subject in subjects:
            for _ in range(3):  # another gateway may insert the same subject at the same moment
                try:
                    with engine.begin() as conn:
                        row = conn.execute(select(self.table).where(self.table.c.subject == subject)
                                           .with_for_update()).first()
                        if row is None:
                            conn.execute(insert(self.table).values(subject=subject, failures=1,
                                                                   window_started_at=now))
                        elif now - _aware(row.window_started_at) >= self.window:
                            conn.execute(update(self.table).where(self.table.c.subject == subject)
                                         .values(failures=1, window_started_at=now))
                        else:
                            conn.execute(update(self.table).where(self.table.c.subject == subject)
                                         .values(failures=self.table.c.failures + 1))
                    break
                except IntegrityError:
                    continue

    def succeeded(self, engine: Engine, username: str) -> None:
        with engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.subject == self.subjects(username, None)[0]))


def _aware(value: Any) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
