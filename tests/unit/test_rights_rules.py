"""Rights' plain rules: the calendar, contracts, the case state machine, the hotline's service levels."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.chassis.errors import Conflict, InvalidInput
from services.rights.domain import cases, contracts, hotline
from services.rights.domain.calendar import CHINA, add_working_days, local_date


def china(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHINA)


def test_working_days_skip_weekends_and_holidays_and_keep_the_clock_time():
    friday = china(2022, 6, 10, 15, 30)
    assert add_working_days(friday, 3) == china(2022, 6, 15, 15, 30)  # Wednesday
    saturday = china(2022, 6, 11, 9, 0)
    assert add_working_days(saturday, 3).astimezone(CHINA) == china(2022, 6, 15, 9, 0)
    # the Dragon Boat holiday (Friday 3 June 2022) does not count
    assert add_working_days(china(2022, 6, 2, 10), 1, {date(2022, 6, 3)}) == china(2022, 6, 6, 10)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1).tzinfo == UTC


def test_local_day_is_china_time():
    assert local_date(datetime(2022, 12, 31, 16, 30, tzinfo=UTC)) == date(2023, 1, 1)
    assert local_date(datetime(2022, 12, 31, 15, 59)) == date(2022, 12, 31)


def test_a_contract_expires_after_signing_within_three_years():
    contracts.check_term(date(2022, 1, 1), date(2024, 12, 31))
    with pytest.raises(InvalidInput) as raised:
        contracts.check_term(date(2022, 1, 1), date(2021, 12, 31))
    assert "expires_on" in raised.value.errors
    with pytest.raises(InvalidInput):
        contracts.check_term(date(2022, 1, 1), date(2022, 1, 1))
    with pytest.raises(InvalidInput):
        contracts.check_term(date(2022, 1, 1), date(2025, 1, 2))


@pytest.mark.parametrize(("vote", "field"), [
    ((100, 66, 60), "congress.present"),      # no quorum: 66 < two thirds of 100
    ((100, 67, 50), "congress.votes_for"),    # 50 is not more than half of all 100
    ((100, 101, 60), "congress.present"),
    ((100, 80, 81), "congress.votes_for"),
])
def test_the_congress_needs_a_quorum_and_a_majority_of_all_delegates(vote, field):
    with pytest.raises(InvalidInput) as raised:
        contracts.check_congress(contracts.CongressVote(*vote))
    assert field in raised.value.errors


def test_a_passing_congress_vote():
    contracts.check_congress(contracts.CongressVote(100, 67, 51))


def test_filing_within_ten_days_or_with_a_reason():
    signed, today = date(2022, 3, 1), date(2022, 6, 1)
    contracts.check_filing("not_submitted", signed, date(2022, 3, 11), None, today)
    with pytest.raises(InvalidInput) as raised:
        contracts.check_filing("not_submitted", signed, date(2022, 3, 12), None, today)
    assert "late_reason" in raised.value.errors
    contracts.check_filing("not_submitted", signed, date(2022, 3, 12), "人社局系统停机", today)
    with pytest.raises(InvalidInput):
        contracts.check_filing("not_submitted", signed, date(2022, 2, 28), None, today)
    with pytest.raises(InvalidInput):
        contracts.check_filing("submitted", signed, date(2022, 3, 5), None, today)


def test_an_objection_only_within_fifteen_days_of_submission():
    submitted, today = date(2022, 3, 5), date(2022, 6, 1)
    contracts.check_review("submitted", submitted, date(2022, 3, 20), "objected", today)
    with pytest.raises(InvalidInput) as raised:
        contracts.check_review("submitted", submitted, date(2022, 3, 21), "objected", today)
    assert "reviewed_on" in raised.value.errors
    contracts.check_review("submitted", submitted, date(2022, 3, 25), "accepted", today)
    with pytest.raises(InvalidInput):
        contracts.check_review("not_submitted", None, date(2022, 3, 25), "accepted", today)


def test_expiry_notices_at_90_30_and_7_days():
    expires = date(2022, 12, 31)
    assert contracts.expiry_notice_due(expires, date(2022, 9, 1)) is None   # 121 days left
    assert contracts.expiry_notice_due(expires, date(2022, 10, 2)) == 90    # 90 days left
    assert contracts.expiry_notice_due(expires, date(2022, 12, 1)) == 30
    assert contracts.expiry_notice_due(expires, date(2022, 12, 24)) == 7
    assert contracts.expiry_notice_due(expires, date(2022, 12, 31)) == 7
    assert contracts.expiry_notice_due(expires, date(2023, 1, 1)) is None


def test_contract_state():
    day = date(2022, 6, 1)
    assert contracts.state(date(2022, 1, 1), date(2023, 1, 1), "not_submitted", False, day) == "in_force"
    assert contracts.state(date(2022, 1, 1), date(2022, 5, 1), "accepted", False, day) == "expired"
    assert contracts.state(date(2022, 1, 1), date(2023, 1, 1), "objected", False, day) == "objected"
    assert contracts.state(date(2022, 1, 1), date(2023, 1, 1), "accepted", True, day) == "renewed"
    assert contracts.full_set({"comprehensive", "wages", "female_workers", "safety"})
    assert not contracts.full_set({"comprehensive", "wages", "safety"})


def test_the_case_state_machine_allows_only_its_moves():
    path = ["filed"]
    for action in ("assign", "mediate", "arbitrate", "litigate", "close"):
        path.append(cases.next_status(path[-1], action))
    assert path == ["filed", "assigned", "mediation", "arbitration", "litigation", "closed"]
    assert cases.next_status("assigned", "arbitrate") == "arbitration"   # mediation is optional
    for status, action in [("filed", "mediate"), ("filed", "close"), ("assigned", "litigate"),
                           ("mediation", "litigate"), ("arbitration", "mediate"), ("closed", "assign")]:
        with pytest.raises(Conflict):
            cases.next_status(status, action)
    with pytest.raises(Conflict) as raised:
        cases.next_status("closed", "close")
    assert "already closed" in raised.value.detail
    assert cases.allowed_actions("assigned") == ["mediate", "arbitrate", "close"]


def test_stage_deadlines_and_overdue():
    started = date(2022, 5, 1)
    assert cases.stage_due_on("mediation", started) == date(2022, 5, 16)
    assert not cases.is_overdue("mediation", started, date(2022, 5, 16))
    assert cases.is_overdue("mediation", started, date(2022, 5, 17))
    assert cases.stage_due_on("closed", started) is None
    assert not cases.is_overdue("closed", started, date(2030, 1, 1))


def test_only_a_wage_arrears_case_of_a_member_is_referred_once():
    cases.check_hardship_referral("wage_arrears", 5, False)
    with pytest.raises(InvalidInput):
        cases.check_hardship_referral("dismissal", 5, False)
    with pytest.raises(InvalidInput):
        cases.check_hardship_referral("wage_arrears", None, False)
    with pytest.raises(Conflict):
        cases.check_hardship_referral("wage_arrears", 5, True)


def test_service_levels_are_configurable():
    assert hotline.service_days()["wage_arrears"] == 3
    assert hotline.service_days("wage_arrears=2, other=4")["other"] == 4
    assert hotline.service_days('{"dismissal": 1}')["dismissal"] == 1
    with pytest.raises(ValueError):
        hotline.service_days("unknown=2")
    assert hotline.parse_holidays("2022-10-03,2022-10-04") == {date(2022, 10, 3), date(2022, 10, 4)}


def test_order_moves_and_overdue():
    assert hotline.next_status("received", "assign") == "assigned"
    assert hotline.next_status("resolved", "close") == "closed"
    with pytest.raises(Conflict):
        hotline.next_status("received", "resolve")
    with pytest.raises(Conflict):
        hotline.next_status("closed", "escalate")
    due = datetime(2022, 6, 15, 7, tzinfo=UTC)
    assert hotline.is_overdue("assigned", due, datetime(2022, 6, 15, 8, tzinfo=UTC))
    assert not hotline.is_overdue("closed", due, datetime(2022, 6, 15, 8, tzinfo=UTC))
    assert hotline.is_phone("0535-6212345") and not hotline.is_phone("12345")
