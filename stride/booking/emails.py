"""Emails to patients: plain text and HTML, with the calendar file attached.

Sent only after the booking's transaction commits, through Django's email backend
(console or file in the demo, SMTP in production). Every email has the clinic's name
at the top and its address, phone and map link at the foot (``email/base.html`` and
``base.txt``); the HTML has inline styles only, no images, fonts or tracking.
"""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from stride import clock
from stride.booking import calendar, selectors
from stride.booking.models import DiaryEntry
from stride.booking.tokens import manage_page_url
from stride.site import selectors as site_selectors
from stride.site.models import Clinic
from stride.web import hygiene
from stride.web.senders import sender


def _subject(kind: str, context: dict[str, Any]) -> str:
    """Plain text on one line (the template does not escape it: a subject is not HTML)."""
    return hygiene.one_line(render_to_string(f"booking/email/{kind}_subject.txt", context), 200)


def clinic_context(clinic: Clinic) -> dict[str, Any]:
    """What every email's header and footer show: the clinic, where it is, how to call."""
    return {
        "clinic": clinic, "map_url": site_selectors.map_url(clinic=clinic),
        "site_url": settings.SITE_URL, "book_url": settings.SITE_URL + reverse("booking:start"),
    }  # fmt: skip


def appointment_context(entry: DiaryEntry, clinic: Clinic) -> dict[str, Any]:
    """The appointment in the clinic's time, and until when it can be changed online."""
    zone = ZoneInfo(clinic.time_zone)
    until = selectors.online_changes_until(entry=entry)
    assert entry.reference, "an appointment with a patient always has a reference"
    return {
        "entry": entry, "start": entry.start.astimezone(zone), "zone": zone.key,
        "late_hours": selectors.rules_get().late_cancel_hours,
        "change_until": until.astimezone(zone), "change_online": clock.now() < until,
        "manage_page": manage_page_url(entry.reference),
    }  # fmt: skip


def render(kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, HTML) of one email; the context already has the clinic's part."""
    return (
        _subject(kind, context),
        render_to_string(f"booking/email/{kind}.txt", context),
        render_to_string(f"booking/email/{kind}.html", context),
    )


def _message(kind: str, to: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    subject, text, html = render(kind, context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=sender(context["clinic"].name), to=[to],
        reply_to=[context["clinic"].email],
    )  # fmt: skip
    message.attach_alternative(html, "text/html")
    return message


def booking_context(entry: DiaryEntry, manage_url: str | None) -> dict[str, Any]:
    clinic = site_selectors.clinic_get()
    details = cast(Any, entry).details  # the reverse one-to-one, typed loosely
    return {
        **clinic_context(clinic), **appointment_context(entry, clinic),
        "details": details, "manage_url": manage_url,
        # Typed by whoever booked, who may not be the address's owner: shown only on a
        # labelled line, never as the clinic's own words (not in the greeting or subject).
        "patient_name": hygiene.one_line(details.name),
    }  # fmt: skip


def _send(*, entry: DiaryEntry, kind: str, manage_url: str | None, cancel: bool) -> None:
    context = booking_context(entry, manage_url)
    message = _message(kind, context["details"].email, context)
    method = "CANCEL" if cancel else "REQUEST"
    message.attach("appointment.ics", calendar.for_entry(entry, cancel=cancel),
                   f"text/calendar; method={method}; charset=utf-8")  # fmt: skip
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
    details = cast(Any, entry).details

    def send() -> None:
        _message("manage_link", details.email, booking_context(entry, manage_url)).send()

    transaction.on_commit(send, robust=True)


def send_message(*, kind: str, to: str, context: dict[str, Any]) -> None:
    """A plain and HTML email with no calendar file (the waitlist's), after commit."""

    def send() -> None:
        full = {**clinic_context(site_selectors.clinic_get()), **context}
        _message(kind, to, full).send()

    transaction.on_commit(send, robust=True)
