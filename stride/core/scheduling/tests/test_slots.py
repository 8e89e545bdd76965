"""The slot grid and everything that takes a time off it, with literal expected values.

Unless a test says otherwise: practitioner ``ash``, 30-minute appointments, a 15-minute
step, two hours' notice, an 84-day horizon, now 09:00 BST on Monday 1 June 2026, and the
day asked about is Monday 15 June 2026 (summer time, so 09:00 local is 08:00 UTC).
"""

from __future__ import annotations

import datetime as dt

import pytest

from stride.core.scheduling import (
    Break,
    Rules,
    Schedule,
    ServiceTiming,
    Slot,
    first_available,
    is_bookable,
    occupied,
)
from stride.core.scheduling.tests.builders import (
    HALF_HOUR,
    NOW,
    UTC,
    hhmm,
    hours,
    local,
    minutes,
    offer,
    utc,
)

MONDAY = dt.date(2026, 6, 15)
TUESDAY = dt.date(2026, 6, 16)
MORNING = Schedule("ash", (hours(0, "09:00", "12:00"),))
HOURLY = ServiceTiming(duration=minutes(60))
EVERY_HOUR = Rules(step=minutes(60))


def busy(schedule: Schedule, *ranges: tuple[dt.datetime, dt.datetime]) -> Schedule:
    return Schedule(schedule.practitioner, schedule.periods, schedule.breaks, (), ranges)


class TestGrid:
    def test_it_steps_from_the_period_start(self):
        assert hhmm(offer(MONDAY, MORNING)) == [
            "09:00", "09:15", "09:30", "09:45", "10:00", "10:15",
            "10:30", "10:45", "11:00", "11:15", "11:30",
        ]  # fmt: skip

    def test_a_twenty_minute_step(self):
        out = offer(MONDAY, MORNING, rules=Rules(step=minutes(20)))
        assert hhmm(out) == ["09:00", "09:20", "09:40", "10:00", "10:20", "10:40", "11:00", "11:20"]

    def test_slots_are_aware_in_london_with_real_ends(self):
        first = offer(MONDAY, MORNING)[0]
        assert first == Slot(local(2026, 6, 15, 9), local(2026, 6, 15, 9, 30), "ash")
        assert first.start.isoformat() == "2026-06-15T09:00:00+01:00"
        assert first.start.astimezone(UTC) == utc(2026, 6, 15, 8)

    def test_a_period_starting_off_the_hour_sets_its_own_grid(self):
        late = Schedule("ash", (hours(0, "09:10", "10:30"),))
        assert hhmm(offer(MONDAY, late, service=HOURLY)) == ["09:10", "09:25"]

    def test_an_appointment_longer_than_what_is_left_is_not_offered(self):
        short = Schedule("ash", (hours(0, "09:00", "10:00"),))
        assert hhmm(offer(MONDAY, short, service=ServiceTiming(minutes(45)))) == ["09:00", "09:15"]
        assert offer(MONDAY, short, service=ServiceTiming(minutes(90))) == []

    def test_overlapping_periods_offer_each_start_once(self):
        double = Schedule("ash", (hours(0, "09:00", "11:00"), hours(0, "10:00", "12:00")))
        assert hhmm(offer(MONDAY, double, service=HOURLY, rules=EVERY_HOUR)) == [
            "09:00", "10:00", "11:00",
        ]  # fmt: skip

    def test_a_day_without_a_period_offers_nothing(self):
        assert offer(TUESDAY, MORNING) == []

    def test_the_range_of_dates_is_inclusive(self):
        both = Schedule("ash", (hours(0, "09:00", "10:00"), hours(1, "09:00", "10:00")))
        out = offer((MONDAY, TUESDAY), both, service=HOURLY)
        assert [s.start.isoformat() for s in out] == [
            "2026-06-15T09:00:00+01:00",
            "2026-06-16T09:00:00+01:00",
        ]


