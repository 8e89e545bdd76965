"""Small builders so each test states only what it is about.

The defaults: one practitioner, ``ash``; a 30-minute service with no buffers; London,
a 15-minute step, two hours' notice and an 84-day horizon; ``now`` on Monday 1 June 2026
at 08:00 UTC (09:00 BST).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from stride.core.scheduling import Rules, Schedule, ServiceTiming, Slot, WorkingPeriod, slots

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
HALF_HOUR = ServiceTiming(duration=dt.timedelta(minutes=30))


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def local(y: int, mo: int, d: int, h: int, mi: int = 0, fold: int = 0) -> dt.datetime:
    """A London wall-clock time (``fold=1`` for the second pass through a repeated hour)."""
    return dt.datetime(y, mo, d, h, mi, tzinfo=LONDON, fold=fold)


def utc(y: int, mo: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=UTC)


def hours(weekday: int, start: str, end: str, **dates: dt.date) -> WorkingPeriod:
    """A working period from "HH:MM" strings."""
    return WorkingPeriod(weekday, dt.time.fromisoformat(start), dt.time.fromisoformat(end), **dates)


def offer(
    day: dt.date | tuple[dt.date, dt.date],
    *schedules: Schedule,
    service: ServiceTiming = HALF_HOUR,
    rules: Rules | None = None,
    closed_days: Iterable[dt.date] = (),
    **kwargs: Any,
) -> list[Slot]:
    """``slots`` for one date (or an inclusive range of dates), with the defaults above."""
    first, last = day if isinstance(day, tuple) else (day, day)
    return slots(
        schedules=schedules,
        service=service,
        rules=rules or Rules(),
        closed_days=frozenset(closed_days),
        first_day=first,
        last_day=last,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def hhmm(out: Iterable[Slot]) -> list[str]:
    """Local start times, as people read them."""
    return [s.start.strftime("%H:%M") for s in out]
