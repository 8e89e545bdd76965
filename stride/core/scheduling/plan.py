"""The slot calculation itself, in integer microseconds since the epoch.

:mod:`stride.core.scheduling.slots` states the rules and wraps this in the public API.
Here each practitioner's blocked time (busy, time off, closures) is merged once into two
sorted lists. For each working period on an ordinary day the grid is an arithmetic
progression (a ``range`` of instants); the blocked ranges and breaks near it become
"clash" intervals of start instants, and the free runs of the grid between clashes are
taken whole, so the cost grows with the number of clashes, not of candidates. The two
clock-change days a year take a simpler path, one candidate at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import repeat
from operator import itemgetter
from zoneinfo import ZoneInfo

from stride.core.scheduling.intervals import MICROSECOND, Interval, merge_us, to_us
from stride.core.scheduling.model import Rules, Schedule, ServiceTiming, WeeklyPattern
from stride.core.scheduling.wall import LocalDay, from_us, wall_us

Item = tuple[int, str, int]  # start, practitioner, end
_Walls = tuple[tuple[date | None, date | None, int, int], ...]  # valid from/until, start, end


def _by_weekday(patterns: Iterable[WeeklyPattern]) -> tuple[_Walls, ...]:
    """Each weekday's patterns as (valid_from, valid_until, start, end), times as wall µs."""
    days: list[list[tuple[date | None, date | None, int, int]]] = [[] for _ in range(7)]
    for p in patterns:
        days[p.weekday].append((p.valid_from, p.valid_until, wall_us(p.start), wall_us(p.end)))
    return tuple(tuple(d) for d in days)


def _on(walls: _Walls, day: date) -> list[tuple[int, int]]:
    """The (start, end) wall times of the patterns valid on ``day``."""
    return [
        (start, end)
        for valid_from, valid_until, start, end in walls
        if (valid_from is None or valid_from <= day) and (valid_until is None or day <= valid_until)
    ]


@dataclass(frozen=True)
class Diary:
    """One practitioner, prepared: patterns by weekday, blocked time merged and sorted."""

    name: str
    periods: tuple[_Walls, ...]  # indexed by weekday
    breaks: tuple[_Walls, ...]
    blocked_starts: list[int]
    blocked_ends: list[int]

    @classmethod
    def build(cls, schedule: Schedule, closures: list[tuple[int, int]]) -> Diary:
        blocked = [(to_us(a), to_us(b)) for a, b in (*schedule.busy, *schedule.time_off)]
        starts, ends = merge_us(blocked + closures)
        return cls(
            name=schedule.practitioner,
            periods=_by_weekday(schedule.periods),
            breaks=_by_weekday(schedule.breaks),
            blocked_starts=starts,
            blocked_ends=ends,
        )


