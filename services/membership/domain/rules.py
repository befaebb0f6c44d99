"""Membership's rules, in plain Python: no database, no nameko.

Each check raises `InvalidInput` naming the field at fault (`member_id` when
it is the member's state, e.g. a member who left cannot be transferred).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.chassis.errors import InvalidInput

ORGANISATION_KINDS = ("federation", "industry_federation", "grassroots")
EMPLOYER_SIZES = ("micro", "small", "medium", "large")
EMPLOYMENT_FORMS = ("standard", "new_form")
MEMBER_STATUSES = ("active", "left")

# Which kind of organisation may sit directly below which.
ALLOWED_PARENTS = {
    "federation": {None, "federation"},
    "industry_federation": {"federation"},
    "grassroots": {"federation", "industry_federation"},
}


@dataclass(frozen=True)
class OrganisationRef:
    """What the rules need to know of an existing organisation."""

    id: int
    kind: str
    path: str
    established_on: date


def check_parent(kind: str, parent: OrganisationRef | None) -> None:
    allowed = ALLOWED_PARENTS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        if parent is None:
            raise InvalidInput.field("parent_id", f"a {kind} organisation needs a parent organisation")
        raise InvalidInput.field("parent_id", f"a {kind} organisation cannot be placed under a {parent_kind}")


def path_below(parent: OrganisationRef | None, new_id: int) -> str:
    return f"{parent.path if parent else '/'}{new_id}/"


def check_not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise InvalidInput.field(field, f"{day.isoformat()} is in the future")


def check_joining(joined_on: date, today: date) -> None:
    check_not_future("joined_on", joined_on, today)
    if joined_on.year < 1950:
        raise InvalidInput.field("joined_on", "must be 1950-01-01 or later")


def check_transfer(status: str, from_organisation_id: int, joined_on: date,
                   to: OrganisationRef, on: date, today: date) -> None:
    if status != "active":
        raise InvalidInput.field("member_id", "this member has left; only active members can be transferred")
    if to.id == from_organisation_id:
        raise InvalidInput.field("to_organisation_id", "the member already belongs to this organisation")
    check_not_future("on", on, today)
    if on < joined_on:
        raise InvalidInput.field("on", "a transfer cannot precede the day the member joined")


def check_leaving(status: str, joined_on: date, on: date, today: date) -> None:
    if status != "active":
        raise InvalidInput.field("member_id", "this member has already left")
    check_not_future("on", on, today)
    if on < joined_on:
        raise InvalidInput.field("on", "leaving cannot precede the day the member joined")


def year_bounds(year: int) -> tuple[date, date]:
    if not 1950 <= year <= 2200:
        raise InvalidInput.field("year", "must be between 1950 and 2200")
    return date(year, 1, 1), date(year, 12, 31)
