"""Rights' use cases through its entrypoints, with nameko's worker_factory and no broker."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from nameko.testing.services import worker_factory

from services.chassis.errors import Conflict, InvalidInput, NotFound
from services.rights import common
from services.rights.models import Base
from services.rights.service import RightsService
from tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2022, 6, 10, 7, 30, tzinfo=UTC)  # Friday 15:30 in China


@pytest.fixture
def clock(monkeypatch):
    state = {"now": NOW}
    monkeypatch.setattr(common, "now", lambda: state["now"])
    return state


@pytest.fixture
def service(clock):
    svc = worker_factory(RightsService, db=FakeUnitOfWork(Base.metadata), config={})
    session = svc.db.session
    for org_id, parent, path in [(1, None, "/1/"), (7, 1, "/1/7/"), (8, 1, "/1/8/"), (9, 7, "/1/7/9/")]:
        common.directory.apply_organisation(session, {
            "organisation_id": str(org_id), "name": f"工会{org_id}", "kind": "grassroots" if parent else "federation",
            "parent_id": str(parent) if parent else None, "path": path, "employer_size": "small",
            "established_on": "2000-01-01"})
    common.directory.apply_member(session, {
        "member_id": "41", "name": "陈静", "organisation_id": "9", "organisation_path": "/1/7/9/",
        "employment_form": "standard", "occupation": None, "status": "active", "joined_on": "2020-01-01",
        "left_on": None, "revision": 1})
    return svc


def contract(org: str = "9", kind: str = "comprehensive", **over) -> dict:
    body = {"organisation_id": org, "kind": kind, "signed_on": "2022-03-01", "expires_on": "2025-02-28",
            "workers_covered": 320}
    body.update(over)
    return body


def of_type(service, event_type: str) -> list[dict]:
    return [e["data"] for e in service.db.events if e["event_type"] == event_type]


# ---------------------------------------------------------------- contracts

def test_signing_a_contract_publishes_contract_signed_and_it_is_in_force(service):
    made = service.sign_contract(contract(negotiation_rounds=3,
                                          congress={"delegates": 60, "present": 52, "votes_for": 48}))
    assert made["state"] == "in_force" and made["organisation_name"] == "工会9"
    assert made["congress"] == {"delegates": 60, "present": 52, "votes_for": 48}
    assert made["filing"]["status"] == "not_submitted" and made["filing"]["due_on"] == "2022-03-11"
    assert made["filing"]["overdue"] is True  # today is 10 June
    assert of_type(service, "contract_signed") == [{
        "contract_id": made["id"], "organisation_id": "9", "kind": "comprehensive", "signed_on": "2022-03-01",
        "expires_on": "2025-02-28", "workers_covered": 320, "renews_contract_id": None}]


def test_bad_contracts_change_nothing(service):
    for body, field in [
        (contract(expires_on="2022-02-01"), "expires_on"),
        (contract(signed_on="2022-07-01", expires_on="2023-07-01"), "signed_on"),
        (contract(kind="pension"), "kind"),
        (contract(org="999"), "organisation_id"),
        (contract(workers_covered=-3), "workers_covered"),
        (contract(congress={"delegates": 60, "present": 30, "votes_for": 30}), "congress.present"),
        ({**contract(), "state": "in_force"}, "state"),
    ]:
        with pytest.raises(InvalidInput) as raised:
            service.sign_contract(body)
        assert field in raised.value.errors, (body, raised.value.errors)
    assert service.list_contracts({})["items"] == []
    assert service.db.events == []


def test_a_second_contract_of_a_kind_in_force_is_a_conflict_and_renewal_links_them(service):
    old = service.sign_contract(contract(signed_on="2020-01-01", expires_on="2022-12-31"))
    with pytest.raises(Conflict):
        service.sign_contract(contract(signed_on="2022-05-01", expires_on="2024-12-31"))
    new = service.renew_contract(old["id"], {"signed_on": "2022-06-01", "expires_on": "2025-05-31",
                                             "workers_covered": 350})
    assert new["renews_contract_id"] == old["id"]
    again = service.get_contract(old["id"])
    assert again["renewed_by_contract_id"] == new["id"] and again["state"] == "renewed"
    with pytest.raises(InvalidInput) as raised:
        service.renew_contract(old["id"], {"signed_on": "2022-06-02", "expires_on": "2025-05-31",
                                           "workers_covered": 350})
    assert "contract_id" in raised.value.errors
    assert of_type(service, "contract_signed")[-1]["renews_contract_id"] == old["id"]


def test_filing_and_review(service, clock):
    made = service.sign_contract(contract(signed_on="2022-06-01", expires_on="2025-05-31"))
    with pytest.raises(InvalidInput) as raised:
        service.review_contract(made["id"], {"reviewed_on": "2022-06-05", "decision": "accepted"})
    assert "decision" in raised.value.errors
    filed = service.file_contract(made["id"], {"submitted_on": "2022-06-08"})
    assert filed["filing"]["status"] == "submitted" and filed["filing"]["review_due_on"] == "2022-06-23"
    clock["now"] = datetime(2022, 6, 30, tzinfo=UTC)
    assert service.get_contract(made["id"])["filing"]["deemed_accepted"] is True
    with pytest.raises(InvalidInput):  # too late to object
        service.review_contract(made["id"], {"reviewed_on": "2022-06-29", "decision": "objected"})
    reviewed = service.review_contract(made["id"], {"reviewed_on": "2022-06-20", "decision": "objected",
                                                    "note": "工资条款低于最低工资"})
    assert reviewed["state"] == "objected" and reviewed["filing"]["status"] == "objected"
    late = service.sign_contract(contract(kind="wages", signed_on="2022-06-01", expires_on="2025-05-31"))
    with pytest.raises(InvalidInput) as raised:
        service.file_contract(late["id"], {"submitted_on": "2022-06-20"})
    assert "late_reason" in raised.value.errors
    assert service.file_contract(late["id"], {"submitted_on": "2022-06-20", "late_reason": "疫情封控"})[
        "filing"]["late_reason"] == "疫情封控"


def test_expiring_within_days_and_enterprises_with_the_full_set(service):
    for kind in ("comprehensive", "wages", "female_workers", "safety"):
        service.sign_contract(contract(kind=kind, signed_on="2020-01-01", expires_on="2022-07-01"))
    service.sign_contract(contract(org="8", signed_on="2021-01-01", expires_on="2023-12-31"))
    soon = service.list_contracts({"expiring_within_days": 30})["items"]
    assert {c["organisation_id"] for c in soon} == {"9"} and len(soon) == 4
    assert service.list_contracts({"expiring_within_days": "600"})["items"][-1]["organisation_id"] == "8"
    with pytest.raises(InvalidInput):
        service.list_contracts({"expiring_within_days": -1})
    found = service.list_enterprises({})
    assert [(e["organisation_id"], e["full_set"]) for e in found["items"]] == [("8", False), ("9", True)]
    assert [e["organisation_id"] for e in service.list_enterprises({"full_set": "true"})["items"]] == ["9"]
    assert service.list_enterprises({}, within="7")["items"][0]["organisation_id"] == "9"
    assert len(service.list_enterprises({}, within="7")["items"]) == 1
    assert service.annual_stats(2022)["enterprises_with_contracts"] == 1
    assert service.annual_stats(2023)["enterprises_with_contracts"] == 0


def test_expiry_notices_go_once_each_however_often_the_job_runs(service):
    made = service.sign_contract(contract(signed_on="2020-01-01", expires_on="2022-12-31"))
    renewed = service.sign_contract(contract(kind="wages", signed_on="2020-01-01", expires_on="2022-12-31"))
    service.renew_contract(renewed["id"], {"signed_on": "2022-06-01", "expires_on": "2025-05-31",
                                           "workers_covered": 300})
    sent = [service.send_expiry_notices(day) for day in
            ("2022-09-01", "2022-10-02", "2022-10-02", "2022-10-03", "2022-12-01", "2022-12-24", "2022-12-30",
             "2022-12-31", "2023-01-01")]
    assert sent == [0, 1, 0, 0, 1, 1, 0, 0, 0]
    notices = of_type(service, "contract_expiring")
    assert [(n["contract_id"], n["days_before"]) for n in notices] == [(made["id"], 90), (made["id"], 30),
                                                                      (made["id"], 7)]


# ---------------------------------------------------------------- dispute cases

def case(**over) -> dict:
    body = {"claimant_name": "陈静", "member_id": "41", "employer_name": "某建筑公司", "kind": "wage_arrears",
            "amount_claimed_fen": 1_250_000, "claimant_phone": "13912345678"}
    body.update(over)
    return body


def test_a_case_goes_through_mediation_arbitration_and_closes_with_a_hardship_referral(service):
    filed = service.file_case(case())
    assert filed["status"] == "filed" and filed["organisation_id"] == "9" and filed["stage_due_on"] == "2022-06-13"
    service.assign_case(filed["id"], {"lawyer_name": "王律师"})
    service.advance_case(filed["id"], "mediate", {})
    with pytest.raises(Conflict):
        service.advance_case(filed["id"], "litigate", {})
    service.advance_case(filed["id"], "arbitrate", {"note": "调解不成"})
    closed = service.close_case(filed["id"], {"outcome": "won", "amount_recovered_fen": 1_250_000,
                                              "refer_hardship": True, "hardship_reason": "欠薪期间家庭困难"})
    assert closed["status"] == "closed" and closed["closed_on"] == "2022-06-10"
    referral = closed["hardship_referral"]
    assert of_type(service, "hardship_referred") == [{
        "referral_id": referral["referral_id"], "case_id": filed["id"], "member_id": "41",
        "reason": "欠薪期间家庭困难"}]
    assert of_type(service, "case_closed")[0]["amount_recovered_fen"] == 1_250_000
    with pytest.raises(Conflict):
        service.close_case(filed["id"], {"outcome": "won", "amount_recovered_fen": 1})
    with pytest.raises(Conflict):
        service.refer_hardship(filed["id"], {"reason": "again"})
    assert len(of_type(service, "hardship_referred")) == 1
    history = service.get_case(filed["id"])["history"]
    assert [h["to_status"] for h in history] == ["filed", "assigned", "mediation", "arbitration", "closed"]
    assert service.annual_stats(2022)["cases_closed"] == 1


def test_bad_case_moves_change_nothing(service):
    other = service.file_case(case(kind="dismissal", member_id=None, organisation_id="8"))
    with pytest.raises(Conflict):
        service.close_case(other["id"], {"outcome": "won", "amount_recovered_fen": 0})
    service.assign_case(other["id"], {"lawyer_name": "李律师"})
    with pytest.raises(InvalidInput) as raised:
        service.close_case(other["id"], {"outcome": "won", "amount_recovered_fen": 5, "refer_hardship": True,
                                         "hardship_reason": "困难"})
    assert "refer_hardship" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        service.close_case(other["id"], {"outcome": "won", "amount_recovered_fen": -5})
    assert "amount_recovered_fen" in raised.value.errors
    with pytest.raises(InvalidInput):
        service.advance_case(other["id"], "mediate", {"on": "2022-06-20"})  # the future
    assert service.get_case(other["id"])["status"] == "assigned"
    assert of_type(service, "case_closed") == []
    for body, field in [(case(amount_claimed_fen=-1), "amount_claimed_fen"), (case(kind="x"), "kind"),
                        (case(member_id="77"), "member_id"), (case(claimant_phone="123"), "claimant_phone")]:
        with pytest.raises(InvalidInput) as raised:
            service.file_case(body)
        assert field in raised.value.errors


def test_cases_are_scoped_and_overdue_is_listed(service, clock):
    mine = service.file_case(case())                       # union 9, below 7
    theirs = service.file_case(case(member_id=None, organisation_id="8"))
    federation = service.file_case(case(member_id=None))   # no union: federation only
    assert {c["id"] for c in service.list_cases({}, within="7")["items"]} == {mine["id"]}
    with pytest.raises(NotFound):
        service.get_case(theirs["id"], within="7")
    with pytest.raises(NotFound):
        service.get_case(federation["id"], within="7")
    with pytest.raises(NotFound):
        service.assign_case(theirs["id"], {"lawyer_name": "x"}, within="7")
    assert len(service.list_cases({})["items"]) == 3
    clock["now"] = datetime(2022, 6, 14, 2, tzinfo=UTC)  # filed 10 June, 3 days to assign
    assert {c["id"] for c in service.list_cases({"overdue": True})["items"]} == {
        mine["id"], theirs["id"], federation["id"]}
    service.assign_case(mine["id"], {"lawyer_name": "王律师"})
    assert mine["id"] not in {c["id"] for c in service.list_cases({"overdue": "true"})["items"]}
    assert mine["id"] in {c["id"] for c in service.list_cases({"overdue": "false"})["items"]}


# ---------------------------------------------------------------- hotline

def order(**over) -> dict:
    body = {"caller_name": "赵师傅", "phone": "13812345678", "category": "wage_arrears",
            "wage_amount_fen": 4_470_000, "description": "工地拖欠三个月工资", "organisation_id": "9"}
    body.update(over)
    return body


def test_an_order_is_due_in_working_days_and_its_life_is_recorded(service, clock):
    made = service.receive_order(order())
    assert made["due_at"] == "2022-06-15T07:30:00+00:00"  # Friday + 3 working days
    assert made["status"] == "received" and made["overdue"] is False
    service.act_on_order(made["id"], "assign", {"handler_name": "热线值班员"})
    with pytest.raises(Conflict):
        service.act_on_order(made["id"], "visit", {"satisfaction": 5})
    service.act_on_order(made["id"], "resolve", {"resolution": "协调企业支付", "wage_amount_fen": 4_400_000})
    with pytest.raises(InvalidInput):
        service.act_on_order(made["id"], "visit", {"satisfaction": 6})
    service.act_on_order(made["id"], "visit", {"satisfaction": 5, "note": "满意"})
    closed = service.act_on_order(made["id"], "close", {})
    assert closed["status"] == "closed" and closed["on_time"] is True
    assert of_type(service, "hotline_order_closed") == [{
        "order_id": made["id"], "category": "wage_arrears", "organisation_id": "9", "wage_amount_fen": 4_400_000,
        "satisfaction": 5, "on_time": True, "closed_at": NOW.isoformat()}]
    figures = service.figures(2022)
    assert figures["hotline_on_time_rate"] == 1.0 and figures["hotline_mean_satisfaction"] == 5
    assert service.annual_stats(2022)["hotline_wage_fen"] == 4_400_000


def test_the_service_level_is_configurable(clock):
    svc = worker_factory(RightsService, db=FakeUnitOfWork(Base.metadata),
                         config={"HOTLINE_SERVICE_DAYS": "wage_arrears=1", "HOLIDAYS": "2022-06-13"})
    made = svc.receive_order(order(organisation_id=None))
    assert made["due_at"] == "2022-06-14T07:30:00+00:00"  # Monday is a holiday


def test_overdue_orders_and_scope(service, clock):
    late = service.receive_order(order())
    nobody = service.receive_order(order(organisation_id=None, phone="0535-6212345"))
    elsewhere = service.receive_order(order(organisation_id="8"))
    clock["now"] = datetime(2022, 6, 16, tzinfo=UTC)
    service.act_on_order(elsewhere["id"], "assign", {"handler_name": "x"})
    service.act_on_order(elsewhere["id"], "resolve", {"resolution": "y"})
    service.act_on_order(elsewhere["id"], "close", {})
    overdue = service.list_orders({"overdue": "true"})["items"]
    assert {o["id"] for o in overdue} == {late["id"], nobody["id"]} and all(o["overdue"] for o in overdue)
    assert {o["id"] for o in service.list_orders({}, within="7")["items"]} == {late["id"]}
    with pytest.raises(NotFound):
        service.get_order(nobody["id"], within="1")  # no union: federation-wide staff only
    assert service.get_order(nobody["id"])["phone"] == "0535-6212345"
    assert service.get_order(elsewhere["id"])["on_time"] is False


def test_bad_orders_change_nothing(service):
    for body, field in [(order(phone="12345"), "phone"), (order(wage_amount_fen=-1), "wage_amount_fen"),
                        (order(category="noise"), "category"), (order(organisation_id="999"), "organisation_id"),
                        ({**order(), "due_at": "2022-01-01T00:00:00Z"}, "due_at")]:
        with pytest.raises(InvalidInput) as raised:
            service.receive_order(body)
        assert field in raised.value.errors
    assert service.list_orders({})["items"] == []


def test_escalation_opens_a_linked_case(service):
    made = service.receive_order(order(member_id="41", organisation_id=None))
    escalated = service.escalate_order(made["id"], {"kind": "wage_arrears", "employer_name": "某建筑公司"})
    assert escalated["status"] == "escalated" and escalated["case_id"]
    linked = service.get_case(escalated["case_id"])
    assert linked["hotline_order_id"] == made["id"] and linked["amount_claimed_fen"] == 4_470_000
    assert linked["organisation_id"] == "9" and linked["member_id"] == "41"
    with pytest.raises(Conflict):
        service.escalate_order(made["id"], {"kind": "wage_arrears", "employer_name": "x"})


# ---------------------------------------------------------------- legal education and the year

def test_the_source_years_figures(service):
    service.record_legal_event({"held_on": "2022-04-15", "kind": "offline", "attendees": 300, "brochures": 3200,
                                "title": "民法典进企业"})
    service.record_legal_event({"held_on": "2021-04-15", "kind": "online", "attendees": 3, "brochures": 0})
    with pytest.raises(InvalidInput):
        service.record_legal_event({"held_on": "2022-04-15", "kind": "radio", "attendees": 3, "brochures": 0})
    with pytest.raises(InvalidInput):
        service.record_legal_event({"held_on": "2022-04-15", "kind": "online", "attendees": 3, "brochures": -1})
    stats = service.annual_stats(2022)
    assert stats == {"cases_closed": 0, "enterprises_with_contracts": 0, "hotline_orders": 0,
                     "hotline_wage_fen": 0, "legal_events": 1, "brochures": 3200}
    assert service.list_legal_events({"year": 2022})["items"][0]["title"] == "民法典进企业"
    with pytest.raises(InvalidInput):
        service.annual_stats("x")


def test_an_unknown_id_is_not_found(service):
    for call in (lambda: service.get_case("abc"), lambda: service.get_order("0"), lambda: service.get_contract(5)):
        with pytest.raises(NotFound):
            call()


def test_today_is_china_time(clock):
    clock["now"] = datetime(2022, 12, 31, 16, 30, tzinfo=UTC)
    assert common.today() == date(2023, 1, 1)


# ---------------------------------------------------------------- negotiation

def test_a_negotiation_needs_rounds_a_quorate_approving_vote_then_signing(service):
    talks = service.start_negotiation({"organisation_id": "9", "kind": "wages", "started_on": "2022-03-01"})
    assert talks["status"] == "negotiating" and talks["rounds"] == 0
    with pytest.raises(InvalidInput):  # no vote before a round at the table
        service.congress_vote(talks["id"], {"held_on": "2022-03-02", "delegates": 60, "present": 50,
                                            "votes_for": 45})
    service.negotiation_round(talks["id"], {"held_on": "2022-03-05"})
    service.negotiation_round(talks["id"], {"held_on": "2022-03-12", "note": "工资增幅达成一致"})
    with pytest.raises(InvalidInput) as raised:  # no quorum: the vote does not count
        service.congress_vote(talks["id"], {"held_on": "2022-03-20", "delegates": 60, "present": 39,
                                            "votes_for": 39})
    assert "present" in raised.value.errors
    assert service.get_negotiation(talks["id"])["votes_taken"] == 0
    short = service.congress_vote(talks["id"], {"held_on": "2022-03-20", "delegates": 60, "present": 50,
                                                "votes_for": 30})  # 30 is not more than half of 60
    assert short["status"] == "negotiating" and short["last_vote"]["approved"] is False
    with pytest.raises(InvalidInput):
        service.sign_negotiated(talks["id"], {"signed_on": "2022-03-25", "expires_on": "2025-03-24",
                                              "workers_covered": 300})
    service.negotiation_round(talks["id"], {"held_on": "2022-03-22"})
    passed = service.congress_vote(talks["id"], {"held_on": "2022-03-28", "delegates": 60, "present": 50,
                                                 "votes_for": 31})
    assert passed["status"] == "approved" and passed["votes_taken"] == 2
    with pytest.raises(InvalidInput):
        service.negotiation_round(talks["id"], {"held_on": "2022-03-29"})
    with pytest.raises(InvalidInput):
        service.sign_negotiated(talks["id"], {"signed_on": "2022-03-27", "expires_on": "2025-03-24",
                                              "workers_covered": 300})
    signed = service.sign_negotiated(talks["id"], {"signed_on": "2022-04-01", "expires_on": "2025-03-31",
                                                   "workers_covered": 300})
    assert signed["status"] == "signed" and signed["contract"]["negotiation_rounds"] == 3
    assert signed["contract"]["congress"] == {"delegates": 60, "present": 50, "votes_for": 31}
    assert signed["contract_id"] == signed["contract"]["id"]
    assert of_type(service, "contract_signed")[0]["kind"] == "wages"
    assert [n["id"] for n in service.list_negotiations({"status": "signed"}, within="7")["items"]] == [talks["id"]]
    with pytest.raises(NotFound):
        service.get_negotiation(talks["id"], within="8")


def test_the_work_reports_rights_figures_entered_one_by_one(service):
    """582 enterprises with the full 1+3 set, 132 cases closed, 19 hotline orders involving
    447k yuan of wages, 15 legal-education events with 3,200 brochures (the 2022 report)."""
    session = service.db.session
    for n in range(582):
        org_id = 1000 + n
        common.directory.apply_organisation(session, {
            "organisation_id": str(org_id), "name": f"企业工会{n}", "kind": "grassroots", "parent_id": "1",
            "path": f"/1/{org_id}/", "employer_size": "small", "established_on": "2010-01-01"})
        for kind in ("comprehensive", "wages", "female_workers", "safety"):
            service.sign_contract(contract(org=str(org_id), kind=kind, signed_on="2022-05-01",
                                           expires_on="2025-04-30"))
    service.sign_contract(contract(org="8", signed_on="2022-05-01", expires_on="2025-04-30"))  # not a full set
    for _ in range(132):
        filed = service.file_case(case(member_id=None, opened_on="2022-03-01"))
        service.assign_case(filed["id"], {"lawyer_name": "法律援助律师", "on": "2022-03-02"})
        service.close_case(filed["id"], {"outcome": "settled", "amount_recovered_fen": 10_000, "on": "2022-04-01"})
    wages = [2_400_000] * 18 + [44_700_000 - 18 * 2_400_000]
    for amount in wages:
        service.receive_order(order(wage_amount_fen=amount, received_at="2022-06-01T10:00:00+08:00"))
    brochures = [200] * 14 + [3200 - 14 * 200]
    for count in brochures:
        service.record_legal_event({"held_on": "2022-05-01", "kind": "offline", "attendees": 80,
                                    "brochures": count})
    assert service.annual_stats(2022) == {
        "cases_closed": 132, "enterprises_with_contracts": 582, "hotline_orders": 19,
        "hotline_wage_fen": 44_700_000, "legal_events": 15, "brochures": 3200}
    assert service.annual_stats(2021)["enterprises_with_contracts"] == 0


def test_the_hourly_timer_runs_the_expiry_check_and_lists_page_with_a_cursor(service, clock):
    for kind in ("comprehensive", "wages", "female_workers"):
        service.sign_contract(contract(kind=kind, signed_on="2020-01-01", expires_on="2022-08-01"))
    service.expiry_check()
    service.expiry_check()
    assert [n["days_before"] for n in of_type(service, "contract_expiring")] == [90, 90, 90]
    first = service.list_contracts({"limit": 2})
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = service.list_contracts({"limit": 2, "cursor": first["next_cursor"]})
    assert [c["kind"] for c in rest["items"]] == ["female_workers"] and rest["next_cursor"] is None
    with pytest.raises(InvalidInput) as raised:
        service.list_contracts({"cursor": "garbage"})
    assert "cursor" in raised.value.errors
    assert service.service_levels()["working_days"]["wage_arrears"] == 3
