"""The details form on the GOV.UK pattern: date of birth as three boxes, an error summary
whose every item links to its field, specific messages, fields in error marked, and the
late-change rule said before the patient books. The waitlist and staff booking read the
same boxes."""

import datetime as dt
import re

import pytest

from stride.booking.models import DiaryEntry, WaitlistRequest
from stride.web import patientform

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # Mon 1 June 2026 09:30 BST

DETAILS = "/book/follow-up/details/"
BOXES = {"date_of_birth-day": "10", "date_of_birth-month": "12", "date_of_birth-year": "1990"}
FORM = {"start": "2026-06-02T10:00:00+01:00", "practitioner": "tomasz-nowak",
        "submission": "s-1", "name": "Ada Lovelace", "email": "ada@example.com",
        "phone": "07700 900123", "consent": "yes", **BOXES}  # fmt: skip


def _found(pattern: str, html: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return match.group(0)


def summary_links(html: str) -> list[tuple[str, str]]:
    box = re.search(r'<div class="[^"]*error-summary.*?</div>', html, re.S)
    assert box, "no error summary"
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', box.group(0))


def test_the_form_asks_for_the_date_of_birth_as_day_month_and_year(client):
    html = client.get(DETAILS, {"start": FORM["start"]}).content.decode()
    fieldset = _found(r'<fieldset class="date-input".*?</fieldset>', html)
    assert "<legend>Date of birth</legend>" in fieldset
    for box, label in [("day", "Day"), ("month", "Month"), ("year", "Year")]:
        assert f'<label for="date_of_birth-{box}">{label}</label>' in fieldset
        named = f'id="date_of_birth-{box}" name="date_of_birth-{box}" inputmode="numeric"'
        assert named in fieldset
    assert 'type="date"' not in html
    assert "1990-12-10" not in html  # the old hint, which contradicted the control


def test_the_three_boxes_book_with_the_date_they_make(client):
    response = client.post(DETAILS, {**FORM, "date_of_birth-month": "Dec"})
    assert response.status_code == 302
    assert DiaryEntry.objects.get().details.date_of_birth == dt.date(1990, 12, 10)


def test_every_problem_is_listed_at_the_top_as_a_link_to_its_field(client):
    bad = {**FORM, "name": " ", "email": "ada@", "phone": "12", "date_of_birth-day": "31",
           "date_of_birth-month": "2", "consent": ""}  # fmt: skip
    response = client.post(DETAILS, bad)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Your details" in html
    assert "There is a problem" in html and "Please check the form" not in html
    assert summary_links(html) == [
        ("name", "Enter your full name"),
        ("email", "Enter an email address in the correct format, like name@example.com"),
        ("phone", "Enter a UK phone number, like 07700 900123"),
        ("date_of_birth-day", "Date of birth must be a real date"),
        ("consent", "Please agree to the privacy notice to book."),
    ]
    # Each anchor is a field on the page, marked as in error, with its message beside it.
    for anchor, message in summary_links(html):
        field = re.search(rf'<input[^>]* id="{anchor}"[^>]*>', html)
        assert field and 'aria-invalid="true"' in field.group(0), anchor
        assert html.count(message) == 2, message  # in the summary and next to the field
    assert not DiaryEntry.objects.exists()


@pytest.mark.parametrize(
    ("boxes", "message", "marked"),
    [
        (("", "", ""), "Enter your date of birth", ("day", "month", "year")),
        (("10", "", "1990"), "Date of birth must include a month", ("month",)),
        (("10", "12", "90"), "Year must include 4 numbers", ("year",)),
        (("10", "12", "2027"), "Date of birth must be in the past", ("day", "month", "year")),
        (("10", "12", "1890"), "Date of birth must be after 1900", ("year",)),
    ],
)
def test_a_wrong_date_of_birth_marks_only_the_boxes_at_fault(client, boxes, message, marked):
    typed = dict(zip(BOXES, boxes, strict=True))
    html = client.post(DETAILS, {**FORM, **typed}).content.decode()
    assert summary_links(html) == [(f"date_of_birth-{marked[0]}", message)]
    for box in ("day", "month", "year"):
        field = _found(rf'<input[^>]* id="date_of_birth-{box}"[^>]*>', html)
        assert ('aria-invalid="true"' in field) == (box in marked), box
        assert f'value="{typed[f"date_of_birth-{box}"]}"' in field  # kept as typed


def test_a_date_of_birth_posted_as_one_field_is_still_read(client):
    legacy = {k: v for k, v in FORM.items() if k not in BOXES} | {"date_of_birth": "1990-12-10"}
    assert client.post(DETAILS, legacy).status_code == 302
    assert DiaryEntry.objects.get().details.date_of_birth == dt.date(1990, 12, 10)


def test_the_late_change_rule_is_said_before_booking(client):
    html = client.get(DETAILS, {"start": FORM["start"]}).content.decode()
    # Tuesday 10am, with the demo clinic's 24 hours: online changes close Monday 10am.
    assert "online until 10am on Monday 1 June (24 hours before it)" in html
    soon = client.get(DETAILS, {"start": "2026-06-01T15:00:00+01:00"}).content.decode()
    assert "less than 24 hours away, so once booked it cannot be moved or cancelled online" in soon


def test_the_waitlist_form_reads_the_same_boxes(client):
    form = {"practitioner": "any", "earliest": "2026-06-20", "latest": "2026-06-21",
            "name": "Grace Hopper", "email": "grace@example.org", "phone": "07700 900456",
            "consent": "yes", **BOXES, "date_of_birth-year": "19"}  # fmt: skip
    html = client.post("/book/follow-up/waitlist/", form).content.decode()
    assert summary_links(html) == [("date_of_birth-year", "Year must include 4 numbers")]
    assert not WaitlistRequest.objects.exists()


def test_the_summary_says_a_problem_with_a_field_not_on_the_page_without_a_link():
    errors: dict[str | None, str] = {"start": "Choose one of the times offered.",
                                     "name": "Enter your full name"}  # fmt: skip
    assert patientform.summary(errors, ("name", "email")) == [
        ("name", "Enter your full name"), ("", "Choose one of the times offered.")
    ]  # fmt: skip
