"""Welfare's payouts on a real broker and database (SQLite and PostgreSQL): never twice, never overdrawn.

Redelivered reward requests, a handler that dies after writing the payout
but before committing, two clerks paying one claim at the same moment, and
two payouts racing for one fund's last money.
"""

from __future__ import annotations

import uuid

import eventlet
import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, text

from services.chassis.errors import Conflict, InvalidInput, NotFound
from services.chassis.events import envelope
from services.welfare import operations
from services.welfare.service import WelfareService
from tests.helpers import EventTap, purge_handler_queues, wait_until

MEMBER = {"member_id": "501", "name": "赵磊", "organisation_id": "7", "organisation_path": "/1/7/",
          "employment_form": "standard", "occupation": "焊工", "status": "active", "joined_on": "2021-01-04",
          "left_on": None, "revision": 1}
UNION = {"organisation_id": "7", "name": "机械厂工会", "kind": "grassroots", "parent_id": "1", "path": "/1/7/",
         "employer_size": "small", "established_on": "2020-01-01"}


class Running:
    def __init__(self, proxy, config: dict, amqp_uri: str):
        self.proxy = proxy
        self.config = config
        self.dispatch = event_dispatcher(config)
        self.amqp_uri = amqp_uri

    def send(self, source: str, event_type: str, data: dict, event: dict | None = None) -> dict:
        event = event or envelope(event_type, data)
        self.dispatch(source, event_type, event)
        return event

    def balance(self, code: str) -> int:
        return next(f["balance_fen"] for f in self.proxy.list_funds()["items"] if f["code"] == code)

    def entries_for(self, code: str, ref_id: str) -> list[int]:
        items = self.proxy.fund_entries(code, {"limit": 500})["items"]
        return [e["amount_fen"] for e in items if e["ref_id"] == ref_id]


def known(proxy, member_id: str) -> bool:
    try:
        return bool(proxy.get_member_copy(member_id))
    except NotFound:
        return False


def handled(database_url: str, event_id: str) -> bool:
    """The event went through its handler: the inbox records it."""
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg2://"))
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(text("SELECT count(*) FROM inbox WHERE event_id = :id"), {"id": event_id}))
    finally:
        engine.dispose()


@pytest.fixture
def welfare(container_factory, service_config, database_url_for, amqp_uri):
    database_url = database_url_for("welfare")
    config = service_config(database_url)
    purge_handler_queues(config["AMQP_URI"], WelfareService)  # no earlier test's retry may reach this fresh database
    container_factory(WelfareService, config).start()
    with ServiceRpcProxy("welfare", config, timeout=60) as proxy:
        running = Running(proxy, config, amqp_uri)
        registered = running.send("membership", "organisation_registered", UNION)
        running.send("membership", "member_joined", MEMBER)
        wait_until(lambda: known(proxy, "501"))
        wait_until(lambda: handled(database_url, registered["event_id"]))  # its own queue, in its own time
        yield running
        check = proxy.trial_balance()
        assert check["total_fen"] == 0 and check["unbalanced_transactions"] == 0, check
        assert check["funds_below_zero"] == [] and check["running_balance_mismatches"] == [], check


@pytest.fixture
def tap(amqp_uri):
    taps = []

    def make(*event_types: str) -> EventTap:
        t = EventTap(amqp_uri, "welfare", list(event_types))
        taps.append(t)
        return t

    yield make
    for t in taps:
        t.close()


def reward_request(**changes) -> dict:
    data = {"request_id": str(uuid.uuid4()), "proposal_id": f"p-{uuid.uuid4().hex[:6]}", "member_id": "501",
            "amount_fen": 20_000, "reason": "金点子"}
    data.update(changes)
    return data


def outcomes(tap: EventTap, request_id: str) -> list[dict]:
    return [e for e in tap.drain() if e["data"]["request_id"] == request_id]


