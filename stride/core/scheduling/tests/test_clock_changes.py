"""Europe/London clock changes: working hours are wall time, durations are real time.

Spring (29 Mar 2026, 28 Mar 2027): at 01:00 GMT the clocks go forward to 02:00 BST, so
01:00-01:59 never happens. Autumn (25 Oct 2026, 31 Oct 2027): at 02:00 BST they go back
to 01:00 GMT, so 01:00-01:59 happens twice; only the first pass (BST) is offered.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from stride.core.scheduling import Rules, Schedule, ServiceTiming, is_bookable, occupied
from stride.core.scheduling.tests.builders import (
    HALF_HOUR,
    LONDON,
    UTC,
    hhmm,
    hours,
    local,
    minutes,
    offer,
    utc,
)
from stride.core.scheduling.wall import LocalDay, from_us

WINTER = dt.datetime(2026, 1, 4, 10, 0, tzinfo=UTC)
FAR = Rules(step=minutes(60), horizon_days=1000)
HOURLY = ServiceTiming(duration=minutes(60))
SUNDAY_9_TO_5 = Schedule("ash", (hours(6, "09:00", "17:00"),))
NIGHT = Schedule("ash", (hours(6, "00:30", "03:30"),))
EVERY_HALF_HOUR = Rules(step=minutes(30), horizon_days=1000)
NINE_TO_FOUR = ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]


def on(day: dt.date, schedule: Schedule, rules: Rules = FAR, service: ServiceTiming = HOURLY):
    return offer(day, schedule, rules=rules, now=WINTER, service=service)


def bookable_at_night(start: dt.datetime) -> bool:
    """Half-hour appointments on a half-hour grid, 00:30-03:30."""
    return is_bookable(
        start=start,
        practitioner="ash",
        schedules=[NIGHT],
        service=HALF_HOUR,
        rules=EVERY_HALF_HOUR,
        closed_days=frozenset(),
        now=WINTER,
    )


class TestWorkingDayOnClockChangeSundays:
    @pytest.mark.parametrize(
        ("day", "utc_hour"),
        [
            (dt.date(2026, 3, 22), 9),  # an ordinary Sunday in winter time
            (dt.date(2026, 3, 29), 8),  # spring forward
            (dt.date(2026, 10, 25), 9),  # fall back
            (dt.date(2026, 11, 1), 9),  # an ordinary Sunday in winter time
            (dt.date(2027, 3, 28), 8),  # spring forward
            (dt.date(2027, 10, 31), 9),  # fall back
        ],
    )
    def test_it_offers_the_same_wall_clock_times(self, day, utc_hour):
        out = on(day, SUNDAY_9_TO_5)
        assert hhmm(out) == NINE_TO_FOUR
        assert out[0].start.astimezone(UTC) == dt.datetime.combine(day, dt.time(utc_hour), UTC)
        assert out[-1].end.strftime("%H:%M") == "17:00"

    def test_spring_2026_slots_are_summer_time(self):
        out = on(dt.date(2026, 3, 29), SUNDAY_9_TO_5)
        assert out[0].start.isoformat() == "2026-03-29T09:00:00+01:00"
        assert [s.start.astimezone(UTC) for s in out[:2]] == [
            utc(2026, 3, 29, 8),
            utc(2026, 3, 29, 9),
        ]

    def test_autumn_2026_slots_are_winter_time(self):
        out = on(dt.date(2026, 10, 25), SUNDAY_9_TO_5)
        assert out[0].start.isoformat() == "2026-10-25T09:00:00+00:00"
        assert out[-1].start.astimezone(UTC) == utc(2026, 10, 25, 16)

    def test_spring_2027_and_autumn_2027(self):
        spring = on(dt.date(2027, 3, 28), SUNDAY_9_TO_5)
        autumn = on(dt.date(2027, 10, 31), SUNDAY_9_TO_5)
        assert spring[0].start.astimezone(UTC) == utc(2027, 3, 28, 8)
        assert autumn[0].start.astimezone(UTC) == utc(2027, 10, 31, 9)

    def test_slots_carry_the_clinic_zone(self):
        out = on(dt.date(2026, 3, 29), SUNDAY_9_TO_5)
        assert {s.start.tzinfo for s in out} == {LONDON}


class TestSpringForwardNight:
    @pytest.mark.parametrize("day", [dt.date(2026, 3, 29), dt.date(2027, 3, 28)])
    def test_it_skips_the_hour_that_never_happens(self, day):
        out = on(day, NIGHT, rules=EVERY_HALF_HOUR, service=HALF_HOUR)
        assert hhmm(out) == ["00:30", "02:00", "02:30", "03:00"]

    def test_half_hour_slots_map_to_these_instants(self):
        out = on(dt.date(2026, 3, 29), NIGHT, rules=EVERY_HALF_HOUR, service=HALF_HOUR)
        assert [(s.start.astimezone(UTC), s.end.astimezone(UTC)) for s in out] == [
            (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 0)),
            (utc(2026, 3, 29, 1, 0), utc(2026, 3, 29, 1, 30)),
            (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2, 0)),
            (utc(2026, 3, 29, 2, 0), utc(2026, 3, 29, 2, 30)),
        ]
        assert out[0].end.isoformat() == "2026-03-29T02:00:00+01:00"

    def test_an_hour_long_appointment_lasts_a_real_hour(self):
        out = on(dt.date(2026, 3, 29), NIGHT, rules=EVERY_HALF_HOUR)
        assert [(s.start.isoformat(), s.end.isoformat()) for s in out] == [
            ("2026-03-29T00:30:00+00:00", "2026-03-29T02:30:00+01:00"),
            ("2026-03-29T02:00:00+01:00", "2026-03-29T03:00:00+01:00"),
            ("2026-03-29T02:30:00+01:00", "2026-03-29T03:30:00+01:00"),
        ]

    def test_a_period_ending_in_the_gap_ends_when_the_clocks_change(self):
        early = Schedule("ash", (hours(6, "00:00", "01:30"),))
        out = on(dt.date(2026, 3, 29), early, rules=EVERY_HALF_HOUR)
        # 00:30 + 60 real minutes is 02:30 BST, after the clocks changed at 01:00 GMT.
        assert [s.start.isoformat() for s in out] == ["2026-03-29T00:00:00+00:00"]

    def test_bookable_instants_are_judged_by_their_real_wall_time(self):
        # A wall time in the gap names no instant; read with the winter offset, "01:30"
        # is 02:30 BST, a real slot. Refusing the nonexistent local time is the API's job.
        assert bookable_at_night(utc(2026, 3, 29, 0, 30))
        assert bookable_at_night(local(2026, 3, 29, 1, 30))  # 01:30+00:00 is 02:30 BST
        assert bookable_at_night(local(2026, 3, 29, 2, 30))
        assert not bookable_at_night(utc(2026, 3, 29, 0, 45))  # off the half-hour grid

    def test_occupied_range_is_real_time(self):
        service = ServiceTiming(minutes(60), buffer_before=minutes(10), buffer_after=minutes(15))
        assert occupied(utc(2026, 3, 29, 0, 30), service) == (
            utc(2026, 3, 29, 0, 20),
            utc(2026, 3, 29, 1, 45),
        )


class TestFallBackNight:
    @pytest.mark.parametrize("day", [dt.date(2026, 10, 25), dt.date(2027, 10, 31)])
    def test_it_offers_the_repeated_hour_once(self, day):
        out = on(day, NIGHT, rules=EVERY_HALF_HOUR, service=HALF_HOUR)
        assert hhmm(out) == ["00:30", "01:00", "01:30", "02:00", "02:30", "03:00"]

    def test_the_first_pass_through_the_repeated_hour_is_offered(self):
        out = on(dt.date(2026, 10, 25), NIGHT, rules=EVERY_HALF_HOUR, service=HALF_HOUR)
        assert [s.start.isoformat() for s in out] == [
            "2026-10-25T00:30:00+01:00",
            "2026-10-25T01:00:00+01:00",
            "2026-10-25T01:30:00+01:00",
            "2026-10-25T02:00:00+00:00",
            "2026-10-25T02:30:00+00:00",
            "2026-10-25T03:00:00+00:00",
        ]
        assert [s.start.astimezone(UTC).strftime("%H:%M") for s in out] == [
            "23:30", "00:00", "00:30", "02:00", "02:30", "03:00",
        ]  # fmt: skip
        # The 01:30 BST slot ends at the second 01:00, in winter time.
        assert out[2].end.isoformat() == "2026-10-25T01:00:00+00:00"

    def test_no_two_offered_slots_overlap_in_real_time(self):
        quarter = ServiceTiming(duration=minutes(15))
        out = on(dt.date(2026, 10, 25), NIGHT, rules=Rules(horizon_days=1000), service=quarter)
        assert hhmm(out) == [
            "00:30", "00:45", "01:00", "01:15", "01:30", "01:45",  # BST
            "02:00", "02:15", "02:30", "02:45", "03:00", "03:15",  # GMT
        ]  # fmt: skip
        spans = sorted((s.start.astimezone(UTC), s.end.astimezone(UTC)) for s in out)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end <= start
        # The second pass through 01:00-01:59 (00:00-01:00 UTC) offers nothing.
        assert [s for s, _ in spans if utc(2026, 10, 25, 0, 45) < s < utc(2026, 10, 25, 2)] == []

    def test_hour_long_slots_that_night(self):
        out = on(dt.date(2026, 10, 25), NIGHT, rules=Rules(horizon_days=1000))
        assert [(s.start.isoformat(), s.end.isoformat()) for s in out[3:6]] == [
            ("2026-10-25T01:15:00+01:00", "2026-10-25T01:15:00+00:00"),
            ("2026-10-25T01:30:00+01:00", "2026-10-25T01:30:00+00:00"),
            ("2026-10-25T01:45:00+01:00", "2026-10-25T01:45:00+00:00"),
        ]
        assert hhmm(out[6:]) == ["02:00", "02:15", "02:30"]

    def test_the_second_pass_is_not_bookable(self):
        assert bookable_at_night(local(2026, 10, 25, 1, 30))
        assert not bookable_at_night(local(2026, 10, 25, 1, 30, fold=1))


class TestBookingInWinterForSummer:
    def test_nine_oclock_in_june_is_eight_utc(self):
        monday = Schedule("ash", (hours(0, "09:00", "10:00"),))
        out = offer(
            dt.date(2026, 6, 15),
            monday,
            rules=Rules(horizon_days=200),
            now=utc(2026, 1, 15, 10),
        )
        assert out[0].start.isoformat() == "2026-06-15T09:00:00+01:00"
        assert out[0].start.astimezone(UTC) == utc(2026, 6, 15, 8)
        assert hhmm(out) == ["09:00", "09:15", "09:30"]


class TestLocalDay:
    def test_an_ordinary_day_has_one_offset(self):
        assert LocalDay(dt.date(2026, 6, 15), LONDON).offset_us == 3_600_000_000
        assert LocalDay(dt.date(2026, 3, 29), LONDON).offset_us is None

    def test_a_skipped_time_has_no_instant_but_a_boundary(self):
        day = LocalDay(dt.date(2026, 3, 29), LONDON)
        one_thirty = 90 * 60 * 1_000_000
        assert day.instant(one_thirty) is None
        assert from_us(day.boundary(one_thirty), UTC) == utc(2026, 3, 29, 1, 0)

    def test_a_repeated_time_is_its_first_occurrence(self):
        day = LocalDay(dt.date(2026, 10, 25), LONDON)
        instant = day.instant(90 * 60 * 1_000_000)
        assert instant is not None
        assert from_us(instant, UTC) == utc(2026, 10, 25, 0, 30)
