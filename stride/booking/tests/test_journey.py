"""Booking on the website without JavaScript: service, time, details, done."""

import re

import pytest

from stride.booking.models import DiaryEntry

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # Mon 1 June 2026 09:30 BST

START = "2026-06-02T10:00:00+01:00"
FORM = {"start": START, "practitioner": "tomasz-nowak", "submission": "s-1",
        "name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
        "date_of_birth": "1990-12-10", "consent": "yes", "reason": "Sore toe"}  # fmt: skip
DETAILS = "/book/follow-up/details/"


def test_the_start_page_lists_online_services_and_phone_only_ones(client):
    html = client.get("/book/").content.decode()
    assert 'href="/book/follow-up/"' in html
    assert "30 minutes · £55" in html
    assert "Ingrown toenail surgery: call" in html


def test_the_time_picker_shows_a_month_of_days_and_the_days_times_as_links(client):
    html = client.get("/book/follow-up/", {"practitioner": "tomasz-nowak"}).content.decode()
    assert "UK time (Europe/London)" in html
    assert re.search(r'<h2 id="picker-day" [^>]*>Tuesday 2 June</h2>', html)
    assert "start=2026-06-02T09%3A00%3A00%2B01%3A00&amp;practitioner=tomasz-nowak" in html
    assert "Next month, July 2026" in html
    assert "Previous month" not in html  # nothing before today


def test_a_valid_form_books_once_even_if_posted_twice(client):
    first = client.post(DETAILS, FORM)
    assert first.status_code == 302
    assert first["Location"].startswith("/book/done/")
    second = client.post(DETAILS, FORM)
    assert second["Location"] == first["Location"]
    assert DiaryEntry.objects.count() == 1
    done = client.get(first["Location"]).content.decode()
    assert "Your appointment is booked" in done
    assert "Tuesday 2 June 2026 at 10am" in done


