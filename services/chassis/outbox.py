"""The relay that moves committed outbox rows to RabbitMQ.

It wakes when a unit of work commits new events, and every few seconds
anyway, so rows written while the broker was down leave once it is back.
Rows are claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several
instances of a service share the backlog without publishing a row twice at
the same time. Each batch is published inside one AMQP transaction and only
then marked published: a crash in between publishes the batch again, which
the consumers' inbox absorbs (at-least-once delivery, exactly-once effect).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import eventlet
from eventlet.event import Event
from kombu import Connection, Producer
from nameko.standalone.events import get_event_exchange
from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.engine import Engine

from services.chassis import metrics
from services.chassis.events import utcnow

log = logging.getLogger(__name__)

BATCH = 500
IDLE_INTERVAL = 2.0
KEEP_PUBLISHED = timedelta(days=3)
# Redeliveries come within minutes or hours; a month of inbox rows is ample.
KEEP_INBOX = timedelta(days=30)
# How long a stopping service lets the relay finish the batch in hand (one takes well under a second).
STOP_WAIT = 10.0


class OutboxRelay:
    def __init__(self, service_name: str, engine: Engine, outbox: Table, config: dict[str, Any],
                 inbox: Table | None = None):
        self.service_name = service_name
        self.inbox = inbox
        self.engine = engine
        self.outbox = outbox
        self.amqp_uri = config["AMQP_URI"]
        self.exchange = get_event_exchange(service_name, config)
        self._wakeup = Event()
        self._running = True
        self._stopped: Event | None = None  # set while run() runs; sent when it returns
        self._connection: Connection | None = None
        self._last_gauges = 0.0
        self._last_prune = 0.0

    def nudge(self) -> None:
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def stop(self, wait: float = STOP_WAIT) -> None:
        """Let the batch in hand finish, then let go of the broker.

        Closing the connection under a batch could cut it between the broker's
        commit and the outbox's: published, yet not marked, so sent again at the
        next start (the consumers' inbox absorbs it, but a graceful stop should
        not cause that). `wait` 0: stop at once (a kill).
        """
        self._running = False
        self.nudge()
        if self._stopped is not None and wait > 0:
            with eventlet.Timeout(wait, False):
                self._stopped.wait()
        self._disconnect()

    def run(self) -> None:
        self._stopped = Event()
        try:
            self._run()
        finally:
            self._stopped.send(True)

    def _run(self) -> None:
        backoff = 0.5
        while self._running:
            try:
                while self._running and self.publish_batch() == BATCH:
                    eventlet.sleep(0)
                self._housekeeping()
                backoff = 0.5
            except Exception as exc:  # broker or database down: keep the rows, try later
                log.warning("outbox relay could not publish: %s", exc)
                self._disconnect()
                if not self._running:
                    break
                eventlet.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            with eventlet.Timeout(IDLE_INTERVAL, False):
                self._wakeup.wait()
            self._wakeup = Event()

    def publish_batch(self) -> int:
        """Publish up to BATCH pending rows; return how many."""
        outbox = self.outbox
        with self.engine.connect() as conn:
            with conn.begin():
                rows = conn.execute(
                    select(outbox.c.id, outbox.c.event_type, outbox.c.payload, outbox.c.request_id)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                ).all()
                if not rows:
                    return 0
                self._publish(rows)
                conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row.id for row in rows]))
                    .values(published_at=utcnow(), attempts=outbox.c.attempts + 1)
                )
        for row in rows:
            metrics.EVENTS_PUBLISHED.labels(self.service_name, row.event_type).inc()
        return len(rows)

    def _publish(self, rows: list[Any]) -> None:
        connection = self._connect()
        channel = connection.default_channel
        producer = Producer(channel, exchange=self.exchange, auto_declare=False)
        channel.tx_select()
        for row in rows:
            headers = {"nameko.request_id": row.request_id} if row.request_id else {}
            producer.publish(
                row.payload,
                routing_key=row.event_type,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                headers=headers,
                retry=False,
            )
        channel.tx_commit()

    def _connect(self) -> Connection:
        if self._connection is None:
            # No heartbeats (the relay is idle between batches), so bound every socket read and
            # write instead: a broker that stops answering must not hold the relay for ever.
            connection = Connection(self.amqp_uri, heartbeat=0, connect_timeout=5,
                                    transport_options={"read_timeout": 30, "write_timeout": 30})
            connection.ensure_connection(max_retries=1)
            self.exchange(connection.default_channel).declare()
            self._connection = connection
        return self._connection

    def _disconnect(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # already broken
                pass
            self._connection = None

    def _housekeeping(self) -> None:
        """Refresh the backlog gauges and prune old outbox and inbox rows, now and then."""
        now = time.monotonic()
        if now - self._last_gauges >= 10:
            self._last_gauges = now
            outbox = self.outbox
            with self.engine.connect() as conn:
                pending, oldest = conn.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(
                        outbox.c.published_at.is_(None)
                    )
                ).one()
            metrics.OUTBOX_PENDING.labels(self.service_name).set(pending)
            age = 0.0
            if oldest is not None:
                if oldest.tzinfo is None:  # SQLite returns naive UTC
                    oldest = oldest.replace(tzinfo=utcnow().tzinfo)
                age = (utcnow() - oldest).total_seconds()
            metrics.OUTBOX_OLDEST_AGE.labels(self.service_name).set(age)
        if now - self._last_prune >= 600:
            self._last_prune = now
            with self.engine.begin() as conn:
                conn.execute(delete(self.outbox).where(self.outbox.c.published_at < utcnow() - KEEP_PUBLISHED))
                if self.inbox is not None:
                    conn.execute(delete(self.inbox).where(self.inbox.c.processed_at < utcnow() - KEEP_INBOX))
