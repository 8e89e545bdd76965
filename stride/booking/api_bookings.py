"""POST /api/bookings: make a booking, exactly as ../shared/booking/API.md says."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from ninja import Router

from stride import clock
from stride.booking import selectors, services, validation
from stride.booking.models import IdempotencyKey, Service
from stride.core import scheduling
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner
from stride.web import jsonbody, ratelimit
from stride.web.errors import ErrorsOut, errors

router = Router(tags=["booking"])
KEY_LIFETIME = dt.timedelta(hours=24)
WAIT_FOR_FIRST = 10.0  # seconds a duplicate in flight waits for the first


def _slot_json(slot: Any) -> dict[str, str]:
    return {"start": slot.start.isoformat(), "end": slot.end.isoformat(),
            "practitioner": slot.practitioner}  # fmt: skip


def derived_token(key: str, request_hash: str) -> str:
    """The manage token for a request with an idempotency key, derived from the key.

    A replay must return the same token, yet the database keeps only its hash: so the
    token is recomputed from the key the client sends again, never stored.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), f"manage:{key}:{request_hash}".encode(),
                      hashlib.sha256).digest()  # fmt: skip
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


SECRET_FIELDS = ("manage_token", "manage_url")


Answer = tuple[int, dict[str, Any], dict[str, str]]  # status, body, extra headers


def _rate_limited(email: str) -> Answer | None:
    if limited := ratelimit.hit(
        "booking-email", email, limit=settings.BOOKING_LIMIT_PER_EMAIL, window=3600
    ):
        return 429, {"errors": [{"field": None, "code": "rate_limited",
                                 "message": "Too many attempts. Please try again later."}]}, {
            "Retry-After": str(limited.retry_after)}  # fmt: skip
    return None


def _too_many_bookings(phone: str) -> validation.Problem:
    message = f"We cannot take this booking online. Please call us on {phone}."
    return None, "not_bookable_online", message


def _conflict(others: list[scheduling.Slot]) -> Answer:
    return 409, {
        "errors": [{"field": "start", "code": "slot_unavailable",
                    "message": "That time has just gone. Here are the nearest free times."}],
        "alternatives": [_slot_json(s) for s in others],
    }, {}  # fmt: skip


def _already_taken(request_data: Any) -> Answer | None:
    """The answer to a valid request for a time the diary already shows taken, or None.

    When many people go for one time, all but the first find it gone. They are answered
    here, from the configuration snapshot and one read of the diary, instead of queueing
    for the guarded write (SQLite's write lock, PostgreSQL's constraint) only to be
    refused. None (nothing counted, nothing written) when the request has a problem to
    report or the time may be free: ``_book`` then checks it against the database and
    books it in the guarded write, which alone decides whether a time can be had.
    """
    config = selectors.booking_config()
    parsed = validation.parse(request_data, zone=config.zone, today=clock.today(config.zone.key))
    offer = config.offers.get(parsed.service)
    if parsed.problems or parsed.start is None or parsed.details is None or offer is None:
        return None
    people = offer.chosen(parsed.practitioner)
    if not people or not config.on_grid(parsed.start, people):
        return None
    around = selectors.diary_around(start=parsed.start, people=people, zone=config.zone)
    if not around.taken(scheduling.occupied(parsed.start, selectors.timing(offer.service)),
                        people):  # fmt: skip
        return None
    # From here on, what _book would answer: the same checks, in the same order.
    if limited := _rate_limited(parsed.details.email):
        return limited
    if selectors.future_bookings(email=parsed.details.email) >= (
        config.rules.max_future_bookings_per_email
    ):
        field, code, message = _too_many_bookings(config.phone)
        return 400, {"errors": [{"field": field, "code": code, "message": message}]}, {}
    person = people[0] if parsed.practitioner != "any" else None
    return _conflict(selectors.alternatives_around(
        config=config, service=offer.service, practitioner=person, people=people,
        start=parsed.start, around=around,
    ))  # fmt: skip


def _alternatives(
    service: Service, person: Practitioner | None, start: dt.datetime
) -> list[scheduling.Slot]:
    """The nearest free times after the guarded write refused ``start``."""
    config = selectors.booking_config()
    offer = config.offers.get(service.slug)
    people = offer.chosen(person.slug if person else "any") if offer else None
    if not people:  # the snapshot is older than this service or practitioner
        return selectors.alternatives(service=service, start=start, practitioner=person)
    around = selectors.diary_around(start=start, people=people, zone=config.zone)
    return selectors.alternatives_around(config=config, service=service, practitioner=person,
                                         people=people, start=start, around=around)  # fmt: skip


