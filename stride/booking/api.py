"""The public booking API (read side): clinic, services, practitioners, slots.

Exactly as ../shared/booking/API.md describes; booking, managing and the
rest follow in later steps.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from stride.booking import selectors
from stride.booking.models import Service
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner
from stride.web.errors import ANY_REQUEST, ErrorsOut, errors

router = Router(tags=["booking"])
MAX_RANGE_DAYS = 91


class AddressOut(Schema):
    lines: list[str]
    postcode: str


class OpeningOut(Schema):
    weekday: int
    opens: str
    closes: str


class ClinicOut(Schema):
    name: str
    timezone: str
    phone: str
    email: str
    address: AddressOut
    opening_hours: list[OpeningOut]
    slot_step_minutes: int
    minimum_notice_minutes: int
    horizon_days: int
    late_cancel_hours: int


class ServiceOut(Schema):
    slug: str
    name: str
    duration_minutes: int
    price_pence: int
    description: str
    new_patients: bool
    practitioners: list[str]


class RegistrationOut(Schema):
    body: str
    number: str


class PractitionerOut(Schema):
    slug: str
    name: str
    title: str
    registrations: list[RegistrationOut]
    services: list[str]


class SlotOut(Schema):
    start: str
    end: str
    practitioner: str


class SlotsOut(Schema):
    timezone: str
    slots: list[SlotOut]


REGISTRATION_SHORT = {"hcpc": "HCPC", "rcpod": "RCPod", "gosc": "GOsC", "gcc": "GCC", "csp": "CSP"}


@router.get(
    "/clinic", response={200: ClinicOut, **ANY_REQUEST}, summary="The clinic and its booking rules"
)
def clinic(request: HttpRequest) -> Any:
    c = site_selectors.clinic_get()
    rules = selectors.rules_get()
    return {
        "name": c.name,
        "timezone": c.time_zone,
        "phone": c.phone,
        "email": c.email,
        "address": {
            "lines": [line for line in c.address_lines if line != c.postcode],
            "postcode": c.postcode,
        },
        "opening_hours": [
            {"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"}
            for h in c.opening_hours.all()
        ],
        "slot_step_minutes": rules.slot_step_minutes,
        "minimum_notice_minutes": rules.minimum_notice_minutes,
        "horizon_days": rules.horizon_days,
        "late_cancel_hours": rules.late_cancel_hours,
    }


@router.get(
    "/services", response={200: list[ServiceOut], **ANY_REQUEST}, summary="Services bookable online"
)
def services(request: HttpRequest) -> Any:
    return [
        {
            "slug": s.slug, "name": s.name, "duration_minutes": s.duration_minutes,
            "price_pence": s.price_pence, "description": s.description,
            "new_patients": s.kind == Service.Kind.NEW_PATIENT,
            "practitioners": sorted(p.slug for p in s.practitioners.all() if p.is_active),
        }
        for s in selectors.services_online()
    ]  # fmt: skip


@router.get(
    "/practitioners", response={200: list[PractitionerOut], **ANY_REQUEST}, summary="Practitioners"
)
def practitioners(request: HttpRequest) -> Any:
    people = site_selectors.practitioners_public().prefetch_related("services")
    return [
        {
            "slug": p.slug, "name": p.name, "title": p.role,
            "registrations": [
                {"body": REGISTRATION_SHORT.get(r.body, r.display_body), "number": r.number}
                for r in p.registrations.all()
            ],
            # The reverse accessor from Service (another app): typed loosely on purpose.
            "services": sorted(s.slug for s in cast(Any, p).services.all()
                               if s.is_active and s.bookable_online),
        }
        for p in people
    ]  # fmt: skip


def _date(value: str | None, field: str) -> dt.date | tuple[str, str, str]:
    if not value:
        return (field, "required", f"Give {field} as a date, e.g. 2027-03-29.")
    try:
        day = dt.date.fromisoformat(value)
        if not 2000 <= day.year <= 2100:
            raise ValueError
        return day
    except ValueError:
        return (field, "invalid_date", f"{value!r} is not a date such as 2027-03-29.")


@router.get(
    "/slots",
    response={200: SlotsOut, 400: ErrorsOut},
    summary="Times that can be booked now, for one service",
    openapi_extra={
        "parameters": [
            {
                "name": n,
                "in": "query",
                "required": True,
                "schema": {"type": "string", "format": "date"},
                "description": f"Local calendar date, inclusive ({n}).",
            }
            for n in ("from", "to")
        ]
    },
)
def slots(
    request: HttpRequest,
    service: str = "",
    practitioner: str | None = None,
) -> Any:
    params = request.GET
    problems: list[tuple[str | None, str, str]] = []
    the_service = selectors.services_online().filter(slug=service).first() if service else None
    if the_service is None:
        problems.append(
            ("service", "unknown_service", "No service with that name is bookable online.")
        )
    person = None
    if practitioner and practitioner != "any":
        person = Practitioner.objects.filter(slug=practitioner, is_active=True).first()
        if person is None:
            problems.append(
                ("practitioner", "unknown_practitioner", "No practitioner with that name.")
            )
        elif the_service and not the_service.practitioners.filter(pk=person.pk).exists():
            problems.append(("practitioner", "unknown_practitioner",
                             "That practitioner does not offer this service."))  # fmt: skip
    first = _date(params.get("from"), "from")
    last = _date(params.get("to"), "to")
    for value in (first, last):
        if isinstance(value, tuple):
            problems.append(value)
    if isinstance(first, dt.date) and isinstance(last, dt.date):
        if last < first:
            problems.append(("to", "reversed_range", "'to' must not be before 'from'."))
        elif (last - first).days > MAX_RANGE_DAYS:
            problems.append(("to", "range_too_long", f"Ask for at most {MAX_RANGE_DAYS} days."))
    if problems:
        return errors(400, *problems)
    assert the_service is not None and isinstance(first, dt.date) and isinstance(last, dt.date)
    found = selectors.slots_available(
        service=the_service, first_day=first, last_day=last, practitioner=person
    )
    zone = site_selectors.clinic_get().time_zone
    response = JsonResponse({
        "timezone": zone,
        "slots": [{"start": s.start.isoformat(), "end": s.end.isoformat(),
                   "practitioner": s.practitioner} for s in found],
    })  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response
