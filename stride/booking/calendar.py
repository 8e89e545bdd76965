"""Calendar files (.ics) for appointments, made with icalendar.

One UID per booking for its whole life; SEQUENCE rises on every change, so a
calendar replaces the event when a booking moves and removes it when cancelled.
Times carry the clinic's TZID with its VTIMEZONE, so a phone in another zone shows
the right moment.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vCalAddress, vText  # type: ignore[import-untyped]

from stride.booking.models import DiaryEntry


def ics(*, entry: DiaryEntry, zone: str, clinic_name: str, clinic_email: str,
        address: str, patient_name: str, patient_email: str, stamp: dt.datetime,
        cancel: bool = False) -> bytes:  # fmt: skip
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    cal = Calendar()
    cal.add("prodid", "-//Stride//Clinic booking//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", entry.calendar_uid)
    event.add("sequence", entry.calendar_sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", entry.start.astimezone(tz))
    event.add("dtend", entry.end.astimezone(tz))
    service = entry.service.name if entry.service else "Appointment"
    event.add("summary", f"{service} at {clinic_name}")
    event.add("location", address)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{clinic_email}")
    organizer.params["cn"] = vText(clinic_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{patient_email}")
    attendee.params["cn"] = vText(patient_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
