"""The two floors the platform's figures are compared with, measured in the same run.

- Messaging floor: a bare kombu request/reply round trip on the same broker — one
  echo consumer in its own process, one client sending a message to its queue
  with `reply_to` and waiting for the answer. What any RPC over RabbitMQ costs
  before nameko, the gateway and the service do anything.
- Database floor: the member read `GET /members/{id}` does, done directly against
  membership's PostgreSQL database from one Python process with psycopg2: the
  same statement (the member with its organisation, transfers and honours),
  compiled from membership's own SQLAlchemy statement, so the two cannot drift.

Both run one client, one request at a time, so their latency is the cost of one
request; the platform's single-connection run is compared with them.

    python -m bench.floors --amqp amqp://guest:guest@127.0.0.1/ --dsn "dbname=bench_membership ..." --ids ids.txt
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import time
import uuid
from dataclasses import dataclass

import psycopg2
from kombu import Connection, Exchange, Producer, Queue
from sqlalchemy.dialects import postgresql

ECHO_QUEUE = "bench.floor.echo"


@dataclass
class Floor:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summarise(name: str, samples_s: list[float], seconds: float) -> Floor:
    return Floor(name, len(samples_s), seconds, percentile(samples_s, 0.5) * 1000, percentile(samples_s, 0.99) * 1000)


# --------------------------------------------------------------------------- messaging floor

def _echo_server(amqp_uri: str, ready: multiprocessing.Event, stop: multiprocessing.Event) -> None:
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        queue = Queue(ECHO_QUEUE, exchange=Exchange("", type="direct"), routing_key=ECHO_QUEUE,
                      auto_delete=True, durable=False, channel=channel)
        queue.declare()
        producer = Producer(channel)

        def answer(body: dict, message) -> None:
            producer.publish(body, routing_key=message.properties["reply_to"],
                             correlation_id=message.properties["correlation_id"], serializer="json",
                             delivery_mode=1)
            message.ack()

        with conn.Consumer(queue, callbacks=[answer], accept=["json"]):
            ready.set()
            while not stop.is_set():
                try:
                    conn.drain_events(timeout=0.5)
                except TimeoutError:
                    continue


def messaging_floor(amqp_uri: str, requests_: int = 3000) -> Floor:
    """Sequential request/reply round trips through RabbitMQ with kombu, nothing else."""
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=_echo_server, args=(amqp_uri, ready, stop), daemon=True)
    server.start()
    if not ready.wait(30):
        server.terminate()
        raise RuntimeError("the echo consumer did not start within 30 s")
    samples: list[float] = []
    try:
        with Connection(amqp_uri) as conn:
            channel = conn.channel()
            reply_queue = Queue(f"bench.floor.reply-{uuid.uuid4().hex[:8]}", exclusive=True, auto_delete=True,
                                channel=channel)
            reply_queue.declare()
            producer = Producer(channel)
            answers: list[str] = []

            def on_reply(body: dict, message) -> None:
                answers.append(message.properties.get("correlation_id"))
                message.ack()

            with conn.Consumer(reply_queue, callbacks=[on_reply], accept=["json"]):
                body = {"args": [], "kwargs": {"member_id": "123456"}}  # about an RPC request's size
                for _ in range(50):  # warm up
                    _round_trip(conn, producer, reply_queue.name, body, answers)
                started = time.perf_counter()
                for _ in range(requests_):
                    t0 = time.perf_counter()
                    _round_trip(conn, producer, reply_queue.name, body, answers)
                    samples.append(time.perf_counter() - t0)
                seconds = time.perf_counter() - started
    finally:
        stop.set()
        server.join(10)
        if server.is_alive():
            server.terminate()
    return summarise("messaging floor (kombu request/reply)", samples, seconds)


def _round_trip(conn: Connection, producer: Producer, reply_to: str, body: dict, answers: list[str]) -> None:
    correlation_id = uuid.uuid4().hex
    producer.publish(body, routing_key=ECHO_QUEUE, reply_to=reply_to, correlation_id=correlation_id,
                     serializer="json", delivery_mode=1)
    while correlation_id not in answers:
        conn.drain_events(timeout=10)
    answers.clear()


# --------------------------------------------------------------------------- database floor

def member_read_statements() -> list[str]:
    """Membership's own statements for one member read, compiled for psycopg2."""
    from services.membership.operations import MEMBER_READ

    dialect = postgresql.psycopg2.dialect()
    return [str(statement.compile(dialect=dialect)) for statement in (MEMBER_READ,)]


def database_floor(dsn: str, member_ids: list[str], requests_: int = 5000, seed: int = 7) -> Floor:
    """Sequential member reads straight from PostgreSQL: membership's statement on one autocommit connection."""
    statements = member_read_statements()
    rnd = random.Random(seed)
    samples: list[float] = []
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for _ in range(100):  # warm up
                _read(cursor, statements, int(rnd.choice(member_ids)))
            started = time.perf_counter()
            for _ in range(requests_):
                member_id = int(rnd.choice(member_ids))
                t0 = time.perf_counter()
                _read(cursor, statements, member_id)
                samples.append(time.perf_counter() - t0)
            seconds = time.perf_counter() - started
    finally:
        conn.close()
    return summarise("database floor (psycopg2, the member read's statement)", samples, seconds)


def _read(cursor, statements: list[str], member_id: int) -> None:
    for statement in statements:
        cursor.execute(statement, {"member_id": member_id})
        cursor.fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--dsn", help="membership's PostgreSQL database (libpq DSN)")
    parser.add_argument("--ids", help="file of member ids, one a line")
    args = parser.parse_args()
    floors = [messaging_floor(args.amqp)]
    if args.dsn and args.ids:
        with open(args.ids) as handle:
            floors.append(database_floor(args.dsn, [line.strip() for line in handle if line.strip()]))
    for floor in floors:
        print(f"{floor.name}: {floor.rps:,.0f} req/s, p50 {floor.p50_ms:.2f} ms, p99 {floor.p99_ms:.2f} ms, "
              f"mean {floor.seconds / floor.requests * 1000:.2f} ms")


if __name__ == "__main__":
    main()
