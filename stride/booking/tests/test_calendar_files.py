"""Every calendar file Stride writes, read by three calendar parsers.

icalendar, ics (ics-py) and vobject must each read the booking's own start and end,
as instants, from the confirmation, both reschedules, the cancellation and the
reinstatement: in winter, in summer, on the night the clocks go forward and on the
night they go back (where 01:30 happens twice, once in summer time and once in winter
time). A file that names the clinic's zone instead of UTC was read an hour wrong by
vobject in winter; these tests are what keeps that from coming back.
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import ics as ics_py  # type: ignore[import-untyped]
import pytest
import vobject  # type: ignore[import-untyped]
from django.conf import settings
from django.core import mail
from icalendar import Calendar  # type: ignore[import-untyped]

from stride import clock
from stride.booking import availability, emails, services
from stride.booking.models import BookingDetails, DiaryEntry, Patient, Service, WorkingPeriod
from stride.booking.tokens import manage_url, new_reference, token_hash
from stride.core import scheduling
from stride.site.models import Clinic, Practitioner

pytestmark = pytest.mark.usefixtures("demo_clinic")

LONDON = ZoneInfo("Europe/London")
DETAILS = services.PatientDetails(
    name="Ada Lovelace", email="ada@example.com", phone="+447700900123",
    date_of_birth=dt.date(1990, 12, 10),
)  # fmt: skip
UTC_STAMP = re.compile(rb"^(DTSTART|DTEND|DTSTAMP):\d{8}T\d{6}Z\r$", re.MULTILINE)


def _london(year: int, month: int, day: int, hour: int, minute: int, fold: int = 0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


# (local wall time in London, the same instant in UTC, written out by hand)
BOOKABLE = {
    "winter": (_london(2026, 12, 2, 10, 45), "2026-12-02T10:45:00+00:00"),
    "summer": (_london(2026, 7, 15, 14, 30), "2026-07-15T13:30:00+00:00"),
    # 2027-03-28: at 01:00 GMT the clocks go to 02:00 BST; 01:00-01:59 never happen.
    "spring first hour after the change": (_london(2027, 3, 28, 2, 0), "2027-03-28T01:00:00+00:00"),
    "spring 03:00 BST": (_london(2027, 3, 28, 3, 0), "2027-03-28T02:00:00+00:00"),
    "spring across the change": (_london(2027, 3, 28, 0, 45), "2027-03-28T00:45:00+00:00"),
    # 2027-10-31: at 02:00 BST the clocks go back to 01:00 GMT; 01:00-01:59 happen twice.
    "autumn 01:30 BST": (_london(2027, 10, 31, 1, 30), "2027-10-31T00:30:00+00:00"),
    "autumn across the change": (_london(2027, 10, 31, 1, 45), "2027-10-31T00:45:00+00:00"),
}  # fmt: skip
# The second 01:30 of the autumn night: the slot grid offers a repeated time once, at its
# first occurrence, so this booking is built directly, as staff records made by hand are.
AUTUMN_GMT = (_london(2027, 10, 31, 1, 30, fold=1), "2027-10-31T01:30:00+00:00")


@dataclass(frozen=True)
class Sent:
    data: bytes
    start: dt.datetime  # as stored when the email went
    end: dt.datetime


@dataclass(frozen=True)
class Story:
    reference: str
    token: str
    files: list[Sent]


def _attached(pk: int) -> Sent:
    """The newest email's calendar file, as the bytes sent, with the stored times."""
    name, content, mimetype = mail.outbox[-1].attachments[0]
    assert name == "appointment.ics"
    assert mimetype.startswith("text/calendar; method=")
    data = content.encode() if isinstance(content, str) else content  # text/* comes back str
    stored = DiaryEntry.objects.get(pk=pk)
    return Sent(data=data, start=stored.start, end=stored.end)


def _sent(pk: int, action, capture) -> Sent:
    before = len(mail.outbox)
    with capture(execute=True):
        action()
    assert len(mail.outbox) == before + 1
    return _attached(pk)


