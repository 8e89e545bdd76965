"""Booking on the website, with no JavaScript: service, time, details, done.

Each step is a plain page; the slot picker is days as headings and times as links.
The form posts once: a hidden submission id makes a double click or a retried post
land on the same booking. A hidden field that people never see catches form robots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from stride import clock
from stride.booking import handoff, policy, selectors, signals, validation
from stride.booking.models import DiaryEntry, Service
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner
from stride.site.pagecache import public_page
from stride.web import ratelimit
from stride.web.formguard import public_form

DONE_KEY = "stride_booked"  # session: submission id -> reference


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
    """The slot picker. Posted from the self-assessment, it carries the signed hand-off
    along as a form field: the times are then buttons in one form, not links."""
    service = online_service(slug)
    source = request.POST if request.method == "POST" else request.GET
    person = service_practitioner(service, source.get("practitioner"))
    zone = selectors.clinic_zone()
    today = clock.now().astimezone(zone).date()
    try:
        week = dt.date.fromisoformat(source.get("week", ""))
    except ValueError:
        week = today
    horizon = today + dt.timedelta(days=selectors.rules_get().horizon_days)
    week = min(max(week, today), horizon)
    week = week - dt.timedelta(days=week.weekday())  # from Monday
    carried = handoff.loads(source.get("handoff", ""))
    today_only = bool(carried and carried.same_day)
    first, last = max(week, today), week + dt.timedelta(days=6)
    if today_only:  # urgent: today or not at all
        week, first, last = today, today, today
    found = selectors.slots_available(
        service=service, first_day=first, last_day=last, practitioner=person
    )
    days: dict[dt.date, list[tuple[dt.datetime, str]]] = {}
    for slot in found:
        local = slot.start.astimezone(zone)
        days.setdefault(local.date(), []).append((local, slot.practitioner))
    previous = week - dt.timedelta(days=7)
    following = week + dt.timedelta(days=7)
    return render(request, "booking/times.html", {
        "clinic": site_selectors.clinic_get(), "service": service, "person": person,
        "people": service.practitioners.filter(is_active=True),
        "days": sorted(days.items()), "week": week, "zone": zone.key,
        "previous": previous if previous + dt.timedelta(days=6) >= today and not today_only
        else None,
        "following": following if following <= horizon and not today_only else None,
        "choice": source.get("practitioner") or "any",
        "handoff": source.get("handoff", "") if carried else "", "today_only": today_only,
    })  # fmt: skip


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
    context = {
        "clinic": site_selectors.clinic_get(), "service": service, "start": start,
        "person": person, "practitioner": source.get("practitioner") or "any",
        "submission": source.get("submission") or secrets.token_urlsafe(16),
        "values": source, "errors": {}, "carried": carried,
        "handoff": source.get("handoff", "") if carried else "",
    }  # fmt: skip
    if request.method != "POST" or "pick" in request.POST:
        return render(request, "booking/details.html", context)
    submission = request.POST.get("submission", "")
    done = request.session.get(DONE_KEY, {})
    if submission and submission in done:  # a double click or a retried post
        return HttpResponseRedirect(reverse("booking:done", args=[done[submission]]))
    if request.POST.get("website"):  # the honeypot: people never see this field
        return HttpResponseRedirect(reverse("booking:start"))
    if ratelimit.hit("booking-ip", ratelimit.client_ip(request),
                     limit=settings.BOOKING_LIMIT_PER_IP, window=3600):  # fmt: skip
        context["errors"] = {None: "Too many attempts. Please call us to book."}
        return render(request, "booking/details.html", context, status=429)
    data = {
        "service": service.slug, "practitioner": context["practitioner"],
        "start": source.get("start"), "consent": request.POST.get("consent") == "yes",
        "reason": request.POST.get("reason", ""),
        "assessment_summary": carried.summary
        if carried and request.POST.get("share_summary") == "yes" else "",
        "patient": {k: request.POST.get(k, "") for k in ("name", "email", "phone",
                                                         "date_of_birth")},
    }  # fmt: skip
    parsed = validation.parse(data, zone=zone, today=clock.today(zone.key))
    if parsed.details and data["assessment_summary"] and carried and carried.record:
        # Shared: the same answers as data too, for the practitioner's table.
        parsed.details = dataclasses.replace(parsed.details, assessment_record=carried.record)
    outcome = policy.book(parsed)
    if outcome.kind == "invalid":
        context["errors"] = {(f or "").removeprefix("patient."): m for f, c, m in outcome.problems}
        return render(request, "booking/details.html", context, status=400)
    if outcome.kind != "booked":
        status = {"taken": 409, "rate_limited": 429, "not_bookable": 400, "busy": 503}
        context["errors"] = {None: JOURNEY_WORDS.get(outcome.kind) or outcome.message}
        context["gone"] = outcome.kind == "taken"
        return render(request, "booking/details.html", context, status=status[outcome.kind])
    booked = outcome.booked
    assert booked is not None
    if carried:  # an anonymous daily count; nothing about the person
        signals.booked_from_assessment.send(sender=DiaryEntry, day=clock.today(zone.key))
    done[submission] = booked.entry.reference
    request.session[DONE_KEY] = done
    return HttpResponseRedirect(reverse("booking:done", args=[booked.entry.reference]))


@never_cache
@require_safe
def done(request: HttpRequest, reference: str) -> HttpResponse:
    if reference not in request.session.get(DONE_KEY, {}).values():
        raise Http404("no such booking")
    entry = DiaryEntry.objects.select_related("service", "practitioner").get(reference=reference)
    zone = selectors.clinic_zone()
    return render(request, "booking/done.html", {
        "clinic": site_selectors.clinic_get(), "entry": entry,
        "start": entry.start.astimezone(zone),
    })  # fmt: skip
