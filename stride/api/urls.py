from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from stride.assessment.api import router as assessment_router
from stride.booking.api import router as booking_router
from stride.booking.api_bookings import router as bookings_router
from stride.booking.api_manage import router as manage_router

api = NinjaAPI(
    title="Stride API",
    version="1",
    description="The public JSON API of a Stride clinic: self-assessment and booking.",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", assessment_router)
api.add_router("/", booking_router)
api.add_router("/", bookings_router)
api.add_router("/", manage_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    """One envelope and 400, never the framework's default 422."""
    items: list[dict[str, Any]] = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "code": "invalid",
         "message": str(e.get("msg", "invalid"))}
        for e in exc.errors
    ]  # fmt: skip
    return JsonResponse({"errors": items}, status=400)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": "", "code": "error", "message": str(exc)}]}, status=exc.status_code
    )
