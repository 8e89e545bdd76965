"""Calendar files (.ics) for appointments, made with icalendar.

One UID per booking for its whole life; SEQUENCE rises on every change, so a
calendar replaces the event when a booking moves and removes it when cancelled.

Every time is written in UTC (``...Z``) and the file carries no VTIMEZONE: UTC is the
one form every calendar reads the same way, and each shows it in its own zone. A
VTIMEZONE written from the zone database describes Europe/London's whole history, and
some readers take its first rule (British Standard Time, +01:00, 1968-71) for winter,
an hour wrong. See docs/booking.md, "Calendar files".

The file holds only the clinic's words and the patient's name on the ATTENDEE line
(already on one line): the description gives the booking reference, the clinic's
phone number and the manage page's address *without* the private token, because a
calendar is often shared with family or work.

The confirmation page offers the same file to download (``for_entry(publish=True)``:
METHOD:PUBLISH, an event to keep rather than an invitation to answer, so it names no
attendee), and links that open Google Calendar or Outlook.com with the time, the title
and the clinic's address filled in (``web_links``): nothing about the patient.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote, urlencode

from icalendar import Alarm, Calendar, Event, vCalAddress, vText  # type: ignore[import-untyped]

from stride import clock
from stride.booking.models import DiaryEntry
from stride.booking.tokens import manage_page_url
from stride.site import selectors as site_selectors
from stride.web import hygiene

REMINDER_BEFORE = dt.timedelta(hours=24)
GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def description(*, reference: str, phone: str, manage_address: str) -> str:
    """The event's notes. The manage page's plain address asks for the private link in
    the confirmation email, or sends it again, so the words say so."""
    return (
        f"Booking reference: {reference}\n"
        f"To change or cancel, or with a question, call {phone}.\n"
        f"Change or cancel online: {manage_address} (with the link in your confirmation "
        "email, or we can email it again)"
    )


def title(*, entry: DiaryEntry, clinic_name: str) -> str:
    """The event's name wherever it is written: the file and the web calendars' links."""
    service = entry.service.name if entry.service else "Appointment"
    return f"{service} at {clinic_name}"


@dataclass(frozen=True)
class WebLinks:
    google: str
    outlook: str


def web_links(*, title: str, start: dt.datetime, end: dt.datetime, location: str) -> WebLinks:
    """Links that open Google Calendar or Outlook.com with a new event filled in.

    They hold only what the caller gives: the title, the start and end (as UTC, ``Z``,
    so neither site has to guess a zone) and the location. Spaces are ``%20``, never
    ``+``, which Outlook shows as a plus sign.
    """
    s, e = _utc(start), _utc(end)
    google = {"action": "TEMPLATE", "text": title, "location": location,
              "dates": f"{s:%Y%m%dT%H%M%SZ}/{e:%Y%m%dT%H%M%SZ}"}  # fmt: skip
    outlook = {"path": "/calendar/action/compose", "rru": "addevent", "subject": title,
               "startdt": f"{s:%Y-%m-%dT%H:%M:%SZ}", "enddt": f"{e:%Y-%m-%dT%H:%M:%SZ}",
               "location": location}  # fmt: skip
    return WebLinks(
        google=f"{GOOGLE}?{urlencode(google, quote_via=quote)}",
        outlook=f"{OUTLOOK}?{urlencode(outlook, quote_via=quote)}",
    )


def for_entry(entry: DiaryEntry, *, cancel: bool = False, publish: bool = False) -> bytes:
    """The file for one booking, as every email and the confirmation page's download
    write it. ``publish`` is the download: an event to keep, with no attendee."""
    clinic = site_selectors.clinic_get()
    details = cast(Any, entry).details  # the reverse one-to-one, typed loosely
    assert entry.reference, "an appointment with a patient always has a reference"
    return ics(
        entry=entry, clinic_name=clinic.name, clinic_email=clinic.email,
        clinic_phone=clinic.phone, address=", ".join(clinic.address_lines),
        # The address without the private token: calendars are shared with family and work.
        manage_address=manage_page_url(entry.reference),
        patient_name=None if publish else hygiene.one_line(details.name),
        patient_email=None if publish else details.email,
        stamp=clock.now(), cancel=cancel,
    )  # fmt: skip


def ics(*, entry: DiaryEntry, clinic_name: str, clinic_email: str, clinic_phone: str,
        address: str, manage_address: str, patient_name: str | None,
        patient_email: str | None, stamp: dt.datetime, cancel: bool = False) -> bytes:  # fmt: skip
    """The calendar file. Without a patient's email it is published (METHOD:PUBLISH,
    no ATTENDEE, as RFC 5546 asks); with one, an invitation the patient has accepted."""
    cal = Calendar()
    cal.add("prodid", "-//Stride//Clinic booking//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST" if patient_email else "PUBLISH")
    event = Event()
    event.add("uid", entry.calendar_uid)
    event.add("sequence", entry.calendar_sequence)
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(entry.start))
    event.add("dtend", _utc(entry.end))
    summary = title(entry=entry, clinic_name=clinic_name)
    event.add("summary", summary)
    event.add("location", address)
    event.add("description", description(reference=entry.reference or "", phone=clinic_phone,
                                         manage_address=manage_address))  # fmt: skip
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{clinic_email}")
    organizer.params["cn"] = vText(clinic_name)
    event.add("organizer", organizer)
    if patient_email:
        attendee = vCalAddress(f"mailto:{patient_email}")
        attendee.params["cn"] = vText(patient_name or "")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        event.add("attendee", attendee)
    if not cancel:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -REMINDER_BEFORE)
        alarm.add("description", f"Tomorrow: {summary}")
        event.add_component(alarm)
    cal.add_component(event)
    return bytes(cal.to_ical())