def test_errors_are_shown_next_to_their_fields_and_nothing_is_booked(client):
    response = client.post(DETAILS, {**FORM, "email": "nope", "consent": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="email-error"' in html
    assert 'aria-invalid="true" aria-describedby="consent-error"' in html
    assert 'value="Ada Lovelace"' in html  # what was typed is kept
    assert DiaryEntry.objects.count() == 0


def test_the_honeypot_catches_robots(client):
    response = client.post(DETAILS, {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert DiaryEntry.objects.count() == 0


def test_a_time_taken_meanwhile_says_so_and_links_to_other_times(client):
    client.post(DETAILS, FORM)
    other = client.post(DETAILS, {**FORM, "submission": "s-2", "email": "bob@example.com",
                                  "name": "Bob"})  # fmt: skip
    assert other.status_code == 409
    assert "that time has just gone" in other.content.decode()
    assert DiaryEntry.objects.count() == 1


def test_the_done_page_is_only_for_the_person_who_booked(client):
    location = client.post(DETAILS, FORM)["Location"]
    from django.test import Client

    assert Client().get(location).status_code == 404


def test_unknown_services_and_times_are_404(client):
    assert client.get("/book/nail-surgery/").status_code == 404
    assert client.get(DETAILS, {"start": "soon"}).status_code == 404


def test_the_web_form_keeps_to_the_same_cap_and_limit_as_the_api(client, settings):
    starts = ["2026-06-02T10:00:00+01:00", "2026-06-02T11:00:00+01:00",
              "2026-06-02T14:00:00+01:00", "2026-06-02T15:00:00+01:00"]  # fmt: skip
    statuses = [client.post(DETAILS, {**FORM, "start": s, "submission": s}).status_code
                for s in starts]  # fmt: skip
    assert statuses == [302, 302, 302, 400]  # the cap: 3 future bookings per email
    assert "We cannot take this booking online. Please call us on 020 7946 0321." in (
        client.post(DETAILS, {**FORM, "start": starts[3], "submission": "again"}).content.decode()
    )
    assert DiaryEntry.objects.filter(kind="appointment").count() == 3
    # The fifth attempt this hour from the same email is over the hourly limit.
    settings.BOOKING_LIMIT_PER_EMAIL = 5
    limited = client.post(DETAILS, {**FORM, "start": "2026-06-02T16:00:00+01:00",
                                    "submission": "s-6"})  # fmt: skip
    assert limited.status_code == 429


def test_a_taken_time_reads_the_same_on_the_web_form_whatever_the_email(client):
    for i, start in enumerate(["2026-06-02T11:00:00+01:00", "2026-06-02T14:00:00+01:00",
                               "2026-06-02T15:00:00+01:00"]):  # fmt: skip
        client.post(DETAILS, {**FORM, "start": start, "submission": f"cap-{i}"})
    client.post(DETAILS, {**FORM, "email": "bob@example.com", "submission": "bob"})  # 10:00
    at_cap = client.post(DETAILS, {**FORM, "submission": "ada-again"})
    fresh = client.post(DETAILS, {**FORM, "email": "cy@example.com", "submission": "cy"})
    assert at_cap.status_code == fresh.status_code == 409
    assert "that time has just gone" in at_cap.content.decode()
    assert "cannot take this booking online" not in at_cap.content.decode()
    # The two refusals are the same page but for the per-request ids.
    assert _without_ids(at_cap.content.decode()) == _without_ids(fresh.content.decode())


def _without_ids(html: str) -> str:
    import re

    html = re.sub(r'name="(submission|form_token)" value="[^"]*"', "", html)
    return re.sub(r'value="[^"]*@example.com"', "", html)


def test_the_done_page_shows_the_email_used_the_late_change_rule_and_calendar_links(client):
    html = client.get(client.post(DETAILS, FORM)["Location"]).content.decode()
    assert "We have emailed your confirmation to <strong" in html
    assert "ada@example.com" in html
    # 24 hours before 10am on Tuesday 2 June, in words.
    assert "move or cancel online until 10am on Monday 1 June (24 hours before" in html
    reference = DiaryEntry.objects.get().reference
    assert f'href="/book/done/{reference}/appointment.ics"' in html
    links = re.findall(r'<a class="button button-secondary" href="(https://[^"]+)"'
                       r' target="_blank" rel="noopener noreferrer">', html)  # fmt: skip
    assert [link.split("?")[0] for link in links] == [
        "https://calendar.google.com/calendar/render",
        "https://outlook.live.com/calendar/0/deeplink/compose",
    ]
    for link in links:  # the time and the clinic; nothing about the patient
        assert "20260602T090000Z" in link or "2026-06-02T09%3A00%3A00Z" in link
        assert "Larkfield" in link and "Kentish%20Town" in link
        for private in ("Ada", "Lovelace", "ada%40example.com", "example.com", reference):
            assert private not in link


def test_a_booking_inside_the_late_change_window_is_told_to_call(client):
    from stride.booking.models import BookingRules

    BookingRules.objects.update_or_create(pk=1, defaults={"late_cancel_hours": 48})
    html = client.get(client.post(DETAILS, FORM)["Location"]).content.decode()
    assert "Changes online close 48 hours before an appointment, so to move or cancel" in html
    assert "online until" not in html


def test_the_done_page_calendar_file_is_a_private_download_of_the_booking(client):
    from icalendar import Calendar  # type: ignore[import-untyped]

    location = client.post(DETAILS, FORM)["Location"]
    response = client.get(location + "appointment.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename=appointment.ics"
    assert response["Cache-Control"] == "no-store"
    cal = Calendar.from_ical(response.content)
    event = next(iter(cal.walk("VEVENT")))
    entry = DiaryEntry.objects.get()
    assert str(cal["method"]) == "PUBLISH"  # an event to keep, not an invitation to answer
    assert str(event["uid"]) == entry.calendar_uid  # the email's event, not a second one
    assert event["dtstart"].dt.isoformat() == "2026-06-02T09:00:00+00:00"  # 10am BST
    assert str(event["summary"]) == "Follow-up appointment at Larkfield Foot & Ankle Clinic"
    assert "ATTENDEE" not in response.content.decode()
    from django.test import Client

    assert Client().get(location + "appointment.ics").status_code == 404
    assert client.post(location + "appointment.ics").status_code == 405
