"""The booking API's request and response bodies, as the OpenAPI document describes them
(``/api/openapi.json``). The views answer exactly these shapes; requests are still
checked field by field in ``stride.booking.validation`` so that every problem gets its
own code in the one error envelope (``stride.web.errors``)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from stride.web.errors import ErrorOut


class PatientIn(Schema):
    name: str = Field(max_length=120, description="The patient's full name, on one line.")
    email: str = Field(max_length=254)
    phone: str = Field(max_length=40, description="A UK number, e.g. 07700 900123.")
    date_of_birth: str = Field(description="YYYY-MM-DD", examples=["1990-12-10"])


class BookedByIn(Schema):
    name: str = ""
    relationship: str = ""


class BookingIn(Schema):
    service: str = Field(description="A service's slug, from GET /api/services.")
    practitioner: str = Field("any", description="A practitioner's slug, or any.")
    start: str = Field(description="A start from GET /api/slots, with its offset.",
                       examples=["2026-06-02T10:00:00+01:00"])  # fmt: skip
    patient: PatientIn
    consent: bool = Field(description="Agreement to the privacy notice: must be true.")
    reason: str = ""
    assessment_summary: str = ""
    booked_by: BookedByIn | None = None
    idempotency_key: str = Field("", max_length=64)


class RescheduleIn(Schema):
    start: str
    practitioner: str | None = Field(None, description="Left out: the same; any: the first free.")


class BookingOut(Schema):
    reference: str
    service: str
    practitioner: str
    start: str
    end: str
    status: str
    manage_url: str
    manage_token: str


class ManagedOut(Schema):
    reference: str
    service: str | None
    practitioner: str
    start: str
    end: str
    status: str
    can_cancel: bool
    can_reschedule: bool


class AlternativeOut(Schema):
    start: str
    end: str
    practitioner: str


class ConflictOut(Schema):
    errors: list[ErrorOut]
    alternatives: list[AlternativeOut]


class LateOut(Schema):
    errors: list[ErrorOut]
    phone: str


BEARER: list[dict[str, list[str]]] = [{"manageToken": []}]
SECURITY_SCHEMES = {
    "manageToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The manage_token returned once by POST /api/bookings.",
    }
}


DEFINITIONS: dict[str, Any] = {}  # nested request schemas, added to the components


def body(schema: type[Schema]) -> dict[str, Any]:
    """An ``openapi_extra`` that documents a JSON request body."""
    found = schema.model_json_schema(ref_template="#/components/schemas/{model}")
    DEFINITIONS.update(found.pop("$defs", {}))
    content = {"application/json": {"schema": found}}
    return {"requestBody": {"required": True, "content": content}}


class ChangeRefusedOut(Schema):
    """A reschedule or cancellation refused: the time has gone (with the nearest free
    times) or it is too late to change online (with the clinic's phone number)."""

    errors: list[ErrorOut]
    alternatives: list[AlternativeOut] | None = None
    phone: str | None = None


LINKS = {
    "ViewBooking": {
        "operationId": "stride_booking_api_manage_view_booking",
        "parameters": {"reference": "$response.body#/reference"},
        "description": "View it with the manage_token as a bearer token.",
    },
    "CancelBooking": {
        "operationId": "stride_booking_api_manage_cancel_booking",
        "parameters": {"reference": "$response.body#/reference"},
    },
    "RescheduleBooking": {
        "operationId": "stride_booking_api_manage_reschedule_booking",
        "parameters": {"reference": "$response.body#/reference"},
    },
}
