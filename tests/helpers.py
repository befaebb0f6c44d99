"""Small tools the integration and end-to-end tests share."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

from services.chassis.identity import complete_credit_code, complete_resident_id


class EventTap:
    """Listens to a service's events, as another service would."""

    def __init__(self, amqp_uri: str, source: str, event_types: list[str]):
        self.connection = Connection(amqp_uri)
        exchange = get_event_exchange(source, {})
        name = f"test-tap-{uuid.uuid4().hex[:8]}"
        self.queue = Queue(name, exchange=exchange, routing_key=event_types[0], auto_delete=True,
                           bindings=None)
        channel = self.connection.channel()
        exchange(channel).declare()
        self.bound = Queue(name, auto_delete=True, channel=channel)
        self.bound.declare()
        for event_type in event_types:
            self.bound.bind_to(exchange=exchange.name, routing_key=event_type)
        self.seen: list[dict[str, Any]] = []
        self.headers: list[dict[str, Any]] = []

    def drain(self) -> list[dict[str, Any]]:
        while True:
            message = self.bound.get(no_ack=True)
            if message is None:
                return self.seen
            body = message.body
            self.headers.append(dict(message.headers or {}))
            self.seen.append(json.loads(body) if isinstance(body, (str, bytes)) else body)

    def wait_for(self, predicate: Callable[[list[dict]], bool], timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.drain()):
                return self.seen
            time.sleep(0.05)
        raise AssertionError(f"events not seen within {timeout}s; got {[e['event_type'] for e in self.seen]}")

    def close(self) -> None:
        self.connection.release()


def purge_handler_queues(amqp_uri: str, service_cls: type) -> int:
    """Empty the event queues (and their `.retry` queues) of `service_cls`'s handlers; returns how many went.

    The integration tests share one vhost while each test has a fresh database:
    a retry a previous test's container scheduled (e.g. after two copies of one
    request raced) would otherwise come back to the next test's container, whose
    empty inbox does not know it, and be handled there a second time.
    """
    from amqp.exceptions import NotFound as QueueNotFound
    from nameko.events import EventHandler

    names = []
    for attribute in dir(service_cls):
        for entrypoint in getattr(getattr(service_cls, attribute), "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler):
                name = f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service_cls.name}.{attribute}"
                names += [f"{name}.retry", name]  # the retry queue first: it dead-letters into the other
    purged = 0
    with Connection(amqp_uri) as connection:
        for name in names:
            channel = connection.channel()
            try:
                purged += Queue(name, channel=channel).purge() or 0
            except QueueNotFound:
                pass  # not declared yet: nothing left in it
            finally:
                if channel.is_open:
                    channel.close()
    return purged


def wait_until(check: Callable[[], Any], timeout: float = 60, interval: float = 0.1) -> Any:
    """Poll `check` until it returns something truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except AssertionError:
            pass
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")


_serial = iter(range(1, 10**9))


def resident_id(birth: str = "19900101", region: str = "370781") -> str:
    """A valid resident ID number, different on every call."""
    return complete_resident_id(f"{region}{birth}{next(_serial) % 1000:03d}")


def credit_code() -> str:
    body = f"91370781MA{next(_serial):07d}"
    return complete_credit_code(body[:17])


def member_body(organisation_id: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "李娜", "id_number": resident_id(), "phone": "13912345678",
        "organisation_id": organisation_id, "employment_form": "standard",
        "occupation": "快递员", "joined_on": "2022-03-15",
    }
    body.update(overrides)
    return body


_ports_given: set[int] = set()


def free_port() -> int:
    """A port that is free now, for a server a test starts, chosen outside the kernel's ephemeral range.

    A port from `bind(0)` comes from the ephemeral range, which the platform's
    own outgoing connections (PostgreSQL, RabbitMQ) draw from too: between the
    pick and the server's bind, a client connection can take it ("Address
    already in use"). Ports below that range are only taken by listeners.
    """
    import random
    import socket

    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ranges:
            low = int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    candidates = range(15000, max(15001, min(low, 65536)))
    for _ in range(500):
        port = random.choice(candidates)
        if port in _ports_given:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _ports_given.add(port)
        return port
    raise RuntimeError("no free port below the ephemeral range")
