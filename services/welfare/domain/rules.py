"""Welfare's rules as plain functions: no database, no broker, no HTTP.

They take what they need and raise domain errors naming the field at fault.
Money is integer fen throughout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from services.chassis.errors import Conflict, InvalidInput

# ---------------------------------------------------------------- funds

EXTERNAL = "external"
FUNDS: dict[str, str] = {
    "dues_refund": "小微企业工会经费返还",
    "mutual_aid": "职工互助保障",
    "hardship_relief": "困难职工帮扶",
    "condolence": "慰问",
    "subsidies": "学历提升补助",
    "innovation_rewards": "金点子奖励",
}
ACCOUNTS: dict[str, tuple[str, str]] = {
    **{code: (name, "fund") for code, name in FUNDS.items()},
    EXTERNAL: ("外部（缴款人与收款人）", "external"),
}

REFUNDABLE_SIZES = ("micro", "small")
CLAIM_KINDS = ("hospitalisation", "accident", "critical_illness", "maternity", "death", "other")
GRANT_KINDS = ("regular", "second_relief")
NOTICE_DAYS = 5
# A member's relief in one year across mutual aid and hardship grants (fen).
RELIEF_YEARLY_CAP_FEN = 3_000_000


def check_amount(field: str, value: Any, allow_zero: bool = False) -> int:
    """An amount in whole fen: an integer, positive (or zero where allowed)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput.field(field, "must be a whole number of fen")
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidInput.field(field, "must be zero or more" if allow_zero else "must be more than zero")
    if value >= 10**15:
        raise InvalidInput.field(field, "is too large")
    return value


