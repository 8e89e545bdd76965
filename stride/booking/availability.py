"""The availability adapter: the one place that turns the clinic's rotas, breaks, time
off, closures and bank holidays into the scheduling core's input.

``read_rota`` reads them (for some practitioners and a window of time, or everything
still to come); ``Rota.inputs`` adds the diary's busy ranges and the rules and gives
``Inputs``, the three questions the booking code asks the core. The fresh read
(``selectors.availability_inputs``), the short-lived snapshot
(``snapshot.booking_config``) and the reports' working hours
(``stride.office.reports``) all come through here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from stride.booking.models import (
    BankHolidayOpening,
    BookingRules,
    ClinicClosure,
    Service,
    TimeOff,
    WorkingBreak,
    WorkingPeriod,
)
from stride.core import scheduling

STAFF_HORIZON_DAYS = 366 * 2


def core_rules(*, rules: BookingRules, zone: str) -> scheduling.Rules:
    return scheduling.Rules(
        zone=zone,
        step=dt.timedelta(minutes=rules.slot_step_minutes),
        minimum_notice=dt.timedelta(minutes=rules.minimum_notice_minutes),
        horizon_days=rules.horizon_days,
    )


def timing(service: Service) -> scheduling.ServiceTiming:
    return scheduling.ServiceTiming(
        duration=dt.timedelta(minutes=service.duration_minutes),
        buffer_before=dt.timedelta(minutes=service.buffer_before_minutes),
        buffer_after=dt.timedelta(minutes=service.buffer_after_minutes),
    )


@functools.lru_cache(maxsize=16)
def _england_and_wales(year: int) -> frozenset[dt.date]:
    """The bank holidays of one year: fixed by law and the package, so worked out once."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def holidays_between(first_day: dt.date, last_day: dt.date) -> set[dt.date]:
    return {d for year in range(first_day.year, last_day.year + 1)
            for d in _england_and_wales(year) if first_day <= d <= last_day}  # fmt: skip


def bank_holidays(*, first_day: dt.date, last_day: dt.date) -> frozenset[dt.date]:
    """England and Wales bank holidays in the range, less those the clinic opens on."""
    dates = holidays_between(first_day, last_day)
    if not dates:
        return frozenset()
    opening = set(BankHolidayOpening.objects.filter(date__in=dates).values_list("date", flat=True))
    return frozenset(dates - opening)


def window(
    first_day: dt.date, last_day: dt.date, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """The instants the days ``first_day`` to ``last_day`` can touch (a day either side)."""
    start = dt.datetime.combine(first_day - dt.timedelta(days=1), dt.time(), zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=2), dt.time(), zone)
    return start, end


def fits_grid(local: dt.datetime, step: int, periods: Iterable[Any]) -> bool:
    """``local`` on the grid of one of the ``periods`` that apply on its date (any with
    ``weekday``, ``start``, ``valid_from`` and ``valid_until``); True if none apply."""
    day = local.date()
    starts = [
        p.start.hour * 60 + p.start.minute
        for p in periods
        if p.weekday == day.weekday()
        and (p.valid_from is None or p.valid_from <= day)
        and (p.valid_until is None or day <= p.valid_until)
    ]
    if not starts:
        return True
    minute = local.hour * 60 + local.minute
    return (
        local.second == 0
        and local.microsecond == 0
        and any(minute >= first and (minute - first) % step == 0 for first in starts)
    )


@dataclass(frozen=True)
class Inputs:
    schedules: tuple[scheduling.Schedule, ...]
    service: scheduling.ServiceTiming
    rules: scheduling.Rules
    closed_days: frozenset[dt.date]
    closures: tuple[tuple[dt.datetime, dt.datetime], ...]
    now: dt.datetime

    def for_staff(self) -> Inputs:
        """Staff may book inside the minimum notice and beyond the online horizon
        (never outside working hours or over another entry)."""
        rules = dataclasses.replace(self.rules, minimum_notice=dt.timedelta(0),
                                    horizon_days=STAFF_HORIZON_DAYS)  # fmt: skip
        return dataclasses.replace(self, rules=rules)

    # The three questions the booking code asks the core, each with these inputs.
    def offered(self, first_day: dt.date, last_day: dt.date) -> list[scheduling.Slot]:
        return scheduling.slots(
            schedules=self.schedules, service=self.service, rules=self.rules,
            closed_days=self.closed_days, closures=self.closures,
            first_day=first_day, last_day=last_day, now=self.now,
        )  # fmt: skip

    def bookable(self, start: dt.datetime, practitioner: str) -> bool:
        return scheduling.is_bookable(
            start=start, practitioner=practitioner, schedules=self.schedules,
            service=self.service, rules=self.rules, closed_days=self.closed_days,
            closures=self.closures, now=self.now,
        )  # fmt: skip

    def first_free(self, start: dt.datetime) -> str | None:
        return scheduling.first_available(
            start=start, schedules=self.schedules, service=self.service, rules=self.rules,
            closed_days=self.closed_days, closures=self.closures, now=self.now,
        )  # fmt: skip


