from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from stride.assessment.api import router as assessment_router
from stride.booking import api_schemas
from stride.booking.api import router as booking_router
from stride.booking.api_bookings import router as bookings_router
from stride.booking.api_manage import router as manage_router
from stride.web.errors import as_problems, errors


class StrideAPI(NinjaAPI):
    """The API, with what its OpenAPI document needs beyond the routes themselves: the
    bearer scheme for manage tokens and the parameters the views check by hand marked as
    required."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {})["securitySchemes"] = api_schemas.SECURITY_SCHEMES
        for parameter in schema["paths"]["/api/slots"]["get"].get("parameters", []):
            if parameter["name"] == "service":
                parameter["required"] = True
        return schema


api = StrideAPI(
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
    """What a request's schemas refused, every problem at once: 400 in the one envelope,
    never the framework's default 422. The field is the path inside the body (without
    ninja's ``body`` and the view's parameter name) or the query parameter's name."""
    found = []
    for error in exc.errors:
        loc = tuple(error.get("loc", ()))
        found.append({**error, "loc": loc[2:] if loc[:1] == ("body",) else loc[1:]})
    return errors(400, *as_problems(found))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": "", "code": "error", "message": str(exc)}]}, status=exc.status_code
    )
