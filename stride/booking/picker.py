"""The time picker of the booking page and of the manage page (``booking/_picker.html``):
a month of days, those with free times as links, and the chosen day's times by part
of the day.

The date maths is ``stride.core.datepicker``; the times are ``selectors.slots_available``.
With "whoever is free first" each time is offered once: the slots come sorted by start
and then practitioner, so the first one for each start is the practitioner the booking
policy would choose then (``scheduling.first_available``). The booking itself is made
with "any", and the policy chooses again when it writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from stride.booking import selectors
from stride.booking.models import Service
from stride.core import datepicker, scheduling
from stride.site.models import Practitioner

# How the picker's choices are made: links (the booking page), buttons of a posted form
# (the booking page reached from the symptom check, whose hand-off never goes in an
# address) or radio buttons of a form (moving an appointment on the manage page).
Mode = Literal["link", "pick", "radio"]
Link = Callable[[str, str], str]  # (parameter, value) -> the address that asks for it


@dataclass(frozen=True)
class Day:
    date: dt.date
    free: bool
    chosen: bool
    today: bool
    href: str  # empty when the day has no free time


@dataclass(frozen=True)
class Month:
    date: dt.date
    href: str


@dataclass(frozen=True)
class Time:
    start: dt.datetime  # in the clinic's zone
    practitioner: str  # what the booking form posts: a practitioner's key, or "any"


@dataclass(frozen=True)
class Asked:
    """What the address (or the posted form) asks to see; all optional."""

    day: dt.date | None = None
    month: dt.date | None = None
    since: dt.date | None = None  # the first day to look from (the old ``week``)

    @classmethod
    def read(cls, source: Mapping[str, str]) -> Asked:
        month = _date(f"{source.get('month', '')[:7]}-01")
        return cls(day=_date(source.get("day")), month=month, since=_date(source.get("week")))


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


@dataclass(frozen=True)
class Picker:
    mode: Mode
    month: dt.date
    weeks: list[list[Day | None]]
    previous: Month | None
    following: Month | None
    day: dt.date | None
    parts: list[tuple[str, list[Time]]]
    earliest: Time | None
    level: int = 2  # the month's and the day's heading level; parts of the day one below
    today_only: bool = False
    weekdays: tuple[str, ...] = datepicker.WEEKDAYS

    @property
    def count(self) -> int:
        return sum(len(times) for _, times in self.parts)

    @property
    def free_days(self) -> int:
        return sum(1 for week in self.weeks for day in week if day and day.free)


def build(
    *,
    service: Service,
    practitioner: Practitioner | None,
    asked: Asked,
    today: dt.date,
    last: dt.date,
    zone: ZoneInfo,
    link: Link,
    mode: Mode = "link",
    exclude: dt.datetime | None = None,
    prefer: dt.date | None = None,
    with_earliest: bool = True,
    level: int = 2,
) -> Picker:
    """The picker for ``[today, last]``: the day asked for, else the first free day of
    the month asked for, else the first free day from ``prefer`` (or the old ``week``)
    on, else the earliest free day. ``exclude`` is a time not to offer (the one being
    moved); ``with_earliest`` looks beyond the month shown for the earliest free time."""

    def offered(month: dt.date) -> list[Time]:
        return _offered(
            service=service, practitioner=practitioner, zone=zone, exclude=exclude,
            first=max(month, today), last=min(datepicker.month_end(month), last),
        )  # fmt: skip

    day = asked.day if asked.day and today <= asked.day <= last else None
    since = asked.since or prefer
    since = min(max(since, today), last) if since else None
    month = datepicker.clamp_month(day or asked.month or since or today, today, last)
    times = offered(month)
    earliest = times[0] if times and month == datepicker.month_of(today) else None
    if earliest is None and with_earliest:
        found = selectors.earliest_slot(service=service, first_day=today, last_day=last,
                                        practitioner=practitioner)  # fmt: skip
        earliest = _time(found, practitioner, zone) if found else None
        if earliest and not times and not (day or asked.month or since):
            month = datepicker.month_of(earliest.start.date())  # nothing free this month
            times = offered(month)
    free = {t.start.date() for t in times}
    chosen = day or datepicker.first_on_or_after(free, since or today)
    if today == last:  # today only: today, free or not
        chosen = today
    previous, following = datepicker.neighbours(month, today, last)
    return Picker(
        mode=mode, month=month, day=chosen, earliest=earliest, level=level,
        today_only=today == last,
        weeks=[[Day(d, d in free, d == chosen, d == today,
                    link("day", d.isoformat()) if d in free else "") if d else None
                for d in week] for week in datepicker.month_weeks(month)],
        previous=Month(previous, link("month", f"{previous:%Y-%m}")) if previous else None,
        following=Month(following, link("month", f"{following:%Y-%m}")) if following else None,
        parts=datepicker.by_part_of_day([t for t in times if t.start.date() == chosen],
                                        lambda t: t.start.time()),
    )  # fmt: skip


def _time(slot: scheduling.Slot, practitioner: Practitioner | None, zone: ZoneInfo) -> Time:
    return Time(slot.start.astimezone(zone), practitioner.slug if practitioner else "any")


def _offered(
    *,
    service: Service,
    practitioner: Practitioner | None,
    zone: ZoneInfo,
    exclude: dt.datetime | None,
    first: dt.date,
    last: dt.date,
) -> list[Time]:
    """Each start offered once, in order, from ``first`` to ``last`` (local dates)."""
    if first > last:
        return []
    slots = selectors.slots_available(
        service=service, first_day=first, last_day=last, practitioner=practitioner
    )
    once = datepicker.first_each(slots, lambda s: s.start.astimezone(dt.UTC))
    return [_time(s, practitioner, zone) for s in once if s.start != exclude]
