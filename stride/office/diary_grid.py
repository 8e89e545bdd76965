"""The diary's time grids, read from the database: a day with a column per practitioner,
and a practitioner's week with a column per day (``stride.core.scheduling.grid`` does
the placing). Rows are the clinic's slot step; working hours come from the same rota
as online booking (``stride.booking.availability``), so the grid shades exactly the
time patients can book."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.urls import reverse

from stride.booking import availability, selectors
from stride.booking.models import DiaryEntry
from stride.core.scheduling import grid
from stride.site.models import Practitioner

DEFAULT_HOURS = (dt.time(8), dt.time(18))  # at least this much is drawn, whoever works


@dataclass
class Column:
    title: str
    day: dt.date
    person: Practitioner
    note: str = ""  # "Bank holiday: closed", "Not working"
    booked: int = 0
    cancelled: list[Any] = field(default_factory=list)


@dataclass
class Row:
    label: str
    hour: bool
    now: bool
    cells: list[tuple[Column, grid.Cell[Any], str]] = field(default_factory=list)  # href


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]
    step: int  # minutes


def book_url(column: Column, cell: grid.Cell[Any]) -> str:
    """A free time's link: booking for a caller, with that person and time chosen."""
    if cell.state != "free" or cell.at is None:
        return ""
    query = {"practitioner": column.person.slug, "day": column.day.isoformat(),
             "start": cell.at.isoformat()}  # fmt: skip
    return _booking_new() + "?" + urlencode(query)


@functools.cache
def _booking_new() -> str:
    return reverse("office:booking_new")


def bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to local midnight: 23, 24 or 25 hours."""
    return (dt.datetime.combine(day, dt.time(), zone),
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone))  # fmt: skip


def _entries(people: list[Practitioner], lo: dt.datetime, hi: dt.datetime) -> list[DiaryEntry]:
    return list(
        DiaryEntry.objects.filter(practitioner__in=people, start__lt=hi, end__gt=lo)
        .exclude(kind=DiaryEntry.Kind.HOLD, status=DiaryEntry.Status.CANCELLED)
        .select_related("service", "practitioner", "details")
        .order_by("start")
    )


class _Source:
    """The rota, closed days and entries for some people and days, read once."""

    def __init__(self, people: list[Practitioner], first: dt.date, last: dt.date,
                 zone: ZoneInfo) -> None:  # fmt: skip
        self.zone = zone
        lo, _ = bounds(first, zone)
        _, hi = bounds(last, zone)
        self.rota = availability.read_rota(ids=[p.pk for p in people], lo=lo, hi=hi)
        self.closed = self.rota.closed_days(first, last)
        self.entries = _entries(people, lo, hi)

    def working(self, person: Practitioner, day: dt.date) -> grid.Working:
        if day in self.closed:
            return grid.Working()
        away = (*self.rota.time_off.get(person.pk, ()), *self.rota.closures)
        return grid.Working(
            periods=tuple(grid.patterns_on(self.rota.periods.get(person.pk, ()), day, self.zone)),
            breaks=tuple(grid.patterns_on(self.rota.breaks.get(person.pk, ()), day, self.zone)),
            away=tuple(away),
        )

    def on(self, person: Practitioner, day: dt.date) -> list[DiaryEntry]:
        lo, hi = bounds(day, self.zone)
        return [e for e in self.entries
                if e.practitioner_id == person.pk and e.start < hi and e.end > lo]  # fmt: skip

    def hours(self, people: list[Practitioner],
              days: list[dt.date]) -> tuple[dt.time, dt.time | None]:  # fmt: skip
        """From and to: the default hours, widened to every working period and entry."""
        first: dt.time = DEFAULT_HOURS[0]
        last: dt.time | None = DEFAULT_HOURS[1]
        for day in days:
            lo, hi = bounds(day, self.zone)
            moments: list[dt.datetime] = []
            for person in people:
                for a, b in self.working(person, day).periods:
                    moments += [a, b]
                for e in self.on(person, day):
                    moments += [max(e.start, lo), min(e.end, hi)]
            since, until = grid.hours_for(lo, hi, moments, self.zone, DEFAULT_HOURS)
            first = min(first, since)
            last = None if until is None or last is None else max(last, until)
        return first, last


def _column(source: _Source, title: str, person: Practitioner, day: dt.date,
            rows: list[dt.datetime | None], step: dt.timedelta, now: dt.datetime,
            ) -> tuple[Column, list[grid.Cell[Any]]]:  # fmt: skip
    zone = source.zone
    working = source.working(person, day)
    mine = source.on(person, day)
    shown = [e for e in mine if e.status != DiaryEntry.Status.CANCELLED]
    note = ""
    if day in source.closed:
        note = "Bank holiday: closed"
    elif not working.periods:
        note = "Not working"
    column = Column(
        title=title, day=day, person=person, note=note,
        booked=sum(1 for e in shown if e.kind == DiaryEntry.Kind.APPOINTMENT),
        cancelled=[(e, e.start.astimezone(zone)) for e in mine if e not in shown],
    )  # fmt: skip
    placed = [(e.start, e.end, (e, e.start.astimezone(zone), e.end.astimezone(zone)))
              for e in shown]  # fmt: skip
    return column, grid.column(rows, step=step, working=working, entries=placed, now=now)


def _label(at: dt.datetime | None, wall: dt.time | None, changes: bool) -> str:
    if at is None:
        return wall.strftime("%H:%M") if wall else ""
    return at.strftime("%H:%M") + (f" {at.tzname()}" if changes else "")


def day_grid(*, day: dt.date, people: list[Practitioner], zone: ZoneInfo,
             now: dt.datetime) -> Grid:  # fmt: skip
    step = dt.timedelta(minutes=selectors.rules_get().slot_step_minutes)
    source = _Source(people, day, day, zone)
    first, last = source.hours(people, [day])
    rows = grid.day_rows(day, zone, first, last, step)
    lo, hi = bounds(day, zone)
    changes = hi.utcoffset() != lo.utcoffset()  # a clock-change day: say which hour
    built = [_column(source, p.name, p, day, list(rows), step, now) for p in people]
    return Grid(columns=[c for c, _ in built], step=int(step.total_seconds() // 60), rows=[
        Row(label=_label(at, None, changes), hour=at.minute == 0,
            now=at <= now < at + step,
            cells=[(column, cells[i], book_url(column, cells[i])) for column, cells in built])
        for i, at in enumerate(rows)
    ])  # fmt: skip


def week_grid(*, monday: dt.date, person: Practitioner, zone: ZoneInfo,
              now: dt.datetime) -> Grid:  # fmt: skip
    step = dt.timedelta(minutes=selectors.rules_get().slot_step_minutes)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    source = _Source([person], days[0], days[-1], zone)
    first, last = source.hours([person], days)
    walls = grid.wall_rows(first, last, step)
    built = [_column(source, d.strftime("%a %-d %b"), person, d, grid.on_day(walls, d, zone),
                     step, now) for d in days]  # fmt: skip
    today = now.astimezone(zone)
    rows = []
    for i, wall in enumerate(walls):
        here = dt.datetime.combine(today.date(), wall, zone)
        rows.append(Row(
            label=wall.strftime("%H:%M"), hour=wall.minute == 0,
            now=monday <= today.date() <= days[-1] and here <= today < here + step,
            cells=[(column, cells[i], book_url(column, cells[i])) for column, cells in built],
        ))  # fmt: skip
    return Grid(columns=[c for c, _ in built], rows=rows, step=int(step.total_seconds() // 60))