@dataclass(frozen=True)
class Plan:
    """The inputs shared by every day, converted once."""

    zone: ZoneInfo
    diaries: tuple[Diary, ...]  # sorted by practitioner
    duration: int
    before: int
    after: int
    step: int
    earliest: int  # now + minimum notice
    last_bookable_day: date  # now's local date + the horizon
    closed_days: frozenset[date]

    @classmethod
    def build(
        cls,
        *,
        schedules: Iterable[Schedule],
        service: ServiceTiming,
        rules: Rules,
        closed_days: frozenset[date],
        closures: Iterable[Interval],
        now: datetime,
    ) -> Plan:
        zone = rules.tzinfo
        ordered = sorted(schedules, key=lambda s: s.practitioner)
        names = [s.practitioner for s in ordered]
        if len(set(names)) != len(names):
            raise ValueError("each practitioner needs exactly one schedule")
        closures_us = [(to_us(a), to_us(b)) for a, b in closures]
        now_us = to_us(now)  # rejects a naive "now" before astimezone could guess a zone
        return cls(
            zone=zone,
            diaries=tuple(Diary.build(s, closures_us) for s in ordered),
            duration=service.duration // MICROSECOND,
            before=service.buffer_before // MICROSECOND,
            after=service.buffer_after // MICROSECOND,
            step=rules.step // MICROSECOND,
            earliest=now_us + rules.minimum_notice // MICROSECOND,
            last_bookable_day=now.astimezone(zone).date() + timedelta(days=rules.horizon_days),
            closed_days=frozenset(closed_days),
        )

    def bookable_days(self, first: date, last: date) -> Iterator[date]:
        """The dates in ``[first, last]`` that may hold a slot: open, noticed, in horizon."""
        # A date before the earliest instant's local date cannot hold a late enough
        # start: local dates only move forwards as instants do.
        day = max(first, from_us(self.earliest, self.zone).date())
        last = min(last, self.last_bookable_day)
        while day <= last:
            if day not in self.closed_days:
                yield day
            day += timedelta(days=1)

    def clashes(
        self, diary: Diary, breaks: list[tuple[int, int]], low: int, high: int
    ) -> list[tuple[int, int]]:
        """Open intervals ``(lo, hi)`` of start instants that clash, for starts in
        ``[low, high]``, sorted.

        A start ``s`` clashes with a blocked ``[a, b)`` when its occupied range does,
        ``s - before < b and a < s + duration + after``, that is when
        ``a - duration - after < s < b + before``; with a break ``[a, b)`` when the
        appointment itself does, ``a - duration < s < b``.
        """
        duration, before, after = self.duration, self.before, self.after
        found = [(b_start - duration, b_end) for b_start, b_end in breaks]
        starts, ends = diary.blocked_starts, diary.blocked_ends
        i = bisect_right(ends, low - before)
        while i < len(starts) and starts[i] - duration - after < high:
            found.append((starts[i] - duration - after, ends[i] + before))
            i += 1
        found.sort()
        return found

    def free(self, grid: range, clashes: list[tuple[int, int]]) -> Iterator[range]:
        """The runs of ``grid``, from the earliest allowed start, that clash with nothing.

        Walks the grid and the sorted clashes together: the runs between clashes are
        handed back whole, as slices of the range.
        """
        origin, step = grid.start, grid.step
        k = max(0, -((origin - self.earliest) // step))  # first index late enough
        for low, high in clashes:
            last_free = (low - origin) // step  # the clash is open: a start at ``low`` is fine
            if last_free >= k:
                yield grid[k : last_free + 1]
            k = max(k, -((origin - high) // step))  # first index at or after ``high``
            if k >= len(grid):
                return
        yield grid[k:]

    def changing_day_starts(self, day: LocalDay, first: int, end: int) -> list[int]:
        """A clock-change day's grid, one wall time at a time: skipped times dropped,
        repeated times at their first occurrence, and the appointment's end compared as
        an instant with the period's end as an instant (so durations are real time)."""
        limit = day.boundary(end)
        found = (day.instant(wall) for wall in range(first, end, self.step))
        return [s for s in found if s is not None and s + self.duration <= limit]

    def offered_on(self, day: date, diaries: Iterable[Diary]) -> list[Item]:
        """One date's offered slots, sorted by start then practitioner, without repeats."""
        local = LocalDay(day, self.zone)
        weekday = day.weekday()
        duration, step, earliest = self.duration, self.step, self.earliest
        items: list[Item] = []
        repeats = False
        for diary in diaries:
            periods = _on(diary.periods[weekday], day)
            if not periods:
                continue
            repeats = repeats or len(periods) > 1  # overlapping periods repeat a start
            break_walls = _on(diary.breaks[weekday], day)
            if local.offset_us is not None:  # an ordinary day: one offset all day
                base = local.utc_midnight_us
                breaks = [(base + start, base + end) for start, end in break_walls]
                for first, end in periods:
                    grid = range(base + first, base + end - duration + 1, step)
                    if not grid:
                        continue
                    for run in self.free(grid, self.clashes(diary, breaks, grid[0], grid[-1])):
                        ends = range(run.start + duration, run.stop + duration, step)
                        items.extend(zip(run, repeat(diary.name, len(run)), ends, strict=True))
                continue
            breaks = [(local.boundary(start), local.boundary(end)) for start, end in break_walls]
            for first, end in periods:
                starts = self.changing_day_starts(local, first, end)
                if not starts:
                    continue
                clashes = self.clashes(diary, breaks, starts[0], starts[-1])
                items.extend(
                    (s, diary.name, s + duration)
                    for s in starts
                    if s >= earliest and not any(lo < s < hi for lo, hi in clashes)
                )
        if repeats:
            return sorted(set(items))
        # Diaries come in practitioner order, so a stable sort on the start alone gives
        # (start, practitioner) order, and comparing ints is quicker than tuples.
        items.sort(key=itemgetter(0))
        return items

    def offered_at(self, start: datetime) -> list[str]:
        """The practitioners, sorted, offered exactly this start."""
        start_us = to_us(start)
        day = start.astimezone(self.zone).date()
        if next(self.bookable_days(day, day), None) is None:
            return []
        return [name for s, name, _ in self.offered_on(day, self.diaries) if s == start_us]
