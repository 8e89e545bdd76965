"""The model refuses what it cannot mean: reversed times, naive datetimes, bad rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfoNotFoundError

import pytest

from stride.core.scheduling import Rules, Schedule, ServiceTiming, WorkingPeriod, slots
from stride.core.scheduling.tests.builders import HALF_HOUR, NOW, hours, minutes, offer, utc

MONDAY = dt.date(2026, 6, 15)
MORNING = Schedule("ash", (hours(0, "09:00", "12:00"),))


class TestValidation:
    def test_periods_must_end_after_they_start(self):
        with pytest.raises(ValueError, match="after"):
            WorkingPeriod(0, dt.time(17), dt.time(9))

    def test_weekdays_run_from_monday_to_sunday(self):
        with pytest.raises(ValueError, match="weekday"):
            WorkingPeriod(7, dt.time(9), dt.time(17))

    def test_rota_dates_must_be_in_order(self):
        with pytest.raises(ValueError, match="valid_until"):
            hours(0, "09:00", "17:00", valid_from=MONDAY, valid_until=dt.date(2026, 6, 1))

    def test_services_take_time(self):
        with pytest.raises(ValueError, match="some time"):
            ServiceTiming(minutes(0))
        with pytest.raises(ValueError, match="negative"):
            ServiceTiming(minutes(30), buffer_after=minutes(-5))

    def test_rules_need_a_real_zone_and_step(self):
        with pytest.raises(ZoneInfoNotFoundError):
            Rules(zone="Europe/Nowhere")
        with pytest.raises(ValueError, match="step"):
            Rules(step=minutes(0))

    def test_times_must_be_aware(self):
        with pytest.raises(ValueError, match="aware"):
            Schedule("ash", (), busy=((dt.datetime(2026, 6, 15, 9), utc(2026, 6, 15, 10)),))
        with pytest.raises(ValueError, match="aware"):
            offer(MONDAY, MORNING, now=dt.datetime(2026, 6, 1, 8))
        with pytest.raises(ValueError, match="aware"):
            slots(
                schedules=[MORNING], service=HALF_HOUR, rules=Rules(), closed_days=frozenset(),
                closures=((dt.datetime(2026, 6, 15, 9), utc(2026, 6, 15, 10)),),
                first_day=MONDAY, last_day=MONDAY, now=NOW,
            )  # fmt: skip
