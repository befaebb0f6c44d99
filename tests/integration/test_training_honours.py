"""Membership records a chief or gold craftsman named in training as an honour, once per nomination."""

from __future__ import annotations

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.chassis.events import envelope
from services.membership.service import MembershipService
from tests.helpers import member_body, purge_handler_queues, wait_until


@pytest.fixture(params=["sqlite"])
def db_backend(request):
    """The handler is plain ORM code already run on PostgreSQL by membership's own tests: SQLite suffices."""
    return request.param


def test_craftsman_named_becomes_one_honour(container_factory, service_config, database_url_for):
    config = service_config(database_url_for("membership"))
    purge_handler_queues(config["AMQP_URI"], MembershipService)  # an earlier test's leftovers stay out
    container_factory(MembershipService, config).start()
    dispatch = event_dispatcher(config)
    with ServiceRpcProxy("membership", config, timeout=30) as membership:
        org = membership.create_organisation({"name": "机床厂工会", "kind": "federation",
                                              "established_on": "1990-01-01"})
        member = membership.register_member(member_body(org["id"]))
        named = {"nomination_id": "77", "member_id": member["id"], "level": "chief", "year": 2022,
                 "title": "首席工匠"}
        dispatch("training", "craftsman_named", envelope("craftsman_named", named))
        dispatch("training", "craftsman_named", envelope("craftsman_named", named))  # re-sent, a new event id
        seed = {**named, "nomination_id": "78", "level": "seed"}  # not an honour (never sent, but harmless)
        dispatch("training", "craftsman_named", envelope("craftsman_named", seed))
        gold = {**named, "nomination_id": "79", "level": "gold", "year": 2023, "title": "金牌工匠"}
        dispatch("training", "craftsman_named", envelope("craftsman_named", gold))
        honours = wait_until(lambda: len(h := membership.get_member(member["id"])["honours"]) >= 2 and h)
        assert [(h["title"], h["level"], h["year"]) for h in honours] == [
            ("首席工匠", "city", 2022), ("金牌工匠", "city", 2023)]
