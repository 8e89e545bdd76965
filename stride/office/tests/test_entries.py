"""Staff book for callers, move, cancel, mark and reinstate bookings, and block time:
through the guarded path, with the patient's emails, and never over another's change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from stride import clock
from stride.booking import services
from stride.booking.models import DiaryEntry, Service
from stride.office.models import AuditEvent, StaffProfile
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")
BST = dt.timezone(dt.timedelta(hours=1))
TEN_TODAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=BST)  # 30 minutes away: inside the notice
CALLER = {"name": "Carol Caller", "email": "carol@example.org", "phone": "07700 900789",
          "date_of_birth": "1955-05-05", "reason": "Heel pain"}  # fmt: skip


def _book(slug="amara-okafor", start=TEN_TODAY, name="Ada Patient") -> DiaryEntry:
    return services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug=slug), start=start, staff=True,
        details=services.PatientDetails(name=name, email="ada@example.org",
                                        phone="+447700900123", date_of_birth=dt.date(1980, 1, 1)),
    ).entry  # fmt: skip


def test_reception_books_a_caller_inside_the_notice_and_the_caller_is_emailed(
    staff_login, django_capture_on_commit_callbacks
):
    client = staff_login("reception")
    form = client.get("/office/bookings/new/", {"service": "follow-up", "new": "1",
                                                "practitioner": "amara-okafor",
                                                "day": "2026-06-01"}).content.decode()  # fmt: skip
    assert TEN_TODAY.isoformat() in form  # offered although inside the 2-hour notice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/office/bookings/new/", {
            "service": "follow-up", "practitioner": "amara-okafor", "day": "2026-06-01",
            "start": TEN_TODAY.isoformat(), **CALLER,
        })  # fmt: skip
    entry = DiaryEntry.objects.get(details__name="Carol Caller")
    assert response.status_code == 302 and response["Location"] == f"/office/entries/{entry.pk}/"
    assert (entry.channel, entry.start, entry.details.reason) == ("phone", TEN_TODAY, "Heel pain")
    assert mail.outbox[-1].to == ["carol@example.org"]
    assert AuditEvent.objects.filter(action="booking.create", subject=f"booking:{entry.pk}")
    # The time is gone for everyone else.
    with pytest.raises(services.SlotUnavailable):
        _book()


def test_staff_booking_for_a_caller_is_exempt_from_the_patients_cap(staff_login):
    for hour in (11, 12, 14):  # the caller already holds the cap of 3 future bookings
        _book(start=dt.datetime(2026, 6, 2, hour, 0, tzinfo=BST), name="Carol Caller")
    client = staff_login("reception")
    response = client.post("/office/bookings/new/", {
        "service": "follow-up", "practitioner": "tomasz-nowak", "day": "2026-06-02",
        "start": dt.datetime(2026, 6, 2, 10, 0, tzinfo=BST).isoformat(),
        **{**CALLER, "email": "ada@example.org"},
    })  # fmt: skip
    assert response.status_code == 302
    assert DiaryEntry.objects.filter(details__email="ada@example.org").count() == 4


def test_staff_can_book_a_phone_only_service(staff_login):
    client = staff_login("reception")
    start = dt.datetime(2026, 6, 2, 10, 0, tzinfo=BST).isoformat()
    response = client.post("/office/bookings/new/", {
        "service": "nail-surgery", "practitioner": "tomasz-nowak", "day": "2026-06-02",
        "start": start, **CALLER,
    })  # fmt: skip
    assert response.status_code == 302
    assert DiaryEntry.objects.filter(service__slug="nail-surgery").count() == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [({"phone": "12"}, "UK phone number"), ({"start": "2026-06-01T03:00:00+01:00"},
     "Choose one of the free times"), ({"name": ""}, "Enter the patient&#x27;s full name"),
     ({"date_of_birth": "", "date_of_birth-day": "31", "date_of_birth-month": "2",
       "date_of_birth-year": "1980"}, "The patient&#x27;s date of birth must be a real date")],
)  # fmt: skip
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_written(staff_login, change,
                                                                        words):  # fmt: skip
    client = staff_login("reception")
    data = {"service": "follow-up", "practitioner": "amara-okafor", "day": "2026-06-01",
            "start": TEN_TODAY.isoformat(), **CALLER, **change}  # fmt: skip
    response = client.post("/office/bookings/new/", data)
    assert response.status_code == 400 and words in response.content.decode()
    assert not DiaryEntry.objects.exists()


def test_cancel_needs_a_reason_then_can_be_reinstated_while_the_time_is_free(
    staff_login, django_capture_on_commit_callbacks
):
    entry = _book(start=TEN_TODAY + dt.timedelta(hours=4))
    client = staff_login("reception")
    url = f"/office/entries/{entry.pk}/"
    assert "Cancel this appointment?" in client.get(url + "cancel/").content.decode()
    refused = client.post(url + "cancel/", {"version": entry.version})
    assert refused.status_code == 400 and "Choose a reason" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "cancel/", {"version": entry.version, "reason": "Patient asked by phone"})
    entry.refresh_from_db()
    assert entry.status == "cancelled" and entry.cancel_reason == "Patient asked by phone"
    assert entry.cancelled_by.startswith("staff:")
    assert "METHOD:CANCEL" in mail.outbox[-1].attachments[0][1]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url + "reinstate/", {"version": entry.version})
    entry.refresh_from_db()
    assert entry.status == "confirmed"
    assert "booked again" in mail.outbox[-1].subject


def test_a_cancelled_time_taken_by_someone_else_cannot_be_reinstated(staff_login):
    entry = _book(start=TEN_TODAY + dt.timedelta(hours=4))
    services.booking_cancel(entry=entry, actor="patient", staff=True)
    _book(start=TEN_TODAY + dt.timedelta(hours=4), name="Bea Other")
    client = staff_login("reception")
    page = client.post(f"/office/entries/{entry.pk}/reinstate/", {"version": entry.version + 1},
                       follow=True)  # fmt: skip
    assert "cannot be reinstated" in page.content.decode()
    entry.refresh_from_db()
    assert entry.status == "cancelled"


def test_a_change_made_meanwhile_is_never_overwritten(staff_login):
    entry = _book(start=TEN_TODAY + dt.timedelta(hours=4))
    shown = entry.version
    services.booking_reschedule(entry=entry, start=TEN_TODAY + dt.timedelta(hours=5),
                                staff=True)  # the patient moved it meanwhile  # fmt: skip
    client = staff_login("reception")
    page = client.post(f"/office/entries/{entry.pk}/cancel/",
                       {"version": shown, "reason": "Booked in error"}, follow=True)  # fmt: skip
    assert "Someone else changed this booking" in page.content.decode()
    entry.refresh_from_db()
    assert entry.status == "confirmed"


def test_attendance_is_marked_once_the_appointment_has_started(staff_login, now):
    entry = _book()
    client = staff_login("reception")
    early = client.post(f"/office/entries/{entry.pk}/mark/",
                        {"version": entry.version, "status": "attended"}, follow=True)  # fmt: skip
    assert "once it has started" in early.content.decode()
    with clock.pinned(now + dt.timedelta(hours=1)):
        client.post(f"/office/entries/{entry.pk}/mark/",
                    {"version": entry.version, "status": "no_show"})  # fmt: skip
    entry.refresh_from_db()
    assert entry.status == "no_show"


def test_staff_move_a_booking_to_a_free_time(staff_login):
    entry = _book(start=TEN_TODAY + dt.timedelta(hours=4))
    client = staff_login("reception")
    target = TEN_TODAY + dt.timedelta(hours=6)
    page = client.get(f"/office/entries/{entry.pk}/move/").content.decode()
    assert target.isoformat() in page
    client.post(
        f"/office/entries/{entry.pk}/move/",
        {"version": entry.version, "start": target.isoformat(), "day": "2026-06-01"},
    )
    entry.refresh_from_db()
    assert entry.start == target


def test_a_practitioner_cannot_see_or_change_another_practitioners_bookings(staff_login):
    entry = _book(slug="amara-okafor")
    tomasz = Practitioner.objects.get(slug="tomasz-nowak")
    StaffProfile.objects.filter(practitioner=tomasz).delete()
    client = staff_login("practitioner", practitioner=tomasz)
    base = f"/office/entries/{entry.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "move/").status_code == 404
    assert client.post(base + "cancel/", {"reason": "Booked in error"}).status_code == 404
    assert client.post(base + "mark/", {"status": "attended"}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == "confirmed"
    week = client.get("/office/diary/week/", {"day": "2026-06-01"}).content.decode()
    assert "Ada Patient" not in week


def test_blocks_never_cover_a_booking_and_refuse_a_time_the_clocks_skip(staff_login):
    _book(start=TEN_TODAY + dt.timedelta(hours=4))  # 14:00
    client = staff_login("reception")
    clash = client.post("/office/blocks/new/", {"practitioner": "amara-okafor",
                                                "day": "2026-06-01", "from": "13:45",
                                                "to": "15:00"})  # fmt: skip
    assert clash.status_code == 409 and "already booked" in clash.content.decode()
    ok = client.post(
        "/office/blocks/new/",
        {
            "practitioner": "amara-okafor",
            "day": "2026-06-01",
            "from": "16:00",
            "to": "17:00",
            "note": "Meeting",
        },
    )
    assert ok.status_code == 302
    gap = client.post("/office/blocks/new/", {"practitioner": "amara-okafor", "day": "2026-03-29",
                                              "from": "01:30", "to": "03:00"})  # fmt: skip
    assert gap.status_code == 400 and "clocks go forward" in gap.content.decode()
    assert DiaryEntry.objects.filter(kind="block").count() == 1


def test_the_week_view_shows_each_day_and_practitioner(staff_login):
    _book()
    html = staff_login("reception").get("/office/diary/week/", {"day": "2026-06-03"})
    text = html.content.decode()
    assert "Week of 1 June 2026" in text and "Ada Patient" in text and "Amara Okafor" in text


def test_the_cancel_page_shows_the_patient_so_looking_at_it_is_audited(staff_login):
    item = _book(start=dt.datetime(2026, 6, 2, 11, 0, tzinfo=BST))
    client = staff_login("reception")
    page = client.get(f"/office/entries/{item.pk}/cancel/")
    assert page.status_code == 200 and "Ada Patient" in page.content.decode()
    assert AuditEvent.objects.filter(action="booking.view", subject=f"booking:{item.pk}").exists()
