"""Confirmation, change and cancellation emails, with calendar files that calendars accept."""

import json

import pytest
from django.core import mail
from icalendar import Calendar  # type: ignore[import-untyped]

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")

PATIENT = {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
           "date_of_birth": "1990-12-10"}  # fmt: skip
BODY = {
    "service": "follow-up", "practitioner": "tomasz-nowak", "start": "2026-06-03T10:00:00+01:00",
    "patient": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
                "date_of_birth": "1990-12-10"},
    "consent": True,
}  # fmt: skip


def _book(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/bookings", data=json.dumps(BODY),
                               content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    return response.json()


def _event(message):
    name, data, mimetype = message.attachments[0]
    assert name == "appointment.ics"
    assert mimetype.startswith("text/calendar; method=")
    cal = Calendar.from_ical(data)
    return cal, next(c for c in cal.walk("VEVENT"))


def test_a_booking_sends_a_confirmation_with_a_calendar_request(
    client, django_capture_on_commit_callbacks
):
    booked = _book(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert booked["reference"] in message.subject
    assert booked["manage_url"] in message.body
    assert "Wednesday 3 June 2026 at 10am" in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert booked["manage_url"] in html
    cal, event = _event(message)
    assert str(cal["method"]) == "REQUEST"
    # 10:00 BST written as the instant in UTC: no zone for a calendar to misread.
    assert "TZID" not in event["dtstart"].params
    assert event["dtstart"].dt.isoformat() == "2026-06-03T09:00:00+00:00"
    assert event["dtend"].dt.isoformat() == "2026-06-03T09:30:00+00:00"
    assert str(event["organizer"]) == "mailto:hello@larkfield-clinic.example"
    assert str(event["attendee"]) == "mailto:ada@example.com"
    assert int(event["sequence"]) == 0
    assert cal.walk("VTIMEZONE") == []
    assert booked["reference"] in str(event["description"])
    assert [str(a["action"]) for a in event.walk("VALARM")] == ["DISPLAY"]


def test_reschedule_keeps_the_uid_and_raises_the_sequence_then_cancel_sends_cancel(
    client, django_capture_on_commit_callbacks
):
    booked = _book(client, django_capture_on_commit_callbacks)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {booked['manage_token']}"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/bookings/{booked['reference']}/reschedule",
                    data=json.dumps({"start": "2026-06-03T11:00:00+01:00"}),
                    content_type="application/json", **auth)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/bookings/{booked['reference']}/cancel", **auth)
    assert len(mail.outbox) == 3
    events = [_event(m) for m in mail.outbox]
    uids = {str(e["uid"]) for _, e in events}
    assert len(uids) == 1
    assert [int(e["sequence"]) for _, e in events] == [0, 1, 2]
    assert [str(c["method"]) for c, _ in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert events[1][1]["dtstart"].dt.isoformat() == "2026-06-03T10:00:00+00:00"  # 11:00 BST
    assert str(events[2][1]["status"]) == "CANCELLED"
    assert events[2][1].walk("VALARM") == [], "no reminder for a cancelled appointment"
    assert booked["manage_token"] not in mail.outbox[1].body


def test_a_failed_booking_sends_nothing(client, django_capture_on_commit_callbacks):
    _book(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/api/bookings", data=json.dumps(BODY), content_type="application/json")
    assert again.status_code == 409
    assert len(mail.outbox) == 1


def test_a_name_with_line_breaks_or_bidi_controls_is_refused(client):
    for name in ("Ada\nURGENT: pay the fee at https://example.net", "Ada \u202eefi.exe"):
        body = {**BODY, "patient": {**PATIENT, "name": name}}
        response = client.post("/api/bookings", data=json.dumps(body),
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 400
        assert response.json()["errors"][0] == {
            "field": "patient.name", "code": "invalid_characters",
            "message": "Use plain text on one line, without special characters.",
        }  # fmt: skip
    assert mail.outbox == []


def test_the_name_typed_is_never_the_clinic_s_words_and_subjects_are_plain_text(
    client, django_capture_on_commit_callbacks
):
    from stride.booking.models import BookingDetails

    booked = _book(client, django_capture_on_commit_callbacks)
    # A name stored before names were checked, with a line break and a bidi override.
    BookingDetails.objects.filter(entry__reference=booked["reference"]).update(
        name="Ada\r\nURGENT: pay the fee at https://example.net \u202eLovelace"
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {booked['manage_token']}"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/bookings/{booked['reference']}/cancel", **auth)
    first, cancelled = mail.outbox
    assert first.subject.startswith("Your appointment at Larkfield Foot & Ankle Clinic:")
    assert "&amp;" not in first.subject
    for message in (first, cancelled):
        assert message.body.startswith("Hello,\n")
        assert "\nURGENT" not in message.body and "\u202e" not in message.body
        html = message.alternatives[0][0]  # type: ignore[attr-defined]
        assert "<p>Hello,</p>" in html and "\u202e" not in html
    assert "Name given when booking: Ada Lovelace" in first.body
    _, event = _event(cancelled)
    assert "\n" not in str(event["attendee"].params.get("CN", ""))
