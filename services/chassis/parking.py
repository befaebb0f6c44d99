"""Parked events: the ones a handler failed on after every try.

    python -m services.chassis.parking list            # every parking queue and its depth
    python -m services.chassis.parking show QUEUE       # the parked messages, with their last error
    python -m services.chassis.parking replay QUEUE     # move them back to their handler's queue

A parking queue is named `<handler queue>.parked`; replaying publishes each
message back to `<handler queue>` with its try count reset. Handlers are
idempotent, so replaying an event that was in fact handled changes nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator

from kombu import Connection, Queue

from services.chassis.config import amqp_uri

SUFFIX = ".parked"


def parked_depth(connection: Connection, queue_name: str) -> int:
    """Messages waiting in a parking queue (0 when it does not exist yet)."""
    channel = connection.channel()
    try:
        _, count, _ = channel.queue_declare(queue=queue_name, passive=True)
        return int(count)
    except Exception:
        return 0
    finally:
        try:
            channel.close()
        except Exception:
            pass


def list_parking_queues() -> list[tuple[str, int]]:
    """Parking queues known to the broker (needs `rabbitmqctl` on this host)."""
    out = subprocess.run(
        ["rabbitmqctl", "-q", "list_queues", "-p", _vhost(), "name", "messages"],
        capture_output=True, text=True, check=True,
    ).stdout
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].endswith(SUFFIX):
            rows.append((parts[0], int(parts[1])))
    return sorted(rows)


def _vhost() -> str:
    path = amqp_uri().rsplit("/", 1)[-1]
    return path or "/"


def drain(connection: Connection, queue_name: str) -> Iterator:
    channel = connection.channel()
    queue = Queue(queue_name, durable=True, channel=channel)
    while True:
        message = queue.get(no_ack=False)
        if message is None:
            return
        yield message


def replay(queue_name: str, uri: str | None = None) -> int:
    """Move every message of `queue_name` back to its handler's queue; return how many."""
    if not queue_name.endswith(SUFFIX):
        raise ValueError(f"{queue_name} is not a parking queue")
    target = queue_name[: -len(SUFFIX)]
    moved = 0
    with Connection(uri or amqp_uri()) as connection:
        producer = connection.Producer()
        for message in drain(connection, queue_name):
            headers = dict(message.headers or {})
            headers["x-attempts"] = 1
            headers["x-replayed"] = int(headers.get("x-replayed", 0)) + 1
            producer.publish(
                message.body, exchange="", routing_key=target, headers=headers,
                content_type=message.content_type, content_encoding=message.content_encoding,
                delivery_mode=2,
            )
            message.ack()
            moved += 1
    return moved


def show(queue_name: str, uri: str | None = None) -> list[dict]:
    """Parked messages, without taking them off the queue."""
    shown = []
    with Connection(uri or amqp_uri()) as connection:
        for message in drain(connection, queue_name):
            headers = message.headers or {}
            try:
                body = json.loads(message.body)
            except ValueError:
                body = {}
            shown.append({
                "event_id": body.get("event_id"),
                "event_type": body.get("event_type"),
                "attempts": headers.get("x-attempts"),
                "last_error": headers.get("x-last-error"),
            })
        # closing the channel without acks returns them to the queue
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.chassis.parking")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    for name in ("show", "replay"):
        sub.add_parser(name).add_argument("queue")
    args = parser.parse_args(argv)
    if args.command == "list":
        for name, count in list_parking_queues():
            print(f"{count:8d}  {name}")
    elif args.command == "show":
        for row in show(args.queue):
            print(json.dumps(row, ensure_ascii=False))
    else:
        print(f"replayed {replay(args.queue)} message(s) to {args.queue[:-len(SUFFIX)]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