def test_a_reward_request_delivered_again_is_paid_once(welfare, tap):
    events = tap("payout_made", "payout_refused")
    welfare.proxy.deposit("innovation_rewards", {"amount_fen": 50_000, "source": "创新基金"})
    request = reward_request()
    first = welfare.send("training", "reward_requested", request)
    welfare.send("training", "reward_requested", request, event=first)  # the broker redelivers the same event
    welfare.send("training", "reward_requested", request)  # training asks again under a new event id
    seen = wait_until(lambda: (lambda found: len(found) >= 2 and found)(outcomes(events, request["request_id"])))
    assert {e["event_type"] for e in seen} == {"payout_made"}
    assert len({e["data"]["transaction_id"] for e in seen}) == 1
    assert welfare.entries_for("innovation_rewards", request["request_id"]) == [-20_000]
    assert welfare.balance("innovation_rewards") == 30_000

    short = reward_request(amount_fen=40_000)
    welfare.send("training", "reward_requested", short)
    refused = wait_until(lambda: outcomes(events, short["request_id"]))
    assert refused[0]["event_type"] == "payout_refused" and "innovation_rewards" in refused[0]["data"]["reason"]
    assert welfare.balance("innovation_rewards") == 30_000


def test_a_handler_that_dies_after_writing_the_payout_pays_once_on_retry(welfare, tap, monkeypatch):
    events = tap("payout_made")
    welfare.proxy.deposit("innovation_rewards", {"amount_fen": 50_000, "source": "创新基金"})
    announce = operations._announce_reward
    dying = {"left": 1}

    def die_once(db, reward):
        if dying["left"]:
            dying["left"] -= 1
            raise RuntimeError("the worker died after posting the payout, before committing")
        return announce(db, reward)

    monkeypatch.setattr(operations, "_announce_reward", die_once)
    request = reward_request()
    welfare.send("training", "reward_requested", request)
    paid = wait_until(lambda: outcomes(events, request["request_id"]), timeout=60)
    assert dying["left"] == 0 and len(paid) == 1
    assert welfare.entries_for("innovation_rewards", request["request_id"]) == [-20_000]
    assert welfare.balance("innovation_rewards") == 30_000


def enrolled_claims(welfare, amounts: list[int]) -> list[str]:
    proxy = welfare.proxy
    plan = proxy.create_plan({"year": 2022, "premium_fen": 100, "caps": {"accident": 500_000},
                              "annual_cap_fen": 500_000})
    proxy.enrol({"plan_id": plan["id"], "organisation_id": "7", "member_ids": ["501"], "enrolled_on": "2022-01-10"})
    ids = []
    for amount in amounts:
        claim = proxy.file_claim({"plan_id": plan["id"], "member_id": "501", "kind": "accident",
                                  "incurred_on": "2022-05-01", "amount_claimed_fen": amount})
        proxy.approve_claim(claim["id"], {"amount_approved_fen": amount})
        ids.append(claim["id"])
    return ids


def pay_at_once(config: dict, claim_ids: list[str]) -> list[object]:
    """Each claim id paid by its own caller, all at the same moment."""

    def pay(claim_id: str) -> object:
        with ServiceRpcProxy("welfare", config, timeout=60) as caller:
            try:
                return caller.pay_claim(claim_id)["status"]
            except (Conflict, InvalidInput) as refused:
                return type(refused)

    pool = eventlet.GreenPool()
    return list(pool.imap(pay, claim_ids))


def test_two_clerks_paying_one_claim_at_once_pay_it_once(welfare):
    welfare.proxy.deposit("mutual_aid", {"amount_fen": 100_000, "source": "拨款"})
    (claim_id,) = enrolled_claims(welfare, [30_000])
    results = pay_at_once(welfare.config, [claim_id] * 3)
    assert sorted(map(str, results)) == sorted(map(str, ["paid", Conflict, Conflict]))
    assert welfare.entries_for("mutual_aid", claim_id) == [-30_000]
    assert welfare.balance("mutual_aid") == 100_000 + 100 - 30_000


def test_two_payouts_racing_for_the_last_money_never_overdraw(welfare):
    welfare.proxy.deposit("mutual_aid", {"amount_fen": 100_000, "source": "拨款"})
    claims = enrolled_claims(welfare, [60_000, 60_000])
    results = pay_at_once(welfare.config, claims)
    assert sorted(map(str, results)) == sorted(map(str, ["paid", InvalidInput]))
    assert welfare.balance("mutual_aid") == 100_100 - 60_000
