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
from stride.api.errors import ErrorsOut, errors
from stride.booking import ratelimit, selectors, services, validation
from stride.booking.models import IdempotencyKey
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner

router = Router(tags=["booking"])
MAX_BODY = 64 * 1024
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


def _book(
    request_data: Any, token: str | None = None
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The booking itself: (status, body, extra headers)."""
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
    if parsed.details and (limited := ratelimit.hit(
        "booking-email", parsed.details.email, limit=settings.BOOKING_LIMIT_PER_EMAIL, window=3600
    )):  # fmt: skip
        return 429, {"errors": [{"field": None, "code": "rate_limited",
                                 "message": "Too many attempts. Please try again later."}]}, {
            "Retry-After": str(limited.retry_after)}  # fmt: skip
    if parsed.details and selectors.future_bookings(email=parsed.details.email) >= (
        selectors.rules_get().max_future_bookings_per_email
    ):
        phone = site_selectors.clinic_get().phone
        message = f"We cannot take this booking online. Please call us on {phone}."
        parsed.problems.append((None, "not_bookable_online", message))
    if parsed.problems or service is None or parsed.start is None or parsed.details is None:
        body = {"errors": [{"field": f, "code": c, "message": m} for f, c, m in parsed.problems]}
        return 400, body, {}
    try:
        booked = services.booking_create(
            service=service, practitioner=person, start=parsed.start, details=parsed.details,
            token=token,
        )  # fmt: skip
    except services.SlotUnavailable:
        others = selectors.alternatives(service=service, start=parsed.start, practitioner=person)
        return 409, {
            "errors": [{"field": "start", "code": "slot_unavailable",
                        "message": "That time has just gone. Here are the nearest free times."}],
            "alternatives": [_slot_json(s) for s in others],
        }, {}  # fmt: skip
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
    if request.content_type != "application/json":
        return errors(415, (None, "unsupported_media_type", "Send the body as application/json."))
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY or len(request.body) > MAX_BODY:
        return errors(413, (None, "too_large", "The body is larger than 64 KiB."))
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return errors(400, (None, "invalid_json", "The body is not valid JSON."))
    key = data.get("idempotency_key") if isinstance(data, dict) else None
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
