"""The one error envelope every 4xx of the API uses."""

from __future__ import annotations

from django.http import JsonResponse
from ninja import Schema


class ErrorOut(Schema):
    field: str | None
    code: str
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorOut]


# Any operation may answer 400: the input checks every request passes first
# (stride.web.middleware) refuse control characters in the address or query string.
ANY_REQUEST: dict[int, type[ErrorsOut]] = {400: ErrorsOut}


def errors(status: int, *items: tuple[str | None, str, str], **headers: str) -> JsonResponse:
    """``{"errors": [{"field", "code", "message"}]}``; headers as keyword arguments."""
    body = {"errors": [{"field": f, "code": c, "message": m} for f, c, m in items]}
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"  # an error may echo what was sent
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response
