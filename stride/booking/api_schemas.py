"""The booking API's responses, its bearer scheme and the links from a created booking to
its manage operations, as the OpenAPI document describes them (``/api/openapi.json``).
The views answer exactly these shapes; the request bodies are the schemas in
``stride.booking.validation``, which check each field."""

from __future__ import annotations

from ninja import Schema

from stride.web.errors import ErrorOut


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
