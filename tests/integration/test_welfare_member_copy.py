"""Welfare keeps its own copy of organisations and members from membership's events, in any order, once."""

from __future__ import annotations

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import create_engine, select

from services.chassis.errors import NotFound
from services.chassis.events import envelope
from services.welfare.models import Base
from services.welfare.service import WelfareService
from tests.helpers import purge_handler_queues, wait_until


def snapshot(revision: int, **changes: object) -> dict:
    data = {"member_id": "41", "name": "陈静", "organisation_id": "7", "organisation_path": "/1/7/",
            "employment_form": "new_form", "occupation": "骑手", "status": "active",
            "joined_on": "2022-04-01", "left_on": None, "revision": revision}
    data.update(changes)
    return data


def revision_of(proxy, member_id: str) -> int:
    try:
        return proxy.get_member_copy(member_id)["revision"]
    except NotFound:
        return 0


@pytest.fixture
def welfare(container_factory, service_config, database_url_for):
    url = database_url_for("welfare")
    config = service_config(url)
    purge_handler_queues(config["AMQP_URI"], WelfareService)  # an earlier test's leftovers stay out
    container_factory(WelfareService, config).start()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))
    with ServiceRpcProxy("welfare", config, timeout=20) as proxy:
        yield proxy, event_dispatcher(config), engine
    engine.dispose()


def handled(engine, event_ids: list[str]) -> bool:
    """Every one of these events went through its handler (the inbox records it)."""
    inbox = Base.metadata.tables["inbox"]
    with engine.connect() as conn:
        seen = set(conn.scalars(select(inbox.c.event_id).where(inbox.c.event_id.in_(event_ids))))
    return seen == set(event_ids)


def test_copy_follows_events_and_ignores_stale_ones(welfare):
    proxy, dispatch, engine = welfare
    with pytest.raises(NotFound):
        proxy.get_member_copy("41")
    joined = envelope("member_joined", snapshot(1))
    dispatch("membership", "member_joined", joined)
    wait_until(lambda: revision_of(proxy, "41") == 1)
    # the transfer and the leaving arrive out of order; a duplicate of joining comes late
    left = envelope("member_left", snapshot(3, organisation_id="9", organisation_path="/1/9/", status="left",
                                            left_on="2022-09-01"))
    moved = envelope("member_transferred", snapshot(2, organisation_id="9", organisation_path="/1/9/"))
    late = {**joined, "event_id": envelope("x", {})["event_id"]}
    dispatch("membership", "member_left", left)
    dispatch("membership", "member_transferred", moved)
    dispatch("membership", "member_joined", late)
    wait_until(lambda: handled(engine, [left["event_id"], moved["event_id"], late["event_id"]]))
    copy = proxy.get_member_copy("41")
    assert copy["status"] == "left" and copy["organisation_id"] == "9" and copy["left_on"] == "2022-09-01"
    assert copy["revision"] == 3
    assert proxy.member_copy_counts() == {"active": 0, "left": 1}


def test_an_imported_chunk_arrives_as_one_event_and_leaves_newer_copies_alone(welfare):
    proxy, dispatch, engine = welfare
    moved = envelope("member_transferred", snapshot(2, organisation_id="9", organisation_path="/1/9/"))
    dispatch("membership", "member_transferred", moved)  # overtook the import's event
    wait_until(lambda: revision_of(proxy, "41") == 2)
    chunk = [snapshot(1), *(snapshot(1, member_id=str(m), name=f"导入{m}") for m in range(42, 52))]
    imported = envelope("members_imported", {"import_id": "3", "members": chunk})
    dispatch("membership", "members_imported", imported)
    wait_until(lambda: handled(engine, [imported["event_id"]]))
    assert proxy.get_member_copy("41")["organisation_id"] == "9"  # revision 2 stays
    assert proxy.get_member_copy("51")["name"] == "导入51"
    assert proxy.member_copy_counts() == {"active": 11, "left": 0}


def test_a_registered_organisation_is_known_for_dues_refunds(welfare):
    proxy, dispatch, engine = welfare
    union = {"organisation_id": "7", "name": "机械厂工会", "kind": "grassroots", "parent_id": "1", "path": "/1/7/",
             "employer_size": "micro", "established_on": "2020-01-01"}
    event = envelope("organisation_registered", union)
    dispatch("membership", "organisation_registered", event)
    wait_until(lambda: handled(engine, [event["event_id"]]))
    proxy.deposit("dues_refund", {"amount_fen": 10_000, "source": "经费"})
    refund = proxy.refund_dues({"organisation_id": "7", "year": 2022, "amount_fen": 4_000})
    assert refund["organisation_id"] == "7" and refund["amount_fen"] == 4_000
