"""The waitlist on the website: join it, take or let go an offer, leave it.

Like the manage page, the emailed link opens a page that sets no cookie; its button turns
the token into a short session and moves the browser to an address without it.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from stride import clock
from stride.booking import journey, linkpages, selectors, services, validation, waitlist
from stride.booking.linkpages import private
from stride.booking.models import WaitlistOffer, WaitlistRequest
from stride.booking.views import SESSION_SECONDS
from stride.site import selectors as site_selectors
from stride.web import formguard, patientform, ratelimit
from stride.web.formguard import public_form

OFFER_KEY = "stride_waitlist_offer"
REQUEST_KEY = "stride_waitlist_request"
JOINED_KEY = "stride_waitlist_joined"
# The join form's fields, in the order of the page (the error summary's order).
JOIN_ORDER = (
    "practitioner",
    "earliest",
    "latest",
    "name",
    "email",
    "phone",
    "date_of_birth",
    "consent",
)


def _date(raw: str, field: str, problems: list[validation.Problem]) -> dt.date | None:
    if not raw:
        problems.append((field, "required", "Give a date, for example 2026-12-10."))
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append((field, "invalid_date", "Give a date such as 2026-12-10."))
        return None


def _dates(
    earliest_raw: str, latest_raw: str, *, today: dt.date, horizon: dt.date,
    problems: list[validation.Problem],
) -> tuple[dt.date, dt.date] | None:  # fmt: skip
    earliest = _date(earliest_raw, "earliest", problems)
    latest = _date(latest_raw, "latest", problems)
    if earliest is None or latest is None:
        return None
    before = len(problems)
    if earliest < today:
        problems.append(("earliest", "in_past", "Choose today or a later date."))
    if latest < earliest:
        problems.append(("latest", "before_earliest", "Choose a date on or after the first one."))
    elif latest > horizon:
        last = f"{horizon.day} {horizon:%B %Y}"
        problems.append(("latest", "beyond_horizon",
                         f"We book up to {last}. Choose a date up to then."))  # fmt: skip
    elif (latest - earliest).days >= waitlist.MAX_DAYS:
        problems.append(("latest", "too_long",
                         f"Choose dates at most {waitlist.MAX_DAYS} days apart."))  # fmt: skip
    return (earliest, latest) if len(problems) == before else None


@public_form
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, slug: str) -> HttpResponse:
    service = journey.online_service(slug)
    zone = selectors.clinic_zone()
    today = clock.now().astimezone(zone).date()
    horizon = today + dt.timedelta(days=selectors.rules_get().horizon_days)
    source = request.POST if request.method == "POST" else request.GET
    choice = source.get("practitioner") or "any"
    person = journey.service_practitioner(service, choice)
    default_latest = min(today + dt.timedelta(days=27), horizon)
    clinic = site_selectors.clinic_get()
    context = {
        "clinic": clinic, "service": service, "choice": choice,
        "people": service.practitioners.filter(is_active=True), "today": today,
        "horizon": horizon, "free": [],
        **patientform.page_context(patientform.read(source, today=today), {}, JOIN_ORDER),
        "values": {"earliest": today.isoformat(), "latest": default_latest.isoformat(),
                   **source.dict()},
    }  # fmt: skip
    if request.method != "POST":
        return render(request, "booking/waitlist_join.html", context)
    if request.POST.get("website"):  # the honeypot
        return HttpResponseRedirect(reverse("booking:start"))
    if ratelimit.hit("booking-ip", ratelimit.client_ip(request),
                     limit=settings.BOOKING_LIMIT_PER_IP, window=3600):  # fmt: skip
        context["errors"] = {None: "Too many attempts. Please call us."}
        return render(request, "booking/waitlist_join.html", context, status=429)
    problems: list[validation.Problem] = []
    dates = _dates(request.POST.get("earliest", ""), request.POST.get("latest", ""),
                   today=today, horizon=horizon, problems=problems)  # fmt: skip
    form = patientform.read(request.POST, today=today)
    details = validation.parse_patient(form.fields, today=today, problems=problems)
    problems[:] = form.checked(problems)
    if request.POST.get("consent") != "yes":
        problems.append(("consent", "consent_required",
                         "Please agree to the privacy notice to join the waitlist."))  # fmt: skip
    if not problems and details is not None and dates is not None:
        if waitlist.open_requests(email=details.email) >= waitlist.MAX_OPEN_PER_EMAIL:
            # The same words whoever the email belongs to: they reveal nothing about anyone.
            problems.append((None, "limit", "We cannot add this request online. "
                             f"Please call us on {clinic.phone}."))  # fmt: skip
        else:
            free = waitlist.free_times(service=service, practitioner=person,
                                       earliest=dates[0], latest=dates[1])  # fmt: skip
            if free:
                context["free"] = [(s.start.astimezone(zone), s.practitioner) for s in free[:6]]
                problems.append((None, "free_times", "There are free times in those dates, "
                                 "so there is no need to wait: book one of them now."))  # fmt: skip
    if problems or details is None or dates is None:  # nothing is written
        context.update(patientform.page_context(form, patientform.by_field(problems), JOIN_ORDER))
        return render(request, "booking/waitlist_join.html", context, status=400)
    joined = waitlist.join(service=service, practitioner=person, earliest=dates[0],
                           latest=dates[1], details=details)  # fmt: skip
    request.session[JOINED_KEY] = joined.request.pk
    return HttpResponseRedirect(reverse("booking:waitlist_joined"))


@never_cache
@require_http_methods(["GET", "HEAD"])
def joined(request: HttpRequest) -> HttpResponse:
    pk = request.session.get(JOINED_KEY)
    item = None
    if isinstance(pk, int):
        item = WaitlistRequest.objects.select_related("service").filter(pk=pk).first()
    if item is None:
        raise Http404("no such request")
    return render(request, "booking/waitlist_joined.html", {
        "clinic": site_selectors.clinic_get(), "item": item,
    })  # fmt: skip


def _link_target(token: str) -> tuple[str, WaitlistOffer | WaitlistRequest] | None:
    """What an emailed waitlist token opens: ("offer", offer) or ("place", request)."""
    if not 20 <= len(token) <= 100:
        return None
    digest = services.token_hash(token)
    found = WaitlistOffer.objects.select_related("hold__service", "practitioner")
    offer = found.filter(token_hash=digest).first()
    if offer is not None:
        return "offer", offer
    item = WaitlistRequest.objects.select_related("service", "practitioner")
    place = item.filter(token_hash=digest).first()
    return ("place", place) if place is not None else None


@public_form
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def link(request: HttpRequest) -> HttpResponse:
    """GET: what the link is about and one button, no cookie (mail scanners open links
    too). POST: the token becomes a short session, and the browser goes to an address
    without it."""
    source = request.POST if request.method == "POST" else request.GET
    token = source.get("token", "")
    found = _link_target(token)
    if found is None:
        raise Http404("no such waitlist link")
    kind, thing = found
    if request.method != "POST":
        context = {"clinic": site_selectors.clinic_get(), "kind": kind, "thing": thing,
                   "token": token}  # fmt: skip
        if isinstance(thing, WaitlistOffer):
            zone = selectors.clinic_zone()
            context["start"] = thing.start.astimezone(zone)
            context["expires"] = thing.expires_at.astimezone(zone)
        return private(render(request, "booking/waitlist_open.html", context), "strict-origin")
    request.session.cycle_key()
    formguard.bind_session(request)
    request.session[OFFER_KEY if kind == "offer" else REQUEST_KEY] = thing.pk
    request.session.set_expiry(SESSION_SECONDS)
    name = "booking:waitlist_offer" if kind == "offer" else "booking:waitlist_place"
    return private(HttpResponseRedirect(reverse(name, args=[thing.pk]), status=303),
                   referrer="no-referrer")  # fmt: skip


def _back(name: str, pk: int, result: str) -> HttpResponse:
    url = reverse(name, args=[pk])
    return private(HttpResponseRedirect(f"{url}?result={result}", status=303))


def _offer(request: HttpRequest, pk: int) -> WaitlistOffer:
    if request.session.get(OFFER_KEY) != pk:
        raise Http404("no such offer")
    found = WaitlistOffer.objects.select_related("request", "hold__service", "practitioner")
    offer = found.filter(pk=pk).first()
    if offer is None:
        raise Http404("no such offer")
    return offer


@never_cache
@require_http_methods(["GET", "HEAD"])
def offer_page(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    zone = selectors.clinic_zone()
    clinic = site_selectors.clinic_get()
    return private(render(request, "booking/waitlist_offer.html", {
        "clinic": clinic, "offer": offer,
        "notice": linkpages.notice(request.GET.get("result", ""), clinic.phone),
        "open": offer.status == WaitlistOffer.Status.OPEN and offer.expires_at > clock.now(),
        "start": offer.start.astimezone(zone), "expires": offer.expires_at.astimezone(zone),
    }))  # fmt: skip


@public_form(session=True)
@require_POST
def offer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    # No hourly email limit here: the offer is reached only through the emailed link and
    # taken once, and a stranger's attempts with the same email must not make its
    # owner miss it. The cap on future bookings applies, in the guarded write.
    try:
        booked = waitlist.accept(offer_id=offer.pk)
    except services.TooManyBookings:
        with contextlib.suppress(waitlist.OfferGone):
            waitlist.decline(offer_id=offer.pk)  # the held time goes to the next person
        return _back("booking:waitlist_offer", pk, "at_cap")
    except waitlist.OfferGone:
        return _back("booking:waitlist_offer", pk, "offer_ended")
    except (services.SlotUnavailable, services.Busy):
        return _back("booking:waitlist_offer", pk, "offer_failed")
    done = request.session.get(journey.DONE_KEY, {})
    done[f"waitlist-{pk}"] = booked.entry.reference
    request.session[journey.DONE_KEY] = done
    return private(HttpResponseRedirect(reverse("booking:done", args=[booked.entry.reference])))


@public_form(session=True)
@require_POST
def offer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    try:
        waitlist.decline(offer_id=offer.pk)
    except waitlist.OfferGone:
        return _back("booking:waitlist_offer", pk, "offer_already_ended")
    return _back("booking:waitlist_offer", pk, "declined")


def _place(request: HttpRequest, pk: int) -> WaitlistRequest:
    if request.session.get(REQUEST_KEY) != pk:
        raise Http404("no such request")
    item = WaitlistRequest.objects.select_related("service", "practitioner").filter(pk=pk).first()
    if item is None:
        raise Http404("no such request")
    return item


@never_cache
@require_http_methods(["GET", "HEAD"])
def place(request: HttpRequest, pk: int) -> HttpResponse:
    item = _place(request, pk)
    clinic = site_selectors.clinic_get()
    return private(render(request, "booking/waitlist_place.html", {
        "clinic": clinic, "item": item,
        "notice": linkpages.notice(request.GET.get("result", ""), clinic.phone),
        "waiting": item.status in (WaitlistRequest.Status.WAITING,
                                   WaitlistRequest.Status.OFFERED),
    }))  # fmt: skip


@public_form(session=True)
@require_POST
def place_leave(request: HttpRequest, pk: int) -> HttpResponse:
    item = _place(request, pk)
    waitlist.leave(request_id=item.pk)
    return _back("booking:waitlist_place", pk, "left")