def _tomasz_works_sunday_nights() -> Practitioner:
    person = Practitioner.objects.get(slug="tomasz-nowak")
    WorkingPeriod.objects.create(practitioner=person, weekday=6, start=dt.time(0),
                                 end=dt.time(6))  # fmt: skip
    return person


def _through_services(start: dt.datetime, capture) -> Story:
    """Booked, moved a week on, moved back, cancelled and reinstated: five files."""
    service = Service.objects.get(slug="follow-up")
    person = _tomasz_works_sunday_nights()
    week_later = start + dt.timedelta(days=7)  # same zone: the same wall time a week on
    with clock.pinned(start - dt.timedelta(days=10)):
        booked: list[services.Booked] = []

        def book() -> None:
            booked.append(services.booking_create(service=service, practitioner=person,
                                                  start=start, details=DETAILS))  # fmt: skip

        with capture(execute=True):
            book()
        assert len(mail.outbox) == 1
        pk = booked[0].entry.pk
        files = [_attached(pk)]

        def move(to: dt.datetime):
            return lambda: services.booking_reschedule(entry=DiaryEntry.objects.get(pk=pk),
                                                       start=to)  # fmt: skip

        files.append(_sent(pk, move(week_later), capture))
        files.append(_sent(pk, move(start), capture))
        files += _cancel_and_reinstate(pk, capture)
    return Story(reference=str(booked[0].entry.reference), token=booked[0].manage_token,
                 files=files)  # fmt: skip


def _cancel_and_reinstate(pk: int, capture) -> list[Sent]:
    def cancel() -> None:
        services.booking_cancel(entry=DiaryEntry.objects.get(pk=pk), actor="reception",
                                staff=True)  # fmt: skip

    def reinstate() -> None:
        services.booking_reinstate(entry=DiaryEntry.objects.get(pk=pk), actor="reception")

    return [_sent(pk, cancel, capture), _sent(pk, reinstate, capture)]


def _built_directly(start: dt.datetime, capture) -> Story:
    """The diary row and details as the booking service writes them, then the same
    confirmation email; cancelled and reinstated through the services."""
    service = Service.objects.get(slug="follow-up")
    person = _tomasz_works_sunday_nights()
    token = secrets.token_urlsafe(24)
    with clock.pinned(start - dt.timedelta(days=10)):
        occupied = scheduling.occupied(start, availability.timing(service))
        entry = DiaryEntry.objects.create(
            kind=DiaryEntry.Kind.APPOINTMENT, practitioner=person, service=service,
            start=start, end=start + service.duration, occupied_start=occupied[0],
            occupied_end=occupied[1], channel=DiaryEntry.Channel.STAFF,
            reference=new_reference(), calendar_uid=f"{secrets.token_hex(16)}@stride",
        )  # fmt: skip
        BookingDetails.objects.create(
            entry=entry, name=DETAILS.name, email=DETAILS.email, phone=DETAILS.phone,
            date_of_birth=DETAILS.date_of_birth, manage_token_hash=token_hash(token),
            manage_token_expires_at=entry.end + dt.timedelta(days=30),
            patient=Patient.objects.create(name=DETAILS.name, email=DETAILS.email,
                                           phone=DETAILS.phone,
                                           date_of_birth=DETAILS.date_of_birth),
        )  # fmt: skip

        def confirm() -> None:
            emails.send_confirmation(entry=entry, manage_url=manage_url(token))

        files = [_sent(entry.pk, confirm, capture)]
        files += _cancel_and_reinstate(entry.pk, capture)
    return Story(reference=str(entry.reference), token=token, files=files)


