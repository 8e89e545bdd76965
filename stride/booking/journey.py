"""Booking on the website, with no JavaScript: service, time, details, done.

Each step is a plain page; the slot picker is a month of days and the chosen day's
times, all links (``stride.booking.picker``), which htmx swaps in place when it can.
The form posts once: a hidden submission id makes a double click or a retried post
land on the same booking. A hidden field that people never see catches form robots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from stride import clock
from stride.booking import calendar, handoff, picker, policy, selectors, signals, validation
from stride.booking.models import DiaryEntry, Service
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner
from stride.site.pagecache import public_page
from stride.web import patientform, ratelimit
from stride.web.formguard import public_form

DONE_KEY = "stride_booked"  # session: submission id -> reference
# The details form's fields, in the order of the page (the error summary's order).
DETAILS_ORDER = ("name", "email", "phone", "date_of_birth", "reason", "share_summary", "consent")


@require_safe
@public_page
def start(request: HttpRequest) -> HttpResponse:
    online = list(selectors.services_online())
    by_phone = Service.objects.filter(is_active=True, bookable_online=False)
    return render(request, "booking/start.html", {
        "clinic": site_selectors.clinic_get(), "services": online, "by_phone": by_phone,
    })  # fmt: skip


def online_service(slug: str) -> Service:
    service = selectors.services_online().filter(slug=slug).first()
    if service is None:
        raise Http404("no such service")
    return service


def service_practitioner(service: Service, slug: str | None) -> Practitioner | None:
    if not slug or slug == "any":
        return None
    person = service.practitioners.filter(slug=slug, is_active=True).first()
    if person is None:
        raise Http404("no such practitioner")
    return person


# The web form's words for a refusal (the API's are in stride.booking.policy).
JOURNEY_WORDS = {
    "taken": "Sorry, that time has just gone. Please choose another.",
    "rate_limited": "Too many attempts. Please call us to book.",
}


@public_form
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def times(request: HttpRequest, slug: str) -> HttpResponse:
    """The slot picker: a month of days and the chosen day's times, all links. Posted
    from the self-assessment, it carries the signed hand-off along as a form field: the
    days and times are then buttons in one form, not links. Asked by htmx (a day or a
    month chosen with JavaScript on), it answers with the picker alone."""
    service = online_service(slug)
    source = request.POST if request.method == "POST" else request.GET
    person = service_practitioner(service, source.get("practitioner"))
    choice = person.slug if person else "any"
    zone = selectors.clinic_zone()
    today = clock.today(zone.key)
    carried = handoff.loads(source.get("handoff", ""))
    today_only = bool(carried and carried.same_day)  # urgent: today or not at all
    last = today if today_only else today + dt.timedelta(days=selectors.rules_get().horizon_days)
    shown = picker.build(
        service=service, practitioner=person, asked=picker.Asked.read(source), today=today,
        last=last, zone=zone, mode="pick" if carried else "link",
        link=lambda name, value: "?" + urlencode({"practitioner": choice, name: value}),
    )  # fmt: skip
    context = {
        "clinic": site_selectors.clinic_get(), "service": service, "person": person,
        "people": service.practitioners.filter(is_active=True), "picker": shown,
        "zone": zone.key, "choice": choice, "today_only": today_only,
        "horizon_weeks": (last - today).days // 7,
        "handoff": source.get("handoff", "") if carried else "",
    }  # fmt: skip
    partial = request.headers.get("HX-Request") == "true"
    response = render(request, "booking/_picker.html" if partial else "booking/times.html",
                      context)  # fmt: skip
    patch_vary_headers(response, ["HX-Request"])
    return response


@public_form
@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def details(request: HttpRequest, slug: str) -> HttpResponse:
    service = online_service(slug)
    zone = selectors.clinic_zone()
    source: QueryDict = request.POST if request.method == "POST" else request.GET
    if "pick" in source:  # a time button from the picker: "<start> <practitioner>"
        source = source.copy()
        start_text, _, who = str(source.get("pick", "")).partition(" ")
        source["start"], source["practitioner"] = start_text, who or "any"
    carried = handoff.loads(source.get("handoff", ""))
    problems: list[validation.Problem] = []
    start = validation.parse_start(source.get("start", ""), zone, problems)
    if start is None:
        raise Http404("no such time")
    person = service_practitioner(service, source.get("practitioner"))
    if carried and carried.same_day and start.date() != clock.now().astimezone(zone).date():
        raise Http404("urgent: today only")  # the picker offered only today's times
    today = clock.today(zone.key)
    form = patientform.read(source, today=today)
    until = selectors.online_changes_until(start=start)
    context = {
        "clinic": site_selectors.clinic_get(), "service": service, "start": start,
        "person": person, "practitioner": person.slug if person else "any",
        "submission": source.get("submission") or secrets.token_urlsafe(16),
        "values": source, "carried": carried,
        "handoff": source.get("handoff", "") if carried else "",
        "change_until": until.astimezone(zone), "change_online": clock.now() < until,
        "late_hours": selectors.rules_get().late_cancel_hours,
        **patientform.page_context(form, {}, DETAILS_ORDER),
    }  # fmt: skip

    def page(status: int = 200) -> HttpResponse:
        if person is None:  # "whoever is free first": who that is now (the write chooses again)
            context["expected"] = policy.practitioner_for_any(service=service, start=start)
            context["gone"] = context.get("gone") or context["expected"] is None
        return render(request, "booking/details.html", context, status=status)

    if request.method != "POST" or "pick" in request.POST:
        return page()
    submission = request.POST.get("submission", "")
    done = request.session.get(DONE_KEY, {})
    if submission and submission in done:  # a double click or a retried post
        return HttpResponseRedirect(reverse("booking:done", args=[done[submission]]))
    if request.POST.get("website"):  # the honeypot: people never see this field
        return HttpResponseRedirect(reverse("booking:start"))
    if ratelimit.hit("booking-ip", ratelimit.client_ip(request),
                     limit=settings.BOOKING_LIMIT_PER_IP, window=3600):  # fmt: skip
        context.update(errors={None: "Too many attempts. Please call us to book."})
        return page(429)
    data = {
        "service": service.slug, "practitioner": context["practitioner"],
        "start": source.get("start"), "consent": request.POST.get("consent") == "yes",
        "reason": request.POST.get("reason", ""),
        "assessment_summary": carried.summary
        if carried and request.POST.get("share_summary") == "yes" else "",
        "patient": form.fields,
    }  # fmt: skip
    parsed = validation.parse(data, zone=zone, today=today)
    parsed.problems = form.checked(parsed.problems)
    if parsed.details and data["assessment_summary"] and carried and carried.record:
        # Shared: the same answers as data too, for the practitioner's table.
        parsed.details = dataclasses.replace(parsed.details, assessment_record=carried.record)
    outcome = policy.book(parsed)
    if outcome.kind == "invalid":
        context.update(
            patientform.page_context(form, patientform.by_field(outcome.problems), DETAILS_ORDER)
        )
        return page(400)
    if outcome.kind != "booked":
        status = {"taken": 409, "rate_limited": 429, "not_bookable": 400, "busy": 503}
        context["errors"] = {None: JOURNEY_WORDS.get(outcome.kind) or outcome.message}
        context["gone"] = outcome.kind == "taken"
        return page(status[outcome.kind])
    booked = outcome.booked
    assert booked is not None
    if carried:  # an anonymous daily count; nothing about the person
        signals.booked_from_assessment.send(sender=DiaryEntry, day=clock.today(zone.key))
    done[submission] = booked.entry.reference
    request.session[DONE_KEY] = done
    url = reverse("booking:done", args=[booked.entry.reference])
    shown = request.POST.get("expected", "")  # who the page said it would be
    if person is None and shown and booked.entry.practitioner.slug != shown:  # taken meanwhile
        url += "?" + urlencode({"instead": shown})
    return HttpResponseRedirect(url)


def _booked(request: HttpRequest, reference: str) -> DiaryEntry:
    """A booking this browser's session has just made: only its maker sees the done page
    and its calendar file (they show the email address given)."""
    if reference not in request.session.get(DONE_KEY, {}).values():
        raise Http404("no such booking")
    return DiaryEntry.objects.select_related("service", "practitioner", "details").get(
        reference=reference
    )


@never_cache
@require_safe
def done(request: HttpRequest, reference: str) -> HttpResponse:
    entry = _booked(request, reference)
    clinic = site_selectors.clinic_get()
    zone = selectors.clinic_zone()
    address = ", ".join(clinic.address_lines)
    until = selectors.online_changes_until(entry=entry)
    instead = request.GET.get("instead", "")
    missed = (entry.service.practitioners.filter(slug=instead).exclude(pk=entry.practitioner_id)
              .first() if instead and entry.service else None)  # fmt: skip
    return render(request, "booking/done.html", {
        "clinic": clinic, "entry": entry, "start": entry.start.astimezone(zone), "missed": missed,
        "email": cast(Any, entry).details.email, "map_url": site_selectors.map_url(clinic=clinic),
        "links": calendar.web_links(title=calendar.title(entry=entry, clinic_name=clinic.name),
                                    start=entry.start, end=entry.end, location=address),
        "late_hours": selectors.rules_get().late_cancel_hours,
        "change_until": until.astimezone(zone), "change_online": clock.now() < until,
    })  # fmt: skip


@require_safe
def done_calendar(request: HttpRequest, reference: str) -> HttpResponse:
    """The confirmation page's calendar file: the email's, as an event to keep."""
    entry = _booked(request, reference)
    response = HttpResponse(calendar.for_entry(entry, publish=True),
                            content_type="text/calendar; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = "attachment; filename=appointment.ics"
    response["Cache-Control"] = "no-store"
    return response
