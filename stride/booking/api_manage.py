"""Managing a booking with its token: view, cancel, reschedule (API.md, "Managing")."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router
from ninja.decorators import decorate_view

from stride.booking import api_schemas, selectors, services
from stride.booking.models import DiaryEntry
from stride.booking.validation import RescheduleIn
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner
from stride.web import jsonbody
from stride.web.errors import ErrorsOut, Problem, errors

router = Router(tags=["booking"])
NOT_FOUND = (None, "not_found", "No booking matches that reference and token.")


def _entry(request: HttpRequest, reference: str) -> DiaryEntry | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or len(header) > 200:
        return None
    return selectors.booking_by_token(reference=reference, token=header[7:].strip())


def _view(entry: DiaryEntry) -> dict[str, Any]:
    zone = selectors.clinic_zone()
    changeable = services.can_change(entry)
    return {
        "reference": entry.reference,
        "service": entry.service.slug if entry.service else None,
        "practitioner": entry.practitioner.slug,
        "start": entry.start.astimezone(zone).isoformat(),
        "end": entry.end.astimezone(zone).isoformat(),
        "status": entry.status,
        "can_cancel": changeable,
        "can_reschedule": changeable,
    }


def _ok(body: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response


def _late() -> JsonResponse:
    clinic = site_selectors.clinic_get()
    response = errors(409, (None, "late_cancellation",
                            f"It is too close to the appointment to change it online. "
                            f"Please call us on {clinic.phone}."))  # fmt: skip
    body = json.loads(response.content)
    body["phone"] = clinic.phone
    return JsonResponse(body, status=409, headers={"Cache-Control": "no-store"})


@router.get("/bookings/{reference}",
            response={200: api_schemas.ManagedOut, 400: ErrorsOut, 404: ErrorsOut},
            summary="View a booking (no personal details)",
            openapi_extra={"security": api_schemas.BEARER})  # fmt: skip
def view_booking(request: HttpRequest, reference: str) -> Any:
    entry = _entry(request, reference)
    return _ok(_view(entry)) if entry else errors(404, NOT_FOUND)


@router.post("/bookings/{reference}/cancel",
             response={200: api_schemas.ManagedOut, 400: ErrorsOut, 404: ErrorsOut,
                       409: api_schemas.LateOut, 503: ErrorsOut},
             summary="Cancel a booking",
             openapi_extra={"security": api_schemas.BEARER})  # fmt: skip
def cancel_booking(request: HttpRequest, reference: str) -> Any:
    entry = _entry(request, reference)
    if entry is None:
        return errors(404, NOT_FOUND)
    try:
        entry = services.booking_cancel(entry=entry, actor="patient")
    except services.LateCancellation:
        return _late()
    except services.Busy:
        return errors(503, (None, "busy", "We are busy. Please try again in a moment."),
                      Retry_After="2")  # fmt: skip
    return _ok(_view(entry))


@router.post("/bookings/{reference}/reschedule",
             response={200: api_schemas.ManagedOut, 400: ErrorsOut, 404: ErrorsOut,
                       409: api_schemas.ChangeRefusedOut, 413: ErrorsOut, 415: ErrorsOut,
                       503: ErrorsOut},
             summary="Move a booking to another time",
             openapi_extra={"security": api_schemas.BEARER})  # fmt: skip
@decorate_view(jsonbody.gate(field=None))  # 415, 413, 400 before ninja parses RescheduleIn
def reschedule_booking(request: HttpRequest, reference: str, payload: RescheduleIn) -> Any:
    entry = _entry(request, reference)
    if entry is None:
        return errors(404, NOT_FOUND)
    if entry.status != DiaryEntry.Status.CONFIRMED:  # not "too late": it is not on
        return errors(409, (None, "not_confirmed",
                            f"This booking is {entry.get_status_display().lower()}, so it "
                            "cannot be moved. Book a new time instead."))  # fmt: skip
    problems: list[Problem] = []
    start, slug = payload.start, payload.practitioner
    # Left out: the same practitioner; "any": the first free one.
    person: Practitioner | None = entry.practitioner if not slug else None
    if slug not in ("", "any"):
        person = Practitioner.objects.filter(slug=slug, is_active=True).first()
        if person is None:
            problems.append(("practitioner", "unknown_practitioner", "No such practitioner."))
    assert entry.service is not None
    if not selectors.on_grid(service=entry.service, start=start, practitioner=person):
        problems.append(("start", "off_grid", "Choose one of the times offered."))
    if problems:
        return errors(400, *problems)
    try:
        moved = services.booking_reschedule(entry=entry, start=start, practitioner=person)
    except services.LateCancellation:
        return _late()
    except services.Busy:
        return errors(503, (None, "busy", "We are busy. Please try again in a moment."),
                      Retry_After="2")  # fmt: skip
    except services.SlotUnavailable:
        others = selectors.alternatives(service=entry.service, start=start, practitioner=person)
        return JsonResponse({
            "errors": [{"field": "start", "code": "slot_unavailable",
                        "message": "That time is not free. Here are the nearest free times."}],
            "alternatives": [{"start": s.start.isoformat(), "end": s.end.isoformat(),
                              "practitioner": s.practitioner} for s in others],
        }, status=409)  # fmt: skip
    return _ok(_view(moved))
