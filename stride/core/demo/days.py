"""A practitioner's working day as instants: the periods that apply on a date, the breaks
in them, and the wall-clock grid appointments start on. Clock changes follow
``stride.core.scheduling.wall``: a wall time the clocks skip is never a start."""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from stride.core.scheduling.wall import LocalDay, from_us, wall_us

from .model import Clinician

Span = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Period:
    """One working period on one date: its instants, its breaks and its grid (wall
    times from its start, every ``step`` minutes, as instants; skipped ones left out)."""

    start: dt.datetime
    end: dt.datetime
    breaks: tuple[Span, ...]
    grid: tuple[dt.datetime, ...]


@functools.lru_cache(maxsize=2048)
def periods_on(who: Clinician, day: dt.date, zone: ZoneInfo, step: int) -> tuple[Period, ...]:
    local = LocalDay(day, zone)
    out = []
    for p in sorted((p for p in who.periods if p.applies_on(day)), key=lambda p: p.start):
        start = from_us(local.boundary(wall_us(p.start)), zone)
        end = from_us(local.boundary(wall_us(p.end)), zone)
        breaks = tuple(
            (from_us(local.boundary(wall_us(b.start)), zone),
             from_us(local.boundary(wall_us(b.end)), zone))
            for b in who.breaks if b.applies_on(day) and b.start < p.end and b.end > p.start
        )  # fmt: skip
        grid = []
        wall = wall_us(p.start)
        while wall < wall_us(p.end):
            instant = local.instant(wall)
            if instant is not None:
                grid.append(from_us(instant, zone))
            wall += step * 60_000_000
        out.append(Period(start, end, tuple(sorted(breaks)), tuple(grid)))
    return tuple(out)


def free_stretches(period: Period) -> list[Span]:
    """The period less its breaks."""
    out, cursor = [], period.start
    for b_start, b_end in period.breaks:
        if b_start > cursor:
            out.append((cursor, min(b_start, period.end)))
        cursor = max(cursor, b_end)
    if cursor < period.end:
        out.append((cursor, period.end))
    return out


def inside(span: Span, stretches: list[Span]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in stretches)


@dataclass(frozen=True)
class Leave:
    """A practitioner's leave in a year: whole weeks (time off in the rota, so the
    reports count no working time then) and single days (blocks in the diary)."""

    weeks: frozenset[dt.date]  # the days of the leave weeks, Monday to Sunday
    days: frozenset[dt.date]

    def week_starts(self) -> list[dt.date]:
        return sorted(d for d in self.weeks if d.weekday() == 0)


@functools.lru_cache(maxsize=64)
def leave(seed: int, who: str, year: int, turn: int = 0) -> Leave:
    """A week around Easter, two in summer, one at autumn half-term and a few single
    days; the same for a seed, whatever the day it is asked. Practitioners take their
    weeks in turn (``turn``: 0, 1, ...), so the clinic is never left without anyone."""
    rng = random.Random(f"{seed}:leave:{who}:{year}")
    weeks: set[dt.date] = set()
    for month, day, count in ((3, 30, 1), (7, 13, 2), (10, 19, 1)):
        later = (count + 1) * turn + rng.randrange(2)  # one turn's leave ends before the next's
        first = dt.date(year, month, day) + dt.timedelta(weeks=later)
        monday = first - dt.timedelta(days=first.weekday())
        weeks.update(monday + dt.timedelta(days=k) for k in range(7 * count))
    days = {dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365)) for _ in range(4)}
    return Leave(frozenset(weeks), frozenset(days - weeks))
