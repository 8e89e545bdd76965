"""Staff book for phone callers, move bookings and block out time.

Booking for a caller starts by finding the caller's record (``stride.office.caller``).

Staff may book any active service (phone-only ones too), inside the minimum notice and
beyond the online horizon, but only inside working hours and never over another entry:
the same guarded path as online booking, and the patient gets the same emails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from stride import clock
from stride.booking import selectors, services, validation
from stride.booking.models import DiaryEntry, Service
from stride.office import audit, caller, diary_grid, grid_html
from stride.office.context import page
from stride.office.diary_views import visible_practitioners, zone
from stride.office.entry_views import CHANGED, actor, entry_for
from stride.office.roles import staff_only
from stride.site.models import Practitioner
from stride.web import patientform

# The form's fields, in the order of the page (the error summary's order).
NEW_ORDER = ("service", "start", "name", "email", "phone", "date_of_birth", "reason")


def staff_times(*, service: Service, person: Practitioner, day: dt.date) -> list[dt.datetime]:
    """Free start times for staff: the online rules less the notice and the horizon."""
    inputs = selectors.availability_inputs(
        service=service, first_day=day, last_day=day, practitioner=person
    )
    offered = inputs.for_staff().offered(day, day)
    return [s.start.astimezone(zone()) for s in offered if s.practitioner == person.slug]


def _day(raw: str, fallback: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw else fallback
    except ValueError as error:
        raise Http404("no such day") from error
    if not 2000 <= day.year <= 2100:
        raise Http404("no such day")
    return day


def _choices(request: HttpRequest, source: Any) -> dict[str, Any]:
    people = visible_practitioners(request)
    services_all = Service.objects.filter(is_active=True).order_by("order", "name")
    service = services_all.filter(slug=source.get("service", "")).first()
    person = next((p for p in people if p.slug == source.get("practitioner", "")), None)
    if person is None and len(people) == 1:
        person = people[0]
    today = clock.now().astimezone(zone()).date()
    day = _day(source.get("day", ""), today)
    times = []
    if service and person and service.practitioners.filter(pk=person.pk).exists():
        times = staff_times(service=service, person=person, day=day)
    return {"services": services_all, "people": people, "service": service,
            "person": person, "day": day, "times": times}  # fmt: skip


@staff_only()
@require_http_methods(["GET", "HEAD", "POST"])
def new_booking(request: HttpRequest) -> HttpResponse:
    sent = request.POST if request.method == "POST" else request.GET
    context = _choices(request, sent)
    today = clock.now().astimezone(zone()).date()
    who = caller.step(request, sent, today=today)
    if not who.ready:  # first, find the caller's record
        context.update(caller.search_context(sent, who))
        return render(request, "office/booking_new.html", page(request, "diary", **context),
                      status=400 if who.errors else 200)  # fmt: skip
    context.update(caller.chosen_context(sent, who))
    source = caller.prefilled(sent, who.patient)
    form = patientform.read(source, today=today)
    context.update(values=source, **patientform.page_context(form, {}, NEW_ORDER))
    if request.method != "POST":
        return render(request, "office/booking_new.html", page(request, "diary", **context))
    problems: list[validation.Problem] = []
    start = validation.parse_start(source.get("start", ""), zone(), problems)
    if start is not None and start not in context["times"]:
        problems.append(("start", "not_free", "Choose one of the free times listed."))
    details = validation.parse_patient(form.fields, today=today, problems=problems)
    problems[:] = patientform.for_someone_else(form.checked(problems))
    reason = source.get("reason", "").strip()
    if len(reason) > validation.MAX_REASON:
        problems.append(("reason", "too_long", "Use at most 2000 characters."))
    if context["service"] is None or context["person"] is None:
        problems.append(("service", "required", "Choose a service and who it is with."))
    if problems or details is None or start is None:
        context.update(patientform.page_context(form, patientform.by_field(problems), NEW_ORDER))
        return render(request, "office/booking_new.html", page(request, "diary", **context),
                      status=400)  # fmt: skip
    try:
        booked = services.booking_create(
            service=context["service"], practitioner=context["person"], start=start,
            details=replace(details, reason=reason), channel=DiaryEntry.Channel.PHONE,
            staff=True, patient=who.patient,
        )  # fmt: skip
    except (services.SlotUnavailable, services.Busy):
        context.update(
            patientform.page_context(
                form, {"start": "That time has just gone. Choose another."}, NEW_ORDER
            )
        )
        context["times"] = staff_times(service=context["service"], person=context["person"],
                                       day=context["day"])  # fmt: skip
        return render(request, "office/booking_new.html", page(request, "diary", **context),
                      status=409)  # fmt: skip
    audit.record(request, "booking.create", f"booking:{booked.entry.pk}")
    messages.success(request, f"Booked ({booked.entry.reference}). The patient has been "
                              "emailed a confirmation.")  # fmt: skip
    return redirect("office:entry", pk=booked.entry.pk)


@staff_only()
@require_http_methods(["GET", "HEAD", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    item = entry_for(request, pk)
    if item.kind != "appointment" or item.status != "confirmed" or item.service is None:
        raise Http404("only a booked appointment can be moved")
    local = item.start.astimezone(zone())
    day = _day(request.GET.get("day", "") or request.POST.get("day", ""), local.date())
    times = [t for t in staff_times(service=item.service, person=item.practitioner, day=day)
             if t != local]  # fmt: skip
    shown = diary_grid.day_grid(day=day, people=[item.practitioner], zone=zone(),
                                now=clock.now())  # fmt: skip
    context = page(
        request, "diary", entry=item, start=local, day=day, times=times, error="",
        previous=day - dt.timedelta(days=1), following=day + dt.timedelta(days=1),
        grid=shown, day_title=f"{day:%A %-d %B %Y}",
        grid_body=grid_html.body(shown, request=request, moving=True, allowed=set(times)),
    )  # fmt: skip
    if request.method != "POST":
        return render(request, "office/booking_move.html", context)
    problems: list[validation.Problem] = []
    start = validation.parse_start(request.POST.get("start", ""), zone(), problems)
    if start is None or start not in times:
        context["error"] = "Choose one of the free times listed."
        return render(request, "office/booking_move.html", context, status=400)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.booking_reschedule(entry=item, start=start, practitioner=item.practitioner,
                                    staff=True, expected_version=version)  # fmt: skip
    except services.Conflict:
        messages.error(request, CHANGED)
        return redirect("office:entry", pk=item.pk)
    except (services.SlotUnavailable, services.Busy, services.LateCancellation):
        context["error"] = "That time has just gone. Choose another."
        return render(request, "office/booking_move.html", context, status=409)
    audit.record(request, "booking.move", f"booking:{item.pk}")
    messages.success(request, "Moved. The patient has been emailed the new time.")
    return redirect("office:entry", pk=item.pk)


def _wall(day: dt.date, raw: str, field: str, problems: list[validation.Problem]) -> Any:
    try:
        moment = dt.time.fromisoformat(raw)
    except ValueError:
        problems.append((field, "invalid_time", "Give a time such as 14:30."))
        return None
    local = dt.datetime.combine(day, moment, zone())
    if local.astimezone(dt.UTC).astimezone(zone()).replace(tzinfo=None) != local.replace(
        tzinfo=None
    ):
        problems.append((field, "not_local_time", "That time does not exist on this day "
                                                  "(the clocks go forward)."))  # fmt: skip
        return None
    return local


@staff_only()
@require_http_methods(["GET", "HEAD", "POST"])
def new_block(request: HttpRequest) -> HttpResponse:
    people = visible_practitioners(request)
    source = request.POST if request.method == "POST" else request.GET
    today = clock.now().astimezone(zone()).date()
    context = page(request, "diary", people=people, values=source, errors={},
                   day=_day(source.get("day", ""), today))  # fmt: skip
    if request.method != "POST":
        return render(request, "office/block_new.html", context)
    problems: list[validation.Problem] = []
    person = next((p for p in people if p.slug == source.get("practitioner")), None)
    if person is None:
        problems.append(("practitioner", "required", "Choose who."))
    start = _wall(context["day"], source.get("from", ""), "from", problems)
    end = _wall(context["day"], source.get("to", ""), "to", problems)
    if start and end and end <= start:
        problems.append(("to", "before_start", "The end must be after the start."))
    note = source.get("note", "").strip()[:500]
    if problems or person is None:
        context["errors"] = {f: m for f, _c, m in problems}
        return render(request, "office/block_new.html", context, status=400)
    try:
        block = services.block_create(practitioner=person, start=start, end=end, note=note)
    except (services.SlotUnavailable, services.Busy):
        context["errors"] = {"from": "Something is already booked in that time. "
                                     "Move or cancel it first."}  # fmt: skip
        return render(request, "office/block_new.html", context, status=409)
    audit.record(request, "block.create", f"booking:{block.pk}")
    messages.success(request, "Blocked.")
    return redirect(f"/office/diary/?day={context['day'].isoformat()}")


__all__ = ["actor", "move", "new_block", "new_booking"]
