"""Days as the federation counts them: local dates in China, working days without weekends or holidays.

Times are stored in UTC; a "day" (signed on, due by) is a date in China
Standard Time, which has no daylight saving, so a fixed UTC+8 offset is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def aware(moment: datetime) -> datetime:
    """`moment` with its zone; SQLite hands back naive datetimes, and every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def local_date(moment: datetime) -> date:
    """The calendar day in China at `moment` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).date()


def is_working_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: datetime, days: int, holidays: Iterable[date] = ()) -> datetime:
    """`days` working days after `start`, at the same local clock time.

    Received on a Friday afternoon with 3 working days: due Wednesday at the
    same time. Received on a Saturday: Monday is the first working day counted,
    so it is due on Wednesday at the Saturday's clock time. Returns a UTC datetime.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    off = frozenset(holidays)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    local = start.astimezone(CHINA)
    counted = 0
    while counted < days:
        local += timedelta(days=1)
        if is_working_day(local.date(), off):
            counted += 1
    return local.astimezone(UTC)
