"""Faults 2 and 3: the broker goes away for 30 s, the database for 10 s, while writes go on.

During an outage a write through the gateway either succeeds (its event waits
in the outbox and leaves once the broker is back) or fails with 503 and
changes nothing; after it, every process reconnects by itself: no restart.
"""

from __future__ import annotations

import time

import eventlet
import pytest

from tests.faults.harness import Ledger, assert_events_handled_once, assert_member_copies_agree
from tests.helpers import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WRITERS = 3


def write_during(platform, ledger: Ledger, union: str, outage, seconds_down: float) -> dict:
    """Writers keep registering members while `outage` takes a server down for `seconds_down`."""
    http = platform.session()
    for _ in range(5):  # the platform works before the fault
        assert ledger.register(http, union) == 201
    stop = eventlet.event.Event()
    timeline: dict[str, float] = {}

    def writer(session) -> None:
        while not stop.ready():
            try:
                ledger.register(session, union, timeout=30)
            except AssertionError:
                pass  # an answer other than 201/503/504: kept in ledger.unexpected, the test fails on it
            eventlet.sleep(0.05)

    pool = eventlet.GreenPool()
    for session in [platform.session() for _ in range(WRITERS)]:  # signed in before the fault
        pool.spawn(writer, session)
    eventlet.sleep(1)
    down, up = outage
    timeline["down"] = time.monotonic()
    down()
    # The outage lasts as long as it must: writers go on meanwhile.
    while time.monotonic() - timeline["down"] < seconds_down:
        eventlet.sleep(0.5)
    during = dict(ledger.statuses)
    up()
    timeline["up"] = time.monotonic()
    # Recovered by itself: new writes succeed again, without restarting any process.
    accepted_before = len(ledger.accepted)
    try:
        wait_until(lambda: len(ledger.accepted) >= accepted_before + 10, timeout=90, interval=0.5)
    except AssertionError:
        raise AssertionError(f"writes did not succeed again: {ledger.statuses} {ledger.unexpected}\n"
                             f"{platform.logs()}") from None
    timeline["recovered"] = time.monotonic()
    stop.send(True)
    pool.waitall()
    for process in platform.processes.values():
        assert process.alive, f"{process.component} died during the outage:\n{platform.log_tail(process)}"
    return {"during": during, "timeline": timeline}


def test_broker_stopped_for_30_seconds_while_writes_continue(make_platform, private_rabbit):
    platform = make_platform()
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    ledger = Ledger(platform)

    result = write_during(platform, ledger, union, (private_rabbit.stop, private_rabbit.start), 30)

    assert ledger.statuses[503] > 0, f"no write failed while the broker was down: {result}"
    assert set(ledger.statuses) <= {201, 503, 504}, (ledger.statuses, ledger.unexpected)
    ledger.assert_accepted_exist_once()
    ledger.assert_refusals_clean()
    # Every committed event left through the outbox and was handled once.
    assert assert_events_handled_once(platform, timeout=120) >= len(ledger.accepted)
    assert_member_copies_agree(platform)
    platform.wait_ready(timeout=30)


def test_database_stopped_for_10_seconds_while_writes_continue(make_platform, private_postgres):
    platform = make_platform()
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    ledger = Ledger(platform)

    result = write_during(platform, ledger, union, (private_postgres.stop, private_postgres.start), 10)

    assert ledger.statuses[503] > 0, f"no write failed while the database was down: {result}"
    assert set(ledger.statuses) <= {201, 503}, ledger.statuses
    ledger.assert_accepted_exist_once()
    ledger.assert_refusals_clean()
    # Nothing half-written: each member came with its event, and welfare has it.
    members = platform.rows("membership", "SELECT count(*) AS n FROM member")[0].n
    joined = platform.rows("membership", "SELECT count(*) AS n FROM outbox WHERE event_type = 'member_joined'")[0].n
    assert members == joined
    assert assert_events_handled_once(platform, timeout=120) >= len(ledger.accepted)
    assert_member_copies_agree(platform)
    platform.wait_ready(timeout=30)
