"""`Idempotency-Key` on writes: the same key and request give the first answer again.

Per caller, a key claims a row (`running`) before the write runs; the
unique (caller, key) constraint makes two identical requests arriving at
the same moment safe: the second waits for the first's answer and returns
it. A key reused for another request (method, path or body) is 409. The
answer is kept for `RETENTION` (48 h); a 5xx answer is dropped, so the
caller can retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

import eventlet
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from gateway.models import IdempotencyRecord
from gateway.problems import BadRequest
from services.chassis.errors import Conflict
from services.chassis.events import utcnow

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")
RETENTION = timedelta(hours=int(os.environ.get("IDEMPOTENCY_HOURS", "48")))
KEPT_HEADERS = ("Location", "Content-Disposition")
PRUNE_EVERY = 600.0
# A key still `running` after this long belongs to a request whose gateway died: take it over.
STALE_AFTER = timedelta(minutes=5)
table = IdempotencyRecord.__table__


@dataclass
class Stored:
    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes


def valid_key(value: str) -> str:
    if not KEY_PATTERN.match(value):
        raise BadRequest("Idempotency-Key must be 1 to 200 visible ASCII characters",
                         {HEADER: ["1 to 200 visible ASCII characters"]})
    return value


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class IdempotencyStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._pruned = 0.0

    def begin(self, caller: str, key: str, print_: str, wait: float) -> Stored | None:
        """None: this request owns the key and runs. Else the first answer, or Conflict."""
        self._prune()
        deadline = time.monotonic() + wait
        while True:
            try:
                with self.engine.begin() as conn:
                    conn.execute(insert(table).values(caller=caller, key=key, fingerprint=print_,
                                                      state="running", created_at=utcnow()))
                return None
            except IntegrityError:
                pass
            with self.engine.connect() as conn:
                row = conn.execute(select(table).where(table.c.caller == caller, table.c.key == key)).first()
            if row is not None:
                if row.fingerprint != print_:
                    raise Conflict("this Idempotency-Key was already used for another request",
                                   {HEADER: ["already used for another request"]})
                if row.state == "done":
                    return Stored(row.status, row.content_type or "application/json",
                                  json.loads(row.headers or "{}"), row.body or b"")
                started = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
                if utcnow() - started > STALE_AFTER:
                    with self.engine.begin() as conn:
                        conn.execute(delete(table).where(table.c.id == row.id, table.c.state == "running"))
                    continue
            if time.monotonic() >= deadline:
                raise Conflict("a request with this Idempotency-Key is still running; retry shortly",
                               {HEADER: ["a request with this key is still running"]})
            eventlet.sleep(0.05)

    def finish(self, caller: str, key: str, status: int, content_type: str, headers: Any, body: bytes) -> None:
        with self.engine.begin() as conn:
            where = (table.c.caller == caller, table.c.key == key)
            if status >= 500:
                conn.execute(delete(table).where(*where))
                return
            kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
            conn.execute(update(table).where(*where).values(
                state="done", status=status, content_type=content_type, headers=json.dumps(kept), body=body))

    def abandon(self, caller: str, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.caller == caller, table.c.key == key))

    def _prune(self) -> None:
        now = time.monotonic()
        if now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.created_at < utcnow() - RETENTION))
