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
"""

from __future__ import annotations

import datetime as dt

from icalendar import Alarm, Calendar, Event, vCalAddress, vText  # type: ignore[import-untyped]

from stride.booking.models import DiaryEntry

REMINDER_BEFORE = dt.timedelta(hours=24)


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


def ics(*, entry: DiaryEntry, clinic_name: str, clinic_email: str, clinic_phone: str,
        address: str, manage_address: str, patient_name: str, patient_email: str,
        stamp: dt.datetime, cancel: bool = False) -> bytes:  # fmt: skip
    cal = Calendar()
    cal.add("prodid", "-//Stride//Clinic booking//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", entry.calendar_uid)
    event.add("sequence", entry.calendar_sequence)
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(entry.start))
    event.add("dtend", _utc(entry.end))
    service = entry.service.name if entry.service else "Appointment"
    summary = f"{service} at {clinic_name}"
    event.add("summary", summary)
    event.add("location", address)
    event.add("description", description(reference=entry.reference or "", phone=clinic_phone,
                                         manage_address=manage_address))  # fmt: skip
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{clinic_email}")
    organizer.params["cn"] = vText(clinic_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{patient_email}")
    attendee.params["cn"] = vText(patient_name)
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
