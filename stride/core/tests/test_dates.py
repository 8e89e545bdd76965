import datetime as dt

import pytest

from stride.core.dates import date_of_birth

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("day", "month", "year", "value"),
    [
        ("10", "12", "1990", dt.date(1990, 12, 10)),
        (" 7 ", "3", "1941", dt.date(1941, 3, 7)),
        ("07", "03", "1941", dt.date(1941, 3, 7)),
        ("1", "Feb", "2000", dt.date(2000, 2, 1)),
        ("29", "february", "2024", dt.date(2024, 2, 29)),
        ("1", "6", "2026", TODAY),
    ],
)
def test_it_reads_dates_as_people_type_them(day, month, year, value):
    assert date_of_birth(day, month, year, today=TODAY).value == value


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "boxes"),
    [
        ("", "", "", "Enter your date of birth", ("day", "month", "year")),
        ("10", "", "1990", "Date of birth must include a month", ("month",)),
        ("", "", "1990", "Date of birth must include a day and a month", ("day", "month")),
        ("31", "2", "1990", "Date of birth must be a real date", ("day", "month", "year")),
        ("29", "2", "2023", "Date of birth must be a real date", ("day", "month", "year")),
        ("x", "2", "1990", "Date of birth must be a real date", ("day", "month", "year")),
        ("10", "13", "1990", "Date of birth must be a real date", ("day", "month", "year")),
        ("10", "12", "90", "Year must include 4 numbers", ("year",)),
        ("2", "6", "2026", "Date of birth must be in the past", ("day", "month", "year")),
        ("1", "1", "1899", "Date of birth must be after 1900", ("year",)),
        ("\u0661", "2", "1990", "Date of birth must be a real date", ("day", "month", "year")),
    ],
)
def test_each_problem_has_its_own_message_and_boxes(day, month, year, message, boxes):
    answer = date_of_birth(day, month, year, today=TODAY)
    assert answer.value is None
    assert (answer.message, answer.boxes) == (message, boxes)
