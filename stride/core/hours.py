"""Opening hours as people read them: one line a day, the week from Monday."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Session:
    """One opening on one weekday (0 is Monday), local wall-clock times."""

    weekday: int
    opens: dt.time
    closes: dt.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.closes <= self.opens:
            raise ValueError("closing time must be after opening time")


@dataclass(frozen=True)
class DayHours:
    day: str
    weekday: int
    sessions: tuple[tuple[dt.time, dt.time], ...]

    @property
    def closed(self) -> bool:
        return not self.sessions

    @property
    def text(self) -> str:
        if self.closed:
            return "Closed"
        return ", ".join(f"{format_time(a)} to {format_time(b)}" for a, b in self.sessions)


def format_time(value: dt.time) -> str:
    """``9am``, ``2:30pm``, ``midday``, ``midnight``: the NHS style for times written
    for patients (12-hour clock, no ``:00``, never the ambiguous ``12am``/``12pm``)."""
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def week(sessions: Iterable[Session]) -> list[DayHours]:
    """Seven days from Monday, each with its sessions in time order."""
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {d: [] for d in range(7)}
    for session in sessions:
        by_day[session.weekday].append((session.opens, session.closes))
    return [
        DayHours(day=DAY_NAMES[d], weekday=d, sessions=tuple(sorted(by_day[d]))) for d in range(7)
    ]


def overlapping(sessions: Iterable[Session]) -> list[tuple[Session, Session]]:
    """Pairs of sessions on the same day that overlap (half-open intervals)."""
    ordered = sorted(sessions, key=lambda s: (s.weekday, s.opens))
    return [
        (a, b)
        for a, b in itertools.pairwise(ordered)
        if a.weekday == b.weekday and b.opens < a.closes
    ]


def years_since(start_year: int, today: dt.date) -> int:
    """Whole years of practice since ``start_year``, never negative."""
    return max(0, today.year - start_year)
