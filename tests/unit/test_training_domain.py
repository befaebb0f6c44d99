"""Training's rules without a broker or a database."""

from __future__ import annotations

from datetime import date

import pytest

from services.chassis.errors import Conflict, InvalidInput
from services.training import domain
from services.training.common import LadderSettings


@pytest.mark.parametrize(("current", "wanted"), [(None, "seed"), ("seed", "craftsman"), ("craftsman", "chief"),
                                                 ("chief", "gold")])
def test_one_level_at_a_time(current, wanted):
    domain.check_next_level(current, wanted)


@pytest.mark.parametrize(("current", "wanted"), [(None, "craftsman"), ("seed", "chief"), ("seed", "seed"),
                                                 ("craftsman", "gold"), ("gold", "gold"), ("chief", "craftsman")])
def test_skipping_or_repeating_a_level_is_a_field_error(current, wanted):
    with pytest.raises(InvalidInput) as raised:
        domain.check_next_level(current, wanted)
    assert "level" in raised.value.errors


def test_minimum_time_at_the_level_below():
    named = date(2021, 3, 1)
    days = {"craftsman": 365}
    with pytest.raises(InvalidInput, match="2022-03-01"):
        domain.check_time_at_level("seed", named, "craftsman", date(2022, 2, 28), days)
    domain.check_time_at_level("seed", named, "craftsman", date(2022, 3, 1), days)
    domain.check_time_at_level(None, None, "seed", date(2022, 1, 1), days)


def test_settings_from_config_and_defaults():
    assert LadderSettings.from_config({}).notice_days == 5
    settings = LadderSettings.from_config({"TRAINING_NOTICE_DAYS": "7", "TRAINING_MIN_DAYS": "chief=10,gold=20"})
    assert settings.notice_days == 7 and settings.min_days["chief"] == 10 and settings.min_days["gold"] == 20
    assert settings.min_days["craftsman"] == domain.DEFAULT_MIN_DAYS_AT_LEVEL_BELOW["craftsman"]
    assert LadderSettings.from_config({"TRAINING_MIN_DAYS": {"craftsman": 0}}).min_days["craftsman"] == 0


def test_review_transitions():
    domain.check_review("pending", "approve")
    domain.check_review("objected", "approve")
    domain.check_review("public_notice", "object")
    for status, action in [("named", "approve"), ("rejected", "reject"), ("pending", "object"),
                           ("public_notice", "approve"), ("named", "reject")]:
        with pytest.raises(Conflict):
            domain.check_review(status, action)
    assert domain.notice_end(date(2022, 5, 1), 5) == date(2022, 5, 6)


def test_final_score_drops_highest_and_lowest_with_five_judges_or_more():
    assert domain.final_score([9000, 8000, 8500, 9900, 7000]) == 8500  # drops 9900 and 7000
    assert domain.final_score([9000, 8000, 7000, 6000]) == 7500  # four judges: all count
    assert domain.final_score([8000, 8001]) == 8001  # 8000.5 rounds half up
    assert domain.final_score([5000]) == 5000


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranks = domain.rank({"a": 9000, "b": 9500, "c": 9000, "d": 8000})
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_awards_by_rank_and_ties_share_the_prize():
    prizes = {"first": 1, "second": 2, "third": 3, "excellence": 2}
    assert [domain.award_for(r, prizes) for r in range(1, 10)] == [
        "first", "second", "second", "third", "third", "third", "excellence", "excellence", None]
    ranks = domain.rank({"a": 100, "b": 100, "c": 90})
    assert {k: domain.award_for(r, {"first": 1, "second": 1}) for k, r in ranks.items()} == {
        "a": "first", "b": "first", "c": None}


def test_marks_in_range_and_at_most_two_decimals():
    assert domain.to_centi(87.25, 100) == 8725
    assert domain.to_centi(100, 100) == 10000
    for bad in (100.01, -1, 87.255, 1e308):
        with pytest.raises(InvalidInput):
            domain.to_centi(bad, 100)


def test_published_results_are_frozen():
    domain.check_not_published("open")
    with pytest.raises(Conflict):
        domain.check_not_published("published")


def test_a_proposal_is_reviewed_once():
    domain.check_proposal_review("submitted", "adopted", 100_000)
    with pytest.raises(Conflict):
        domain.check_proposal_review("adopted", "adopted", 100_000)
    with pytest.raises(InvalidInput):
        domain.check_proposal_review("submitted", "rejected", 100)
    assert domain.mean_score([80, 91]) == 86 and domain.mean_score([]) is None


def test_a_decision_day_defaults_to_today_and_is_never_in_the_future():
    today = date(2026, 12, 4)
    assert domain.decision_day(None, today) == today
    assert domain.decision_day(date(2016, 3, 1), today) == date(2016, 3, 1)
    assert domain.decision_day(today, today) == today
    with pytest.raises(InvalidInput) as raised:
        domain.decision_day(date(2026, 12, 5), today)
    assert list(raised.value.errors) == ["on"]


def test_time_at_the_level_below_counts_between_past_days():
    named_seed = date(2016, 3, 7)
    domain.check_time_at_level("seed", named_seed, "craftsman", date(2022, 4, 1), {"craftsman": 365})
    with pytest.raises(InvalidInput, match="365 days"):
        domain.check_time_at_level("seed", named_seed, "craftsman", date(2016, 12, 1), {"craftsman": 365})
