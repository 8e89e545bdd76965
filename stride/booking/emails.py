"""Emails to patients: plain text and HTML, with the calendar file attached.

Sent only after the booking's transaction commits, through Django's email backend
(console or file in the demo, SMTP in production).
"""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from stride import clock
from stride.booking import calendar
from stride.booking.models import DiaryEntry
from stride.booking.tokens import manage_page_url
from stride.site import selectors as site_selectors
from stride.web import hygiene


def _subject(kind: str, context: dict[str, Any]) -> str:
    """Plain text on one line (the template does not escape it: a subject is not HTML)."""
    return hygiene.one_line(render_to_string(f"booking/email/{kind}_subject.txt", context), 200)


def _send(*, entry: DiaryEntry, kind: str, manage_url: str | None, cancel: bool) -> None:
    clinic = site_selectors.clinic_get()
    details = cast(Any, entry).details  # the reverse one-to-one, typed loosely
    zone = clinic.time_zone
    context = {
        "clinic": clinic, "entry": entry, "details": details, "manage_url": manage_url,
        "start": entry.start.astimezone(ZoneInfo(zone)), "zone": zone,
        # Typed by whoever booked, who may not be the address's owner: shown only on a
        # labelled line, never as the clinic's own words (not in the greeting or subject).
        "patient_name": hygiene.one_line(details.name),
    }  # fmt: skip
    subject = _subject(kind, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"booking/email/{kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[details.email],
        reply_to=[clinic.email],
    )
    message.attach_alternative(render_to_string(f"booking/email/{kind}.html", context), "text/html")
    assert entry.reference, "an appointment with a patient always has a reference"
    data = calendar.ics(
        entry=entry, clinic_name=clinic.name, clinic_email=clinic.email,
        clinic_phone=clinic.phone, address=", ".join(clinic.address_lines),
        # The address without the private token: calendars are shared with family and work.
        manage_address=manage_page_url(entry.reference),
        patient_name=hygiene.one_line(details.name), patient_email=details.email,
        stamp=clock.now(), cancel=cancel,
    )  # fmt: skip
    method = "CANCEL" if cancel else "REQUEST"
    message.attach("appointment.ics", data, f"text/calendar; method={method}; charset=utf-8")
    message.send()


def send_reminder_now(*, entry: DiaryEntry, manage_url: str, hours: int) -> None:
    """Sent at once: the reminder job has already claimed it in a committed row."""
    _send(entry=entry, kind="reminder", manage_url=manage_url, cancel=False)


def _after_commit(entry: DiaryEntry, kind: str, manage_url: str | None, cancel: bool) -> None:
    # robust: a mail server that fails must not turn a committed booking into a 500
    # (the patient would retry and book twice); Django logs the failure for staff.
    transaction.on_commit(
        lambda: _send(entry=entry, kind=kind, manage_url=manage_url, cancel=cancel), robust=True
    )


def send_confirmation(*, entry: DiaryEntry, manage_url: str) -> None:
    _after_commit(entry, "confirmation", manage_url, cancel=False)


def send_rescheduled(*, entry: DiaryEntry) -> None:
    _after_commit(entry, "rescheduled", None, cancel=False)


def send_reinstated(*, entry: DiaryEntry) -> None:
    _after_commit(entry, "reinstated", None, cancel=False)


def send_cancelled(*, entry: DiaryEntry) -> None:
    _after_commit(entry, "cancelled", None, cancel=True)


def send_manage_link(*, entry: DiaryEntry, manage_url: str) -> None:
    """The manage link again, to the booking's own address (no calendar file)."""
    zone = ZoneInfo(site_selectors.clinic_get().time_zone)
    details = cast(Any, entry).details
    send_message(kind="manage_link", to=details.email, context={
        "entry": entry, "manage_url": manage_url, "start": entry.start.astimezone(zone),
    })  # fmt: skip


def send_message(*, kind: str, to: str, context: dict[str, Any]) -> None:
    """A plain and HTML email with no calendar file (the waitlist's), after commit."""

    def send() -> None:
        clinic = site_selectors.clinic_get()
        full = {"clinic": clinic, **context}
        subject = _subject(kind, full)
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"booking/email/{kind}.txt", full),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            reply_to=[clinic.email],
        )
        message.attach_alternative(render_to_string(f"booking/email/{kind}.html", full),
                                   "text/html")  # fmt: skip
        message.send()

    transaction.on_commit(send, robust=True)
