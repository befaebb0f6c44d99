"""Fault 4: a poison event is retried a bounded number of times, then parked; the others flow.

The poison is a `member_joined` event without a member in it, published on
membership's exchange as a broken producer would: welfare's handler fails
on it every time. Operators see it with `python -m services.chassis.parking`
and replay it from there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from kombu import Connection, Exchange

from services.chassis.config import ROOT
from services.chassis.entrypoints import MAX_ATTEMPTS
from services.chassis.parking import parked_depth
from tests.faults.harness import Ledger, assert_events_handled_once, assert_member_copies_agree
from tests.helpers import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

HANDLER = "handle_member_joined"
PARKED = f"evt-membership-member_joined--welfare.{HANDLER}.parked"


def parking(platform, private_rabbit, *args: str) -> str:
    """The operators' command, run as an operator would on the broker's host."""
    env = {**os.environ, "AMQP_URI": platform.amqp_uri, "RABBITMQ_NODENAME": private_rabbit.node}
    result = subprocess.run([sys.executable, "-m", "services.chassis.parking", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def depth(platform) -> int:
    with Connection(platform.amqp_uri) as conn:
        return parked_depth(conn, PARKED)


def test_poison_event_is_retried_then_parked_and_can_be_replayed(make_platform, private_rabbit):
    platform = make_platform()
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    poison_id = str(uuid.uuid4())
    with Connection(platform.amqp_uri) as conn:
        conn.Producer().publish(
            json.dumps({"event_id": poison_id, "event_type": "member_joined", "occurred_at": "2022-05-01T00:00:00Z",
                        "version": 1, "data": {"member_id": None}}),
            exchange=Exchange("membership.events", type="topic", durable=True), routing_key="member_joined",
            content_type="application/json", content_encoding="utf-8", delivery_mode=2, declare=[])

    # While the poison is being retried, other events keep flowing.
    ledger = Ledger(platform)
    for _ in range(5):
        assert ledger.register(http, union) == 201
    assert_member_copies_agree(platform)

    wait_until(lambda: depth(platform) == 1, timeout=90, interval=0.5)
    failed = platform.metric("welfare", "union_events_consumed_total", handler=HANDLER, outcome="failed")
    assert failed == MAX_ATTEMPTS  # bounded: every try, and not one more
    assert platform.metric("welfare", "union_events_parked_total", handler=HANDLER) == 1
    assert not platform.rows("welfare", "SELECT 1 FROM inbox WHERE event_id = :id", id=poison_id)

    # The operator lists the parking queues, looks at the message, and replays it.
    assert f"1  {PARKED}" in parking(platform, private_rabbit, "list")
    shown = [json.loads(line) for line in parking(platform, private_rabbit, "show", PARKED).splitlines()]
    assert len(shown) == 1 and shown[0]["event_id"] == poison_id and shown[0]["attempts"] == MAX_ATTEMPTS
    assert "TypeError" in shown[0]["last_error"] or "KeyError" in shown[0]["last_error"], shown
    assert depth(platform) == 1  # looking did not take it off the queue
    assert "replayed 1 message(s)" in parking(platform, private_rabbit, "replay", PARKED)
    # Back at its handler, which tries it again (and, as it still fails, will park it again).
    wait_until(lambda: platform.metric("welfare", "union_events_consumed_total", handler=HANDLER,
                                       outcome="failed") > MAX_ATTEMPTS, timeout=30, interval=0.3)

    ledger.assert_accepted_exist_once()
    assert_events_handled_once(platform)
