"""Welfare's use cases on an in-memory database: every rule of the issue, and the ledger always sums to zero."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete

from services.chassis.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.welfare import ledger, operations
from services.welfare.models import Base, Enrolment
from tests.unit.fakes import FakeUnitOfWork

TODAY = date(2022, 6, 15)
CAPS = {"hospitalisation": 800_000, "accident": 300_000, "critical_illness": 1_000_000}


def org(org_id: int, path: str, size: str | None = "small") -> dict:
    return {"organisation_id": str(org_id), "name": f"工会{org_id}", "kind": "grassroots", "parent_id": "1",
            "path": path, "employer_size": size, "established_on": "2020-01-01"}


def member(member_id: int, org_id: int, path: str, revision: int = 1, **changes: object) -> dict:
    data = {"member_id": str(member_id), "name": f"职工{member_id}", "organisation_id": str(org_id),
            "organisation_path": path, "employment_form": "standard", "occupation": None, "status": "active",
            "joined_on": "2020-01-01", "left_on": None, "revision": revision}
    data.update(changes)
    return data


class Worker:
    """Calls a use case as a worker would: commit when it succeeds, roll back when it raises."""

    def __init__(self, unit: FakeUnitOfWork):
        self.unit = unit

    def __getattr__(self, name: str):
        use_case = getattr(operations, name)

        def call(*args, **kwargs):
            try:
                result = use_case(self.unit, *args, **kwargs)
            except Exception:
                self.unit.session.rollback()
                raise
            self.unit.session.commit()
            return result

        return call


@pytest.fixture
def db(monkeypatch):
    """Federation 1; unions 7 (small), 8 (medium), 9 (micro); members 71-75 in 7, 81 in 8, 91 in 9."""
    monkeypatch.setattr(ledger, "today", lambda: TODAY)
    monkeypatch.setattr(operations, "today", lambda: TODAY)
    unit = FakeUnitOfWork(Base.metadata)
    ledger.ensure_accounts(unit.session)
    directory = operations.directory
    directory.apply_organisation(unit.session, {**org(1, "/1/", None), "kind": "federation", "parent_id": None})
    for org_id, size in ((7, "small"), (8, "medium"), (9, "micro")):
        directory.apply_organisation(unit.session, org(org_id, f"/1/{org_id}/", size))
    for member_id in (71, 72, 73, 74, 75):
        directory.apply_member(unit.session, member(member_id, 7, "/1/7/"))
    directory.apply_member(unit.session, member(81, 8, "/1/8/"))
    directory.apply_member(unit.session, member(91, 9, "/1/9/"))
    unit.session.commit()
    yield unit
    # after every scenario: every transaction balances and no fund is below zero
    check = ledger.trial_balance(unit.session)
    assert check["total_fen"] == 0 and check["unbalanced_transactions"] == 0, check
    assert check["funds_below_zero"] == [] and check["running_balance_mismatches"] == [], check


def ops(db: FakeUnitOfWork) -> Worker:
    return Worker(db)


def balance(db, code: str) -> int:
    return ledger.balance(db.session, code)


def fund(db, code: str, amount: int, on: str | None = None) -> dict:
    body = {"amount_fen": amount, "source": "市总工会拨款", "memo": "年度预算"}
    if on:
        body["on"] = on
    return ops(db).deposit(code, body)


def plan(db, **overrides) -> dict:
    body = {"year": 2022, "premium_fen": 6_500, "caps": CAPS, "annual_cap_fen": 1_500_000}
    body.update(overrides)
    return ops(db).create_plan(body)


def enrolled(db, member_ids=(71, 72, 73), organisation_id="7", enrolled_on="2022-03-01") -> dict:
    p = plan(db)
    ops(db).enrol({"plan_id": p["id"], "organisation_id": organisation_id, "member_ids": list(member_ids),
                          "enrolled_on": enrolled_on})
    return p


def claim(db, plan_id: str, member_id: str = "71", **overrides) -> dict:
    body = {"plan_id": plan_id, "member_id": member_id, "kind": "hospitalisation", "incurred_on": "2022-05-01",
            "amount_claimed_fen": 500_000}
    body.update(overrides)
    return ops(db).file_claim(body)


# ---------------------------------------------------------------- ledger

def test_a_deposit_is_one_balanced_transaction_and_the_balance_comes_from_entries(db):
    tx = fund(db, "mutual_aid", 1_000_000)
    assert sorted((e["account_code"], e["amount_fen"]) for e in tx["entries"]) == [
        ("external", -1_000_000), ("mutual_aid", 1_000_000)]
    funds = {a["code"]: a["balance_fen"] for a in ops(db).list_funds()["items"]}
    assert funds["mutual_aid"] == 1_000_000 and funds["dues_refund"] == 0
    assert set(funds) >= {"dues_refund", "mutual_aid", "hardship_relief", "condolence", "subsidies",
                          "innovation_rewards"}
    entries = ops(db).fund_entries("mutual_aid", {})["items"]
    assert [e["amount_fen"] for e in entries] == [1_000_000]


@pytest.mark.parametrize("amount", [0, -5, 12.5, "100"])
def test_a_deposit_of_a_bad_amount_changes_nothing(db, amount):
    with pytest.raises(InvalidInput) as raised:
        fund(db, "mutual_aid", amount)
    assert "amount_fen" in raised.value.errors
    assert balance(db, "mutual_aid") == 0


def test_deposits_go_into_a_fund_by_federation_staff_only(db):
    with pytest.raises(InvalidInput):
        fund(db, "external", 100)
    with pytest.raises(NotFound):
        fund(db, "no_such_fund", 100)
    with pytest.raises(Forbidden):
        ops(db).deposit("mutual_aid", {"amount_fen": 1, "source": "x"}, within="7")


def test_entries_page_newest_first(db):
    for amount in (1, 2, 3):
        fund(db, "condolence", amount)
    first = ops(db).fund_entries("condolence", {"limit": 2})
    assert [e["amount_fen"] for e in first["items"]] == [3, 2] and first["next_cursor"]
    rest = ops(db).fund_entries("condolence", {"limit": 2, "cursor": first["next_cursor"]})
    assert [e["amount_fen"] for e in rest["items"]] == [1] and rest["next_cursor"] is None


def test_a_closed_year_takes_no_entries_and_is_corrected_by_a_reversal_in_an_open_year(db):
    late = fund(db, "subsidies", 5_000, on="2021-12-20")
    ops(db).close_year({"year": 2021}, closed_by="admin")
    with pytest.raises(InvalidInput) as raised:
        fund(db, "subsidies", 100, on="2021-12-21")
    assert "on" in raised.value.errors
    with pytest.raises(Conflict):
        ops(db).close_year({"year": 2021})
    with pytest.raises(InvalidInput):
        ops(db).close_year({"year": 2022})  # not over yet
    correction = ops(db).reverse_transaction(int(late["id"]), {"reason": "记错账户"})
    assert correction["year"] == 2022 and correction["reverses_id"] == late["id"]
    assert balance(db, "subsidies") == 0
    assert ops(db).get_transaction(int(late["id"]))["reversed_by_id"] == correction["id"]
    with pytest.raises(Conflict):
        ops(db).reverse_transaction(int(late["id"]), {"reason": "again"})


def test_reversing_a_deposit_already_spent_would_overdraw_and_is_refused(db):
    tx = fund(db, "condolence", 1_000)
    ops(db).record_visit({"member_id": "71", "visited_on": "2022-06-01", "visited_by": "王主席",
                                 "occasion": "住院", "amount_fen": 800})
    with pytest.raises(InvalidInput) as raised:
        ops(db).reverse_transaction(int(tx["id"]), {"reason": "退回"})
    assert "transaction_id" in raised.value.errors
    assert balance(db, "condolence") == 200


# ---------------------------------------------------------------- dues refund

def test_dues_are_refunded_to_micro_and_small_employers_once_a_year(db):
    fund(db, "dues_refund", 100_000)
    refund = ops(db).refund_dues({"organisation_id": "7", "year": 2022, "amount_fen": 30_000})
    assert refund["amount_fen"] == 30_000
    ops(db).refund_dues({"organisation_id": "9", "year": 2022, "amount_fen": 20_000})
    ops(db).refund_dues({"organisation_id": "7", "year": 2021, "amount_fen": 10_000})
    assert db.types().count("dues_refunded") == 3
    with pytest.raises(Conflict):
        ops(db).refund_dues({"organisation_id": "7", "year": 2022, "amount_fen": 1})
    with pytest.raises(InvalidInput) as raised:
        ops(db).refund_dues({"organisation_id": "8", "year": 2022, "amount_fen": 1})
    assert "organisation_id" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        ops(db).refund_dues({"organisation_id": "9", "year": 2023, "amount_fen": 50_000})
    assert "amount_fen" in raised.value.errors  # more than the fund holds
    assert balance(db, "dues_refund") == 40_000
    assert ops(db).annual_stats(2022)["dues_refunded_fen"] == 50_000
    assert ops(db).annual_stats(2022, within="9")["dues_refunded_fen"] == 20_000
    assert [r["organisation_id"] for r in ops(db).list_dues_refunds({}, within="7")["items"]] == ["7", "7"]


# ---------------------------------------------------------------- mutual aid

def test_one_plan_a_year(db):
    plan(db)
    with pytest.raises(Conflict):
        plan(db)
    assert ops(db).list_plans({"year": "2022"})["items"][0]["caps"] == CAPS
    with pytest.raises(Forbidden):
        ops(db).create_plan({"year": 2023, "premium_fen": 1, "caps": CAPS, "annual_cap_fen": 1}, within="7")


def test_enrolment_charges_premiums_and_covers_to_the_year_end(db):
    p = plan(db)
    result = ops(db).enrol({"plan_id": p["id"], "organisation_id": "7", "member_ids": ["71", "72", "72"],
                                   "enrolled_on": "2022-03-01"})
    assert result["enrolled"] == 2 and result["premiums_fen"] == 13_000 and result["cover_ends_on"] == "2022-12-31"
    assert balance(db, "mutual_aid") == 13_000
    cover = ops(db).member_cover(71)
    assert cover["covered_today"] and cover["covers"][0]["remaining"]["hospitalisation"] == 800_000
    stats = ops(db).annual_stats(2022)
    assert (stats["mutual_aid_units"], stats["mutual_aid_members"], stats["mutual_aid_raised_fen"]) == (1, 2, 13_000)


def test_a_batch_with_anyone_who_cannot_be_enrolled_enrols_nobody(db):
    p = plan(db)
    ops(db).enrol({"plan_id": p["id"], "organisation_id": "7", "member_ids": ["71"]})
    operations.directory.apply_member(db.session, member(75, 7, "/1/7/", 2, status="left", left_on="2022-05-01"))
    with pytest.raises(InvalidInput) as raised:
        ops(db).enrol({"plan_id": p["id"], "organisation_id": "7",
                              "member_ids": ["72", "71", "81", "75", "999"]})
    assert set(raised.value.errors) == {"member_ids.1", "member_ids.2", "member_ids.3", "member_ids.4"}
    with pytest.raises(InvalidInput) as raised:
        ops(db).enrol({"plan_id": p["id"], "organisation_id": "7", "member_ids": ["72"],
                              "enrolled_on": "2023-01-05"})
    assert "enrolled_on" in raised.value.errors
    with pytest.raises(InvalidInput):  # the union chair of union 9 cannot enrol union 7
        ops(db).enrol({"plan_id": p["id"], "organisation_id": "7", "member_ids": ["72"]}, within="9")
    assert ops(db).annual_stats(2022)["mutual_aid_members"] == 1
    assert balance(db, "mutual_aid") == 6_500


def test_a_claim_goes_filed_approved_paid_exactly_once(db):
    p = enrolled(db)
    c = claim(db, p["id"])
    assert c["status"] == "filed"
    approved = ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": 12_000})
    assert approved["status"] == "approved"
    paid = ops(db).pay_claim(int(c["id"]))
    assert paid["status"] == "paid" and paid["transaction_id"]
    assert balance(db, "mutual_aid") == 3 * 6_500 - 12_000
    with pytest.raises(Conflict):
        ops(db).pay_claim(int(c["id"]))
    assert balance(db, "mutual_aid") == 3 * 6_500 - 12_000
    assert db.types().count("claim_paid") == 1
    stats = ops(db).annual_stats(2022)
    assert (stats["claims_paid"], stats["claims_paid_fen"]) == (1, 12_000)


def test_a_claim_is_approved_only_within_the_callers_unions_and_only_while_enrolled(db):
    p = enrolled(db)
    c = claim(db, p["id"])
    with pytest.raises(NotFound):  # union 9's chair does not see union 7's claim
        ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": 1_000}, within="9")
    with pytest.raises(NotFound):
        ops(db).approve_claim(999_999, {"amount_approved_fen": 1_000})
    # An enrolment that is gone (cover never bought) leaves nothing to approve against.
    db.session.execute(delete(Enrolment).where(Enrolment.member_id == int(c["member_id"])))
    db.session.commit()
    with pytest.raises(InvalidInput):
        ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": 1_000})
    assert ops(db).get_claim(int(c["id"]))["status"] == "filed"


def approved_claims(db, amounts: list[int]) -> list[int]:
    p = enrolled(db, member_ids=(71, 72, 73, 74, 75))
    ids = []
    for n, amount in enumerate(amounts):
        c = claim(db, p["id"], member_id=str(71 + n % 5))
        ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": amount})
        ids.append(int(c["id"]))
    return ids


def test_the_day_s_approved_claims_are_paid_at_once_each_with_its_transaction_and_event(db):
    fund(db, "mutual_aid", 1_000_000)
    ids = approved_claims(db, [10_000, 20_000, 30_000])
    before = balance(db, "mutual_aid")
    result = ops(db).pay_claims({"claim_ids": [str(i) for i in ids] + [str(ids[0])]})  # a repeat is paid once
    assert (result["paid"], result["amount_fen"]) == (3, 60_000)
    assert [c["status"] for c in result["claims"]] == ["paid"] * 3
    assert len({c["transaction_id"] for c in result["claims"]}) == 3
    assert balance(db, "mutual_aid") == before - 60_000
    assert db.types().count("claim_paid") == 3
    assert ops(db).annual_stats(2022)["claims_paid"] == 3


def test_a_batch_with_a_claim_that_cannot_be_paid_pays_none_and_names_it(db):
    fund(db, "mutual_aid", 1_000_000)
    ids = approved_claims(db, [10_000, 20_000])
    ops(db).pay_claim(ids[1])
    filed = claim(db, ops(db).list_claims({})["items"][0]["plan_id"], member_id="73")
    before = balance(db, "mutual_aid")
    with pytest.raises(InvalidInput) as refused:
        ops(db).pay_claims({"claim_ids": [str(ids[0]), str(ids[1]), filed["id"], "99999"]})
    assert set(refused.value.errors) == {"claim_ids.1", "claim_ids.2", "claim_ids.3"}
    assert "paid" in refused.value.errors["claim_ids.1"][0] and "filed" in refused.value.errors["claim_ids.2"][0]
    assert balance(db, "mutual_aid") == before
    assert ops(db).get_claim(ids[0])["status"] == "approved"
    assert db.types().count("claim_paid") == 1


def test_a_batch_is_scoped_and_cannot_overdraw_the_fund(db):
    ids = approved_claims(db, [15_000, 15_000])  # premiums of 5 members: 32,500 fen in the pool
    with pytest.raises(InvalidInput) as outside:
        ops(db).pay_claims({"claim_ids": [str(ids[0])]}, within="9")
    assert list(outside.value.errors) == ["claim_ids.0"]
    fund_before = balance(db, "mutual_aid")
    ops(db).pay_claims({"claim_ids": [str(i) for i in ids]}, within="7")
    assert balance(db, "mutual_aid") == fund_before - 30_000
    more = approved_claims_in_plan(db, 3_000)
    with pytest.raises(InvalidInput):
        ops(db).pay_claims({"claim_ids": [str(more)]})  # 2,500 fen left: refused, nothing paid
    assert ops(db).get_claim(more)["status"] == "approved"
    with pytest.raises(InvalidInput):
        ops(db).pay_claims({"claim_ids": []})


def approved_claims_in_plan(db, amount: int) -> int:
    plan_id = ops(db).list_claims({})["items"][0]["plan_id"]
    c = claim(db, plan_id, member_id="74")
    ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": amount})
    return int(c["id"])


def test_a_claim_past_the_cap_without_cover_or_without_enrolment_is_refused(db):
    fund(db, "mutual_aid", 10_000_000)
    p = enrolled(db, enrolled_on="2022-03-01")
    first = claim(db, p["id"], kind="accident", amount_claimed_fen=300_000)
    ops(db).approve_claim(int(first["id"]), {"amount_approved_fen": 250_000})
    second = claim(db, p["id"], kind="accident", amount_claimed_fen=100_000)
    with pytest.raises(InvalidInput) as raised:
        ops(db).approve_claim(int(second["id"]), {"amount_approved_fen": 60_000})
    assert "amount_approved_fen" in raised.value.errors
    ops(db).approve_claim(int(second["id"]), {"amount_approved_fen": 50_000})
    before = claim(db, p["id"], incurred_on="2022-02-01")
    with pytest.raises(InvalidInput) as raised:
        ops(db).approve_claim(int(before["id"]), {"amount_approved_fen": 1_000})
    assert "incurred_on" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        claim(db, p["id"], member_id="74")
    assert "member_id" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        claim(db, p["id"], kind="maternity")
    assert "kind" in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        claim(db, p["id"], amount_claimed_fen=10.5)
    assert "amount_claimed_fen" in raised.value.errors
    cover = ops(db).member_cover(71)["covers"][0]
    assert cover["remaining"]["accident"] == 0 and cover["remaining_annual_fen"] == 1_500_000 - 300_000


def test_the_annual_cap_binds_across_kinds(db):
    fund(db, "mutual_aid", 10_000_000)
    p = enrolled(db)
    big = claim(db, p["id"], kind="critical_illness", amount_claimed_fen=1_000_000)
    ops(db).approve_claim(int(big["id"]), {"amount_approved_fen": 1_000_000})
    hospital = claim(db, p["id"], kind="hospitalisation", amount_claimed_fen=800_000)
    with pytest.raises(InvalidInput):
        ops(db).approve_claim(int(hospital["id"]), {"amount_approved_fen": 500_001})
    ops(db).approve_claim(int(hospital["id"]), {"amount_approved_fen": 500_000})


def test_a_rejected_claim_is_never_approved_or_paid(db):
    p = enrolled(db)
    c = claim(db, p["id"])
    with pytest.raises(Conflict):
        ops(db).pay_claim(int(c["id"]))  # not approved yet
    ops(db).reject_claim(int(c["id"]), {"reason": "材料不全"})
    with pytest.raises(Conflict):
        ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": 100})
    with pytest.raises(Conflict):
        ops(db).pay_claim(int(c["id"]))
    assert ops(db).get_claim(int(c["id"]))["reason"] == "材料不全"


def test_a_payout_the_fund_cannot_cover_is_refused_and_leaves_the_claim_approved(db):
    p = enrolled(db, member_ids=("71",))
    c = claim(db, p["id"])
    ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": 7_000})
    with pytest.raises(InvalidInput) as raised:
        ops(db).pay_claim(int(c["id"]))
    assert "amount_approved_fen" in raised.value.errors
    assert ops(db).get_claim(int(c["id"]))["status"] == "approved"
    assert balance(db, "mutual_aid") == 6_500


def test_cover_stays_to_the_paid_period_end_when_a_member_leaves_and_moves_on_transfer(db):
    fund(db, "mutual_aid", 10_000_000)
    p = enrolled(db)
    directory = operations.directory
    directory.apply_member(db.session, member(72, 7, "/1/7/", 2, status="left", left_on="2022-04-01"))
    directory.apply_member(db.session, member(73, 9, "/1/9/", 2))  # transferred to union 9
    left = ops(db).member_cover(72)
    assert left["status"] == "left" and left["covers"][0]["cover_ends_on"] == "2022-12-31"
    after_leaving = claim(db, p["id"], member_id="72", incurred_on="2022-05-01")
    ops(db).approve_claim(int(after_leaving["id"]), {"amount_approved_fen": 1_000})
    moved = ops(db).member_cover(73, within="9")
    assert moved["covered_today"] and moved["organisation_id"] == "9"
    with pytest.raises(NotFound):
        ops(db).member_cover(73, within="7")
    with pytest.raises(InvalidInput):  # the next year's plan cannot enrol a member who left
        nxt = plan(db, year=2023)
        ops(db).enrol({"plan_id": nxt["id"], "organisation_id": "7", "member_ids": ["72"],
                              "enrolled_on": "2023-01-02"})


def test_claims_are_scoped_to_the_callers_unions(db):
    p = enrolled(db)
    c = claim(db, p["id"])
    assert ops(db).get_claim(int(c["id"]), within="7")["id"] == c["id"]
    with pytest.raises(NotFound):
        ops(db).get_claim(int(c["id"]), within="9")
    assert ops(db).list_claims({}, within="9")["items"] == []
    assert [x["id"] for x in ops(db).list_claims({"status": "filed"}, within="1")["items"]] == [c["id"]]


# ---------------------------------------------------------------- hardship relief

def approved_case(db, member_id: str = "71") -> dict:
    case = ops(db).open_case({"member_id": member_id, "reason": "大病致困"})
    return ops(db).review_case(int(case["id"]), {"decision": "approved", "note": "核实属实"})


def test_a_case_is_reviewed_before_any_grant_and_gets_a_recheck_date(db):
    case = ops(db).open_case({"member_id": "71", "reason": "大病致困"})
    with pytest.raises(Conflict):
        ops(db).make_grant(int(case["id"]), {"kind": "regular", "amount_fen": 100})
    reviewed = ops(db).review_case(int(case["id"]), {"decision": "approved"})
    assert reviewed["recheck_on"] == "2023-06-15"
    with pytest.raises(Conflict):
        ops(db).review_case(int(case["id"]), {"decision": "rejected"})


def test_a_grant_waits_out_its_notice_period_then_is_paid_once(db, monkeypatch):
    fund(db, "hardship_relief", 1_000_000)
    case = approved_case(db)
    grant = ops(db).make_grant(int(case["id"]), {"kind": "regular", "amount_fen": 200_000})
    assert grant["status"] == "notice" and grant["notice_ends_on"] == "2022-06-20"
    with pytest.raises(Conflict):
        ops(db).pay_grant(int(grant["id"]))
    assert balance(db, "hardship_relief") == 1_000_000
    later = date(2022, 6, 20)
    monkeypatch.setattr(operations, "today", lambda: later)
    assert ops(db).pay_grant(int(grant["id"]))["status"] == "paid"
    with pytest.raises(Conflict):
        ops(db).pay_grant(int(grant["id"]))
    assert balance(db, "hardship_relief") == 800_000 and db.types().count("relief_granted") == 1


def test_an_objected_grant_is_never_paid(db):
    fund(db, "hardship_relief", 1_000_000)
    case = approved_case(db)
    grant = ops(db).make_grant(int(case["id"]), {"kind": "regular", "amount_fen": 1_000, "notice_days": 1})
    ops(db).object_to_grant(int(grant["id"]), {"reason": "家庭收入不符"})
    with pytest.raises(Conflict):
        ops(db).pay_grant(int(grant["id"]))
    assert balance(db, "hardship_relief") == 1_000_000


def test_the_second_relief_covers_the_cost_left_after_mutual_aid_within_the_yearly_cap(db):
    fund(db, "mutual_aid", 10_000_000)
    fund(db, "hardship_relief", 10_000_000)
    p = enrolled(db)
    c = claim(db, p["id"], amount_claimed_fen=800_000)
    ops(db).approve_claim(int(c["id"]), {"amount_approved_fen": 600_000})
    case = approved_case(db)
    body = {"kind": "second_relief", "episode_cost_fen": 1_000_000, "claim_id": c["id"], "notice_days": 0}
    with pytest.raises(InvalidInput) as raised:
        ops(db).make_grant(int(case["id"]), body)
    assert "claim_id" in raised.value.errors  # the claim is not paid yet
    ops(db).pay_claim(int(c["id"]))
    grant = ops(db).make_grant(int(case["id"]), body)
    assert grant["amount_fen"] == 400_000
    ops(db).pay_grant(int(grant["id"]))
    with pytest.raises(InvalidInput):  # nothing left of this episode
        ops(db).make_grant(int(case["id"]), body)
    # the yearly cap counts both schemes: 600,000 + 400,000 used of 3,000,000
    with pytest.raises(InvalidInput) as raised:
        ops(db).make_grant(int(case["id"]), {"kind": "regular", "amount_fen": 2_000_001})
    assert "amount_fen" in raised.value.errors
    stats = ops(db).annual_stats(2022)
    assert (stats["second_relief_members"], stats["second_relief_fen"]) == (1, 400_000)


def test_a_referral_from_rights_opens_one_case(db):
    data = {"referral_id": "r-1", "case_id": "55", "member_id": "72", "reason": "欠薪致困"}
    assert ops(db).open_referred_case(data)
    assert not ops(db).open_referred_case(data)
    cases = ops(db).list_cases({"member_id": "72"})["items"]
    assert len(cases) == 1 and cases[0]["source"] == "rights_referral" and cases[0]["status"] == "open"
    with pytest.raises(NotFound):
        ops(db).open_referred_case({**data, "referral_id": "r-2", "member_id": "999"})


def test_hardship_lists_filter_by_their_fields_and_the_callers_unions(db, monkeypatch):
    fund(db, "hardship_relief", 1_000_000)
    first = approved_case(db, "71")
    other = approved_case(db, "81")
    ops(db).open_case({"member_id": "72", "reason": "待核实"})
    ops(db).make_grant(int(first["id"]), {"kind": "regular", "amount_fen": 100_000})
    ops(db).make_grant(int(other["id"]), {"kind": "regular", "amount_fen": 50_000})
    assert [c["member_id"] for c in ops(db).list_cases({"status": "open"})["items"]] == ["72"]
    assert {c["member_id"] for c in ops(db).list_cases({}, within="7")["items"]} == {"71", "72"}
    assert ops(db).list_cases({"recheck_due": "true"})["items"] == []  # rechecks are a year out
    monkeypatch.setattr(operations, "today", lambda: date(2023, 7, 1))
    assert {c["member_id"] for c in ops(db).list_cases({"recheck_due": "true"})["items"]} == {"71", "81"}
    assert ops(db).list_grants({"kind": "second_relief"})["items"] == []
    assert {g["member_id"] for g in ops(db).list_grants({"kind": "regular"})["items"]} == {"71", "81"}
    assert {g["member_id"] for g in ops(db).list_grants({"status": "notice"})["items"]} == {"71", "81"}
    assert ops(db).list_grants({"status": "paid"})["items"] == []
    assert [g["member_id"] for g in ops(db).list_grants({"kind": "regular"}, within="8")["items"]] == ["81"]
    assert [g["member_id"] for g in ops(db).list_grants({"case_id": first["id"]})["items"]] == ["71"]
    with pytest.raises(InvalidInput) as raised:
        ops(db).list_grants({"case_id": "seven"})
    assert list(raised.value.errors) == ["case_id"]


# ---------------------------------------------------------------- visits and subsidies

def test_a_condolence_visit_is_paid_from_the_condolence_fund(db):
    fund(db, "condolence", 50_000)
    visit = ops(db).record_visit({"member_id": "71", "visited_on": "2022-06-01", "visited_by": "王主席",
                                         "occasion": "住院", "amount_fen": 30_000})
    assert visit["transaction_id"] and balance(db, "condolence") == 20_000
    no_money = ops(db).record_visit({"member_id": "72", "visited_on": "2022-06-01", "visited_by": "王主席",
                                            "occasion": "节日", "amount_fen": 0})
    assert no_money["transaction_id"] is None
    with pytest.raises(InvalidInput) as raised:
        ops(db).record_visit({"member_id": "71", "visited_on": "2022-06-01", "visited_by": "王主席",
                                     "occasion": "住院", "amount_fen": 20_001})
    assert "amount_fen" in raised.value.errors
    assert len(ops(db).list_visits({"member_id": "71"})["items"]) == 1


def test_a_subsidy_is_applied_for_approved_and_paid_once(db):
    fund(db, "subsidies", 500_000)
    applied = ops(db).apply_subsidy({"member_id": "71", "programme": "本科学历提升", "institution": "开放大学",
                                            "amount_requested_fen": 300_000})
    with pytest.raises(Conflict):
        ops(db).pay_subsidy(int(applied["id"]))
    with pytest.raises(InvalidInput):
        ops(db).approve_subsidy(int(applied["id"]), {"amount_approved_fen": 300_001})
    ops(db).approve_subsidy(int(applied["id"]), {"amount_approved_fen": 200_000})
    assert ops(db).pay_subsidy(int(applied["id"]))["status"] == "paid"
    with pytest.raises(Conflict):
        ops(db).pay_subsidy(int(applied["id"]))
    assert balance(db, "subsidies") == 300_000
    rejected = ops(db).apply_subsidy({"member_id": "72", "programme": "大专", "amount_requested_fen": 1})
    ops(db).reject_subsidy(int(rejected["id"]), {"reason": "不符合条件"})
    with pytest.raises(Conflict):
        ops(db).approve_subsidy(int(rejected["id"]), {})


# ---------------------------------------------------------------- rewards asked for by training

def reward_request(request_id: str = "req-1", amount=150_000, member_id="71") -> dict:
    return {"request_id": request_id, "proposal_id": "p-9", "member_id": member_id, "amount_fen": amount,
            "reason": "金点子：节能改造"}


def test_a_reward_is_paid_once_per_request_id(db):
    fund(db, "innovation_rewards", 200_000)
    paid = ops(db).pay_reward(reward_request())
    assert paid["status"] == "paid"
    again = ops(db).pay_reward(reward_request())
    assert again["transaction_id"] == paid["transaction_id"]
    assert balance(db, "innovation_rewards") == 50_000
    assert db.types() == ["payout_made", "payout_made"]
    assert db.events[0]["data"] == {"request_id": "req-1", "proposal_id": "p-9",
                                    "transaction_id": paid["transaction_id"], "amount_fen": 150_000,
                                    "paid_on": TODAY.isoformat()}


def test_a_past_decision_s_reward_is_booked_on_its_day_while_that_year_is_open(db):
    fund(db, "innovation_rewards", 300_000, on="2021-01-05")
    past = ops(db).pay_reward({**reward_request("req-past"), "on": "2021-09-15"})
    assert ops(db).get_transaction(int(past["transaction_id"]))["posted_on"] == "2021-09-15"
    assert db.events[-1]["data"]["paid_on"] == "2021-09-15"
    again = ops(db).pay_reward({**reward_request("req-past"), "on": "2021-09-15"})  # never paid twice
    assert again["transaction_id"] == past["transaction_id"] and balance(db, "innovation_rewards") == 150_000
    ops(db).close_year({"year": 2021}, closed_by="admin")
    late = ops(db).pay_reward({**reward_request("req-late", amount=100), "on": "2021-10-01"})
    assert ops(db).get_transaction(int(late["transaction_id"]))["posted_on"] == TODAY.isoformat()
    future = ops(db).pay_reward({**reward_request("req-future", amount=100), "on": "2030-01-01"})
    assert ops(db).get_transaction(int(future["transaction_id"]))["posted_on"] == TODAY.isoformat()


@pytest.mark.parametrize("request_body, why", [
    (reward_request(amount=250_000), "innovation_rewards"),
    (reward_request(member_id="999"), "member"),
    (reward_request(amount=-1), "amount_fen"),
])
def test_a_reward_that_cannot_be_paid_is_refused_saying_why(db, request_body, why):
    fund(db, "innovation_rewards", 200_000)
    refused = ops(db).pay_reward(request_body)
    assert refused["status"] == "refused" and why in refused["refusal"]
    assert db.types() == ["payout_refused"] and db.events[0]["data"]["reason"] == refused["refusal"]
    assert balance(db, "innovation_rewards") == 200_000


def test_business_figures_count_committed_money_only(db):
    moved = ledger.MONEY_MOVED.labels("condolence", "deposit", "in")
    start = moved._value.get()
    fund(db, "condolence", 700)
    assert moved._value.get() - start == 700
    ledger.take_in(db.session, "condolence", 300, kind="deposit", reason="rolled back")
    db.session.rollback()
    assert moved._value.get() - start == 700
