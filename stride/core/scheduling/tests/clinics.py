"""Random clinics for the property tests: schedules, diaries and rules near clock changes.

Windows of one to four days start on the Saturday or Sunday of each of the four clock
changes of 2026-2027, or on an ordinary Friday in June. Period and break boundaries are
local quarter hours outside 01:00-01:59, the hour that is skipped or repeated, so a test
can read a boundary with plain ``datetime.combine``; appointments still run through it.
Busy ranges fall anywhere on a five-minute grid or exactly on those quarter hours, so
touching edges come up often.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import strategies as st

from stride.core.scheduling import (
    Break,
    Rules,
    Schedule,
    ServiceTiming,
    Slot,
    WorkingPeriod,
    is_bookable,
    slots,
)
from stride.core.scheduling.tests.builders import LONDON, UTC, minutes

FIRST_DAYS = [  # the Saturday or Sunday of each clock change, and an ordinary Friday in June
    dt.date(2026, 3, 28),
    dt.date(2026, 3, 29),
    dt.date(2026, 10, 24),
    dt.date(2026, 10, 25),
    dt.date(2027, 3, 28),
    dt.date(2027, 10, 30),
    dt.date(2027, 10, 31),
    dt.date(2026, 6, 12),
]
# Quarter hours, except in the hour the clocks skip or repeat.
TIMES = [dt.time(h, m) for h in range(24) for m in (0, 15, 30, 45) if h != 1]
FIVE = minutes(5)


@dataclass(frozen=True)
class Clinic:
    schedules: tuple[Schedule, ...]
    service: ServiceTiming
    rules: Rules
    closed_days: frozenset[dt.date]
    closures: tuple[tuple[dt.datetime, dt.datetime], ...]
    first_day: dt.date
    last_day: dt.date
    now: dt.datetime

    def offer(self, schedules: tuple[Schedule, ...] | None = None) -> list[Slot]:
        return slots(
            schedules=self.schedules if schedules is None else schedules,
            service=self.service,
            rules=self.rules,
            closed_days=self.closed_days,
            closures=self.closures,
            first_day=self.first_day,
            last_day=self.last_day,
            now=self.now,
        )

    def bookable(self, start: dt.datetime, practitioner: str) -> bool:
        return is_bookable(
            start=start,
            practitioner=practitioner,
            schedules=self.schedules,
            service=self.service,
            rules=self.rules,
            closed_days=self.closed_days,
            closures=self.closures,
            now=self.now,
        )


@st.composite
def clinics(draw: st.DrawFn) -> Clinic:
    first = draw(st.sampled_from(FIRST_DAYS))
    last = first + dt.timedelta(days=draw(st.integers(0, 3)))
    nearby = [first + dt.timedelta(days=i) for i in range(-1, 6)]
    origin = dt.datetime.combine(first, dt.time(), UTC) - dt.timedelta(days=1)
    # Anywhere on a five-minute grid, or on a local quarter hour where periods begin and end.
    instants = st.integers(0, 6 * 288).map(lambda k: origin + k * FIVE) | st.builds(
        aware, st.sampled_from(nearby), st.sampled_from(TIMES)
    )
    spans = st.tuples(instants, st.integers(1, 48)).map(lambda t: (t[0], t[0] + t[1] * FIVE))
    window = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    maybe_date = st.sampled_from([None, None, None, *nearby])
    dates = st.tuples(maybe_date, maybe_date)
    weekdays = st.sampled_from([d.weekday() for d in window]) | st.integers(0, 6)
    any_pair = st.lists(st.sampled_from(TIMES), min_size=2, max_size=2, unique=True).map(sorted)
    # Nights that run through the hour the clocks change, on the Sundays they do.
    night = st.tuples(
        st.sampled_from([t for t in TIMES if t.hour == 0]),
        st.sampled_from([t for t in TIMES if 2 <= t.hour <= 5]),
    ).map(list)
    short = st.tuples(st.sampled_from(TIMES[:-8]), st.integers(1, 8)).map(
        lambda t: [t[0], TIMES[TIMES.index(t[0]) + t[1]]]
    )

    def weekly(kind: type[WorkingPeriod] | type[Break]) -> st.SearchStrategy:
        def build(weekday: int, ends: list[dt.time], valid: tuple) -> WorkingPeriod | Break:
            valid_from, valid_until = valid
            if valid_from and valid_until and valid_until < valid_from:
                valid_from, valid_until = valid_until, valid_from
            return kind(weekday, ends[0], ends[1], valid_from, valid_until)

        return st.builds(build, weekdays, short if kind is Break else any_pair | night, dates)

    names = draw(
        st.lists(st.sampled_from(["ash", "bea", "cy"]), min_size=1, max_size=3, unique=True)
    )
    schedules = tuple(
        Schedule(
            name,
            tuple(draw(st.lists(weekly(WorkingPeriod), min_size=1, max_size=4))),
            tuple(draw(st.lists(weekly(Break), max_size=2))),
            tuple(draw(st.lists(spans, max_size=2))),
            tuple(draw(st.lists(spans, max_size=8))),
        )
        for name in names
    )
    five_minutes = st.integers(0, 6).map(lambda k: k * FIVE)
    now = origin + draw(st.integers(0, 2 * 288)) * FIVE
    return Clinic(
        schedules=schedules,
        service=ServiceTiming(
            draw(st.integers(1, 24)) * FIVE, draw(five_minutes), draw(five_minutes)
        ),
        rules=Rules(
            step=minutes(draw(st.sampled_from([5, 10, 15, 20, 30, 60]))),
            minimum_notice=minutes(15 * draw(st.integers(0, 24))),
            horizon_days=draw(st.sampled_from(range(11))),
        ),
        closed_days=frozenset(draw(st.lists(st.sampled_from(nearby), max_size=1))),
        closures=tuple(draw(st.lists(spans, max_size=2))),
        first_day=first,
        last_day=last,
        now=now.astimezone(LONDON) if draw(st.booleans()) else now,
    )


def aware(day: dt.date, moment: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, moment, LONDON).astimezone(UTC)
