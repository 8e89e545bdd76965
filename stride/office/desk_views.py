"""The waitlist as reception sees it (with a manual offer of a free time), and the
audit trail for the clinic admin (on screen and as CSV)."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from stride import clock
from stride.booking import services, waitlist
from stride.booking.models import WaitlistRequest
from stride.office import audit
from stride.office.context import page
from stride.office.diary_views import zone
from stride.office.models import AuditEvent
from stride.office.roles import ADMIN, DESK, staff_only

OPEN = (WaitlistRequest.Status.WAITING, WaitlistRequest.Status.OFFERED)


@staff_only(*DESK)
def waitlist_list(request: HttpRequest) -> HttpResponse:
    items = (
        WaitlistRequest.objects.filter(status__in=OPEN)
        .select_related("service", "practitioner")
        .prefetch_related("offers")
        .order_by("created_at", "id")
    )
    audit.record(request, "waitlist.view")
    return render(request, "office/waitlist.html", page(request, "waitlist", items=items))


@staff_only(*DESK)
@require_http_methods(["GET", "HEAD", "POST"])
def waitlist_offer(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer one of the free times in the person's dates, held like an automatic offer."""
    item = WaitlistRequest.objects.select_related("service", "practitioner").filter(
        pk=pk, status=WaitlistRequest.Status.WAITING
    ).first()  # fmt: skip
    if item is None:
        raise Http404("not waiting")
    today = clock.now().astimezone(zone()).date()
    soonest = clock.now() + dt.timedelta(minutes=1)
    free = [s for s in waitlist.free_times(service=item.service, practitioner=item.practitioner,
                                           earliest=max(item.earliest, today),
                                           latest=item.latest)
            if s.start > soonest][:30]  # fmt: skip
    context = page(
        request,
        "waitlist",
        item=item,
        error="",
        free=[(s.start.astimezone(zone()), s.practitioner) for s in free],
    )
    if request.method != "POST":
        audit.record(request, "waitlist.view_request", f"waitlist:{item.pk}")
        return render(request, "office/waitlist_offer.html", context)
    start_text, _, who = request.POST.get("pick", "").partition(" ")
    chosen = next((s for s in free if s.start.isoformat() == start_text
                   and s.practitioner == who), None)  # fmt: skip
    if chosen is None:
        context["error"] = "Choose one of the free times listed."
        return render(request, "office/waitlist_offer.html", context, status=400)
    try:
        waitlist.offer(request=item, start=chosen.start, practitioner=chosen.practitioner)
    except (services.SlotUnavailable, services.Busy, waitlist.OfferGone):
        context["error"] = "That time has just gone, or the request changed. Choose again."
        return render(request, "office/waitlist_offer.html", context, status=409)
    audit.record(request, "waitlist.offer", f"waitlist:{item.pk}")
    messages.success(request, "Offered and held. The patient has been emailed.")
    return redirect("office:waitlist")


def _audit_filters(request: HttpRequest) -> tuple[dict[str, object], dict[str, str]]:
    values = {k: request.GET.get(k, "").strip() for k in ("action", "since", "until")}
    query: dict[str, object] = {}
    errors = {}
    if values["action"]:
        query["action__startswith"] = values["action"][:40]
    for key, lookup in (("since", "at__gte"), ("until", "at__lt")):
        if values[key]:
            try:
                day = dt.date.fromisoformat(values[key])
            except ValueError:
                errors[key] = "Give a date such as 2026-06-01."
                continue
            if key == "until":
                day += dt.timedelta(days=1)
            query[lookup] = dt.datetime.combine(day, dt.time(), zone())
    return query, errors


@staff_only(*ADMIN)
def audit_list(request: HttpRequest) -> HttpResponse:
    query, errors = _audit_filters(request)
    events = AuditEvent.objects.filter(**query) if not errors else AuditEvent.objects.none()
    if request.GET.get("format") == "csv" and not errors:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="stride-audit.csv"'
        writer = csv.writer(response)
        writer.writerow(["at (UTC)", "staff account", "role", "action", "subject"])
        for event in events.order_by("at", "id").iterator():
            writer.writerow([event.at.astimezone(dt.UTC).isoformat(), event.actor, event.role,
                             event.action, event.subject])  # fmt: skip
        return response
    return render(request, "office/audit.html", page(
        request, "audit", events=events[:500], errors=errors,
        values={k: request.GET.get(k, "") for k in ("action", "since", "until")},
    ), status=400 if errors else 200)  # fmt: skip
