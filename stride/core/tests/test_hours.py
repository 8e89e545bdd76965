import datetime as dt

import pytest

from stride.core import hours
from stride.core.hours import Session


def test_it_lists_seven_days_from_monday_with_closed_days():
    week = hours.week(
        [
            Session(0, dt.time(14), dt.time(18)),
            Session(0, dt.time(9), dt.time(13)),
            Session(5, dt.time(9, 30), dt.time(12, 15)),
        ]
    )
    assert [d.day for d in week] == list(hours.DAY_NAMES)
    assert [d.text for d in week] == [
        "9am to 1pm, 2pm to 6pm",
        "Closed",
        "Closed",
        "Closed",
        "Closed",
        "9:30am to 12:15pm",
        "Closed",
    ]
    assert week[1].closed
    assert not week[0].closed


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.time(0, 0), "midnight"),
        (dt.time(0, 30), "12:30am"),
        (dt.time(9, 0), "9am"),
        (dt.time(9, 5), "9:05am"),
        (dt.time(10, 15), "10:15am"),
        (dt.time(12, 0), "midday"),
        (dt.time(12, 30), "12:30pm"),
        (dt.time(14, 30), "2:30pm"),
        (dt.time(17, 0), "5pm"),
        (dt.time(23, 59), "11:59pm"),
    ],
)
def test_it_formats_times_the_nhs_way(value, text):
    assert hours.format_time(value) == text


def test_it_rejects_a_session_that_closes_before_it_opens():
    with pytest.raises(ValueError, match="after opening"):
        Session(0, dt.time(17), dt.time(9))
    with pytest.raises(ValueError, match="after opening"):
        Session(0, dt.time(9), dt.time(9))


def test_it_rejects_a_weekday_out_of_range():
    with pytest.raises(ValueError, match="weekday"):
        Session(7, dt.time(9), dt.time(10))


def test_it_finds_overlapping_sessions_on_the_same_day_only():
    a = Session(0, dt.time(9), dt.time(13))
    b = Session(0, dt.time(12), dt.time(14))
    c = Session(0, dt.time(13), dt.time(15))  # touches b's end? no: b ends 14:00
    d = Session(1, dt.time(9), dt.time(13))
    touching = Session(1, dt.time(13), dt.time(14))  # half-open: 13:00 is free
    assert hours.overlapping([d, c, a, b, touching]) == [(a, b), (b, c)]


@pytest.mark.parametrize(
    ("start", "today", "years"),
    [
        (2012, dt.date(2026, 1, 1), 14),
        (2026, dt.date(2026, 6, 1), 0),
        (2030, dt.date(2026, 6, 1), 0),
    ],
)
def test_it_counts_whole_years_of_practice(start, today, years):
    assert hours.years_since(start, today) == years
