"""Fault 1, the money: SIGKILL welfare in the middle of reward payouts; each is paid exactly once.

Golden ideas adopted in training ask welfare for their rewards (events).
The test holds the `innovation_rewards` fund's row locked from its own
connection, so every payout stops after writing its ledger entries, at the
fund's balance update, and kills welfare there: in the middle of payouts, for
certain. The restarted process gets the requests again and pays each once;
the ledger balances.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.faults.harness import (
    Ledger,
    adopt_proposals,
    assert_events_handled_once,
    assert_rewards_paid_once,
    fund_rewards,
)
from tests.helpers import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PROPOSALS = 15  # more than welfare's workers: some wait in the queue, some are mid-payout
REWARD_FEN = 1_000
DEPOSIT_FEN = 1_000_000


def test_sigkill_welfare_in_the_middle_of_payouts(make_platform):
    platform = make_platform()
    platform.start_all()
    http = platform.session()
    union = platform.create_union(http)
    fund_rewards(platform, http, DEPOSIT_FEN)
    ledger = Ledger(platform)
    assert ledger.register(http, union) == 201
    member_id = next(iter(ledger.accepted.values()))

    lock = platform.db("welfare").connect()
    transaction = lock.begin()
    lock.execute(text("SELECT balance_fen FROM fund_account WHERE code = 'innovation_rewards' FOR UPDATE"))
    proposals = adopt_proposals(platform, http, member_id, PROPOSALS, REWARD_FEN)

    def paying() -> int:  # welfare workers inside a payout, waiting on the fund's row
        return platform.rows("welfare", "SELECT count(*) AS n FROM pg_stat_activity "
                                        "WHERE datname = current_database() AND wait_event_type = 'Lock'")[0].n

    wait_until(lambda: paying() >= 1, timeout=60, interval=0.1)
    platform.kill("welfare")
    transaction.rollback()
    lock.close()
    assert not platform.rows("welfare", "SELECT 1 FROM reward_payout"), "a payout committed through the lock"

    platform.start("welfare")
    assert_rewards_paid_once(platform, http, proposals)
    fund = platform.rows("welfare", "SELECT balance_fen FROM fund_account WHERE code = 'innovation_rewards'")[0]
    assert fund.balance_fen == DEPOSIT_FEN - PROPOSALS * REWARD_FEN
    # Every event both ways was handled once: the requests by welfare, the answers by training.
    assert assert_events_handled_once(platform, source="training") >= PROPOSALS
    assert assert_events_handled_once(platform, source="welfare") >= PROPOSALS
