"""Welfare keeps its own copy of members from membership's events, in any order, once."""

from __future__ import annotations

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ServiceRpcProxy

from services.chassis.errors import NotFound
from services.chassis.events import envelope
from services.welfare.service import WelfareService
from tests.helpers import wait_until


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
    config = service_config(database_url_for("welfare"))
    container_factory(WelfareService, config).start()
    with ServiceRpcProxy("welfare", config, timeout=20) as proxy:
        yield proxy, event_dispatcher(config)


def test_copy_follows_events_and_ignores_stale_ones(welfare):
    proxy, dispatch = welfare
    with pytest.raises(NotFound):
        proxy.get_member_copy("41")
    joined = envelope("member_joined", snapshot(1))
    dispatch("membership", "member_joined", joined)
    wait_until(lambda: revision_of(proxy, "41") == 1)
    # the transfer and the leaving arrive out of order; a duplicate of joining comes late
    dispatch("membership", "member_left", envelope("member_left", snapshot(
        3, organisation_id="9", organisation_path="/1/9/", status="left", left_on="2022-09-01")))
    dispatch("membership", "member_transferred", envelope("member_transferred", snapshot(
        2, organisation_id="9", organisation_path="/1/9/")))
    dispatch("membership", "member_joined", joined)
    wait_until(lambda: revision_of(proxy, "41") == 3)
    import time

    time.sleep(1)  # let the stale ones land
    copy = proxy.get_member_copy("41")
    assert copy["status"] == "left" and copy["organisation_id"] == "9" and copy["left_on"] == "2022-09-01"
    assert proxy.member_copy_counts() == {"active": 0, "left": 1}
