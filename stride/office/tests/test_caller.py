"""Booking for a caller starts by finding their record: a name with a typo finds it,
choosing it fills in the form and books on it, "New patient" comes only after a search,
and the audit trail says a search was made, never what was searched for."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from stride.booking.models import BookingDetails, DiaryEntry, Patient
from stride.office.models import AuditEvent, StaffProfile
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BST = dt.timezone(dt.timedelta(hours=1))
TEN_TODAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=BST)
URL = "/office/bookings/new/"
CHOICES = {"service": "follow-up", "practitioner": "amara-okafor", "day": "2026-06-01"}


@pytest.fixture
def margaret() -> Patient:
    return Patient.objects.create(name="Margaret Ellis", email="margaret@example.org",
                                  phone="+447700900456",
                                  date_of_birth=dt.date(1950, 3, 3))  # fmt: skip


def test_booking_for_a_caller_starts_with_the_search_and_no_new_patient_yet(staff_login):
    html = staff_login("reception").get(URL, CHOICES).content.decode()
    assert "Who is the patient?" in html
    assert "New patient" not in html and "Book and email the patient" not in html
    # The choices made so far travel with the search.
    for name, value in CHOICES.items():
        assert f'name="{name}" value="{value}"' in html


def test_a_name_with_a_typo_finds_the_record_and_new_patient_is_offered(staff_login, margaret):
    client = staff_login("reception")
    html = client.get(URL, {**CHOICES, "name": "Margret Elis", "find": "1"}).content.decode()
    assert "No record matches" in html and "Margaret Ellis" not in html  # two typos
    html = client.get(URL, {**CHOICES, "name": "Margret Ellis", "find": "1"}).content.decode()
    assert "Margaret Ellis" in html and "07700 900456" in html
    chosen = (
        "?service=follow-up&amp;practitioner=amara-okafor&amp;day=2026-06-01"
        f"&amp;patient={margaret.pk}"
    )
    assert chosen in html
    new = re.search(r'href="([^"]*new=1)"', html)
    assert new and "name=Margret+Ellis" in new.group(1)


@pytest.mark.parametrize(
    "given",
    [{"date_of_birth-day": "3", "date_of_birth-month": "3", "date_of_birth-year": "1950"},
     {"phone": "07700 900456"}, {"email": "Margaret@EXAMPLE.org"},
     {"name": "ellis", "phone": "+44 7700 900456"}],
)  # fmt: skip
def test_the_record_is_found_by_each_detail(staff_login, margaret, given):
    html = staff_login("reception").get(URL, {"find": "1", **given}).content.decode()
    assert f"patient={margaret.pk}" in html


@pytest.mark.parametrize(
    ("given", "words"),
    [({}, "Enter the caller&#x27;s name, date of birth, phone number or email."),
     ({"phone": "12"}, "Enter a UK phone number"), ({"email": "margaret"}, "email address"),
     ({"date_of_birth-day": "31", "date_of_birth-month": "2", "date_of_birth-year": "1950"},
      "Date of birth must be a real date"), ({"name": "M"}, "at least 2 letters")],
)  # fmt: skip
def test_a_search_that_cannot_be_made_says_why(staff_login, given, words):
    response = staff_login("reception").get(URL, {"find": "1", **given})
    assert response.status_code == 400 and words in response.content.decode()
    assert not AuditEvent.objects.filter(action="patient.search").exists()


def test_choosing_a_record_fills_in_the_form_and_books_on_that_record(
    staff_login, margaret, django_capture_on_commit_callbacks
):
    client = staff_login("reception")
    html = client.get(URL, {**CHOICES, "patient": margaret.pk}).content.decode()
    assert "Booking for <strong>Margaret Ellis</strong>" in html
    for field, value in (("name", "Margaret Ellis"), ("email", "margaret@example.org"),
                         ("phone", "07700 900456"), ("date_of_birth-day", "3"),
                         ("date_of_birth-month", "3"), ("date_of_birth-year", "1950")):  # fmt: skip
        assert re.search(rf'name="{field}"[^>]* value="{value}"', html), field
    assert f'name="patient" value="{margaret.pk}"' in html
    assert TEN_TODAY.isoformat() in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {
            **CHOICES, "patient": margaret.pk, "start": TEN_TODAY.isoformat(),
            "name": "Margaret Ellis", "email": "maggie.new@example.org", "phone": "07700 900456",
            "date_of_birth-day": "3", "date_of_birth-month": "3", "date_of_birth-year": "1950",
        })  # fmt: skip
    assert response.status_code == 302
    details = BookingDetails.objects.get(entry__start=TEN_TODAY)
    # A new email would not have matched the record on its own: the choice links it.
    assert details.patient == margaret and details.email == "maggie.new@example.org"
    assert Patient.objects.filter(name="Margaret Ellis").count() == 1


def test_a_new_patient_carries_what_was_typed_into_the_form(staff_login):
    html = staff_login("reception").get(URL, {
        **CHOICES, "new": "1", "name": "Nora New", "phone": "07700 900111",
    }).content.decode()  # fmt: skip
    assert 'value="Nora New"' in html and 'value="07700 900111"' in html
    assert 'name="new" value="1"' in html and "Back to the search" in html


def test_the_audit_trail_says_searched_and_viewed_never_what(staff_login, margaret):
    client = staff_login("reception")
    client.get(URL, {"find": "1", "name": "Margaret Ellis", "phone": "07700 900456",
                     "email": "margaret@example.org"})  # fmt: skip
    client.get(URL, {**CHOICES, "patient": margaret.pk})
    rows = list(AuditEvent.objects.values_list("action", "subject"))
    assert ("patient.search", "") in rows and ("patient.view", f"patient:{margaret.pk}") in rows
    written = " ".join(f"{a} {s}" for a, s in rows).lower()
    for secret in ("margaret", "ellis", "900456", "example.org", "1950"):
        assert secret not in written


def test_a_practitioner_finds_and_chooses_only_their_own_patients(staff_login, margaret):
    amara = Practitioner.objects.get(slug="amara-okafor")
    StaffProfile.objects.filter(practitioner=amara).delete()
    client = staff_login("practitioner", practitioner=amara)
    html = client.get(URL, {"find": "1", "name": "Margaret Ellis"}).content.decode()
    assert "No record matches" in html
    assert client.get(URL, {"patient": margaret.pk}).status_code == 404
    response = client.post(URL, {**CHOICES, "patient": margaret.pk})
    assert response.status_code == 404 and not DiaryEntry.objects.filter(start=TEN_TODAY)
