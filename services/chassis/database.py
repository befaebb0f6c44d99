"""A SQLAlchemy session per worker that commits when the entrypoint succeeds.

nameko calls an entrypoint's `handle_result` (which sends the RPC reply or
acks the event) *before* dependencies see `worker_result`, so committing
there would answer the caller before the data is safe. The chassis'
entrypoints (`services.chassis.entrypoints`) therefore call
`finish_transaction` first; only then is the reply sent or the message acked.
"""

from __future__ import annotations

import json
import logging
import sys
import weakref
from pathlib import Path
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy import MetaData, create_engine, event, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from services.chassis.config import database_url
from services.chassis.events import envelope, utcnow
from services.chassis.logs import current_request_id

log = logging.getLogger(__name__)
_psycopg_patched = False


def _green_psycopg() -> None:
    """Make psycopg2 yield to eventlet's hub instead of blocking it."""
    global _psycopg_patched
    if _psycopg_patched:
        return
    import eventlet.patcher

    if eventlet.patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
        _psycopg_patched = True


def make_engine(url: str, pool_size: int = 10, autocommit: bool = False) -> Engine:
    """An engine tuned for one nameko process.

    SQLite (the embedded default) gets one connection: its busy handler
    sleeps inside C, which would freeze every greenthread, so writers queue
    on the pool instead. PostgreSQL gets a pool sized for the worker pool
    plus the relay. `autocommit` engines serve reads outside transactions.
    """
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None} if autocommit else {}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
            connect_args={"check_same_thread": False, "timeout": 30},
            **options,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://"):]
    if url.startswith("postgresql+psycopg2"):
        _green_psycopg()
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=5,
        pool_timeout=10,
        # No pre-ping (a round trip per checkout): a connection broken by a
        # database restart fails one request with 503, and SQLAlchemy then
        # drops the whole pool and reconnects.
        pool_recycle=1800,
        **options,
    )


class UnitOfWork:
    """What a worker sees as `self.db`: a session, and `publish` into the outbox.

    An event published here leaves the service only if the transaction that
    wrote it commits (the transactional outbox).
    """

    def __init__(self, provider: Database, inbox_entry: tuple[str, str] | None = None):
        self._provider = provider
        self._session: Session | None = None
        self._reader: Connection | None = None
        self._published = 0
        self._inbox_entry = inbox_entry
        self._request_entry: tuple[str, str] | None = None
        self.finished = False

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self._provider.sessions()
        return self._session

    @property
    def reader(self) -> Connection:
        """A connection for reads only, outside any transaction (autocommit).

        It saves the ORM's bookkeeping and the BEGIN and COMMIT round trips a
        transaction costs, which matters on the hottest paths (one member, a
        search page). Each statement sees the latest committed data; use
        `session` when several reads must agree or anything is written.
        """
        if self._reader is None:
            self._reader = self._provider.read_engine.connect()
        return self._reader

    def publish(self, event_type: str, data: dict[str, Any], version: int = 1) -> dict[str, Any]:
        """Record an event to be published once this transaction commits."""
        return self.publish_many(event_type, [data], version)[0]

    def publish_many(
        self, event_type: str, items: list[dict[str, Any]], version: int = 1
    ) -> list[dict[str, Any]]:
        envelopes = [envelope(event_type, data, version) for data in items]
        if not envelopes:
            return envelopes
        request_id = current_request_id()
        now = utcnow()
        self.session.execute(
            insert(self._provider.outbox),
            [
                {
                    "event_id": env["event_id"],
                    "event_type": event_type,
                    "payload": json.dumps(env, ensure_ascii=False, default=str),
                    "request_id": request_id,
                    "created_at": now,
                    "attempts": 0,
                }
                for env in envelopes
            ],
        )
        self._published += len(envelopes)
        return envelopes

    def commit(self) -> None:
        """Commit what is done so far (long jobs commit in steps)."""
        if self._session is None:
            return
        self._session.commit()
        if self._published:
            self._published = 0
            self._provider.nudge_relay()

    def record_request(self, request_id: str, handler: str) -> None:
        """Note the RPC request this worker answers; kept in the inbox if the worker wrote anything.

        A request the broker hands out again (the connection dropped after the
        commit, before the ack) is then recognised and not run twice.
        """
        self._request_entry = (request_id, handler)

    def complete(self) -> None:
        """The worker succeeded: record the handled event or written request (if any) and commit."""
        entry = self._inbox_entry
        if entry is None and self._request_entry is not None and self._session is not None \
                and self._session.info.get(WROTE):
            entry = self._request_entry
        if entry is not None and self._provider.inbox is not None:
            event_id, handler = entry
            self.session.execute(
                insert(self._provider.inbox),
                {"event_id": event_id, "handler": handler, "processed_at": utcnow()},
            )
        self.commit()
        self.finished = True

    def rollback(self) -> None:
        self.finished = True
        if self._session is not None:
            self._session.rollback()
            self._published = 0

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None


