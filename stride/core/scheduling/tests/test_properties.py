"""Properties of the slot calculation on random clinics (see ``clinics.py``), with Hypothesis.

``test_clock_changes`` pins down period boundaries inside the skipped or repeated hour;
here appointments run through that hour. Every check compares instants in UTC.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from stride.core.scheduling import (
    Schedule,
    Slot,
    first_available,
    occupied,
    overlaps,
)
from stride.core.scheduling.tests.builders import LONDON, UTC
from stride.core.scheduling.tests.clinics import FIVE, Clinic, aware, clinics

# Keep Hypothesis's cache out of the project tree (it writes one even with database=None).
if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "stride-hypothesis")

CHEAP = settings(max_examples=150, deadline=None, database=None)


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
        local_day = start.astimezone(ZoneInfo(clinic.rules.zone)).date()
        if not clinic.first_day <= local_day <= clinic.last_day:
            continue  # slots were only asked for these days; is_bookable knows no range
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
