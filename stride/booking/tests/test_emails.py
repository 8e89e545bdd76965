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
        # The clinic's name heads the email; the greeting is the clinic's words alone.
        header = "Larkfield Foot & Ankle Clinic\n=============================\n\n"
        assert message.body.startswith(header + "Hello,\n")
        assert "Ada" not in message.subject and "Lovelace" not in message.subject
        assert "\nURGENT" not in message.body and "\u202e" not in message.body
        html = message.alternatives[0][0]  # type: ignore[attr-defined]
        assert "<p>Hello,</p>" in html and "\u202e" not in html
    assert "Name given when booking: Ada Lovelace" in first.body
    _, event = _event(cancelled)
    assert "\n" not in str(event["attendee"].params.get("CN", ""))


BRING = ["A list of the medicines you take (a repeat prescription slip is fine)",
         "The shoes you wear most days, and any insoles or orthotics you use",
         "Any scans, X-ray reports or letters about your feet or legs",
         "Shorts or loose trousers that roll up above the knee"]  # fmt: skip
MAP = ("https://www.openstreetmap.org/search?query="
       "14+Larkfield+Mews%2C+Kentish+Town%2C+London%2C+NW5+1XY")  # fmt: skip


def _html(message) -> str:
    return message.alternatives[0][0]


def test_the_confirmation_looks_like_the_clinic_with_the_time_in_words_and_a_map(
    client, django_capture_on_commit_callbacks
):
    _book(client, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    html = _html(message)
    assert message.body.startswith("Larkfield Foot & Ankle Clinic\n====")
    assert ">Larkfield Foot &amp; Ankle Clinic</div>" in html  # the header band
    assert "When: Wednesday 3 June 2026 at 10am (UK time)" in message.body
    assert "<strong>Wednesday 3 June 2026 at 10am</strong> (UK time)" in html
    assert "Where: 14 Larkfield Mews, Kentish Town, London, NW5 1XY\nMap: " + MAP in message.body
    # The map link is shown as what it is: its address is the link's text.
    link = f'<a href="{MAP}" style="color: #0b5a7a; word-break: break-all;">{MAP}</a>'
    assert link in html.replace("&amp;", "&")
    assert message.body.count(MAP) == 1, "once, not again in the footer"


def test_the_confirmation_says_what_to_bring_in_both_parts(
    client, django_capture_on_commit_callbacks
):
    _book(client, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert "WHAT TO BRING\n" + "".join(f"- {item}\n" for item in BRING) in message.body
    html = _html(message)
    assert ">What to bring</h2>" in html
    for item in BRING:
        assert f'<li style="margin: 0 0 4px;">{item}</li>' in html


def test_the_confirmation_gives_the_late_change_rule_and_the_clinics_window(
    client, django_capture_on_commit_callbacks
):
    from stride.booking.models import BookingRules

    BookingRules.objects.update_or_create(pk=1, defaults={"late_cancel_hours": 48})
    booked = _book(client, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    rule = ("You can move or cancel online until 10am on Monday 1 June (48 hours before your "
            "appointment). After that, please call us on 020 7946 0321.")  # fmt: skip
    assert rule in message.body
    assert rule.replace("020 7946 0321", "") in _html(message).replace(
        '<a href="tel:02079460321" style="color: #0b5a7a;">020 7946 0321</a>', ""
    )
    assert f"with this private link (please do not share it):\n{booked['manage_url']}" in (
        message.body
    )


def test_inside_the_window_the_email_says_to_call_instead(
    client, django_capture_on_commit_callbacks
):
    from stride.booking.models import BookingRules

    BookingRules.objects.update_or_create(pk=1, defaults={"late_cancel_hours": 72})
    booked = _book(client, django_capture_on_commit_callbacks)  # Wed 10am; now Mon 9:30am
    message = mail.outbox[0]
    assert "It is now too close to your appointment to change it online" in message.body
    assert "until" not in message.body.split("TO MOVE OR CANCEL")[1].split("--")[0]
    assert "too close to your appointment to change it online" in _html(message)
    # The private link still shows the appointment (the page says to call to change it).
    see = "See your appointment with this private link (please do not share it):\n"
    assert see + booked["manage_url"] in message.body


def test_a_moved_booking_points_to_the_manage_page_without_a_token(
    client, django_capture_on_commit_callbacks
):
    booked = _book(client, django_capture_on_commit_callbacks)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {booked['manage_token']}"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/bookings/{booked['reference']}/reschedule",
                    data=json.dumps({"start": "2026-06-03T11:00:00+01:00"}),
                    content_type="application/json", **auth)  # fmt: skip
    moved = mail.outbox[1]
    assert "When: Wednesday 3 June 2026 at 11am (UK time)" in moved.body
    assert f"/bookings/manage/{booked['reference']}/\n" in moved.body
    assert "token" not in moved.body and "token" not in _html(moved)
    assert "WHAT TO BRING" in moved.body


def test_no_email_greets_or_names_the_patient_outside_its_labelled_line(
    client, django_capture_on_commit_callbacks
):
    booked = _book(client, django_capture_on_commit_callbacks)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {booked['manage_token']}"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/bookings/manage/resend/", {"reference": booked["reference"],
                                                 "email": "ada@example.com"})  # fmt: skip
        client.post(f"/api/bookings/{booked['reference']}/cancel", **auth)
    kinds = [m.subject.split(":")[0] for m in mail.outbox]
    assert kinds == [
        "Your appointment at Larkfield Foot & Ankle Clinic",
        f"Your link to appointment {booked['reference']}",
        "Appointment cancelled",
    ]
    for message in mail.outbox:
        assert "Ada" not in message.subject and "Lovelace" not in message.subject
        lines = [line for line in message.body.splitlines() if "Ada" in line]
        assert lines in ([], ["Name given when booking: Ada Lovelace"])
        assert "\nHello,\n" in message.body


def test_the_html_fetches_nothing_and_links_only_to_the_clinic(
    client, django_capture_on_commit_callbacks
):
    import re

    booked = _book(client, django_capture_on_commit_callbacks)
    html = _html(mail.outbox[0])
    for fetched in ("<img", "<link", "<script", "url(", "@import", "<style", "<table"):
        assert fetched not in html.lower()
    links = set(re.findall(r'href="([^"]+)"', html.replace("&amp;", "&")))
    assert links == {MAP, booked["manage_url"], "tel:02079460321",
                     "mailto:hello@larkfield-clinic.example"}  # fmt: skip


def test_the_patient_sees_the_clinic_as_the_sender(
    client, django_capture_on_commit_callbacks, settings
):
    settings.DEFAULT_FROM_EMAIL = "Stride <bookings@larkfield.example>"
    _book(client, django_capture_on_commit_callbacks)
    assert (
        mail.outbox[-1].from_email == "Larkfield Foot & Ankle Clinic <bookings@larkfield.example>"
    )