class Database(DependencyProvider):
    """The service's database: a unit of work per worker, and the outbox relay.

    The URL comes from the container config's `DATABASE_URL` (tests) or the
    `<SERVICE>_DATABASE_URL` environment variable, else `var/<service>.db`.
    """

    def __init__(self, metadata: MetaData):
        self.metadata = metadata
        self.units: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.relay = None

    def setup(self) -> None:
        from services.chassis.outbox import OutboxRelay

        config = self.container.config
        self.url = config.get("DATABASE_URL") or database_url(self.container.service_name)
        self.engine = make_engine(self.url, pool_size=self.container.max_workers + 4)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        event.listen(self.sessions, "after_flush", _mark_written)
        event.listen(self.sessions, "do_orm_execute", _mark_written_by_statement)
        self.read_engine = make_engine(self.url, pool_size=self.container.max_workers, autocommit=True)
        self.outbox = self.metadata.tables.get("outbox")
        self.inbox = self.metadata.tables.get("inbox")
        if self.outbox is not None:
            self.relay = OutboxRelay(self.container.service_name, self.engine, self.outbox, config, self.inbox)

    @property
    def single_statement_engine(self) -> Engine:
        """Where one statement, atomic on its own (an audit entry), is written without a transaction.

        On PostgreSQL that is the autocommit engine, which saves the BEGIN and
        COMMIT round trips; SQLite has one writer connection, which every
        write must share, so there it is the main engine.
        """
        return self.engine if self.url.startswith("sqlite") else self.read_engine

    def start(self) -> None:
        if self.relay is not None:
            self.container.spawn_managed_thread(self.relay.run, identifier="outbox_relay")

    def stop(self) -> None:
        self._shut_down(graceful=True)

    def kill(self) -> None:
        self._shut_down(graceful=False)

    def _shut_down(self, graceful: bool) -> None:
        if self.relay is not None:
            if graceful:
                self.relay.stop()  # lets the batch in hand finish
            else:
                self.relay.stop(wait=0)
        self.engine.dispose()
        self.read_engine.dispose()

    def nudge_relay(self) -> None:
        if self.relay is not None:
            self.relay.nudge()

    def get_dependency(self, worker_ctx: Any) -> UnitOfWork:
        # nameko injects dependencies before `worker_setup`, so the unit is made here.
        entry = getattr(worker_ctx.entrypoint, "inbox_entry", None)
        inbox_entry = entry(worker_ctx) if entry and self.inbox is not None else None
        unit = self.units[worker_ctx] = UnitOfWork(self, inbox_entry)
        return unit

    def finish(self, worker_ctx: Any, exc_info: Any) -> Any:
        """Commit the worker's unit if it succeeded, else roll back; return the final exc_info.

        Called by the chassis entrypoints before they reply or ack, and from
        `worker_result` for any other entrypoint (timers); a finished unit is
        left alone.
        """
        unit = self.units.get(worker_ctx)
        if unit is None or unit.finished:
            return exc_info
        if exc_info is None:
            try:
                unit.complete()
            except Exception:
                exc_info = sys.exc_info()
                unit.rollback()
        else:
            unit.rollback()
        return exc_info

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        final = self.finish(worker_ctx, exc_info)
        if final is not exc_info:
            log.error("commit after %s failed", worker_ctx.entrypoint.method_name, exc_info=final)

    def worker_teardown(self, worker_ctx: Any) -> None:
        unit = self.units.pop(worker_ctx, None)
        if unit is not None:
            if not unit.finished:
                unit.rollback()
            unit.close()

    def already_processed(self, event_id: str, handler: str) -> bool:
        """The fast path of the inbox: was this event handled by this handler?

        Read on the autocommit engine: one round trip, where a transactional
        connection adds a BEGIN and a ROLLBACK to every event delivered.
        """
        if self.inbox is None:
            return False
        with self.read_engine.connect() as conn:
            row = conn.execute(
                select(self.inbox.c.event_id).where(
                    self.inbox.c.event_id == event_id, self.inbox.c.handler == handler
                )
            ).first()
        return row is not None


WROTE = "chassis.wrote"


def _mark_written(session: Session, flush_context: Any) -> None:
    session.info[WROTE] = True


def _mark_written_by_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def dependency_of(container: Any, kind: type) -> Any:
    """The container's dependency provider of class `kind`, looked up once per container."""
    cache = container.__dict__.setdefault("_chassis_dependencies", {})
    if kind not in cache:
        cache[kind] = next((p for p in container.dependencies if isinstance(p, kind)), None)
    return cache[kind]
