"""Membership's rules through its entrypoints, with nameko's worker_factory and no broker."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from nameko.testing.services import worker_factory

from services.chassis.errors import Conflict, InvalidInput, NotFound
from services.membership import operations
from services.membership.domain import rules
from services.membership.domain.roster import read_roster
from services.membership.models import Base
from services.membership.service import MembershipService
from tests.helpers import credit_code, member_body
from tests.unit.fakes import FakeUnitOfWork


@pytest.fixture
def service():
    return worker_factory(MembershipService, db=FakeUnitOfWork(Base.metadata))


def unions(service) -> tuple[str, str]:
    fed = service.create_organisation({"name": "市总工会", "kind": "federation", "established_on": "1950-05-01"})
    union = service.create_organisation({
        "name": "饿了么骑手工会", "kind": "grassroots", "parent_id": fed["id"], "established_on": "2022-01-10",
        "employer": {"name": "饿了么", "credit_code": credit_code(), "size": "micro"}})
    return fed["id"], union["id"]


def test_registering_raises_member_joined_without_identifiers(service):
    _, union = unions(service)
    member = service.register_member(member_body(union))
    joined = [e for e in service.db.events if e["event_type"] == "member_joined"]
    assert len(joined) == 1 and joined[0]["data"]["member_id"] == member["id"]
    assert "id_number" not in joined[0]["data"] and "phone" not in joined[0]["data"]
    assert service.db.types() == ["organisation_registered", "organisation_registered", "member_joined"]


def test_organisation_tree_rules(service):
    fed, union = unions(service)
    with pytest.raises(InvalidInput) as raised:
        service.create_organisation({"name": "孤儿工会", "kind": "grassroots", "established_on": "2022-01-01"})
    assert "parent_id" in raised.value.errors
    with pytest.raises(InvalidInput):
        service.create_organisation({"name": "行业", "kind": "industry_federation", "parent_id": union,
                                     "established_on": "2022-01-01"})
    with pytest.raises(InvalidInput) as raised:
        service.create_organisation({"name": "饿了么骑手工会", "kind": "grassroots", "parent_id": fed,
                                     "established_on": "2022-01-10"})
    assert "name" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        service.create_organisation({"name": "x", "kind": "grassroots", "parent_id": fed,
                                     "established_on": "2022-01-10",
                                     "employer": {"name": "y", "credit_code": "91370781MA3C0000X1", "size": "tiny"}})
    assert {"employer.credit_code", "employer.size"} <= set(raised.value.errors)


def test_rejected_changes_raise_no_events(service):
    _, union = unions(service)
    before = len(service.db.events)
    with pytest.raises(InvalidInput):
        service.register_member(member_body(union, joined_on=(date.today().replace(year=date.today().year + 1))
                                            .isoformat()))
    body = member_body(union)
    service.register_member(body)
    with pytest.raises(InvalidInput) as raised:
        service.register_member({**body, "name": "别人"})
    assert "id_number" in raised.value.errors
    assert len(service.db.events) == before + 1


def test_update_bumps_revision_only_on_change(service):
    _, union = unions(service)
    member = service.register_member(member_body(union))
    same = service.update_member(member["id"], {"name": member["name"]})
    assert same["revision"] == 1
    changed = service.update_member(member["id"], {"phone": "+86 138-0000-1111"})
    assert changed["phone"] == "13800001111" and changed["revision"] == 2
    assert service.db.types()[-1] == "member_updated"
    with pytest.raises(InvalidInput):
        service.update_member(member["id"], {"organisation_id": union})  # moves go through transfer


def test_unknown_ids_are_not_found(service):
    for bad in ("abc", "-1", "0", None, "99999999999999999999"):
        with pytest.raises(NotFound):
            service.get_member(bad)


def test_export_masks_identifiers_by_default(service):
    _, union = unions(service)
    body = member_body(union)
    service.register_member(body)
    rows = list(read_roster("m.xlsx", base64.b64decode(service.export_members({}))))
    assert rows[0].fields["id_number"] == body["id_number"][:6] + "********" + body["id_number"][-4:]


def test_transfer_and_leaving_rules():
    today = date(2022, 12, 1)
    target = rules.OrganisationRef(2, "grassroots", "/1/2/", date(2020, 1, 1))
    with pytest.raises(InvalidInput) as raised:
        rules.check_transfer("left", 1, date(2020, 1, 1), target, date(2022, 1, 1), today)
    assert "member_id" in raised.value.errors
    with pytest.raises(InvalidInput):
        rules.check_transfer("active", 2, date(2020, 1, 1), target, date(2022, 1, 1), today)
    with pytest.raises(InvalidInput) as raised:
        rules.check_transfer("active", 1, date(2022, 5, 1), target, date(2022, 1, 1), today)
    assert "on" in raised.value.errors
    rules.check_transfer("active", 1, date(2020, 1, 1), target, date(2022, 1, 1), today)
    with pytest.raises(InvalidInput):
        rules.check_leaving("active", date(2020, 1, 1), date(2023, 1, 1), today)
    with pytest.raises(InvalidInput):
        rules.year_bounds(1800)


def test_cursor_round_trip_and_garbage():
    assert operations.decode_cursor(operations.encode_cursor(12345)) == 12345
    assert operations.decode_cursor(None) is None
    for garbage in ("zzz", "aWQ6eA", "Zm9vOjE"):
        with pytest.raises(InvalidInput):
            operations.decode_cursor(garbage)


def test_an_import_job_is_run_by_one_worker_at_a_time():
    from datetime import timedelta

    from services.chassis.events import utcnow
    from services.membership import roster_import
    from services.membership.models import RosterImport

    db = FakeUnitOfWork(Base.metadata)
    job = RosterImport(filename="r.csv", content=b"x", status="queued", total=1, processed=0, imported=0,
                       failed=0, errors=[])
    db.session.add(job)
    db.commit()
    assert roster_import.claim(db, job.id) is True
    assert roster_import.claim(db, job.id) is False  # a second delivery while the first runs
    with pytest.raises(Conflict):
        roster_import.run_import(db, job.id)
    db.session.refresh(job)
    job.lease_until = utcnow() - timedelta(seconds=1)  # the first worker died; its lease ran out
    db.commit()
    assert roster_import.claim(db, job.id) is True