class TestSeveralPractitioners:
    BEA = Schedule("bea", (hours(0, "09:00", "10:00"),))
    ASH = Schedule("ash", (hours(0, "09:00", "10:00"),))
    RULES = Rules(step=minutes(30))

    def test_slots_sort_by_start_then_practitioner(self):
        out = offer(MONDAY, self.BEA, self.ASH, rules=self.RULES)
        assert [(s.start.strftime("%H:%M"), s.practitioner) for s in out] == [
            ("09:00", "ash"),
            ("09:00", "bea"),
            ("09:30", "ash"),
            ("09:30", "bea"),
        ]

    def test_any_practitioner_is_the_first_free_one_by_key(self):
        def first(*schedules: Schedule) -> str | None:
            return first_available(
                start=local(2026, 6, 15, 9),
                schedules=schedules,
                service=HALF_HOUR,
                rules=self.RULES,
                closed_days=frozenset(),
                now=NOW,
            )

        nine = (utc(2026, 6, 15, 8), utc(2026, 6, 15, 8, 30))
        assert first(self.BEA, self.ASH) == "ash"
        assert first(self.BEA, busy(self.ASH, nine)) == "bea"
        assert first(busy(self.BEA, nine), busy(self.ASH, nine)) is None

    def test_a_practitioner_needs_one_schedule(self):
        with pytest.raises(ValueError, match="exactly one schedule"):
            offer(MONDAY, self.ASH, self.ASH)


class TestBusyAndBuffers:
    TEN = (local(2026, 6, 15, 10), local(2026, 6, 15, 10, 30))

    def test_half_open_edges_touch_without_overlapping(self):
        out = offer(MONDAY, busy(MORNING, self.TEN))
        assert hhmm(out) == ["09:00", "09:15", "09:30", "10:30", "10:45", "11:00", "11:15", "11:30"]

    def test_buffers_keep_clear_before_and_after(self):
        service = ServiceTiming(minutes(30), buffer_before=minutes(10), buffer_after=minutes(5))
        out = offer(MONDAY, busy(MORNING, self.TEN), service=service)
        # 09:15 occupies 09:05-09:50; 09:30 would run to 10:05. 10:45 starts its buffer
        # at 10:35, after 10:30; 10:30 would start it at 10:20.
        assert hhmm(out) == ["09:00", "09:15", "10:45", "11:00", "11:15", "11:30"]

    def test_an_after_buffer_may_end_exactly_when_a_busy_range_starts(self):
        service = ServiceTiming(minutes(30), buffer_after=minutes(15))
        assert hhmm(offer(MONDAY, busy(MORNING, self.TEN), service=service))[:3] == [
            "09:00", "09:15", "10:30",
        ]  # fmt: skip

    def test_buffers_reach_busy_time_outside_the_period(self):
        short = Schedule("ash", (hours(0, "09:00", "10:00"),))
        service = ServiceTiming(minutes(30), buffer_before=minutes(10), buffer_after=minutes(15))
        before_nine = (local(2026, 6, 15, 8, 45), local(2026, 6, 15, 8, 55))
        from_ten = (local(2026, 6, 15, 10), local(2026, 6, 15, 10, 30))
        assert hhmm(offer(MONDAY, busy(short, before_nine), service=service)) == [
            "09:15", "09:30",
        ]  # fmt: skip
        assert hhmm(offer(MONDAY, busy(short, from_ten), service=service)) == ["09:00", "09:15"]

    def test_busy_ranges_in_any_zone_are_instants(self):
        in_utc = (utc(2026, 6, 15, 9), utc(2026, 6, 15, 9, 30))  # 10:00-10:30 BST
        assert offer(MONDAY, busy(MORNING, in_utc)) == offer(MONDAY, busy(MORNING, self.TEN))

    def test_occupied_is_the_range_the_diary_stores(self):
        service = ServiceTiming(minutes(30), buffer_before=minutes(10), buffer_after=minutes(5))
        assert occupied(local(2026, 6, 15, 9), service) == (
            utc(2026, 6, 15, 7, 50),
            utc(2026, 6, 15, 8, 35),
        )


