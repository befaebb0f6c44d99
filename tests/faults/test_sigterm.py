"""Fault 5: SIGTERM (a deploy, a scale-down) while work is in flight.

A stopping process finishes what it has started (requests it is answering,
events it is handling) and then exits 0; what it had not started waits in
the broker for the next process. Nothing reaches a side effect twice.
"""

from __future__ import annotations

import signal
import time

import eventlet
import pytest
import requests

from tests.faults.harness import (
    API,
    Ledger,
    assert_each_once,
    assert_events_handled_once,
    assert_member_copies_agree,
    events_handled,
    import_events,
    start_import,
    wait_import_done,
)
from tests.helpers import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

IN_FLIGHT = 5
ROWS = 600


def test_sigterm_gateway_finishes_the_requests_in_flight(make_platform):
    platform = make_platform(rpc_timeout=30)
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    ledger = Ledger(platform)
    assert ledger.register(http, union) == 201
    member_id = next(iter(ledger.accepted.values()))

    # Hold requests inside the gateway: membership is paused, so they cannot end before the SIGTERM.
    platform.signal("membership", signal.SIGSTOP)
    pool = eventlet.GreenPool()
    in_flight = [pool.spawn(requests.get, f"{platform.url}{API}/members/{member_id}", headers=http.headers,
                            timeout=60) for _ in range(IN_FLIGHT)]
    wait_until(lambda: platform.metric("gateway", "union_workers_in_use") >= IN_FLIGHT, timeout=30)
    gateway = platform.signal("gateway", signal.SIGTERM)
    # It stops taking new connections, and waits for the ones it has.
    wait_until(lambda: _refused(platform.url), timeout=30)
    assert gateway.alive and not any(t.dead for t in in_flight)
    platform.signal("membership", signal.SIGCONT)
    assert [t.wait().status_code for t in in_flight] == [200] * IN_FLIGHT
    assert gateway.popen.wait(timeout=60) == 0, platform.log_tail(gateway)


def _refused(url: str) -> bool:
    try:
        requests.get(f"{url}/health", timeout=2)
        return False
    except requests.ConnectionError:
        return True


def test_sigterm_services_under_load(make_platform):
    platform = make_platform(rpc_timeout=15)
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    ledger = Ledger(platform)
    stop = eventlet.event.Event()

    def writer(session) -> None:
        while not stop.ready():
            ledger.register(session, union, timeout=60)

    pool = eventlet.GreenPool()
    for session in [platform.session() for _ in range(4)]:
        pool.spawn(writer, session)
    import_id, id_numbers = start_import(platform, http, union, ROWS)
    wait_import_done(platform, http, import_id)
    # welfare is working through the import's events when it is told to stop.
    wait_until(lambda: events_handled(platform, "welfare") > 0, timeout=60,
               interval=0.05)
    welfare = platform.signal("welfare", signal.SIGTERM)
    membership = platform.signal("membership", signal.SIGTERM)
    assert welfare.popen.wait(timeout=60) == 0, platform.log_tail(welfare)
    assert membership.popen.wait(timeout=60) == 0, platform.log_tail(membership)
    stopped_at = time.monotonic()
    platform.start("membership")
    platform.start("welfare")
    platform.wait_ready()
    accepted = len(ledger.accepted)
    wait_until(lambda: len(ledger.accepted) >= accepted + 10, timeout=60)
    stop.send(True)
    pool.waitall()

    # Requests that reached membership before it stopped were answered; those that came
    # while it was away waited in its queue for the new process (or timed out: 504).
    assert set(ledger.statuses) <= {201, 504}, ledger.statuses
    assert time.monotonic() > stopped_at
    ledger.assert_accepted_exist_once()
    assert_each_once(platform, id_numbers + list(ledger.accepted))
    assert ledger.refused_written() <= {i for i, _ in ledger.refused}
    assert assert_events_handled_once(platform, timeout=120) >= import_events(ROWS)
    assert_member_copies_agree(platform)
    # The events welfare had taken were finished and acknowledged before it exited: none came back.
    assert platform.metric("welfare", "union_events_consumed_total", outcome="duplicate") == 0