def check_balanced(entries: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Double entry: at least two legs, none zero, summing to zero."""
    legs = list(entries)
    if len(legs) < 2 or any(amount == 0 for _, amount in legs) or sum(a for _, a in legs) != 0:
        raise ValueError(f"an unbalanced transaction: {legs}")
    return legs


def check_can_pay(field: str, account: str, balance_fen: int, amount_fen: int) -> None:
    """A fund never goes below zero: refuse a payout it cannot cover."""
    if amount_fen > balance_fen:
        raise InvalidInput(
            f"the {account} fund holds {balance_fen} fen, less than {amount_fen} fen",
            {field: [f"more than the {account} fund holds ({balance_fen} fen)"]},
        )


def books_may_be_closed(day: date, today: date) -> bool:
    """Whether posting on `day` needs a look at the year closes.

    Only an ended year can be closed, so a posting dated today is in an open
    year, except on 31 December, when the year's close may come in just after
    midnight, before the posting commits.
    """
    return day != today or (day.month, day.day) == (12, 31)


def check_year_open(field: str, year: int, closed_years: Iterable[int]) -> None:
    if year in set(closed_years):
        raise InvalidInput.field(field, f"the books of {year} are closed; post a correction in an open year")


# ---------------------------------------------------------------- mutual aid

def check_caps(caps: Any, annual_cap_fen: Any) -> dict[str, int]:
    if not isinstance(caps, Mapping) or not caps:
        raise InvalidInput.field("caps", "give a cap for at least one claim kind")
    checked: dict[str, int] = {}
    for kind, cap in caps.items():
        if kind not in CLAIM_KINDS:
            raise InvalidInput.field(f"caps.{kind}", f"not a claim kind; one of {', '.join(CLAIM_KINDS)}")
        checked[kind] = check_amount(f"caps.{kind}", cap)
    annual = check_amount("annual_cap_fen", annual_cap_fen)
    if any(cap > annual for cap in checked.values()):
        raise InvalidInput.field("caps", "no kind's cap may exceed the annual cap")
    return checked


def paid_through(plan_year: int) -> date:
    """The premium pays for the plan year: cover runs to its last day, also for a member who leaves."""
    return date(plan_year, 12, 31)


def check_enrolment_day(plan_year: int, day: date) -> date:
    if day.year != plan_year:
        raise InvalidInput.field("enrolled_on", f"must fall within the plan year {plan_year}")
    return day


def covered_on(enrolled_on: date, cover_ends_on: date, day: date) -> bool:
    return enrolled_on <= day <= cover_ends_on


@dataclass(frozen=True)
class Remaining:
    by_kind: dict[str, int]
    annual_fen: int

    def for_kind(self, kind: str) -> int:
        return min(self.by_kind.get(kind, 0), self.annual_fen)


def remaining_caps(caps: Mapping[str, int], annual_cap_fen: int, used_by_kind: Mapping[str, int]) -> Remaining:
    """What is left of each cap after the approved and paid claims in `used_by_kind`."""
    used_total = sum(used_by_kind.values())
    return Remaining(
        by_kind={kind: max(cap - used_by_kind.get(kind, 0), 0) for kind, cap in caps.items()},
        annual_fen=max(annual_cap_fen - used_total, 0),
    )


def check_claim_kind(kind: str, caps: Mapping[str, int]) -> None:
    if kind not in caps:
        raise InvalidInput.field("kind", f"the plan covers only {', '.join(sorted(caps))}")


def check_approval(claim_status: str, amount_claimed_fen: int, amount_fen: Any, kind: str,
                   covered: bool, remaining: Remaining) -> int:
    """The amount a claim may be approved for, or the reason it may not."""
    check_transition("claim", claim_status, "approved")
    amount = check_amount("amount_approved_fen", amount_fen)
    if not covered:
        raise InvalidInput.field("incurred_on", "the member was not covered on that day")
    if amount > amount_claimed_fen:
        raise InvalidInput.field("amount_approved_fen", f"more than claimed ({amount_claimed_fen} fen)")
    left = remaining.for_kind(kind)
    if amount > left:
        raise InvalidInput.field("amount_approved_fen", f"past the remaining cap ({left} fen left)")
    return amount


# ---------------------------------------------------------------- states

TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # target state: the states it may be reached from
    "claim": {"approved": ("filed",), "rejected": ("filed",), "paid": ("approved",)},
    "subsidy": {"approved": ("applied",), "rejected": ("applied",), "paid": ("approved",)},
    "case": {"approved": ("open",), "rejected": ("open",)},
    "grant": {"objected": ("notice",), "paid": ("notice",)},
}


def check_transition(what: str, current: str, target: str) -> None:
    if current not in TRANSITIONS[what][target]:
        raise Conflict(f"a {what} that is {current} cannot become {target}",
                       {"status": [f"is {current}; cannot become {target}"]})


# ---------------------------------------------------------------- hardship relief

def notice_ends_on(granted_on: date, days: int = NOTICE_DAYS) -> date:
    return granted_on + timedelta(days=days)


def check_notice_over(today: date, ends_on: date, objected: bool) -> None:
    if objected:
        raise Conflict("the grant was objected to during its notice period", {"status": ["objected"]})
    if today < ends_on:
        raise Conflict(f"the grant is in its public-notice period until {ends_on.isoformat()}",
                       {"notice_ends_on": [f"in notice until {ends_on.isoformat()}"]})


def second_relief_amount(episode_cost_fen: int, mutual_aid_paid_fen: int, earlier_relief_fen: int,
                         yearly_left_fen: int, requested_fen: int | None = None) -> int:
    """The second relief: the cost left after mutual aid (and earlier relief), within the yearly cap.

    Without a requested amount the whole remainder (as far as the cap allows)
    is granted; a requested amount above what is allowed is refused.
    """
    left = max(episode_cost_fen - mutual_aid_paid_fen - earlier_relief_fen, 0)
    allowed = min(left, max(yearly_left_fen, 0))
    if allowed <= 0:
        raise InvalidInput.field("amount_fen", "nothing is left to relieve for this episode this year")
    if requested_fen is None:
        return allowed
    if requested_fen > allowed:
        raise InvalidInput.field("amount_fen", f"more than the cost left or the yearly cap allows ({allowed} fen)")
    return requested_fen


def check_yearly_cap(amount_fen: int, yearly_left_fen: int) -> None:
    if amount_fen > yearly_left_fen:
        raise InvalidInput.field("amount_fen", f"past the member's yearly relief cap ({yearly_left_fen} fen left)")
