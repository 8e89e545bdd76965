"""The patient's manage page, reached from the emailed link without setting a cookie.

Opening the link (a GET, which mail scanners and link previews also make) shows the
appointment and changes nothing. Pressing "Change or cancel this appointment" posts the
token, which becomes a short session, and the browser moves to an address without it
(``/bookings/manage/REF/``). That address, opened later without the session (a bookmark,
another device), explains how to get back in and offers to send the link again.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from stride import clock
from stride.booking import calendar, linkpages, picker, selectors, services
from stride.booking.linkpages import private
from stride.booking.models import BookingDetails, DiaryEntry, ExtraManageToken
from stride.site import selectors as site_selectors
from stride.web import formguard
from stride.web.formguard import public_form

SESSION_KEY = "stride_manage"
SESSION_SECONDS = 60 * 60


def _details_for(token: str) -> BookingDetails | None:
    """The booking a manage token (the first one or a later one) opens, while it lasts."""
    if not 20 <= len(token) <= 100:
        return None
    digest = services.token_hash(token)
    now = clock.now()
    found = BookingDetails.objects.select_related("entry__service", "entry__practitioner")
    details = found.filter(manage_token_hash=digest, manage_token_expires_at__gt=now).first()
    if details is None:
        extra = (
            ExtraManageToken.objects.select_related(
                "details__entry__service", "details__entry__practitioner"
            )
            .filter(token_hash=digest, expires_at__gt=now)
            .first()
        )
        details = extra.details if extra else None
    return details


@public_form
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_start(request: HttpRequest) -> HttpResponse:
    """GET: the appointment and one button, no cookie. POST: the token becomes a
    session, and the browser goes to an address without it."""
    source = request.POST if request.method == "POST" else request.GET
    token = source.get("token", "")
    details = _details_for(token)
    clinic = site_selectors.clinic_get()
    if not token and request.method != "POST":  # the address typed without a link
        return private(render(request, "booking/manage_help.html", {"clinic": clinic}))
    if details is None:
        page = render(request, "booking/manage_help.html",
                      {"clinic": clinic, "link_failed": True}, status=404)  # fmt: skip
        return private(page, referrer="no-referrer")
    entry = details.entry
    if request.method != "POST":
        context = {"clinic": clinic, "entry": entry, "token": token,
                   "start": entry.start.astimezone(selectors.clinic_zone())}  # fmt: skip
        # strict-origin: the form's POST carries this site's Origin (no-referrer would
        # send "null"), and no address with the token is ever sent as a Referer.
        return private(render(request, "booking/manage_open.html", context), "strict-origin")
    request.session.cycle_key()
    formguard.bind_session(request)
    request.session[SESSION_KEY] = entry.pk
    request.session.set_expiry(SESSION_SECONDS)
    url = reverse("booking:manage", kwargs={"reference": entry.reference})
    return private(HttpResponseRedirect(url, status=303), referrer="no-referrer")


def _entry(request: HttpRequest, reference: str) -> DiaryEntry | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return (
        DiaryEntry.objects.select_related("service", "practitioner")
        .filter(pk=pk, reference=reference)
        .first()
    )


def _back(reference: str, result: str) -> HttpResponse:
    url = reverse("booking:manage", args=[reference])
    return private(HttpResponseRedirect(f"{url}?result={result}", status=303))


@never_cache
@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request, reference)
    clinic = site_selectors.clinic_get()
    if entry is None:  # a bookmark, another device, an ended session: the way back in
        context = {"clinic": clinic, "reference": linkpages.clean_reference(reference),
                   "notice": linkpages.notice(request.GET.get("result", ""), clinic.phone)
                   if request.GET.get("result") == "signed_out" else None}  # fmt: skip
        return private(render(request, "booking/manage_help.html", context))
    zone = selectors.clinic_zone()
    changeable = services.can_change(entry)
    shown = None
    if changeable and entry.service:  # the full horizon, with the booking's practitioner
        today = clock.today(zone.key)
        shown = picker.build(
            service=entry.service, practitioner=entry.practitioner,
            asked=picker.Asked.read(request.GET), today=today,
            last=today + dt.timedelta(days=selectors.rules_get().horizon_days), zone=zone,
            link=lambda name, value: "?" + urlencode({name: value}), mode="radio",
            exclude=entry.start, prefer=entry.start.astimezone(zone).date(),
            with_earliest=False, level=3,
        )  # fmt: skip
    context = {
        "entry": entry,
        "start": entry.start.astimezone(zone),
        "changeable": changeable,
        "picker": shown,
        "person": entry.practitioner,
        "submit_label": "Move my appointment",
        "clinic": clinic,
        "notice": linkpages.notice(request.GET.get("result", ""), clinic.phone),
    }
    if request.GET.get("result") == "moved":  # the new time, for the patient's calendar
        title = calendar.title(entry=entry, clinic_name=clinic.name)
        context["links"] = calendar.web_links(title=title, start=entry.start, end=entry.end,
                                              location=", ".join(clinic.address_lines))  # fmt: skip
    partial = shown is not None and request.headers.get("HX-Request") == "true"
    page = render(request, "booking/_picker.html" if partial else "booking/manage.html", context)
    patch_vary_headers(page, ["HX-Request"])
    return private(page)


@require_safe
def manage_calendar(request: HttpRequest, reference: str) -> HttpResponse:
    """The appointment's calendar file, for the session that opened its link: the same
    event as the emails' (same UID, the latest SEQUENCE), so it updates the old one."""
    entry = _entry(request, reference)
    if entry is None:
        raise Http404("no such booking")
    response = HttpResponse(calendar.for_entry(entry, publish=True),
                            content_type="text/calendar; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = "attachment; filename=appointment.ics"
    return private(response)


@public_form(session=True)
@require_POST
def manage_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request, reference)
    if entry is None:
        return _back(reference, "signed_out")
    if request.POST.get("confirm") != "yes":  # one tap never cancels: ask first
        context = {"clinic": site_selectors.clinic_get(), "entry": entry,
                   "start": entry.start.astimezone(selectors.clinic_zone())}  # fmt: skip
        return private(render(request, "booking/manage_cancel.html", context))
    try:
        services.booking_cancel(entry=entry, actor="patient", reason="cancelled online")
    except services.LateCancellation:
        return _back(reference, "late_cancel")
    except services.Busy:
        return _back(reference, "busy")
    return _back(reference, "cancelled")


@public_form(session=True)
@require_POST
def manage_reschedule(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _entry(request, reference)
    if entry is None:
        return _back(reference, "signed_out")
    raw = request.POST.get("start", "")
    try:
        start = dt.datetime.fromisoformat(raw)
        if start.tzinfo is None or not 2000 <= start.year <= 2100:
            raise ValueError
    except ValueError:
        return _back(reference, "choose")
    try:
        services.booking_reschedule(entry=entry, start=start, practitioner=entry.practitioner)
    except services.SlotUnavailable:
        return _back(reference, "gone")
    except services.LateCancellation:
        return _back(reference, "late_move")
    except services.Busy:
        return _back(reference, "busy")
    return _back(reference, "moved")
