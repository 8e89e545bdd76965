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


class StrideAPI(NinjaAPI):
    """The API, with what its OpenAPI document needs beyond the routes themselves: the
    bearer scheme for manage tokens, the request bodies' nested schemas, and the
    parameters the views check by hand marked as required."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {}).update(api_schemas.DEFINITIONS)
        components["securitySchemes"] = api_schemas.SECURITY_SCHEMES
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