@dataclass(frozen=True)
class Rota:
    """Who works when, as the scheduling core reads it: by practitioner id, working
    periods and breaks (weekly patterns in wall time), time off and clinic closures
    (instants), and the bank holidays the clinic opens on."""

    periods: dict[int, tuple[scheduling.WorkingPeriod, ...]]
    breaks: dict[int, tuple[scheduling.Break, ...]]
    time_off: dict[int, tuple[scheduling.Interval, ...]]
    closures: tuple[scheduling.Interval, ...]
    opening_days: frozenset[dt.date]

    def closed_days(self, first_day: dt.date, last_day: dt.date) -> frozenset[dt.date]:
        return frozenset(holidays_between(first_day, last_day) - self.opening_days)

    def inputs(
        self, *, service: Service, people: Sequence[Any], first_day: dt.date, last_day: dt.date,
        busy: dict[int, list[scheduling.Interval]], rules: BookingRules, zone: ZoneInfo,
        now: dt.datetime,
    ) -> Inputs:  # fmt: skip
        """The core's input for ``people`` (practitioners, by ``pk`` and ``slug``) on the
        days ``first_day`` to ``last_day``, with the diary in ``busy`` for those days."""
        lo, hi = window(first_day, last_day, zone)

        def near(ranges: Iterable[scheduling.Interval]) -> tuple[scheduling.Interval, ...]:
            return tuple(r for r in ranges if r[0] < hi and r[1] > lo)

        return Inputs(
            schedules=tuple(
                scheduling.Schedule(
                    practitioner=p.slug,
                    periods=self.periods.get(p.pk, ()),
                    breaks=self.breaks.get(p.pk, ()),
                    time_off=near(self.time_off.get(p.pk, ())),
                    busy=tuple(busy.get(p.pk, ())),
                )
                for p in people
            ),
            service=timing(service),
            rules=core_rules(rules=rules, zone=zone.key),
            closed_days=self.closed_days(first_day, last_day),
            closures=near(self.closures),
            now=now,
        )


def read_rota(
    *, ids: Sequence[int] | None = None, lo: dt.datetime | None = None,
    hi: dt.datetime | None = None,
) -> Rota:  # fmt: skip
    """The rota of the practitioners ``ids`` (None: everyone), with time off and
    closures overlapping ``[lo, hi)`` (either end open when None)."""
    mine = {} if ids is None else {"practitioner_id__in": list(ids)}
    span = {**({"start__lt": hi} if hi else {}), **({"end__gt": lo} if lo else {})}
    periods: dict[int, list[scheduling.WorkingPeriod]] = {}
    for w in WorkingPeriod.objects.filter(**mine):
        periods.setdefault(w.practitioner_id, []).append(
            scheduling.WorkingPeriod(w.weekday, w.start, w.end, w.valid_from, w.valid_until)
        )
    breaks: dict[int, list[scheduling.Break]] = {}
    for b in WorkingBreak.objects.filter(**mine):
        breaks.setdefault(b.practitioner_id, []).append(
            scheduling.Break(b.weekday, b.start, b.end, b.valid_from, b.valid_until)
        )
    time_off: dict[int, list[scheduling.Interval]] = {}
    rows = TimeOff.objects.filter(**mine, **span).values_list("practitioner_id", "start", "end")
    for pk, start, end in rows:
        time_off.setdefault(pk, []).append((start, end))
    closures = ClinicClosure.objects.filter(**span).values_list("start", "end")
    return Rota(
        periods={pk: tuple(v) for pk, v in periods.items()},
        breaks={pk: tuple(v) for pk, v in breaks.items()},
        time_off={pk: tuple(sorted(v)) for pk, v in time_off.items()},
        closures=tuple(sorted(closures)),
        opening_days=frozenset(BankHolidayOpening.objects.values_list("date", flat=True)),
    )