class TestBreaksAndRotas:
    LUNCH = Break(0, dt.time(13), dt.time(14))
    DAY = Schedule("ash", (hours(0, "09:00", "17:00"),), (LUNCH,))

    def test_no_appointment_overlaps_lunch(self):
        out = offer(MONDAY, self.DAY, service=HOURLY, rules=Rules(step=minutes(30)))
        assert hhmm(out) == [
            "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00",
            "14:00", "14:30", "15:00", "15:30", "16:00",
        ]  # fmt: skip

    def test_buffers_may_run_into_a_break(self):
        service = ServiceTiming(minutes(60), buffer_after=minutes(15))
        assert "12:00" in hhmm(offer(MONDAY, self.DAY, service=service, rules=EVERY_HOUR))

    def test_a_break_with_dates_applies_only_then(self):
        lunch = Break(0, dt.time(13), dt.time(14), valid_from=dt.date(2026, 6, 22))
        day = Schedule("ash", (hours(0, "12:00", "15:00"),), (lunch,))
        assert hhmm(offer(MONDAY, day, service=HOURLY, rules=EVERY_HOUR)) == [
            "12:00", "13:00", "14:00",
        ]  # fmt: skip
        assert hhmm(offer(dt.date(2026, 6, 22), day, service=HOURLY, rules=EVERY_HOUR)) == [
            "12:00", "14:00",
        ]  # fmt: skip

    def test_a_new_rota_from_the_first_of_april(self):
        rota = Schedule(
            "ash",
            (
                hours(2, "09:00", "12:00", valid_until=dt.date(2026, 3, 31)),
                hours(2, "13:00", "17:00", valid_from=dt.date(2026, 4, 1)),
                hours(1, "09:00", "10:00", valid_until=dt.date(2026, 3, 31)),
            ),
        )

        def on(day: dt.date) -> list[str]:
            return hhmm(offer(day, rota, service=HOURLY, rules=EVERY_HOUR, now=utc(2026, 3, 1, 9)))

        assert on(dt.date(2026, 3, 25)) == ["09:00", "10:00", "11:00"]
        assert on(dt.date(2026, 4, 1)) == ["13:00", "14:00", "15:00", "16:00"]
        assert on(dt.date(2026, 3, 31)) == ["09:00"]  # the last day is included
        assert on(dt.date(2026, 4, 7)) == []


class TestTimeOffAndClosures:
    BOTH_DAYS = (hours(0, "09:00", "12:00"), hours(1, "09:00", "12:00"))
    ASH = Schedule("ash", BOTH_DAYS)
    BEA = Schedule("bea", BOTH_DAYS)

    def test_time_off_removes_what_it_overlaps(self):
        away = (utc(2026, 6, 15, 9), utc(2026, 6, 15, 10))  # 10:00-11:00 BST
        ash = Schedule("ash", self.BOTH_DAYS, time_off=(away,))
        out = offer(MONDAY, ash, service=HOURLY, rules=EVERY_HOUR)
        assert hhmm(out) == ["09:00", "11:00"]

    def test_a_closure_across_midnight_closes_the_clinic(self):
        closure = (local(2026, 6, 15, 11), local(2026, 6, 16, 10))
        out = offer((MONDAY, TUESDAY), self.ASH, self.BEA, service=HOURLY, rules=EVERY_HOUR,
                    closures=(closure,))  # fmt: skip
        assert [(s.start.strftime("%a %H:%M"), s.practitioner) for s in out] == [
            ("Mon 09:00", "ash"), ("Mon 09:00", "bea"), ("Mon 10:00", "ash"),
            ("Mon 10:00", "bea"), ("Tue 10:00", "ash"), ("Tue 10:00", "bea"),
            ("Tue 11:00", "ash"), ("Tue 11:00", "bea"),
        ]  # fmt: skip

    def test_a_closed_day_offers_nothing(self):
        out = offer((MONDAY, TUESDAY), self.ASH, service=HOURLY, closed_days={MONDAY})
        assert {s.start.date() for s in out} == {TUESDAY}

    def test_a_bank_holiday_is_closed_unless_the_caller_leaves_it_out(self):
        spring_bank_holiday = dt.date(2026, 5, 25)
        assert offer(spring_bank_holiday, self.ASH, closed_days={spring_bank_holiday}) == []
        assert len(offer(spring_bank_holiday, self.ASH, now=utc(2026, 5, 1, 9))) == 11


