import datetime as dt

import pytest

from stride.core import datepicker
from stride.core.datepicker import add_months, month_weeks, neighbours

D = dt.date


def test_a_month_is_weeks_from_monday_with_blanks_for_other_months():
    weeks = month_weeks(D(2026, 6, 1))  # 1 June 2026 is a Monday
    assert len(weeks) == 5
    assert weeks[0] == [D(2026, 6, d) for d in range(1, 8)]
    assert weeks[-1] == [D(2026, 6, 29), D(2026, 6, 30), None, None, None, None, None]
    assert all(len(week) == 7 for week in weeks)


def test_a_month_starting_on_sunday_takes_six_weeks():
    weeks = month_weeks(D(2026, 11, 1))  # a Sunday
    assert len(weeks) == 6
    assert weeks[0] == [None] * 6 + [D(2026, 11, 1)]
    assert weeks[-1][0] == D(2026, 11, 30)


def test_february_in_a_leap_year_has_29_days():
    days = [d for week in month_weeks(D(2028, 2, 1)) for d in week if d]
    assert days[-1] == D(2028, 2, 29)
    assert len(days) == 29


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (D(2026, 6, 1), 1, D(2026, 7, 1)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2026, 1, 1), -1, D(2025, 12, 1)),
        (D(2026, 6, 1), -18, D(2024, 12, 1)),
        (D(2026, 6, 1), 0, D(2026, 6, 1)),
    ],
)
def test_adding_months_crosses_years(month, count, expected):
    assert add_months(month, count) == expected


def test_month_end_knows_the_length_of_each_month():
    assert datepicker.month_end(D(2026, 2, 1)) == D(2026, 2, 28)
    assert datepicker.month_end(D(2026, 12, 1)) == D(2026, 12, 31)


def test_neighbours_stay_within_the_bookable_days():
    today, last = D(2026, 6, 1), D(2026, 8, 24)
    assert neighbours(D(2026, 6, 1), today, last) == (None, D(2026, 7, 1))
    assert neighbours(D(2026, 7, 1), today, last) == (D(2026, 6, 1), D(2026, 8, 1))
    assert neighbours(D(2026, 8, 1), today, last) == (D(2026, 7, 1), None)
    # Today late in a month: the month before still holds no bookable day.
    assert neighbours(D(2026, 6, 1), D(2026, 6, 30), D(2026, 7, 1)) == (None, D(2026, 7, 1))


def test_a_month_asked_for_is_moved_into_the_bookable_months():
    today, last = D(2026, 6, 10), D(2026, 9, 2)
    assert datepicker.clamp_month(D(2020, 1, 1), today, last) == D(2026, 6, 1)
    assert datepicker.clamp_month(D(2026, 7, 15), today, last) == D(2026, 7, 1)
    assert datepicker.clamp_month(D(2030, 1, 1), today, last) == D(2026, 9, 1)


def test_the_first_free_day_on_or_after_a_date_else_the_first_of_all():
    days = [D(2026, 6, 9), D(2026, 6, 2), D(2026, 6, 16)]
    assert datepicker.first_on_or_after(days, D(2026, 6, 3)) == D(2026, 6, 9)
    assert datepicker.first_on_or_after(days, D(2026, 6, 20)) == D(2026, 6, 2)
    assert datepicker.first_on_or_after([], D(2026, 6, 20)) is None


@pytest.mark.parametrize(
    ("moment", "part"),
    [
        (dt.time(0, 0), "Morning"),
        (dt.time(9, 0), "Morning"),
        (dt.time(11, 59), "Morning"),
        (dt.time(12, 0), "Afternoon"),
        (dt.time(16, 45), "Afternoon"),
        (dt.time(17, 0), "Evening"),
        (dt.time(19, 30), "Evening"),
    ],
)
def test_parts_of_the_day_begin_at_midday_and_5pm(moment, part):
    assert datepicker.part_of_day(moment) == part


def test_times_group_into_parts_of_the_day_in_order_leaving_out_empty_parts():
    times = [dt.time(9), dt.time(11, 45), dt.time(17, 15), dt.time(18)]
    assert datepicker.by_part_of_day(times, lambda t: t) == [
        ("Morning", [dt.time(9), dt.time(11, 45)]),
        ("Evening", [dt.time(17, 15), dt.time(18)]),
    ]
    assert datepicker.by_part_of_day([], lambda t: t) == []


def test_first_each_keeps_one_item_per_key_the_first():
    slots = [("09:00", "amara"), ("09:00", "tomasz"), ("09:15", "tomasz"), ("09:30", "amara")]
    assert datepicker.first_each(slots, lambda s: s[0]) == [
        ("09:00", "amara"),
        ("09:15", "tomasz"),
        ("09:30", "amara"),
    ]
