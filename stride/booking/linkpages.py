"""What the pages behind an emailed link share: private answers, the one-line notices
after an action (in the address, never in a cookie), and sending a manage link again to
someone who has lost it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stride import clock
from stride.booking import emails, policy, tokens, validation
from stride.booking.models import BookingDetails, DiaryEntry, ExtraManageToken
from stride.site import selectors as site_selectors
from stride.web import ratelimit
from stride.web.formguard import public_form

logger = logging.getLogger(__name__)
REFERENCE = re.compile(f"^[{tokens.REFERENCE_ALPHABET}]{{3}}-[{tokens.REFERENCE_ALPHABET}]{{3}}$")
RESEND_ATTEMPTS_PER_REFERENCE = 20  # an hour: wrong guesses never lock the owner out
RESEND_SENDS = ((3, 3600), (5, 86400))  # emails per booking: an hour, a day

# After an action the page says what happened; "error" notices are read out first.
NOTICES = {
    "moved": ("success", "Your appointment has moved. We have emailed you the new time."),
    "cancelled": ("success", "Your appointment is cancelled. We have emailed you."),
    "declined": ("success", "Thank you. We have let this time go and kept your place."),
    "left": ("success", "You have left the waitlist. We will not email you about it again."),
    "choose": ("error", "Choose one of the times listed."),
    "gone": ("error", "Sorry, that time has just gone. Please choose another."),
    "late_cancel": ("error", "It is too close to your appointment to cancel online. "
                             "Please call us on {phone}."),
    "late_move": ("error", "It is too close to your appointment to move it online. "
                           "Please call us on {phone}."),
    "busy": ("error", "We are busy. Please try again in a moment."),
    "signed_out": ("error", "For your privacy, this page closes after an hour. Open the link "
                            "in your email again, or ask us to send it below."),
    "offer_ended": ("error", "Sorry, this offer has ended, so the time may have gone to "
                             "someone else. You can still choose another time."),
    "offer_already_ended": ("error", "This offer had already ended."),
    "offer_failed": ("error", "Sorry, we could not book it just now. Please call us on {phone}."),
}  # fmt: skip


def private(response: HttpResponse, referrer: str = "same-origin") -> HttpResponse:
    """Never cached, never indexed. The pages with a token in their address say
    ``no-referrer`` or ``strict-origin``; the pages after them send their own origin,
    which the form checks need (with no-referrer a browser posts ``Origin: null``)."""
    response["Referrer-Policy"] = referrer
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def notice(code: str, phone: str) -> tuple[str, str] | None:
    """(kind, words) for a result code in the address; None for anything else."""
    if code == "at_cap":  # the same words as every other refusal at the cap
        return "error", policy.not_bookable_message(phone)
    found = NOTICES.get(code)
    return (found[0], found[1].format(phone=phone)) if found else None


def clean_reference(raw: str) -> str:
    """A reference as people type it (lower case, spaces, no dash), or "" if it is not one."""
    text = re.sub(r"[\s-]", "", raw.upper())[:12]
    text = f"{text[:3]}-{text[3:]}" if len(text) == 6 else text
    return text if REFERENCE.match(text) else ""


def _send_link(reference: str, email: str) -> None:
    """A new manage link to the booking's own address, when both match a current
    booking, and not more often than ``RESEND_SENDS`` allows."""
    current = BookingDetails.objects.select_related("entry").filter(
        entry__status=DiaryEntry.Status.CONFIRMED, manage_token_expires_at__gt=clock.now()
    )
    details = current.filter(entry__reference=reference, email__iexact=email).first()
    if details is None or any(
        ratelimit.hit("manage-resend-sent", reference, limit=limit, window=window)
        for limit, window in RESEND_SENDS
    ):
        return
    token = tokens.new_token()
    ExtraManageToken.objects.create(details=details, token_hash=tokens.token_hash(token),
                                    expires_at=details.manage_token_expires_at)  # fmt: skip
    emails.send_manage_link(entry=details.entry, manage_url=tokens.manage_url(token))


def _after_response(response: HttpResponse, work: Callable[[], None]) -> None:
    """Run ``work`` once the response has gone (when the server closes it), so how long
    the answer took says nothing about what the work found; its failure is logged."""

    def run() -> None:
        try:
            work()
        except Exception:
            logger.exception("Sending a manage link again failed")

    closers = cast(Any, response)._resource_closers  # run by Django when the server closes it
    closers.append(run)


@public_form
@never_cache
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    """Send the manage link again. The answer is the same, and as quick, whether or not
    the reference and the email match a booking: the look-up and the email happen after
    the response has gone, so it tells a stranger nothing."""
    clinic = site_selectors.clinic_get()
    typed = {"reference": request.POST.get("reference", "")[:40],
             "email": request.POST.get("email", "")[:254]}  # fmt: skip
    reference = clean_reference(typed["reference"])
    email = typed["email"].strip()
    errors: dict[str, str] = {}
    if not reference:
        errors["reference"] = ("Enter your booking reference as it appears in your email, "
                               "like K7P-4QD")  # fmt: skip
    try:
        validate_email(email)
        email = validation.normal_email(email)
    except (ValidationError, UnicodeError):
        errors["email"] = validation.INVALID_EMAIL
    context = {"clinic": clinic, "reference": reference or typed["reference"],
               "email": typed["email"], "errors": errors}  # fmt: skip
    if errors:
        return private(render(request, "booking/manage_help.html", context, status=400))
    if ratelimit.hit("manage-resend-ip", ratelimit.client_network(request),
                     limit=settings.BOOKING_LIMIT_PER_IP, window=3600) or ratelimit.hit(
        "manage-resend-ref", reference, limit=RESEND_ATTEMPTS_PER_REFERENCE, window=3600
    ):  # fmt: skip
        context["errors"] = {"": f"Too many requests. Please call us on {clinic.phone}."}
        return private(render(request, "booking/manage_help.html", context, status=429))
    response = private(render(request, "booking/manage_resent.html", context))
    _after_response(response, lambda: _send_link(reference, email))
    return response
