"""Managing a booking with its token: view, cancel, reschedule."""

import datetime as dt
import json
from typing import Any

import pytest

from stride import clock
from stride.booking.models import DiaryEntry

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # Mon 1 June 2026 09:30 BST

PATIENT = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
           "date_of_birth": "1990-12-10"}  # fmt: skip
BODY: dict[str, Any] = {
    "service": "follow-up", "practitioner": "tomasz-nowak", "start": "2026-06-03T10:00:00+01:00",
    "patient": PATIENT,
    "consent": True,
}  # fmt: skip


@pytest.fixture
def booked(client):
    response = client.post("/api/bookings", data=json.dumps(BODY), content_type="application/json")
    assert response.status_code == 201
    return response.json()


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_token_shows_the_booking_without_personal_details(client, booked):
    response = client.get(f"/api/bookings/{booked['reference']}", **auth(booked["manage_token"]))
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "reference": booked["reference"], "service": "follow-up", "practitioner": "tomasz-nowak",
        "start": "2026-06-03T10:00:00+01:00", "end": "2026-06-03T10:30:00+01:00",
        "status": "confirmed", "can_cancel": True, "can_reschedule": True,
    }  # fmt: skip
    assert "Ada" not in response.content.decode()


@pytest.mark.parametrize("token", ["wrong", "", "Bearer"])
def test_a_wrong_token_or_reference_is_the_same_404(client, booked, token):
    wrong = client.get(f"/api/bookings/{booked['reference']}", **auth(token))
    unknown = client.get("/api/bookings/AAA-AAA", **auth(booked["manage_token"]))
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_an_expired_token_is_404(client, booked):
    with clock.pinned(dt.datetime(2026, 7, 4, 10, 0, tzinfo=dt.UTC)):  # 30 days after
        response = client.get(
            f"/api/bookings/{booked['reference']}", **auth(booked["manage_token"])
        )
    assert response.status_code == 404


def test_cancelling_frees_the_slot(client, booked):
    response = client.post(f"/api/bookings/{booked['reference']}/cancel",
                           **auth(booked["manage_token"]))  # fmt: skip
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    entry = DiaryEntry.objects.get()
    assert (entry.cancelled_by, entry.version, entry.calendar_sequence) == ("patient", 2, 1)
    again = client.post("/api/bookings", data=json.dumps(BODY), content_type="application/json")
    assert again.status_code == 201


def test_cancelling_inside_the_late_window_is_refused_with_the_phone(client, booked):
    with clock.pinned(dt.datetime(2026, 6, 2, 10, 30, tzinfo=dt.UTC)):  # 23.5 hours before
        response = client.post(f"/api/bookings/{booked['reference']}/cancel",
                               **auth(booked["manage_token"]))  # fmt: skip
    assert response.status_code == 409
    data = response.json()
    assert data["errors"][0]["code"] == "late_cancellation"
    assert data["phone"] == "020 7946 0321"
    assert DiaryEntry.objects.get().status == "confirmed"


def test_rescheduling_moves_the_same_booking(client, booked):
    token = booked["manage_token"]
    response = client.post(
        f"/api/bookings/{booked['reference']}/reschedule",
        data=json.dumps({"start": "2026-06-03T10:15:00+01:00"}), content_type="application/json",
        **auth(token),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["start"] == "2026-06-03T10:15:00+01:00"  # overlaps its old time
    entry = DiaryEntry.objects.get()
    assert entry.reference == booked["reference"]
    assert entry.calendar_sequence == 1
    assert client.get(f"/api/bookings/{booked['reference']}", **auth(token)).status_code == 200


def test_rescheduling_onto_a_taken_time_keeps_the_old_one(client, booked):
    other = {**BODY, "start": "2026-06-03T11:00:00+01:00",
             "patient": {**PATIENT, "email": "bob@example.com", "name": "Bob"}}  # fmt: skip
    assert client.post("/api/bookings", data=json.dumps(other),
                       content_type="application/json").status_code == 201  # fmt: skip
    response = client.post(
        f"/api/bookings/{booked['reference']}/reschedule",
        data=json.dumps({"start": "2026-06-03T11:00:00+01:00"}), content_type="application/json",
        **auth(booked["manage_token"]),
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["alternatives"]
    mine = DiaryEntry.objects.get(reference=booked["reference"])
    assert mine.start.isoformat() == "2026-06-03T09:00:00+00:00"
    assert mine.status == "confirmed"


def test_rescheduling_refuses_bad_times(client, booked):
    response = client.post(
        f"/api/bookings/{booked['reference']}/reschedule",
        data=json.dumps({"start": "2026-06-03T10:07:00+01:00"}), content_type="application/json",
        **auth(booked["manage_token"]),
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "off_grid"


def test_rescheduling_to_any_practitioner_takes_the_first_free_one(client, booked):
    response = client.post(
        f"/api/bookings/{booked['reference']}/reschedule",
        data=json.dumps({"start": "2026-06-03T11:00:00+01:00", "practitioner": "any"}),
        content_type="application/json", **auth(booked["manage_token"]),
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["practitioner"] == "amara-okafor"


def test_rescheduling_later_keeps_the_link_alive_and_rearms_reminders(client, booked):
    from stride.booking.models import BookingDetails, Reminder

    entry = DiaryEntry.objects.get()
    Reminder.objects.create(entry=entry, hours_before=48, claimed_at=entry.start)
    response = client.post(
        f"/api/bookings/{booked['reference']}/reschedule",
        data=json.dumps({"start": "2026-08-04T10:00:00+01:00"}), content_type="application/json",
        **auth(booked["manage_token"]),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    details = BookingDetails.objects.get()
    assert details.manage_token_expires_at.date().isoformat() == "2026-09-03"
    assert not Reminder.objects.exists()


def test_a_cancelled_booking_cannot_be_moved_and_says_why(client, booked):
    token = auth(booked["manage_token"])
    client.post(f"/api/bookings/{booked['reference']}/cancel", **token)
    response = client.post(f"/api/bookings/{booked['reference']}/reschedule",
                           data=json.dumps({"start": "2026-06-03T11:00:00+01:00"}),
                           content_type="application/json", **token)  # fmt: skip
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "not_confirmed" and "cancelled" in error["message"]
    assert DiaryEntry.objects.get().status == "cancelled"
