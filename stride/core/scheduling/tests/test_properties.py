"""Properties of the slot calculation on random clinics, with Hypothesis.

Windows of one to four days start near each of the four clock-change Sundays and in an
ordinary June week. Period and break boundaries avoid 01:00-01:59, the hour that is
skipped or repeated (``test_clock_changes`` pins those cases down), so the checks here
can read a boundary with plain ``datetime.combine``; appointments still run through it.
Every check compares instants in UTC.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from stride.core.scheduling import (
    Break,
    Rules,
    Schedule,
    ServiceTiming,
    Slot,
    WorkingPeriod,
    first_available,
    is_bookable,
    occupied,
    overlaps,
    slots,
)
from stride.core.scheduling.tests.builders import LONDON, UTC, minutes

# Keep Hypothesis's cache out of the project tree (it writes one even with database=None).
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "stride-hypothesis")

CHEAP = settings(max_examples=150, deadline=None, database=None)

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


def span(slot: Slot) -> tuple[dt.datetime, dt.datetime]:
    return slot.start.astimezone(UTC), slot.end.astimezone(UTC)


def blocked(clinic: Clinic, schedule: Schedule) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    return (*schedule.busy, *schedule.time_off, *clinic.closures)


def by_name(clinic: Clinic) -> dict[str, Schedule]:
    return {s.practitioner: s for s in clinic.schedules}


def reference(clinic: Clinic) -> list[tuple[dt.datetime, str]]:
    """The rules of ``slots``, one candidate at a time with datetimes, for comparison."""
    found = set()
    service, rules = clinic.service, clinic.rules
    earliest = clinic.now.astimezone(UTC) + rules.minimum_notice
    last = min(
        clinic.last_day, clinic.now.astimezone(LONDON).date() + dt.timedelta(rules.horizon_days)
    )
    day = clinic.first_day
    while day <= last:
        for schedule in [] if day in clinic.closed_days else clinic.schedules:
            breaks = [
                (aware(day, b.start), aware(day, b.end))
                for b in schedule.breaks
                if b.applies_on(day)
            ]
            for period in (p for p in schedule.periods if p.applies_on(day)):
                wall = dt.datetime.combine(day, period.start)
                while wall.date() == day and wall.time() < period.end:
                    start = wall.replace(tzinfo=LONDON).astimezone(UTC)  # fold 0
                    end = start + service.duration
                    taken = (start - service.buffer_before, end + service.buffer_after)
                    if (
                        start.astimezone(LONDON).replace(tzinfo=None) == wall  # the time exists
                        and end <= aware(day, period.end)
                        and start >= earliest
                        and not any(overlaps((start, end), b) for b in breaks)
                        and not any(overlaps(taken, b) for b in blocked(clinic, schedule))
                    ):
                        found.add((start, schedule.practitioner))
                    wall += rules.step
        day += dt.timedelta(days=1)
    return sorted(found)


@CHEAP
@given(clinics())
def test_it_offers_exactly_what_the_rules_allow(clinic):
    out = clinic.offer()
    assert [(s.start.astimezone(UTC), s.practitioner) for s in out] == reference(clinic)
    assert all(
        s.end.astimezone(UTC) - s.start.astimezone(UTC) == clinic.service.duration for s in out
    )
    assert all(s.start.tzinfo is LONDON and s.end.tzinfo is LONDON for s in out)


@CHEAP
@given(clinics())
def test_slots_are_sorted_and_unique(clinic):
    out = clinic.offer()
    keys = [(s.start.astimezone(UTC), s.practitioner) for s in out]
    assert keys == sorted(set(keys))
    assert out == sorted(out)


@CHEAP
@given(clinics())
def test_no_slot_overlaps_busy_time_off_or_closures_with_its_buffers(clinic):
    schedules = by_name(clinic)
    for slot in clinic.offer():
        taken = occupied(slot.start, clinic.service)
        assert taken == (
            slot.start.astimezone(UTC) - clinic.service.buffer_before,
            slot.end.astimezone(UTC) + clinic.service.buffer_after,
        )
        assert not any(overlaps(taken, r) for r in blocked(clinic, schedules[slot.practitioner]))


@CHEAP
@given(clinics())
def test_every_slot_is_on_the_grid_inside_hours_and_outside_breaks(clinic):
    schedules, rules = by_name(clinic), clinic.rules
    today = clinic.now.astimezone(LONDON).date()
    for slot in clinic.offer():
        local, (start, end) = slot.start.astimezone(LONDON), span(slot)
        day, wall = local.date(), dt.datetime.combine(dt.date.min, local.time())
        assert local.fold == 0 and clinic.first_day <= day <= clinic.last_day
        assert day not in clinic.closed_days and day <= today + dt.timedelta(rules.horizon_days)
        assert start >= clinic.now.astimezone(UTC) + rules.minimum_notice
        schedule = schedules[slot.practitioner]
        assert any(
            p.applies_on(day)
            and p.start <= local.time() < p.end
            and (wall - dt.datetime.combine(dt.date.min, p.start)) % rules.step == dt.timedelta(0)
            and end <= aware(day, p.end)
            for p in schedule.periods
        )
        for b in (b for b in schedule.breaks if b.applies_on(day)):
            assert not overlaps((start, end), (aware(day, b.start), aware(day, b.end)))


@CHEAP
@given(clinics(), st.data())
def test_every_offered_slot_is_bookable_and_nothing_else_is(clinic, data):
    out = clinic.offer()
    offered = {(s.start.astimezone(UTC), s.practitioner) for s in out}
    for slot in data.draw(st.lists(st.sampled_from(out), max_size=4)) if out else []:
        assert clinic.bookable(slot.start, slot.practitioner)
        assert first_available(
            start=slot.start,
            schedules=clinic.schedules,
            service=clinic.service,
            rules=clinic.rules,
            closed_days=clinic.closed_days,
            closures=clinic.closures,
            now=clinic.now,
        ) == min(name for start, name in offered if start == slot.start.astimezone(UTC))
    origin = dt.datetime.combine(clinic.first_day, dt.time(), UTC) - dt.timedelta(hours=2)
    for k, name in data.draw(
        st.lists(
            st.tuples(st.integers(0, 4 * 288), st.sampled_from(["ash", "bea", "cy"])), max_size=6
        )
    ):
        start = origin + k * FIVE
        assert clinic.bookable(start, name) == ((start, name) in offered)


@CHEAP
@given(clinics(), st.data())
def test_booking_takes_only_clashing_slots_and_cancelling_gives_them_back(clinic, data):
    before = clinic.offer()
    if not before:
        return
    chosen = data.draw(st.sampled_from(before))
    taken = occupied(chosen.start, clinic.service)

    def with_busy(name: str, extra: tuple) -> tuple[Schedule, ...]:
        return tuple(
            replace(s, busy=extra) if s.practitioner == name else s for s in clinic.schedules
        )

    own = by_name(clinic)[chosen.practitioner].busy
    after = clinic.offer(with_busy(chosen.practitioner, (*own, taken)))
    assert chosen not in after
    assert set(after) <= set(before)
    for lost in set(before) - set(after):  # only the booked practitioner's clashing slots go
        assert lost.practitioner == chosen.practitioner
        assert overlaps(occupied(lost.start, clinic.service), taken)
    # Cancelling (the same busy ranges, in any order) gives back exactly what was offered.
    shuffled = tuple(data.draw(st.permutations(own)))
    assert clinic.offer(with_busy(chosen.practitioner, shuffled)) == before
    # Book a second slot too, then cancel the first: as if only the second were booked.
    if after:
        second = data.draw(st.sampled_from(after))
        diary = {s.practitioner: list(s.busy) for s in clinic.schedules}

        def offer_now() -> list[Slot]:
            return clinic.offer(
                tuple(replace(s, busy=tuple(diary[s.practitioner])) for s in clinic.schedules)
            )

        diary[second.practitioner].append(occupied(second.start, clinic.service))
        only_second = offer_now()
        diary[chosen.practitioner].append(taken)
        assert set(offer_now()) <= set(only_second) - {chosen, second}
        diary[chosen.practitioner].remove(taken)
        assert offer_now() == only_second
        assert chosen in only_second or chosen.practitioner == second.practitioner
