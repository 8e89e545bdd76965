"""POST /api/bookings: make a booking, exactly as ../shared/booking/API.md says."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from ninja import Router
from ninja.decorators import decorate_view

from stride import clock
from stride.booking import api_schemas, policy, services, snapshot, validation
from stride.booking.models import IdempotencyKey
from stride.booking.validation import BookingIn
from stride.web import jsonbody, ratelimit
from stride.web.errors import ErrorsOut, errors

router = Router(tags=["booking"])
KEY_LIFETIME = dt.timedelta(hours=24)
WAIT_FOR_FIRST = 10.0  # seconds a duplicate in flight waits for the first
PER_ADDRESS = ratelimit.per_address(
    "booking-ip",
    setting="BOOKING_LIMIT_PER_IP",
    field=None,
    message="Too many attempts. Please try again later.",
)


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


def _error(status: int, field: str | None, code: str, message: str,
           **headers: str) -> Answer:  # fmt: skip
    body: dict[str, Any] = {"errors": [{"field": field, "code": code, "message": message}]}
    return status, body, headers


def _book(payload: BookingIn, token: str | None = None) -> Answer:
    """The booking itself, through the one booking policy: (status, body, extra headers)."""
    zone = snapshot.booking_config().zone
    outcome = policy.book(validation.request(payload), token=token)
    if outcome.kind == "invalid":
        body = {"errors": [{"field": f, "code": c, "message": m} for f, c, m in outcome.problems]}
        return 400, body, {}
    if outcome.kind == "rate_limited":
        return _error(429, None, "rate_limited", outcome.message,
                      **{"Retry-After": str(outcome.retry_after)})  # fmt: skip
    if outcome.kind == "taken":
        status, body, headers = _error(409, "start", "slot_unavailable", outcome.message)
        body["alternatives"] = [dict(_slot_json(s)) for s in outcome.alternatives]
        return status, body, headers
    if outcome.kind == "not_bookable":
        return _error(400, None, "not_bookable_online", outcome.message)
    if outcome.kind == "busy":
        return _error(503, None, "busy", outcome.message, **{"Retry-After": "2"})
    assert outcome.booked is not None
    entry = outcome.booked.entry
    return (
        201,
        {
            "reference": entry.reference,
            "service": entry.service.slug if entry.service else "",
            "practitioner": entry.practitioner.slug,
            "start": entry.start.astimezone(zone).isoformat(),
            "end": entry.end.astimezone(zone).isoformat(),
            "status": entry.status,
            "manage_url": outcome.booked.manage_url,
            "manage_token": outcome.booked.manage_token,
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
    response={201: api_schemas.BookingOut, 400: ErrorsOut, 409: api_schemas.ConflictOut,
              413: ErrorsOut, 415: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut, 503: ErrorsOut},
    summary="Book an appointment",
    openapi_extra={"responses": {201: {"links": api_schemas.LINKS}}},
)  # fmt: skip
# In this order, before ninja parses the body: every attempt counts against the address's
# limit, then the body must be a JSON object (415, 413, 400), then ninja checks it against
# BookingIn (400, every problem listed, stride.api.urls).
@decorate_view(PER_ADDRESS)
@decorate_view(jsonbody.gate(field=None))
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    key = payload.idempotency_key
    if not key:
        return _respond(*_book(payload))
    # The request as checked (trimmed, the email's domain in one spelling, the start on the
    # clinic's clock): the same booking asked for twice is the same request.
    request_hash = hashlib.sha256(payload.model_dump_json().encode()).hexdigest()
    row, first = _claim(key, request_hash)
    if not first:
        if row.request_hash != request_hash:
            return errors(422, ("idempotency_key", "idempotency_key_reused",
                                "This key was used with a different request."))  # fmt: skip
        deadline = time.monotonic() + WAIT_FOR_FIRST
        while row.status is None and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                row.refresh_from_db()
            except IdempotencyKey.DoesNotExist:  # the first gave up (a 429, a 503): try again
                unfinished = "The first request did not finish. Please try again."
                return errors(409, ("idempotency_key", "in_progress", unfinished))
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
        status, body, headers = _book(payload, token=derived_token(key, request_hash))
    except BaseException:
        row.delete()  # nothing was answered: a retry must be able to try again
        raise
    if status in (429, 503):
        row.delete()  # a temporary refusal is not the answer to replay
    else:
        kept = {k: v for k, v in body.items() if k not in SECRET_FIELDS}  # never the token
        IdempotencyKey.objects.filter(pk=row.pk).update(status=status, body=kept)
    return _respond(status, body, headers)
