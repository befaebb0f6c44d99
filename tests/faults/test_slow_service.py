"""Fault 7: a service that stops answering (SIGSTOP: alive, connected, silent).

The gateway answers 504 after its RPC deadline for that service's routes and
stays responsive on every other route, even with more requests for the slow
service than the gateway has workers: at most 3/4 of them wait on one
service (RemoteService's bulkhead), the rest of those requests fail at once
with 503.
"""

from __future__ import annotations

import signal
from collections import Counter

import eventlet
import pytest
import requests

from tests.faults.harness import API, Ledger, assert_events_handled_once, assert_member_copies_agree
from tests.helpers import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

GATEWAY_WORKERS = 20
WAITING = GATEWAY_WORKERS * 3 // 4  # the bulkhead: calls one service may hold at once
STUCK = 2 * WAITING  # more requests for the slow service than the gateway has workers


def test_slow_service_answers_504_and_the_gateway_stays_responsive(make_platform):
    platform = make_platform(rpc_timeout=8, extra_env={"GATEWAY_MAX_WORKERS": str(GATEWAY_WORKERS)})
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    ledger = Ledger(platform)
    assert ledger.register(http, union) == 201
    member_id = next(iter(ledger.accepted.values()))

    platform.signal("membership", signal.SIGSTOP)
    try:
        pool = eventlet.GreenPool(STUCK + 1)
        stuck = [pool.spawn(requests.get, f"{platform.url}{API}/members/{member_id}",
                            headers=http.headers, timeout=60) for _ in range(STUCK)]
        # Past the bulkhead, requests are refused at once...
        wait_until(lambda: sum(t.dead for t in stuck) >= STUCK - WAITING, timeout=30, interval=0.05)
        # ...and while the others still wait for the slow service, other routes answer.
        assert requests.get(f"{platform.url}/health", timeout=30).status_code == 200
        me = http.get(f"{platform.url}{API}/auth/me", timeout=30)
        assert me.status_code == 200, me.text
        assert sum(t.dead for t in stuck) == STUCK - WAITING, "the waiting requests ended before the others"
        statuses = Counter(thread.wait().status_code for thread in stuck)
        assert statuses == {504: WAITING, 503: STUCK - WAITING}
    finally:
        platform.signal("membership", signal.SIGCONT)

    # The service is back: its routes answer again, and nothing it missed is lost.
    wait_until(lambda: http.get(f"{platform.url}{API}/members/{member_id}", timeout=30).status_code == 200,
               timeout=60)
    assert ledger.register(http, union) == 201
    ledger.assert_accepted_exist_once()
    assert_events_handled_once(platform)
    assert_member_copies_agree(platform)
