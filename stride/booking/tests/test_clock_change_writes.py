"""Appointments that cross the autumn clock change keep their real length.

On the last Sunday of October 01:00-01:59 happens twice in London. A start given in
the clinic's zone (as the booking form, the API and the slot grid give it) plus the
service's length must be that much real time later, not that much wall-clock time:
01:30 BST plus 30 minutes is 01:00 GMT, not 02:00 GMT.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from stride import clock
from stride.booking import services, waitlist
from stride.booking.models import DiaryEntry, Service, WaitlistRequest, WorkingPeriod
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic")

LONDON = ZoneInfo("Europe/London")
# The instant in UTC: a repeated wall time never equals a time in another zone (PEP 495).
FIRST_0130 = dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)
ON_THE_CLOCK = FIRST_0130.astimezone(LONDON)  # 01:30 BST, as the booking form gives it
BEFORE = dt.datetime(2027, 10, 25, 9, 0, tzinfo=dt.UTC)
HALF_HOUR = dt.timedelta(minutes=30)


@pytest.fixture
def night_rota():
    person = Practitioner.objects.get(slug="tomasz-nowak")
    WorkingPeriod.objects.create(practitioner=person, weekday=6, start=dt.time(0),
                                 end=dt.time(6))  # fmt: skip
    return person


def _real_length(entry: DiaryEntry) -> dt.timedelta:
    entry.refresh_from_db()
    return entry.end - entry.start


def test_the_api_books_01_30_bst_for_thirty_real_minutes(client, night_rota):
    body = {
        "service": "follow-up", "practitioner": "tomasz-nowak",
        "start": "2027-10-31T01:30:00+01:00", "consent": True,
        "patient": {"name": "Ada Lovelace", "email": "ada@example.com",
                    "phone": "07700 900123", "date_of_birth": "1990-12-10"},
    }  # fmt: skip
    with clock.pinned(BEFORE):
        response = client.post("/api/bookings", data=json.dumps(body),
                               content_type="application/json")  # fmt: skip
    assert response.status_code == 201, response.content
    entry = DiaryEntry.objects.get(reference=response.json()["reference"])
    assert entry.start == FIRST_0130
    assert entry.end.isoformat() == "2027-10-31T01:00:00+00:00"  # 01:00 GMT
    assert _real_length(entry) == HALF_HOUR


def test_moving_a_booking_onto_the_night_keeps_its_length(night_rota):
    service = Service.objects.get(slug="follow-up")
    details = services.PatientDetails(name="Ada Lovelace", email="ada@example.com",
                                      phone="+447700900123",
                                      date_of_birth=dt.date(1990, 12, 10))  # fmt: skip
    with clock.pinned(BEFORE):
        booked = services.booking_create(service=service, practitioner=night_rota,
                                         start=ON_THE_CLOCK + dt.timedelta(days=7),
                                         details=details)  # fmt: skip
        moved = services.booking_reschedule(entry=booked.entry, start=ON_THE_CLOCK)
    assert moved.start == FIRST_0130
    assert _real_length(moved) == HALF_HOUR


def test_a_waitlist_hold_on_the_night_keeps_its_length(night_rota):
    service = Service.objects.get(slug="follow-up")
    request = WaitlistRequest.objects.create(
        service=service, practitioner=night_rota, earliest=ON_THE_CLOCK.date(),
        latest=ON_THE_CLOCK.date(), name="Ada Lovelace", email="ada@example.com",
        phone="+447700900123", date_of_birth=dt.date(1990, 12, 10), token_hash="0" * 64,
    )  # fmt: skip
    with clock.pinned(BEFORE):
        made = waitlist.offer(request=request, start=ON_THE_CLOCK, practitioner=night_rota.slug)
    hold = DiaryEntry.objects.get(pk=made.hold.pk)
    assert hold.start == FIRST_0130
    assert _real_length(hold) == HALF_HOUR
