"""The diary's time grid: rows of time down the side and a column per practitioner (a
day) or per day (one practitioner's week). Each cell is working time, free or not, a
break, time off, or outside working hours; each entry sits in the row where it starts
and is as many rows tall as it lasts.

Pure: the caller gives the rows' instants, each column's working periods, breaks and
time away (as instants) and its entries, and "now". A day's rows step through real
time, so a clock-change day has its 23 or 25 hours; a week's rows are wall-clock times
shared by seven days, and a wall time the clocks skip is no time on that day (``None``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, Literal, TypeVar
from zoneinfo import ZoneInfo

from stride.core.scheduling.intervals import Interval, merge
from stride.core.scheduling.model import WeeklyPattern
from stride.core.scheduling.wall import LocalDay, from_us, wall_us

T = TypeVar("T")
State = Literal["entry", "covered", "free", "past", "break", "away", "off", "none"]
MINUTE_US = 60_000_000


@dataclass(frozen=True)
class Cell(Generic[T]):
    """One row of one column: ``at`` is its instant (None: no such time that day). An
    "entry" cell holds the entries starting in it (more than one only when they share
    rows) and spans ``rows`` rows; the rows under it are "covered"."""

    at: datetime | None
    state: State
    entries: tuple[T, ...] = ()
    rows: int = 1


@dataclass(frozen=True)
class Working:
    """A column's day: working periods, breaks inside them, and time away (time off or
    a clinic closure), each as instants; empty periods on a closed day."""

    periods: tuple[Interval, ...] = ()
    breaks: tuple[Interval, ...] = ()
    away: tuple[Interval, ...] = ()


def patterns_on(patterns: Iterable[WeeklyPattern], day: date, zone: ZoneInfo) -> list[Interval]:
    """The instants of the weekly patterns (working periods or breaks) valid on ``day``."""
    local = LocalDay(day, zone)
    found = []
    for p in patterns:
        if p.weekday != day.weekday():
            continue
        if (p.valid_from and day < p.valid_from) or (p.valid_until and day > p.valid_until):
            continue
        start, end = local.boundary(wall_us(p.start)), local.boundary(wall_us(p.end))
        if start < end:
            found.append((from_us(start, zone), from_us(end, zone)))
    return sorted(found)


def day_rows(day: date, zone: ZoneInfo, first: time, last: time | None,
             step: timedelta) -> list[datetime]:  # fmt: skip
    """The instants from ``first`` to ``last`` (None: midnight) on ``day``, a ``step``
    apart in real time: 23 or 25 hours of them across a whole clock-change day."""
    local = LocalDay(day, zone)
    start = from_us(local.boundary(wall_us(first)), zone)
    if last is None:
        end = datetime.combine(day + timedelta(days=1), time(), zone)
    else:
        end = from_us(local.boundary(wall_us(last)), zone)
    rows, moment = [], start.astimezone(UTC)
    while moment < end.astimezone(UTC):
        rows.append(moment.astimezone(zone))
        moment += step
    return rows


def wall_rows(first: time, last: time | None, step: timedelta) -> list[time]:
    """Wall-clock times from ``first`` to before ``last`` (None: midnight)."""
    end = 24 * 60 if last is None else last.hour * 60 + last.minute
    minutes = range(first.hour * 60 + first.minute, end, int(step.total_seconds() // 60))
    return [time(m // 60, m % 60) for m in minutes]


def on_day(walls: Sequence[time], day: date, zone: ZoneInfo) -> list[datetime | None]:
    """The instants of ``walls`` on ``day`` (the first of a repeated time; None where the
    clocks skip it)."""
    local = LocalDay(day, zone)
    out: list[datetime | None] = []
    for wall in walls:
        us = local.instant(wall_us(wall))
        out.append(None if us is None else from_us(us, zone))
    return out


# Compared in UTC (intervals.py says why): the ranges are merged, so already in UTC.
def _inside(moment: datetime, end: datetime, ranges: Sequence[Interval]) -> bool:
    return any(a <= moment and end <= b for a, b in ranges)


def _touches(moment: datetime, end: datetime, ranges: Sequence[Interval]) -> bool:
    return any(a < end and moment < b for a, b in ranges)


def column(
    rows: Sequence[datetime | None],
    *,
    step: timedelta,
    working: Working,
    entries: Iterable[tuple[datetime, datetime, T]],
    now: datetime,
) -> list[Cell[T]]:
    """One column of cells, one per row. An entry starts in the last row at or before
    its start and covers every row it overlaps; entries that share a row share a cell."""
    known = [(at.astimezone(UTC), i) for i, at in enumerate(rows) if at is not None]
    instants = [at for at, _ in known]
    spans: dict[int, tuple[int, list[T]]] = {}  # first row -> (rows, entries)
    covered: set[int] = set()
    current: int | None = None
    for start, end, item in sorted(entries, key=lambda e: e[0].astimezone(UTC)):
        if not instants:
            break
        first = known[max(bisect_right(instants, start.astimezone(UTC)) - 1, 0)][1]
        last_known = bisect_left(instants, end.astimezone(UTC))
        stop = known[last_known][1] if last_known < len(known) else len(rows)
        stop = max(stop, first + 1)
        if current is not None and first < current + spans[current][0]:  # shares rows
            height, items = spans[current]
            spans[current] = (max(height, stop - current), [*items, item])
        else:
            spans[first] = (stop - first, [item])
            current = first
    for first, (height, _items) in spans.items():
        covered.update(range(first + 1, first + height))
    utc = Working(*(tuple(merge(r)) for r in (working.periods, working.breaks, working.away)))
    now = now.astimezone(UTC)
    cells: list[Cell[T]] = []
    for i, at in enumerate(rows):
        if i in spans:
            cells.append(Cell(at, "entry", tuple(spans[i][1]), spans[i][0]))
        elif i in covered:
            cells.append(Cell(at, "covered"))
        elif at is None:
            cells.append(Cell(at, "none"))
        else:
            moment = at.astimezone(UTC)
            cells.append(Cell(at, _state(moment, moment + step, utc, now)))
    return cells


def _state(at: datetime, end: datetime, working: Working, now: datetime) -> State:
    if not _inside(at, end, working.periods):
        return "off"
    if _touches(at, end, working.breaks):
        return "break"
    if _touches(at, end, working.away):
        return "away"
    return "past" if at < now else "free"


def hours_for(day_start: datetime, day_end: datetime, moments: Iterable[datetime],
              zone: ZoneInfo, default: tuple[time, time]) -> tuple[time, time | None]:  # fmt: skip
    """The wall times a day's grid runs from and to: ``default`` widened to whole hours
    around every moment given (working periods, entries) that falls on the day."""
    first_h, last_h = default[0].hour, default[1].hour + (1 if default[1].minute else 0)
    for moment in moments:
        if not day_start <= moment <= day_end:
            continue
        local = moment.astimezone(zone)
        if moment == day_end:
            last_h = 24
            continue
        first_h = min(first_h, local.hour)
        last_h = max(last_h, local.hour + (1 if (local.minute or local.second) else 0))
    return time(first_h), (None if last_h >= 24 else time(last_h))