class TestNoticeAndHorizon:
    def test_exactly_the_minimum_notice_is_offered(self):
        out = offer(MONDAY, MORNING, now=utc(2026, 6, 15, 7))  # 08:00 BST, notice to 10:00
        assert hhmm(out) == ["10:00", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30"]

    def test_a_minute_less_notice_is_not(self):
        out = offer(MONDAY, MORNING, now=utc(2026, 6, 15, 7, 1))
        assert hhmm(out)[0] == "10:15"

    def test_no_notice_still_rules_out_the_past(self):
        out = offer(
            MONDAY, MORNING, now=utc(2026, 6, 15, 9, 50), rules=Rules(minimum_notice=minutes(0))
        )
        assert hhmm(out) == ["11:00", "11:15", "11:30"]  # it is 10:50 BST

    def test_the_last_day_of_the_horizon_is_offered_and_the_next_is_not(self):
        both = Schedule("ash", (hours(0, "09:00", "10:00"), hours(1, "09:00", "10:00")))
        out = offer((MONDAY, TUESDAY), both, service=HOURLY, rules=Rules(horizon_days=14))
        assert [s.start.date() for s in out] == [MONDAY]  # 1 June + 14 days

    def test_the_horizon_counts_from_the_local_date(self):
        # 23:30 UTC on 31 May is 00:30 BST on 1 June: the horizon counts from 1 June.
        both = Schedule("ash", (hours(0, "09:00", "10:00"), hours(1, "09:00", "10:00")))
        out = offer((MONDAY, TUESDAY), both, service=HOURLY, rules=Rules(horizon_days=14),
                    now=utc(2026, 5, 31, 23, 30))  # fmt: skip
        assert [s.start.date() for s in out] == [MONDAY]

    def test_is_bookable_agrees_with_the_edges(self):
        def bookable(start: dt.datetime, now: dt.datetime = NOW, **rules: object) -> bool:
            return is_bookable(
                start=start,
                practitioner="ash",
                schedules=[MORNING],
                service=HALF_HOUR,
                rules=Rules(**rules),  # type: ignore[arg-type]
                closed_days=frozenset(),
                now=now,
            )

        assert bookable(local(2026, 6, 15, 10), now=utc(2026, 6, 15, 7))
        assert not bookable(local(2026, 6, 15, 10), now=utc(2026, 6, 15, 7, 1))
        assert bookable(local(2026, 6, 15, 9), horizon_days=14)
        assert not bookable(local(2026, 6, 15, 9), horizon_days=13)
        assert not bookable(local(2026, 6, 15, 9, 5))  # off the grid
        assert not bookable(local(2026, 6, 15, 11, 45))  # would end after 12:00


class TestBookingAndCancelling:
    def test_booking_a_slot_takes_it_and_cancelling_gives_it_back(self):
        before = offer(MONDAY, MORNING, rules=Rules(step=minutes(30)))
        taken = occupied(before[1].start, HALF_HOUR)
        after = offer(MONDAY, busy(MORNING, taken), rules=Rules(step=minutes(30)))
        assert hhmm(before) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
        assert hhmm(after) == ["09:00", "10:00", "10:30", "11:00", "11:30"]
        assert offer(MONDAY, busy(MORNING), rules=Rules(step=minutes(30))) == before
