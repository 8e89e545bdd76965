"""The demo history's plan: the same for a seed and a day, busy but believable, sound."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from stride.core.demo import check, plan
from stride.core.demo.model import (
    APPOINTMENT,
    ATTENDED,
    BLOCK,
    CANCELLED,
    CONFIRMED,
    NO_SHOW,
    Clinician,
    Entry,
    ServiceSpec,
    Setting,
)
from stride.core.scheduling.model import Break, WorkingPeriod

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)  # a Monday, 09:30 in London
NEW = ServiceSpec("initial-assessment", 45, after=10, weight=4)
FOLLOW = ServiceSpec("follow-up", 30, after=5, new_patient=False, weight=4)
GAIT = ServiceSpec("gait-assessment", 60, after=10, weight=2)
SURGERY = ServiceSpec("nail-surgery", 60, before=10, after=15, new_patient=False, online=False)


def _clinician(
    slug: str, turn: int, days: dict[int, tuple[int, int]], *services: ServiceSpec
) -> Clinician:
    periods = tuple(WorkingPeriod(d, dt.time(a), dt.time(b)) for d, (a, b) in days.items())
    breaks = tuple(Break(d, dt.time(13), dt.time(14)) for d, (a, b) in days.items() if b - a > 5)
    return Clinician(slug, periods, breaks, services, turn)


AMARA = _clinician("amara", 0, {0: (9, 18), 1: (9, 18), 2: (9, 18), 3: (9, 18), 5: (9, 13)},
                   NEW, FOLLOW, GAIT)  # fmt: skip
TOMASZ = _clinician("tomasz", 1, {1: (9, 17), 2: (9, 17), 3: (9, 17), 4: (9, 17)},
                    NEW, FOLLOW, SURGERY)  # fmt: skip
CLINIC = (AMARA, TOMASZ)
BANK_HOLIDAYS = frozenset({dt.date(2025, 8, 25), dt.date(2025, 12, 25), dt.date(2026, 4, 6),
                           dt.date(2026, 5, 4), dt.date(2026, 5, 25)})  # fmt: skip


def _setting(seed: int = 7, now: dt.datetime = NOW) -> Setting:
    today = now.astimezone(LONDON).date()
    return Setting(seed, now, LONDON, today - dt.timedelta(days=365),
                   today + dt.timedelta(days=27), BANK_HOLIDAYS)  # fmt: skip


@pytest.fixture(scope="module")
def year() -> list[Entry]:
    return plan.plan(_setting(), CLINIC)


def test_the_plan_is_the_same_for_a_seed_and_a_day(year):
    assert plan.plan(_setting(), CLINIC) == year
    assert plan.plan(_setting(seed=8), CLINIC) != year
    assert len({e.key for e in year}) == len(year)


def test_the_diary_has_no_overlaps_and_keeps_to_working_hours(year):
    assert check.problems(year, CLINIC, LONDON, 15) == []


def test_the_check_finds_an_overlap_and_a_time_outside_working_hours(year):
    first = next(e for e in year if e.kind == APPOINTMENT and e.status == ATTENDED)
    twin = dataclasses.replace(first, key="twin")
    evening = {"start": first.start.replace(hour=19), "end": first.start.replace(hour=20)}
    late = dataclasses.replace(first, key="late", **evening, occupied_start=evening["start"],
                               occupied_end=evening["end"])  # fmt: skip
    found = check.problems([first, twin, late], CLINIC, LONDON, 15)
    assert any("overlap" in p for p in found)
    assert any("late:" in p and "outside" in p for p in found)


def test_the_past_year_is_busy_but_believable(year):
    setting = _setting()
    past = (setting.first_day, setting.today - dt.timedelta(days=1))
    used = check.utilisation(year, CLINIC, LONDON, 15, *past, BANK_HOLIDAYS, 7)
    # A day booked solid on the 15-minute grid is about 70% (the buffers round up to it).
    assert 0.5 <= used <= 0.7


def test_the_next_four_weeks_are_partly_booked_and_emptier_further_ahead(year):
    weeks = []
    for k in range(4):
        monday = dt.date(2026, 6, 1) + dt.timedelta(weeks=k)
        sunday = monday + dt.timedelta(days=6)
        weeks.append(check.utilisation(year, CLINIC, LONDON, 15, monday, sunday, BANK_HOLIDAYS, 7))
    assert all(0.05 < w < 0.55 for w in weeks), weeks
    assert weeks[0] > weeks[3]


def test_every_kind_of_outcome_is_there(year):
    statuses = Counter(e.status for e in year if e.kind == APPOINTMENT)
    assert {ATTENDED, NO_SHOW, CANCELLED, CONFIRMED} <= set(statuses)
    assert 0.02 < statuses[NO_SHOW] / statuses[ATTENDED] < 0.1
    cancelled = [e for e in year if e.status == CANCELLED]
    assert cancelled and all(e.cancelled_at and e.cancelled_at < e.start for e in cancelled)
    late = [e for e in cancelled if e.start - e.cancelled_at <= dt.timedelta(hours=24)]
    assert 0 < len(late) < len(cancelled)
    assert any(e.key.endswith("r") for e in year), "some cancelled times were rebooked"
    ahead = [e for e in year if e.start > NOW and e.kind == APPOINTMENT]
    assert {e.status for e in ahead} == {CONFIRMED, CANCELLED}  # some cancelled already
    assert all(e.cancelled_at <= NOW for e in ahead if e.cancelled_at)
    assert all(e.status != CONFIRMED for e in year if e.end < NOW - dt.timedelta(days=1)
               and e.kind == APPOINTMENT)  # fmt: skip
    assert all(e.created_at and e.created_at <= NOW and e.created_at < e.start for e in year
               if e.kind == APPOINTMENT)  # fmt: skip
    notes = {e.note for e in year if e.kind == BLOCK}
    assert "Annual leave (day)" in notes
    assert any(n.startswith("Admin") for n in notes) and any(n.startswith("Lunch") for n in notes)
    assert {e.channel for e in year if e.kind == APPOINTMENT} == {"online", "phone", "staff"}
    assert any(e.shares_symptom_check for e in year)


def test_follow_ups_are_for_patients_seen_before(year):
    firsts = {e.patient for e in year if e.service == NEW.slug}
    follow_ups = [e for e in year if e.service == FOLLOW.slug]
    assert sum(e.patient in firsts for e in follow_ups) > len(follow_ups) / 2


def test_nothing_on_bank_holidays_and_leave_weeks_are_empty(year):
    days = {e.start.astimezone(LONDON).date() for e in year}
    assert not days & BANK_HOLIDAYS


def test_a_later_day_keeps_every_booking_and_adds_some(year):
    later = plan.plan(_setting(now=NOW + dt.timedelta(days=7)), CLINIC)
    keys = {e.key for e in later}
    ahead = [e for e in year if e.start > NOW + dt.timedelta(days=7) and e.kind == APPOINTMENT]
    assert all(e.key in keys for e in ahead)
    booked_then = sum(1 for e in year if e.start.date() == dt.date(2026, 6, 20))
    booked_now = sum(1 for e in later if e.start.date() == dt.date(2026, 6, 20))
    assert booked_now >= booked_then


@pytest.mark.parametrize("sunday", [dt.date(2026, 3, 29), dt.date(2025, 10, 26)])
def test_the_week_after_a_clock_change_keeps_the_wall_clock_grid(sunday):
    summer = sunday.month == 3
    worked = 0
    for day in (sunday + dt.timedelta(days=k) for k in range(1, 7)):
        for who in CLINIC:
            _, times = plan.day_plan(7, who, day, LONDON, 15, False)
            if not times:
                continue  # not a working day, or on leave
            worked += 1
            local = [c.start.astimezone(LONDON) for c in times]
            assert local[0].time() in (dt.time(9), dt.time(9, 15))  # 09:15 after a buffer
            assert all(t.minute % 15 == 0 for t in local)
            assert all(t.utcoffset() == dt.timedelta(hours=1 if summer else 0) for t in local)
    assert worked >= 4


def test_someone_is_always_at_work_outside_closures():
    for year in (2025, 2026, 2027):
        amara, tomasz = (plan.leave(7, c.slug, year, c.turn) for c in CLINIC)
        assert len(amara.week_starts()) == len(tomasz.week_starts()) == 4
        assert not amara.weeks & tomasz.weeks
