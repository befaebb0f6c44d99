"""The rights hotline's work orders: service levels, the order's life, its figures. Plain Python.

    received --assign--> assigned --resolve--> resolved --visit--> visited --close--> closed
    received/assigned/resolved --escalate--> escalated (a dispute case is opened and linked)

An order is due a number of working days after it was received, by category
(configurable); an order not closed or escalated by then is overdue. A caller
who cannot be reached may leave an order closed without a visit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime

from services.chassis.errors import Conflict, InvalidInput
from services.rights.domain.calendar import aware

CATEGORIES = ("wage_arrears", "labour_contract", "social_insurance", "work_injury", "dismissal",
              "working_hours", "consultation", "other")
STATUSES = ("received", "assigned", "resolved", "visited", "closed", "escalated")
FINISHED = ("closed", "escalated")
SATISFACTION = (1, 2, 3, 4, 5)  # 1 very dissatisfied ... 5 very satisfied
SATISFIED_FROM = 4

# Working days to close an order of each category; HOTLINE_SERVICE_DAYS overrides.
DEFAULT_SERVICE_DAYS: dict[str, int] = {
    "wage_arrears": 3, "dismissal": 3, "work_injury": 3, "labour_contract": 5, "social_insurance": 5,
    "working_hours": 5, "consultation": 1, "other": 5,
}

MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "assign": (("received", "assigned"), "assigned"),
    "resolve": (("assigned",), "resolved"),
    "visit": (("resolved",), "visited"),
    "close": (("resolved", "visited"), "closed"),
    "escalate": (("received", "assigned", "resolved"), "escalated"),
}

_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")


def next_status(status: str, action: str) -> str:
    sources, target = MOVES[action]
    if status not in sources:
        allowed = [name for name, (froms, _) in MOVES.items() if status in froms]
        raise Conflict(
            f"an order that is {status} cannot {action}; allowed: {', '.join(allowed) or 'nothing'}",
            {"status": [f"cannot {action} from {status}"]},
        )
    return target


def service_days(overrides: Mapping[str, int] | str | None = None) -> dict[str, int]:
    """The service level per category: the defaults, with overrides as a mapping,
    JSON (`{"wage_arrears": 2}`) or `wage_arrears=2,other=4`."""
    levels = dict(DEFAULT_SERVICE_DAYS)
    if not overrides:
        return levels
    if isinstance(overrides, str):
        text = overrides.strip()
        if text.startswith("{"):
            overrides = json.loads(text)
        else:
            overrides = dict(part.split("=", 1) for part in text.split(",") if part.strip())
    for category, days in overrides.items():
        category = category.strip()
        if category not in levels:
            raise ValueError(f"unknown hotline category {category!r} in the service levels")
        value = int(days)
        if value < 0:
            raise ValueError(f"service level of {category} must not be negative")
        levels[category] = value
    return levels


def parse_holidays(value: str | list | None) -> frozenset[date]:
    if not value:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(date.fromisoformat(str(item).strip()) for item in items if str(item).strip())


def is_phone(value: str) -> bool:
    """A landline with its area code (0535-1234567); mobiles are checked by the chassis."""
    return bool(_LANDLINE.fullmatch(value))


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    return status not in FINISHED and aware(now) > aware(due_at)


def finished_on_time(finished_at: datetime | None, due_at: datetime) -> bool:
    return finished_at is not None and aware(finished_at) <= aware(due_at)


def check_satisfaction(score: int) -> None:
    if score not in SATISFACTION:
        raise InvalidInput.field("satisfaction", "must be 1 (very dissatisfied) to 5 (very satisfied)")