def _book(request_data: Any, token: str | None = None) -> Answer:
    """The booking itself: (status, body, extra headers)."""
    if (answer := _already_taken(request_data)) is not None:
        return answer
    zone = selectors.clinic_zone()
    parsed = validation.parse(request_data, zone=zone, today=clock.today(zone.key))
    service = None
    if parsed.service:
        service = selectors.services_online().filter(slug=parsed.service).first()
        if service is None:
            parsed.problems.append(
                ("service", "unknown_service", "No such service is bookable online.")
            )
    person = None
    if parsed.practitioner != "any":
        person = Practitioner.objects.filter(slug=parsed.practitioner, is_active=True).first()
        if person is None or (service and not service.practitioners.filter(pk=person.pk).exists()):
            parsed.problems.append(("practitioner", "unknown_practitioner",
                                    "That practitioner does not offer this service."))  # fmt: skip
    if (
        service
        and parsed.start
        and not selectors.on_grid(service=service, start=parsed.start, practitioner=person)
    ):
        parsed.problems.append(("start", "off_grid", "Choose one of the times offered."))
    if parsed.details and (limited := _rate_limited(parsed.details.email)):
        return limited
    if parsed.details and selectors.future_bookings(email=parsed.details.email) >= (
        selectors.rules_get().max_future_bookings_per_email
    ):
        parsed.problems.append(_too_many_bookings(site_selectors.clinic_get().phone))
    if parsed.problems or service is None or parsed.start is None or parsed.details is None:
        body = {"errors": [{"field": f, "code": c, "message": m} for f, c, m in parsed.problems]}
        return 400, body, {}
    try:
        booked = services.booking_create(
            service=service, practitioner=person, start=parsed.start, details=parsed.details,
            token=token,
        )  # fmt: skip
    except services.SlotUnavailable:
        return _conflict(_alternatives(service, person, parsed.start))
    except services.Busy:
        return 503, {"errors": [{"field": None, "code": "busy",
                                 "message": "We are busy. Please try again in a moment."}]}, {
            "Retry-After": "2"}  # fmt: skip
    entry = booked.entry
    return (
        201,
        {
            "reference": entry.reference,
            "service": service.slug,
            "practitioner": entry.practitioner.slug,
            "start": entry.start.astimezone(zone).isoformat(),
            "end": entry.end.astimezone(zone).isoformat(),
            "status": entry.status,
            "manage_url": booked.manage_url,
            "manage_token": booked.manage_token,
        },
        {},
    )


def _respond(status: int, body: dict[str, Any], headers: dict[str, str]) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


def _claim(key: str, request_hash: str) -> tuple[IdempotencyKey, bool]:
    """The key's row, and whether this request is the first to use it."""
    now = clock.now()
    IdempotencyKey.objects.filter(created_at__lt=now - KEY_LIFETIME).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(key=key, request_hash=request_hash), True
    except IntegrityError:
        return IdempotencyKey.objects.get(key=key), False


@router.post(
    "/bookings",
    response={201: dict[str, Any], 400: ErrorsOut, 409: dict[str, Any], 413: ErrorsOut,
              415: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut, 503: ErrorsOut},
    summary="Book an appointment",
)  # fmt: skip
def create_booking(request: HttpRequest) -> Any:
    if limited := ratelimit.hit("booking-ip", ratelimit.client_ip(request),
                                limit=settings.BOOKING_LIMIT_PER_IP, window=3600):  # fmt: skip
        return errors(429, (None, "rate_limited", "Too many attempts. Please try again later."),
                      Retry_After=str(limited.retry_after))  # fmt: skip
    data = jsonbody.read_object(request, field=None)
    if isinstance(data, JsonResponse):
        return data
    key = data.get("idempotency_key")
    if not isinstance(key, str) or not key or len(key) > validation.MAX_KEY:
        return _respond(*_book(data))
    request_hash = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    row, first = _claim(key, request_hash)
    if not first:
        if row.request_hash != request_hash:
            return errors(422, ("idempotency_key", "idempotency_key_reused",
                                "This key was used with a different request."))  # fmt: skip
        deadline = time.monotonic() + WAIT_FOR_FIRST
        while row.status is None and time.monotonic() < deadline:
            time.sleep(0.05)
            row.refresh_from_db()
        if row.status is None:
            return errors(
                409, ("idempotency_key", "in_progress", "The first request is still running.")
            )
        body = dict(row.body or {})
        if row.status == 201:
            token = derived_token(key, request_hash)
            body["manage_token"], body["manage_url"] = token, services.manage_url(token)
        return _respond(row.status, body, {})
    try:
        status, body, headers = _book(data, token=derived_token(key, request_hash))
    except BaseException:
        row.delete()  # nothing was answered: a retry must be able to try again
        raise
    if status in (429, 503):
        row.delete()  # a temporary refusal is not the answer to replay
    else:
        kept = {k: v for k, v in body.items() if k not in SECRET_FIELDS}  # never the token
        IdempotencyKey.objects.filter(pk=row.pk).update(status=status, body=kept)
    return _respond(status, body, headers)
