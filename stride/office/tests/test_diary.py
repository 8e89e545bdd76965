"""The diary: who sees which columns, the clinic's zone, and clock-change days."""

from __future__ import annotations

import datetime as dt

import pytest

from stride.booking import services
from stride.booking.models import Service
from stride.office.models import AuditEvent, StaffProfile
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BST = dt.timezone(dt.timedelta(hours=1))


def _book(slug: str, hour: int, name: str, summary: str = "") -> None:
    services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug=slug),
        start=dt.datetime(2026, 6, 2, hour, 0, tzinfo=BST),
        details=services.PatientDetails(
            name=name, email=f"{name.split()[0].lower()}@example.org", phone="+447700900123",
            date_of_birth=dt.date(1980, 1, 1), assessment_summary=summary,
        ),
    )  # fmt: skip


@pytest.fixture
def two_bookings():
    _book("amara-okafor", 10, "Ada Patient", summary="Self-assessment: heel pain.")
    _book("tomasz-nowak", 11, "Ben Patient")


def test_reception_sees_every_practitioner_and_the_summary(staff_login, two_bookings):
    client = staff_login("reception")
    html = client.get("/office/diary/", {"day": "2026-06-02"}).content.decode()
    assert "Ada Patient" in html and "Ben Patient" in html
    assert "Symptom check shared" in html  # said in the grid; read on the entry's page
    assert "10:00" in html and "11:00" in html  # local (BST) times
    assert AuditEvent.objects.filter(action="diary.view_day", subject="day:2026-06-02").exists()


def test_a_practitioner_sees_only_their_own_diary(staff_login, two_bookings):
    amara = Practitioner.objects.get(slug="amara-okafor")
    StaffProfile.objects.filter(practitioner=amara).delete()  # the demo's own account
    client = staff_login("practitioner", practitioner=amara)
    html = client.get("/office/diary/", {"day": "2026-06-02"}).content.decode()
    assert "Ada Patient" in html and "Ben Patient" not in html
    wanted = client.get("/office/diary/", {"day": "2026-06-02", "practitioner": "tomasz-nowak"})
    assert wanted.status_code == 404


def test_strangers_are_sent_to_sign_in(client, two_bookings):
    response = client.get("/office/diary/")
    assert response.status_code == 302 and response["Location"].startswith("/office/login/")


@pytest.mark.parametrize(("day", "hours"), [("2026-03-29", 23), ("2026-10-25", 25)])
def test_clock_change_days_say_so(staff_login, day, hours):
    html = staff_login("reception").get("/office/diary/", {"day": day}).content.decode()
    assert f"this day has {hours} hours" in html


def test_a_bad_day_is_404(staff_login):
    client = staff_login("reception")
    assert client.get("/office/diary/", {"day": "2026-13-01"}).status_code == 404
    assert client.get("/office/diary/", {"day": "1066-10-14"}).status_code == 404
