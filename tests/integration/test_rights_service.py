"""Rights on a real broker and database (SQLite and PostgreSQL): its copy of membership's
directory, the hardship referral published exactly once, expiry notices exactly once
even when the job runs twice, or on two instances at the same moment."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import eventlet
import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from services.chassis.database import UnitOfWork, make_engine
from services.chassis.errors import Conflict, InvalidInput, NotFound
from services.chassis.events import envelope
from services.rights import contracts
from services.rights.models import Base, CollectiveContract
from services.rights.service import RightsService
from tests.helpers import EventTap, purge_handler_queues, wait_until

ORGANISATIONS = [("1", None, "/1/"), ("7", "1", "/1/7/"), ("8", "1", "/1/8/")]
MEMBER = {"member_id": "41", "name": "陈静", "organisation_id": "7", "organisation_path": "/1/7/",
          "employment_form": "new_form", "occupation": "骑手", "status": "active", "joined_on": "2021-04-01",
          "left_on": None, "revision": 1}


@pytest.fixture
def rights(container_factory, service_config, database_url_for, amqp_uri):
    url = database_url_for("rights")
    config = service_config(url)
    purge_handler_queues(config["AMQP_URI"], RightsService)  # an earlier test's leftovers stay out
    container_factory(RightsService, config).start()
    tap = EventTap(amqp_uri, "rights", ["hardship_referred", "case_closed", "contract_expiring"])
    dispatch = event_dispatcher(config)
    for org_id, parent, path in ORGANISATIONS:
        dispatch("membership", "organisation_registered", envelope("organisation_registered", {
            "organisation_id": org_id, "name": f"工会{org_id}", "kind": "grassroots" if parent else "federation",
            "parent_id": parent, "path": path, "employer_size": "small", "established_on": "2000-01-01"}))
    dispatch("membership", "member_joined", envelope("member_joined", MEMBER))
    with ServiceRpcProxy("rights", config, timeout=30) as proxy:
        wait_until(lambda: _directory_filled(url))
        yield SimpleNamespace(proxy=proxy, tap=tap, url=url, dispatch=dispatch)
    tap.close()


def _directory_filled(url: str) -> bool:
    """The copy has our organisations and the member (events arrive in any order)."""
    organisations, members = Base.metadata.tables["organisation_copy"], Base.metadata.tables["member_copy"]
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            orgs = set(conn.execute(select(organisations.c.organisation_id)).scalars())
            member = conn.execute(select(members.c.organisation_id).where(members.c.member_id == 41)).scalar()
        return orgs >= {int(org_id) for org_id, _, _ in ORGANISATIONS} and member == 7
    finally:
        engine.dispose()


def test_a_wage_arrears_case_refers_the_worker_once(rights):
    proxy, tap = rights.proxy, rights.tap
    case = proxy.file_case({"claimant_name": "陈静", "member_id": "41", "employer_name": "某外卖平台代理商",
                            "kind": "wage_arrears", "amount_claimed_fen": 860_000}, within="7")
    assert case["organisation_id"] == "7"
    proxy.assign_case(case["id"], {"lawyer_name": "王律师"})
    proxy.advance_case(case["id"], "arbitrate", {})
    closing = {"outcome": "won", "amount_recovered_fen": 860_000, "refer_hardship": True,
               "hardship_reason": "欠薪半年，家庭困难"}
    closed = proxy.close_case(case["id"], closing)
    referral_id = closed["hardship_referral"]["referral_id"]
    with pytest.raises(Conflict):
        proxy.close_case(case["id"], closing)
    with pytest.raises(Conflict):
        proxy.refer_hardship(case["id"], {"reason": "again"})
    # a later event is the barrier: the relay publishes in commit order, so once it is
    # seen any second referral would have been seen too
    other = proxy.file_case({"claimant_name": "赵", "organisation_id": "8", "employer_name": "x",
                             "kind": "dismissal", "amount_claimed_fen": 0})
    proxy.assign_case(other["id"], {"lawyer_name": "李律师"})
    proxy.close_case(other["id"], {"outcome": "settled", "amount_recovered_fen": 0})
    seen = tap.wait_for(lambda es: any(e["event_type"] == "case_closed" and e["data"]["case_id"] == other["id"]
                                       for e in es))
    referrals = [e for e in seen if e["event_type"] == "hardship_referred"]
    assert [e["data"] for e in referrals] == [{"referral_id": referral_id, "case_id": case["id"],
                                               "member_id": "41", "reason": "欠薪半年，家庭困难"}]
    assert referrals[0]["version"] == 1 and referrals[0]["event_id"]
    assert [e["data"]["case_id"] for e in seen if e["event_type"] == "case_closed"] == [case["id"], other["id"]]
    with pytest.raises(NotFound):  # another union's case is not there for union 7
        proxy.get_case(other["id"], within="7")
    assert proxy.annual_stats(int(closed["closed_on"][:4]), within="7")["cases_closed"] == 1


def test_expiry_notices_once_each_when_the_job_runs_twice(rights):
    proxy, tap = rights.proxy, rights.tap
    made = proxy.sign_contract({"organisation_id": "7", "kind": "safety", "signed_on": "2021-01-01",
                                "expires_on": "2023-12-31", "workers_covered": 80})
    runs = [proxy.send_expiry_notices(day) for day in ("2023-10-02", "2023-10-02", "2023-12-01", "2023-12-01")]
    assert runs == [1, 0, 1, 0]
    with pytest.raises(InvalidInput):
        proxy.send_expiry_notices("not-a-day")
    # the barrier: a notice for another contract, sent after the repeats
    barrier = proxy.sign_contract({"organisation_id": "8", "kind": "safety", "signed_on": "2022-01-01",
                                   "expires_on": "2024-12-31", "workers_covered": 5})
    assert proxy.send_expiry_notices("2024-12-30") == 1
    seen = tap.wait_for(lambda es: any(e["data"]["contract_id"] == barrier["id"] for e in es))
    mine = [(e["data"]["days_before"]) for e in seen
            if e["event_type"] == "contract_expiring" and e["data"]["contract_id"] == made["id"]]
    assert mine == [90, 30]


def test_two_instances_running_the_job_at_once_send_each_notice_once(rights, db_backend):
    """Two units of work on their own connections, as two instances would run the job.

    On PostgreSQL the second waits on the first's notice row and then inserts
    nothing. SQLite is one instance per service (one connection per process,
    see README), so it is checked with the runs one after the other.
    """
    rights.proxy.sign_contract({"organisation_id": "8", "kind": "wages", "signed_on": "2022-01-01",
                                "expires_on": "2024-06-30", "workers_covered": 40})
    engine = make_engine(rights.url, pool_size=2)
    outbox = Base.metadata.tables["outbox"]
    provider = SimpleNamespace(sessions=sessionmaker(bind=engine, expire_on_commit=False), outbox=outbox,
                               inbox=None, nudge_relay=lambda: None)

    def unit_sends() -> tuple[UnitOfWork, int]:
        unit = UnitOfWork(provider)
        return unit, contracts.send_expiry_notices(unit, date(2024, 6, 1))

    def finish(unit: UnitOfWork) -> None:
        unit.commit()
        unit.close()

    first, first_sent = unit_sends()  # its notice row is written, not yet committed
    try:
        if db_backend == "postgresql":
            # the second instance runs while the first's transaction is open: it waits
            # on the notice's key until the first commits, then inserts nothing
            second = eventlet.spawn(unit_sends)
            eventlet.sleep(0)  # let it start (a yield, not a wait for anything)
            finish(first)
            other, second_sent = second.wait()
        else:
            finish(first)
            other, second_sent = unit_sends()
        finish(other)
        assert (first_sent, second_sent) == (1, 0)
        with engine.connect() as conn:
            published = conn.execute(select(func.count()).select_from(outbox)
                                     .where(outbox.c.event_type == "contract_expiring",
                                            outbox.c.payload.contains('"days_before": 30'))).scalar()
            assert published == 1
            assert conn.execute(select(func.count()).select_from(CollectiveContract.__table__)).scalar() == 1
    finally:
        engine.dispose()
