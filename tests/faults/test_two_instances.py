"""Fault 6: two instances of every component under load.

RabbitMQ shares each queue between the instances, both outbox relays claim
rows with SKIP LOCKED: no event is published twice, none is handled twice,
copies fed by events arriving at two consumers in any order still agree, and
reward payouts handled by two welfare instances are paid once each.
"""

from __future__ import annotations

import eventlet
import pytest

from tests.faults.harness import (
    API,
    Ledger,
    adopt_proposals,
    assert_each_once,
    assert_events_handled_once,
    assert_member_copies_agree,
    assert_rewards_paid_once,
    events_handled,
    fund_rewards,
    import_events,
    start_import,
    wait_import_done,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WRITES_PER_WRITER = 15
ROWS = 600
PROPOSALS = 12


def test_two_instances_of_everything_under_load(make_platform):
    platform = make_platform()
    platform.start_all(instances=2)
    http = platform.session()
    union = platform.create_union(http)
    ledger = Ledger(platform)
    gateways = [f"http://127.0.0.1:{p.http_port}" for (c, _), p in platform.processes.items() if c == "gateway"]
    assert len(gateways) == 2

    def writer(url: str, session) -> None:
        for _ in range(WRITES_PER_WRITER):
            assert ledger.register(session, union, url=url) == 201
            member_id = list(ledger.accepted.values())[-1]
            # an update right behind the join: two consumers may get the two events at once
            changed = session.patch(f"{url}{API}/members/{member_id}", json={"occupation": "外卖骑手"}, timeout=30)
            assert changed.status_code == 200, changed.text

    fund_rewards(platform, http, 1_000_000)
    assert ledger.register(http, union) == 201
    rewarded = next(iter(ledger.accepted.values()))
    import_id, id_numbers = start_import(platform, http, union, ROWS)
    pool = eventlet.GreenPool()
    for url in gateways * 2:
        pool.spawn(writer, url, platform.session())
    # and payouts asked of the two welfare instances meanwhile, through both gateways
    proposals = pool.spawn(adopt_proposals, platform, platform.session(), rewarded, PROPOSALS, 500, gateways[1])
    pool.waitall()
    assert_rewards_paid_once(platform, http, proposals.wait())
    assert wait_import_done(platform, http, import_id)["imported"] == ROWS

    ledger.assert_accepted_exist_once()
    assert_each_once(platform, id_numbers)
    events = assert_events_handled_once(platform, timeout=120)
    assert events >= import_events(ROWS) + 2 * (len(ledger.accepted) - 1)
    assert_member_copies_agree(platform)
    # Each event left the outbox once: the two relays never published the same row.
    assert platform.rows("membership", "SELECT count(*) AS n FROM outbox WHERE attempts <> 1")[0].n == 0
    # And was handled once: the instances' handled counts add up to the inbox, one per event.
    handled = sum(platform.metric("welfare", "union_events_consumed_total", instance=i, outcome="handled")
                  for i in (0, 1))
    assert handled == events_handled(platform, "welfare")
    # Both instances took a share of the events.
    assert all(platform.metric("welfare", "union_events_consumed_total", instance=i, outcome="handled") > 0
               for i in (0, 1))
