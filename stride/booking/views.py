"""The patient's manage page: the emailed link's token becomes a short session at once,
so the token never stays in an address bar, a history or a log."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from stride import clock
from stride.booking import selectors, services
from stride.booking.models import BookingDetails, DiaryEntry, ExtraManageToken
from stride.site import selectors as site_selectors

SESSION_KEY = "stride_manage"
SESSION_SECONDS = 60 * 60


def private(response: HttpResponse, referrer: str = "same-origin") -> HttpResponse:
    # The address with the token is answered with no-referrer; the pages after it
    # send their own origin, which Django's CSRF check needs on a form post (with
    # no-referrer, browsers send "Origin: null").
    response["Referrer-Policy"] = referrer
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def manage_start(request: HttpRequest) -> HttpResponse:
    """Swap the token in the link for a session, then go to an address without it."""
    token = request.GET.get("token", "")
    details = None
    if 20 <= len(token) <= 100:
        digest = services.token_hash(token)
        details = (
            BookingDetails.objects.select_related("entry")
            .filter(manage_token_hash=digest, manage_token_expires_at__gt=clock.now())
            .first()
        )
        extra = ExtraManageToken.objects.filter(
            token_hash=digest, expires_at__gt=clock.now()
        ).first()
        if details is None and extra is not None:
            details = extra.details
    if details is None:
        raise Http404("no such booking")
    request.session.cycle_key()
    request.session[SESSION_KEY] = details.entry.pk
    request.session.set_expiry(SESSION_SECONDS)
    url = reverse("booking:manage", kwargs={"reference": details.entry.reference})
    return private(HttpResponseRedirect(url), referrer="no-referrer")


def _entry(request: HttpRequest, reference: str) -> DiaryEntry:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        raise Http404("no such booking")
    entry = (
        DiaryEntry.objects.select_related("service", "practitioner")
        .filter(pk=pk, reference=reference)
        .first()
    )
    if entry is None:
        raise Http404("no such booking")
    return entry


@never_cache
@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request, reference)
    zone = selectors.clinic_zone()
    times = []
    if services.can_change(entry) and entry.service:
        day = max(entry.start.astimezone(zone).date(), clock.now().astimezone(zone).date())
        found = selectors.slots_available(
            service=entry.service, first_day=day, last_day=day + dt.timedelta(days=14),
            practitioner=entry.practitioner,
        )  # fmt: skip
        times = [s.start for s in found if s.start != entry.start][:40]
    context = {
        "entry": entry,
        "start": entry.start.astimezone(zone),
        "changeable": services.can_change(entry),
        "times": [t.astimezone(zone) for t in times],
        "clinic": site_selectors.clinic_get(),
    }
    return private(render(request, "booking/manage.html", context))


@require_POST
def manage_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request, reference)
    try:
        services.booking_cancel(entry=entry, actor="patient", reason="cancelled online")
        messages.success(request, "Your appointment is cancelled. We have emailed you.")
    except services.LateCancellation:
        phone = site_selectors.clinic_get().phone
        messages.error(request, f"It is too close to your appointment to cancel online. "
                                f"Please call us on {phone}.")  # fmt: skip
    return private(HttpResponseRedirect(reverse("booking:manage", args=[reference])))


@require_POST
def manage_reschedule(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request, reference)
    raw = request.POST.get("start", "")
    try:
        start = dt.datetime.fromisoformat(raw)
        if start.tzinfo is None or not 2000 <= start.year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, "Choose one of the times listed.")
        return private(HttpResponseRedirect(reverse("booking:manage", args=[reference])))
    try:
        services.booking_reschedule(entry=entry, start=start, practitioner=entry.practitioner)
        messages.success(request, "Your appointment has moved. We have emailed you the new time.")
    except services.SlotUnavailable:
        messages.error(request, "Sorry, that time has just gone. Please choose another.")
    except services.LateCancellation:
        phone = site_selectors.clinic_get().phone
        messages.error(request, f"It is too close to your appointment to move it online. "
                                f"Please call us on {phone}.")  # fmt: skip
    return private(HttpResponseRedirect(reverse("booking:manage", args=[reference])))
