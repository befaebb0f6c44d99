"""Welfare's rules as plain functions: amounts, double entry, caps, cover, states, second relief."""

from __future__ import annotations

from datetime import date

import pytest

from services.chassis.errors import Conflict, InvalidInput
from services.welfare.domain import rules


@pytest.mark.parametrize("value", [-1, 0, 1.5, "100", True, None, 10**15])
def test_an_amount_is_a_positive_whole_number_of_fen(value):
    with pytest.raises(InvalidInput) as raised:
        rules.check_amount("amount_fen", value)
    assert "amount_fen" in raised.value.errors


def test_zero_is_allowed_only_where_said():
    assert rules.check_amount("amount_fen", 0, allow_zero=True) == 0
    assert rules.check_amount("amount_fen", 12_345) == 12_345


@pytest.mark.parametrize("legs", [[("a", 5)], [("a", 5), ("b", -4)], [("a", 0), ("b", 0)], []])
def test_an_unbalanced_transaction_is_never_posted(legs):
    with pytest.raises(ValueError):
        rules.check_balanced(legs)


def test_a_payout_past_the_balance_names_the_field():
    rules.check_can_pay("amount_fen", "mutual_aid", 100, 100)
    with pytest.raises(InvalidInput) as raised:
        rules.check_can_pay("amount_approved_fen", "mutual_aid", 100, 101)
    assert list(raised.value.errors) == ["amount_approved_fen"]


def test_a_closed_year_takes_no_entries():
    rules.check_year_open("on", 2023, [2021, 2022])
    with pytest.raises(InvalidInput):
        rules.check_year_open("on", 2022, [2021, 2022])


def test_only_a_posting_dated_today_before_new_years_eve_skips_the_year_closes():
    today = date(2023, 6, 15)
    assert not rules.books_may_be_closed(today, today)  # nobody can close 2023 during 2023
    assert rules.books_may_be_closed(date(2022, 12, 30), today)  # a back-dated posting: 2022 may be closed
    assert rules.books_may_be_closed(date(2023, 6, 14), today)
    assert rules.books_may_be_closed(date(2023, 12, 31), date(2023, 12, 31))  # a close may follow at midnight


def test_caps_are_known_kinds_within_the_annual_cap():
    assert rules.check_caps({"accident": 500}, 1000) == {"accident": 500}
    with pytest.raises(InvalidInput) as raised:
        rules.check_caps({"toothache": 500}, 1000)
    assert "caps.toothache" in raised.value.errors
    with pytest.raises(InvalidInput):
        rules.check_caps({"accident": 1500}, 1000)
    with pytest.raises(InvalidInput):
        rules.check_caps({}, 1000)


def test_cover_runs_from_enrolment_to_the_end_of_the_paid_year():
    ends = rules.paid_through(2022)
    assert ends == date(2022, 12, 31)
    assert rules.covered_on(date(2022, 3, 1), ends, date(2022, 3, 1))
    assert rules.covered_on(date(2022, 3, 1), ends, date(2022, 12, 31))
    assert not rules.covered_on(date(2022, 3, 1), ends, date(2022, 2, 28))
    assert not rules.covered_on(date(2022, 3, 1), ends, date(2023, 1, 1))
    with pytest.raises(InvalidInput):
        rules.check_enrolment_day(2022, date(2023, 1, 2))


def test_remaining_caps_take_the_tighter_of_kind_and_annual():
    left = rules.remaining_caps({"accident": 1000, "hospitalisation": 3000}, 3500,
                                {"hospitalisation": 3000})
    assert left.by_kind == {"accident": 1000, "hospitalisation": 0}
    assert left.annual_fen == 500
    assert left.for_kind("accident") == 500
    assert left.for_kind("critical_illness") == 0


def test_an_approval_within_the_caps_and_the_cover():
    left = rules.remaining_caps({"accident": 1000}, 1000, {})
    assert rules.check_approval("filed", 800, 700, "accident", True, left) == 700
    for amount, field in ((900, "amount_approved_fen"), (0, "amount_approved_fen"), (-5, "amount_approved_fen")):
        with pytest.raises(InvalidInput) as raised:
            rules.check_approval("filed", 800, amount, "accident", True, left)
        assert field in raised.value.errors
    with pytest.raises(InvalidInput) as raised:
        rules.check_approval("filed", 800, 100, "accident", False, left)
    assert "incurred_on" in raised.value.errors
    tight = rules.remaining_caps({"accident": 1000}, 1000, {"accident": 950})
    with pytest.raises(InvalidInput):
        rules.check_approval("filed", 800, 100, "accident", True, tight)


@pytest.mark.parametrize("current", ["rejected", "approved", "paid"])
def test_only_a_filed_claim_is_approved(current):
    with pytest.raises(Conflict):
        rules.check_approval(current, 800, 100, "accident", True, rules.remaining_caps({"accident": 1000}, 1000, {}))


def test_claim_states():
    rules.check_transition("claim", "approved", "paid")
    with pytest.raises(Conflict):
        rules.check_transition("claim", "paid", "paid")
    with pytest.raises(Conflict):
        rules.check_transition("claim", "filed", "paid")


def test_the_second_relief_covers_what_mutual_aid_left_within_the_yearly_cap():
    assert rules.second_relief_amount(10_000, 6_000, 0, 50_000) == 4_000
    assert rules.second_relief_amount(10_000, 6_000, 1_000, 50_000) == 3_000
    assert rules.second_relief_amount(10_000, 6_000, 0, 2_500) == 2_500
    assert rules.second_relief_amount(10_000, 6_000, 0, 50_000, requested_fen=1_000) == 1_000
    with pytest.raises(InvalidInput):
        rules.second_relief_amount(10_000, 6_000, 0, 50_000, requested_fen=4_001)
    with pytest.raises(InvalidInput):
        rules.second_relief_amount(10_000, 10_000, 0, 50_000)
    with pytest.raises(InvalidInput):
        rules.second_relief_amount(10_000, 0, 0, 0)


def test_a_grant_is_paid_only_after_its_notice_period_and_never_when_objected():
    ends = rules.notice_ends_on(date(2022, 5, 1))
    assert ends == date(2022, 5, 6)
    with pytest.raises(Conflict):
        rules.check_notice_over(date(2022, 5, 5), ends, objected=False)
    rules.check_notice_over(date(2022, 5, 6), ends, objected=False)
    with pytest.raises(Conflict):
        rules.check_notice_over(date(2022, 6, 1), ends, objected=True)
