"""The availability model: plain frozen dataclasses, local wall time where people think in it.

Working hours and breaks are wall-clock times in the clinic's zone ("09:00 to 17:00" is
09:00 to 17:00 on the day the clocks change too). Everything that has already happened
or been booked (appointments, holds, time off, closures) is an aware datetime range, an
instant on the timeline, as the database stores it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from stride.core.scheduling.intervals import Interval

WEEKDAYS = range(7)  # 0 is Monday, as date.weekday() counts


@dataclass(frozen=True)
class WeeklyPattern:
    """A weekly stretch of local wall time, optionally only between two dates (inclusive).

    The date range lets a rota change on a given day (a new pattern from 1 April) without
    rewriting history: the old pattern gets ``valid_until``, the new one ``valid_from``.
    """

    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def __post_init__(self) -> None:
        if self.weekday not in WEEKDAYS:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("use local wall-clock times without a tzinfo")
        # Overnight stretches are not supported: a clinic day ends before midnight.
        if self.end <= self.start:
            raise ValueError(f"{self.end} must be after {self.start}")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from")

    def applies_on(self, day: date) -> bool:
        """True on the right weekday inside the (inclusive) date range."""
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


@dataclass(frozen=True)
class WorkingPeriod(WeeklyPattern):
    """When a practitioner works; slots start on this period's own grid."""


@dataclass(frozen=True)
class Break(WeeklyPattern):
    """A recurring pause inside working hours, lunch say: no appointment may overlap it."""


def _check_ranges(name: str, ranges: tuple[Interval, ...]) -> None:
    for start, end in ranges:
        if start.utcoffset() is None or end.utcoffset() is None:
            raise ValueError(f"{name} needs aware datetimes")
        if end < start:
            raise ValueError(f"{name} range ends before it starts: {start} to {end}")


@dataclass(frozen=True)
class Schedule:
    """One practitioner's pattern and everything that already takes their time.

    ``busy`` ranges are *occupied* ranges, buffers included, exactly as the diary table
    stores them (appointments, waitlist holds, staff blocks): the caller need not know
    which service each one was for.
    """

    practitioner: str
    periods: tuple[WorkingPeriod, ...]
    breaks: tuple[Break, ...] = ()
    time_off: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()

    def __post_init__(self) -> None:
        _check_ranges("time_off", self.time_off)
        _check_ranges("busy", self.busy)


@dataclass(frozen=True)
class ServiceTiming:
    """How long a service takes, and the time kept clear before and after it (cleaning,
    notes). Real elapsed time: an hour is an hour even across a clock change."""

    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("a service must take some time")
        if self.buffer_before < timedelta(0) or self.buffer_after < timedelta(0):
            raise ValueError("buffers cannot be negative")


@dataclass(frozen=True)
class Rules:
    """The clinic's booking rules: its zone, slot step, minimum notice and horizon.

    The horizon counts local calendar days from today's local date: with 84 days, a
    patient can book any time on the 84th day from today, and nothing on the 85th.
    """

    zone: str = "Europe/London"
    step: timedelta = timedelta(minutes=15)
    minimum_notice: timedelta = timedelta(hours=2)
    horizon_days: int = 84

    def __post_init__(self) -> None:
        ZoneInfo(self.zone)  # fail now, not in the middle of a request
        if self.step <= timedelta(0):
            raise ValueError("the slot step must be positive")
        if self.minimum_notice < timedelta(0):
            raise ValueError("the minimum notice cannot be negative")
        if self.horizon_days < 0:
            raise ValueError("the horizon cannot be negative")

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.zone)  # cached by zoneinfo: the same object every time


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class Slot:
    """An offered appointment time, aware in the clinic's zone, ``[start, end)``.

    Slots order by start instant, then practitioner, which is the order the booking API
    promises. Equality, hashing and order all use UTC: datetimes sharing a ``tzinfo``
    compare by wall time and ignore ``fold``, so 01:30 BST and 01:30 GMT on the autumn
    Sunday would otherwise be "equal" yet hash differently.
    """

    start: datetime
    end: datetime
    practitioner: str

    def _key(self) -> tuple[datetime, str, datetime]:
        return self.start.astimezone(UTC), self.practitioner, self.end.astimezone(UTC)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Slot):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Slot):
            return NotImplemented
        return self._key() < other._key()
