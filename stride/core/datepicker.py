"""The date maths of the booking page's picker: a month as weeks, which months and day to
show, and a day's times in parts of the day. Pure: "today" and the last bookable day
are the caller's to pass in.

Months are written as the date of their first day.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MORNING_ENDS = dt.time(12)
AFTERNOON_ENDS = dt.time(17)
PARTS = ("Morning", "Afternoon", "Evening")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after (before, if negative) ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def month_weeks(month: dt.date) -> list[list[dt.date | None]]:
    """The month's weeks, Monday first, as a wall calendar prints them: days of the
    neighbouring months are ``None``, so every week has seven places."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return [[d if d.month == month.month else None for d in week] for week in weeks]


def neighbours(month: dt.date, first: dt.date, last: dt.date) -> tuple[dt.date | None, ...]:
    """The previous and next months, each only when it holds a day in ``[first, last]``."""
    previous, following = add_months(month, -1), add_months(month, 1)
    return (
        previous if month_end(previous) >= first else None,
        following if following <= last else None,
    )


def clamp_month(month: dt.date, first: dt.date, last: dt.date) -> dt.date:
    """``month`` moved, if need be, to the nearest month holding a day in ``[first, last]``."""
    return min(max(month_of(month), month_of(first)), month_of(last))


def first_on_or_after(days: Iterable[dt.date], since: dt.date) -> dt.date | None:
    """The earliest of ``days`` on or after ``since``, else the earliest of all."""
    ordered = sorted(days)
    return next((d for d in ordered if d >= since), ordered[0] if ordered else None)


def part_of_day(moment: dt.time) -> str:
    """Morning before midday, afternoon before 5pm, evening after (wall time)."""
    if moment < MORNING_ENDS:
        return PARTS[0]
    if moment < AFTERNOON_ENDS:
        return PARTS[1]
    return PARTS[2]


def by_part_of_day(items: Iterable[T], when: Callable[[T], dt.time]) -> list[tuple[str, list[T]]]:
    """The items in morning, afternoon and evening groups, in that order, each keeping
    the items' own order; a part with nothing in it is left out."""
    groups: dict[str, list[T]] = {part: [] for part in PARTS}
    for item in items:
        groups[part_of_day(when(item))].append(item)
    return [(part, found) for part, found in groups.items() if found]


def first_each(items: Iterable[T], key: Callable[[T], K]) -> list[T]:
    """The first item for each key, in the items' order: given times sorted by start and
    then by practitioner, one time per start with the first practitioner free then."""
    seen: set[K] = set()
    kept: list[T] = []
    for item in items:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            kept.append(item)
    return kept
