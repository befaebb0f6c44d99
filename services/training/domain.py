"""Training's rules as plain functions: no nameko, no database, no HTTP.

They take what they need and raise `InvalidInput` (a field error, 422) or
`Conflict` (409) when a rule is broken.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from services.chassis.errors import Conflict, InvalidInput

# ---------------------------------------------------------------- the craftsman ladder

LEVELS = ("seed", "craftsman", "chief", "gold")
LEVEL_TITLES = {"seed": "种子工匠", "craftsman": "工匠", "chief": "首席工匠", "gold": "金牌工匠"}
# Levels whose naming membership records as an honour.
HONOURED_LEVELS = ("chief", "gold")
DEFAULT_NOTICE_DAYS = 5
# Days a member must hold the level below before being nominated to this one.
DEFAULT_MIN_DAYS_AT_LEVEL_BELOW = {"seed": 0, "craftsman": 365, "chief": 730, "gold": 1095}


def level_below(level: str) -> str | None:
    index = LEVELS.index(level)
    return LEVELS[index - 1] if index else None


def check_next_level(current: str | None, wanted: str) -> None:
    """A member moves up one level at a time: `wanted` must be the one above `current`."""
    expected = LEVELS[0] if current is None else (
        LEVELS[LEVELS.index(current) + 1] if LEVELS.index(current) + 1 < len(LEVELS) else None)
    if expected is None:
        raise InvalidInput.field("level", "the member already holds the highest level (gold)")
    if wanted != expected:
        held = f"holds {current}" if current else "holds no level yet"
        raise InvalidInput.field("level", f"the member {held}; the next level is {expected}")


def check_time_at_level(current: str | None, named_on: date | None, wanted: str, today: date,
                        min_days: Mapping[str, int]) -> None:
    """The member has held the level below for at least the configured minimum."""
    if current is None or named_on is None:
        return
    needed = int(min_days.get(wanted, 0))
    if needed > 0 and (today - named_on).days < needed:
        ready = named_on + timedelta(days=needed)
        raise InvalidInput.field(
            "level", f"the member must hold {current} for {needed} days (since {named_on}); eligible from {ready}")


def decision_day(on: date | None, today: date, field: str = "on") -> date:
    """The day a decision was taken: `on` when an importer records a past decision, else today.
    A decision cannot be dated in the future."""
    if on is None:
        return today
    if on > today:
        raise InvalidInput.field(field, f"a decision cannot be dated in the future (today is {today})")
    return on


def notice_end(approved_on: date, notice_days: int) -> date:
    """The last day objections may be raised; the nomination takes effect the day after."""
    return approved_on + timedelta(days=notice_days)


def check_review(status: str, action: str) -> None:
    allowed = {"approve": ("pending", "objected"), "reject": ("pending", "objected", "public_notice"),
               "object": ("public_notice",)}[action]
    if status not in allowed:
        verb = "objected to" if action == "object" else action + "d"
        raise Conflict(f"a nomination that is {status} cannot be {verb}")


# ---------------------------------------------------------------- competitions

PRIZES = ("first", "second", "third", "excellence")
DEFAULT_PRIZES = {"first": 1, "second": 2, "third": 3, "excellence": 0}


def to_centi(score: float, max_score: int, field: str = "score") -> int:
    """A mark as hundredths of a point; at most two decimals, within 0..max_score."""
    if not 0 <= score <= max_score:  # first: a huge number must not reach round()
        raise InvalidInput.field(field, f"must be between 0 and {max_score}")
    centi = round(score * 100)
    if abs(score * 100 - centi) > 1e-6:
        raise InvalidInput.field(field, "at most two decimal places")
    return centi


def final_score(scores_centi: list[int]) -> int:
    """The judges' marks combined: with five or more judges the highest and lowest are dropped,
    then the mean (in hundredths, rounded half up)."""
    if not scores_centi:
        raise ValueError("no scores")
    kept = sorted(scores_centi)
    if len(kept) >= 5:
        kept = kept[1:-1]
    total, count = sum(kept), len(kept)
    return (2 * total + count) // (2 * count)


def rank(finals: Mapping[Any, int]) -> dict[Any, int]:
    """Competition ranking: equal scores share a rank and the next rank skips (1, 1, 3)."""
    ordered = sorted(finals.items(), key=lambda item: -item[1])
    ranks: dict[Any, int] = {}
    previous: int | None = None
    current_rank = 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            current_rank = position
            previous = score
        ranks[key] = current_rank
    return ranks


def award_for(place: int, prizes: Mapping[str, int]) -> str | None:
    """The prize for a rank: the first `first` ranks win first prize, the next `second` second...
    Tied entrants share their rank, so they share its prize."""
    limit = 0
    for prize in PRIZES:
        limit += int(prizes.get(prize, 0))
        if place <= limit:
            return prize
    return None


def check_not_published(status: str) -> None:
    if status == "published":
        raise Conflict("the results are published and cannot change")


def results_from_scores(entries: Iterable[Any], scores: Mapping[Any, list[int]]) -> dict[Any, int]:
    """Final scores of the entrants who have at least one judge's mark."""
    return {key: final_score(scores[key]) for key in entries if scores.get(key)}


# ---------------------------------------------------------------- golden ideas

def check_proposal_review(status: str, decision: str, reward_fen: int) -> None:
    if status != "submitted":
        raise Conflict(f"the proposal was already reviewed ({status})")
    if decision == "rejected" and reward_fen:
        raise InvalidInput.field("reward_fen", "a rejected proposal has no reward")


def mean_score(scores: list[int]) -> int | None:
    if not scores:
        return None
    return (2 * sum(scores) + len(scores)) // (2 * len(scores))