def readings(data: bytes) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Start and end as each parser reads them."""
    text = data.decode()
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    other = next(iter(ics_py.Calendar(text).events))
    third = vobject.readOne(text).vevent
    return {
        "icalendar": (event["dtstart"].dt, event["dtend"].dt),
        "ics": (other.begin.datetime, other.end.datetime),
        "vobject": (third.dtstart.value, third.dtend.value),
    }


def _check(story: Story, start: dt.datetime, utc: str) -> None:
    assert start.astimezone(dt.UTC).isoformat() == utc, "the case's own arithmetic"
    assert story.files[0].start.isoformat() == utc
    for sent in story.files:
        for parser, (begins, ends) in readings(sent.data).items():
            for read, stored in ((begins, sent.start), (ends, sent.end)):
                assert read == stored, f"{parser} read {read.isoformat()}"
                assert read.utcoffset() == dt.timedelta(0), f"{parser}: not in UTC"
    cals = [Calendar.from_ical(s.data) for s in story.files]
    events = [c.walk("VEVENT")[0] for c in cals]
    assert [str(c["method"]) for c in cals] == ["REQUEST"] * (len(cals) - 2) + ["CANCEL", "REQUEST"]
    assert len({str(e["uid"]) for e in events}) == 1
    sequences = [int(e["sequence"]) for e in events]
    assert sequences == sorted(set(sequences))
    clinic = Clinic.objects.get()
    address = f"{settings.SITE_URL}/bookings/manage/{story.reference}/"
    for sent, cal, event in zip(story.files, cals, events, strict=True):
        cancel = str(cal["method"]) == "CANCEL"
        assert len(sent.data) < 2048
        assert b"VTIMEZONE" not in sent.data and b"TZID" not in sent.data
        assert len(UTC_STAMP.findall(sent.data)) == 3
        assert str(event["status"]) == ("CANCELLED" if cancel else "CONFIRMED")
        assert str(event["organizer"]) == f"mailto:{clinic.email}"
        assert str(event["attendee"]) == "mailto:ada@example.com"
        assert str(event["attendee"].params["CN"]) == "Ada Lovelace"
        assert str(event["location"]).startswith(clinic.address_lines[0])
        notes = str(event["description"])
        assert story.reference in notes and clinic.phone in notes and address in notes
        assert story.token not in sent.data.replace(b"\r\n ", b"").decode()
        alarms = event.walk("VALARM")
        if cancel:
            assert alarms == []
            continue
        (alarm,) = alarms
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm["trigger"].dt == -dt.timedelta(hours=24)
        assert re.search(rb"^TRIGGER:-P(T24H|1D)\r$", sent.data, re.MULTILINE)
        assert str(alarm["description"]).strip()
        (seen,) = vobject.readOne(sent.data.decode()).vevent.valarm_list
        assert seen.trigger.value == -dt.timedelta(hours=24)


@pytest.mark.parametrize("case", BOOKABLE)
def test_every_file_reads_as_the_booking_s_own_times(case, django_capture_on_commit_callbacks):
    start, utc = BOOKABLE[case]
    story = _through_services(start, django_capture_on_commit_callbacks)
    assert len(story.files) == 5
    assert story.files[1].start == start + dt.timedelta(days=7)
    _check(story, start, utc)


def test_the_second_01_30_of_the_autumn_night(django_capture_on_commit_callbacks):
    start, utc = AUTUMN_GMT
    story = _built_directly(start, django_capture_on_commit_callbacks)
    assert len(story.files) == 3
    first_0130 = BOOKABLE["autumn 01:30 BST"][0]
    # The same wall time, an hour apart (subtracting in one zone would ignore the fold).
    assert start.astimezone(dt.UTC) - first_0130.astimezone(dt.UTC) == dt.timedelta(hours=1)
    _check(story, start, utc)


def test_a_confirmation_file_is_small_and_plain(django_capture_on_commit_callbacks):
    start, _ = BOOKABLE["winter"]
    story = _through_services(start, django_capture_on_commit_callbacks)
    text = story.files[0].data.decode()
    assert len(story.files[0].data) < 1500
    assert "RDATE" not in text and "STANDARD" not in text and "DAYLIGHT" not in text
    assert "DTSTART:20261202T104500Z\r\n" in text
    assert "DTEND:20261202T111500Z\r\n" in text
