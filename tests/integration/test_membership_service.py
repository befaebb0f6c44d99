"""Membership's entrypoints on a real broker and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from services.chassis.errors import InvalidInput, NotFound
from services.membership.service import MembershipService
from tests.helpers import EventTap, credit_code, member_body, purge_handler_queues, resident_id, wait_until


@pytest.fixture
def membership(container_factory, service_config, database_url_for):
    """The running service, reached through a real RPC proxy (as the gateway reaches it)."""
    config = service_config(database_url_for("membership"))
    purge_handler_queues(config["AMQP_URI"], MembershipService)  # an earlier test's leftovers stay out
    container_factory(MembershipService, config).start()
    with ServiceRpcProxy("membership", config, timeout=30) as proxy:
        yield proxy


@pytest.fixture
def tap(amqp_uri):
    taps = []

    def make(*event_types: str) -> EventTap:
        t = EventTap(amqp_uri, "membership", list(event_types))
        taps.append(t)
        return t

    yield make
    for t in taps:
        t.close()


def call(proxy, method, *args, **kwargs):
    return getattr(proxy, method)(*args, **kwargs)


def federation_with_union(container) -> tuple[str, str]:
    fed = call(container, "create_organisation",
               {"name": "市总工会", "kind": "federation", "established_on": "1950-05-01"})
    union = call(container, "create_organisation", {
        "name": "顺丰速运工会", "kind": "grassroots", "parent_id": fed["id"], "established_on": "2022-02-01",
        "employer": {"name": "顺丰速运", "credit_code": credit_code(), "size": "small"},
    })
    return fed["id"], union["id"]


def test_register_member_commits_and_publishes_member_joined(membership, tap):
    events = tap("member_joined")
    _, union = federation_with_union(membership)
    body = member_body(union, employment_form="new_form")
    member = call(membership, "register_member", body)
    assert member["status"] == "active" and member["revision"] == 1
    assert call(membership, "get_member", member["id"])["id_number"] == body["id_number"]
    seen = events.wait_for(lambda es: any(e["data"]["member_id"] == member["id"] for e in es))
    event = next(e for e in seen if e["data"]["member_id"] == member["id"])
    assert event["event_type"] == "member_joined" and event["version"] == 1 and event["event_id"]
    assert event["data"]["organisation_id"] == union
    assert "id_number" not in event["data"]  # no personal identifiers on the bus


def test_invalid_member_changes_nothing_and_names_fields(membership, tap):
    _, union = federation_with_union(membership)
    bad = member_body(union, id_number="370781199001011234", joined_on="2999-01-01", phone="12345")
    with pytest.raises(InvalidInput) as raised:
        call(membership, "register_member", bad)
    assert {"id_number", "phone"} <= set(raised.value.errors)
    with pytest.raises(InvalidInput) as raised:
        call(membership, "register_member", member_body(union, joined_on="2999-01-01"))
    assert "joined_on" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        call(membership, "register_member", member_body("999999"))
    assert "organisation_id" in raised.value.errors
    assert call(membership, "search_members", {})["items"] == []


def test_one_active_member_per_id_number(membership):
    _, union = federation_with_union(membership)
    body = member_body(union)
    first = call(membership, "register_member", body)
    with pytest.raises(InvalidInput) as raised:
        call(membership, "register_member", {**body, "name": "另一个人"})
    assert "id_number" in raised.value.errors
    call(membership, "leave_member", first["id"], {"on": "2023-01-01", "reason": "调离"})
    again = call(membership, "register_member", body)  # a member who left may join again
    assert again["id"] != first["id"]


def test_transfer_keeps_history_and_leaving_is_final(membership, tap):
    events = tap("member_transferred", "member_left")
    fed, union = federation_with_union(membership)
    other = call(membership, "create_organisation",
                 {"name": "美团骑手工会", "kind": "grassroots", "parent_id": fed, "established_on": "2022-05-01"})
    member = call(membership, "register_member", member_body(union))
    moved = call(membership, "transfer_member", member["id"], {"to_organisation_id": other["id"], "on": "2022-06-01"})
    assert moved["organisation_id"] == other["id"] and moved["revision"] == 2
    with pytest.raises(InvalidInput):
        call(membership, "transfer_member", member["id"], {"to_organisation_id": other["id"], "on": "2022-07-01"})
    left = call(membership, "leave_member", member["id"], {"on": "2022-08-01", "reason": "离职"})
    assert left["status"] == "left" and left["revision"] == 3
    with pytest.raises(InvalidInput) as raised:
        call(membership, "transfer_member", member["id"], {"to_organisation_id": union, "on": "2022-09-01"})
    assert "member_id" in raised.value.errors
    with pytest.raises(InvalidInput):
        call(membership, "leave_member", member["id"], {"on": "2022-09-01", "reason": "again"})
    detail = call(membership, "get_member", member["id"])
    assert detail["transfers"] == [{"from_organisation_id": union, "to_organisation_id": other["id"],
                                    "on": "2022-06-01"}]
    seen = events.wait_for(lambda es: len(es) >= 2)
    assert [e["event_type"] for e in seen] == ["member_transferred", "member_left"]
    assert seen[0]["data"]["from_organisation_id"] == union


def test_member_page_lists_each_transfer_and_honour_once_in_order(membership):
    fed, union = federation_with_union(membership)
    other = call(membership, "create_organisation",
                 {"name": "美团骑手工会", "kind": "grassroots", "parent_id": fed, "established_on": "2020-05-01"})
    member = call(membership, "register_member", member_body(union, joined_on="2019-01-01"))
    call(membership, "transfer_member", member["id"], {"to_organisation_id": other["id"], "on": "2022-03-01"})
    call(membership, "transfer_member", member["id"], {"to_organisation_id": union, "on": "2022-06-01"})
    for year, title in ((2022, "五一劳动奖章"), (2020, "劳动模范"), (2021, "最美职工")):
        call(membership, "award_honour", member["id"], {"title": title, "level": "city", "year": year})
    # read in one statement: two transfers times three honours come back as six rows
    detail = call(membership, "get_member", member["id"])
    assert detail["transfers"] == [
        {"from_organisation_id": union, "to_organisation_id": other["id"], "on": "2022-03-01"},
        {"from_organisation_id": other["id"], "to_organisation_id": union, "on": "2022-06-01"}]
    assert [(h["year"], h["title"]) for h in detail["honours"]] == [(2020, "劳动模范"), (2021, "最美职工"),
                                                                     (2022, "五一劳动奖章")]
    assert detail["organisation_id"] == union and detail["revision"] == 3
    plain = call(membership, "register_member", member_body(union))
    assert call(membership, "get_member", plain["id"])["transfers"] == []
    assert call(membership, "get_member", plain["id"])["honours"] == []


def test_search_pages_with_cursor_and_covers_unions_below(membership):
    fed, union = federation_with_union(membership)
    for i in range(7):
        call(membership, "register_member", member_body(union, name=f"王{i}", employment_form="new_form"))
    call(membership, "register_member", member_body(fed, name="赵六"))
    seen, cursor = [], None
    while True:
        page = call(membership, "search_members", {"organisation_id": fed, "limit": 3, "cursor": cursor})
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 8 and len(set(seen)) == 8 and seen == sorted(seen, key=int)
    assert len(call(membership, "search_members", {"organisation_id": union})["items"]) == 7
    assert len(call(membership, "search_members", {"q": "王"})["items"]) == 7
    assert [m["name"] for m in call(membership, "search_members", {"q": "王3"})["items"]] == ["王3"]
    assert call(membership, "search_members", {"q": "3"})["items"] == []  # names match from their start
    assert len(call(membership, "search_members", {"employment_form": "standard"})["items"]) == 1
    with pytest.raises(InvalidInput):
        call(membership, "search_members", {"cursor": "not-a-cursor"})
    # scope: a caller limited to the union does not see the federation's own member
    scoped = call(membership, "search_members", {}, within=union)
    assert len(scoped["items"]) == 7
    outsider = call(membership, "search_members", {"organisation_id": fed})["items"][-1]
    with pytest.raises(NotFound):
        call(membership, "get_member", outsider["id"], within=union)
    counts = call(membership, "get_organisation", fed)
    assert counts["members"] == 1 and counts["members_total"] == 8


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return base64.b64encode(out.getvalue().encode()).decode()


def test_roster_import_imports_good_rows_and_reports_bad_ones(membership, tap):
    events = tap("members_imported")
    _, union = federation_with_union(membership)
    good = [member_body(union, name=f"导入{i}") for i in range(30)]
    duplicate = dict(good[0])
    bad_digit = member_body(union, id_number=good[1]["id_number"][:-1] + ("0" if good[1]["id_number"][-1] != "0"
                                                                          else "1"))
    rows = [*good, duplicate, bad_digit, member_body("424242")]
    job = call(membership, "start_import", "roster.csv", _csv(rows), "tester")
    assert job["status"] == "queued" and job["total"] == 33
    done = wait_until(lambda: (j := call(membership, "get_import", job["id"]))["status"] == "done" and j)
    assert done["imported"] == 30 and done["failed"] == 3
    assert {(e["row"], e["field"]) for e in done["errors"]} == {(32, "id_number"), (33, "id_number"),
                                                                (34, "organisation_id")}
    imported = call(membership, "search_members", {"organisation_id": union, "limit": 100})["items"]
    assert len(imported) == 30
    # One event for the chunk, carrying each imported member's snapshot (and no identifiers).
    [event] = events.wait_for(lambda es: len(es) >= 1)
    assert event["data"]["import_id"] == str(job["id"])
    snapshots = event["data"]["members"]
    assert sorted(m["member_id"] for m in snapshots) == sorted(m["id"] for m in imported)
    assert all(m["revision"] == 1 and m["status"] == "active" and "id_number" not in m for m in snapshots)


def test_unreadable_roster_is_refused_at_once(membership):
    with pytest.raises(InvalidInput) as raised:
        call(membership, "start_import", "roster.csv", base64.b64encode(b"name,phone\nx,1\n").decode())
    assert set(raised.value.errors) & {"id_number", "file", "organisation_id"}
    with pytest.raises(InvalidInput):
        call(membership, "start_import", "roster.csv", "%%%not base64")


def test_annual_stats_counts_the_year(membership):
    fed, union = federation_with_union(membership)
    call(membership, "register_member", member_body(union, joined_on="2021-05-01"))
    m = call(membership, "register_member", member_body(union, joined_on="2022-05-01", employment_form="new_form"))
    call(membership, "register_member", member_body(union, joined_on="2022-07-01"))
    call(membership, "leave_member", m["id"], {"on": "2022-10-01", "reason": "离职"})
    call(membership, "award_honour", m["id"], {"title": "劳动模范", "level": "city", "year": 2022})
    stats = call(membership, "annual_stats", 2022)
    assert stats == {"new_organisations": 1, "new_members": 2, "new_form_members": 1, "members_total": 2,
                     "members_left": 1, "honours_awarded": 1, "model_workers": 1}
    assert call(membership, "annual_stats", 2021)["members_total"] == 1


def test_export_masks_identifiers_unless_asked(membership):
    from services.membership.domain.roster import read_roster

    _, union = federation_with_union(membership)
    body = member_body(union)
    call(membership, "register_member", body)
    masked = list(read_roster("x.xlsx", base64.b64decode(call(membership, "export_members", {}))))
    assert masked[0].fields["id_number"] != body["id_number"] and "*" in masked[0].fields["id_number"]
    full = list(read_roster("x.xlsx", base64.b64decode(call(membership, "export_members", {},
                                                             full_identifiers=True))))
    assert full[0].fields["id_number"] == body["id_number"]


def test_duplicate_id_in_roster_and_resident_id_helper_are_consistent():
    assert resident_id() != resident_id()
