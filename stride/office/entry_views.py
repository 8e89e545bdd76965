"""One diary entry in the back office: see it, cancel it (with a reason), mark attended
or no-show, reinstate a cancellation while the time is free.

Every change names the version it was shown at: if the patient or another member of
staff changed the booking meanwhile, nothing is overwritten and the page says so.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from stride import clock
from stride.booking import attendance, services
from stride.booking.models import DiaryEntry
from stride.office import audit, entry_actions
from stride.office.context import page
from stride.office.diary_views import zone
from stride.office.roles import profile_of, sees_all, staff_only

CHANGED = "Someone else changed this booking while you were looking at it. Here it is now; please check and try again."  # noqa: E501


def entry_for(request: HttpRequest, pk: int) -> DiaryEntry:
    """The entry, if this member of staff may see it (a practitioner: their own only)."""
    profile = profile_of(request)
    assert profile is not None
    found = DiaryEntry.objects.select_related("service", "practitioner", "details").filter(pk=pk)
    if not sees_all(profile):
        found = found.filter(practitioner_id=profile.practitioner_id or 0)
    entry = found.first()
    if entry is None:
        raise Http404("no such entry")
    return entry


def actor(request: HttpRequest) -> str:
    return f"staff:{request.user.pk}"


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@staff_only()
@require_http_methods(["GET", "HEAD"])
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    item = entry_for(request, pk)
    audit.record(request, "booking.view", f"booking:{item.pk}")
    actions = entry_actions.for_entry(item, now=clock.now(), zone=zone())
    return render(request, "office/entry.html", page(
        request, "diary", entry=item, start=item.start.astimezone(zone()),
        end=item.end.astimezone(zone()), actions=entry_actions.names(actions),
        reasons=CANCEL_REASONS,
    ))  # fmt: skip


CANCEL_REASONS = [
    "Patient asked by phone", "Practitioner unwell", "Clinic closed", "Booked in error",
    "Other (say below)",
]  # fmt: skip


@staff_only()
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page first; the cancellation needs a reason."""
    item = entry_for(request, pk)
    if request.method != "POST":
        audit.record(request, "booking.view", f"booking:{item.pk}")  # it shows the patient
        return render(request, "office/entry_cancel.html", page(
            request, "diary", entry=item, start=item.start.astimezone(zone()),
            reasons=CANCEL_REASONS, errors={},
        ))  # fmt: skip
    reason = request.POST.get("reason", "").strip()
    more = request.POST.get("more", "").strip()
    text = f"{reason}: {more}" if more else reason
    errors = {}
    if reason not in CANCEL_REASONS:
        errors["reason"] = "Choose a reason."
    elif reason.startswith("Other") and not more:
        errors["more"] = "Say why."
    elif len(text) > 500:
        errors["more"] = "Use at most 450 characters."
    if errors:
        return render(request, "office/entry_cancel.html", page(
            request, "diary", entry=item, start=item.start.astimezone(zone()),
            reasons=CANCEL_REASONS, errors=errors, values=request.POST,
        ), status=400)  # fmt: skip
    try:
        services.booking_cancel(entry=item, actor=actor(request), reason=text, staff=True,
                                expected_version=_version(request))  # fmt: skip
    except services.Conflict:
        messages.error(request, CHANGED)
        return redirect("office:entry", pk=item.pk)
    except services.Busy:
        messages.error(request, "The diary is busy. Please try again in a moment.")
        return redirect("office:entry", pk=item.pk)
    audit.record(request, "booking.cancel", f"booking:{item.pk}")
    messages.success(request, "Cancelled. The patient has been emailed. You can reinstate "
                              "it while the time is still free.")  # fmt: skip
    return redirect("office:entry", pk=item.pk)


@staff_only()
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    item = entry_for(request, pk)
    status = request.POST.get("status", "")
    try:
        attendance.booking_mark(entry=item, status=status, actor=actor(request),
                                expected_version=_version(request))  # fmt: skip
    except services.Conflict:
        messages.error(request, CHANGED)
    except ValueError as error:
        messages.error(request, f"Not changed: {error}.")
    else:
        audit.record(request, f"booking.mark_{status}", f"booking:{item.pk}")
        messages.success(request, "Marked as attended." if status == "attended"
                         else "Marked as did not attend.")  # fmt: skip
    return _back(request, item)


def _back(request: HttpRequest, item: DiaryEntry) -> HttpResponse:
    back = request.POST.get("next", "")
    if back.startswith("/office/diary/") and url_has_allowed_host_and_scheme(back, None):
        return redirect(back)  # from the diary's grid
    return redirect("office:entry", pk=item.pk)


@staff_only()
@require_POST
def arrived(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient is here: a time noted on the appointment (not a status)."""
    item = entry_for(request, pk)
    try:
        attendance.booking_arrived(entry=item, zone=zone(), expected_version=_version(request))
    except services.Conflict:
        messages.error(request, CHANGED)
    except ValueError as error:
        messages.error(request, f"Not changed: {error}.")
    else:
        audit.record(request, "booking.arrived", f"booking:{item.pk}")
        messages.success(request, "Noted as arrived.")
    return _back(request, item)


@staff_only()
@require_POST
def reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    item = entry_for(request, pk)
    try:
        services.booking_reinstate(entry=item, actor=actor(request),
                                   expected_version=_version(request))  # fmt: skip
    except services.Conflict:
        messages.error(request, CHANGED)
    except services.SlotUnavailable:
        messages.error(request, "The time has been taken or has passed, so it cannot be "
                                "reinstated. Book a new time instead.")  # fmt: skip
    except ValueError as error:
        messages.error(request, f"Not changed: {error}.")
    else:
        audit.record(request, "booking.reinstate", f"booking:{item.pk}")
        messages.success(request, "Reinstated. The patient has been emailed.")
    return redirect("office:entry", pk=item.pk)
