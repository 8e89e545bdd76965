"""POST /api/assessment and GET /api/assessment/vocabulary, exactly as CONTRACT.md says.

Every 4xx has one envelope: {"errors": [{"field", "code", "message"}]}. The body is
read and checked here (size, type, JSON, fields) so each error gets its own code, and
nothing from it is stored or logged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router
from pydantic import ValidationError

from stride.assessment import schemas, selectors
from stride.knowledge import assessment_kb
from stride.site.pagecache import MARK
from stride.web import jsonbody, ratelimit
from stride.web.errors import ANY_REQUEST, errors

router = Router(tags=["assessment"])
ERRORS = {400: schemas.ErrorsOut, 405: schemas.ErrorsOut, 413: schemas.ErrorsOut,
          415: schemas.ErrorsOut, 429: schemas.ErrorsOut}  # fmt: skip


PYDANTIC_CODES = {
    "missing": "required",
    "greater_than_equal": "out_of_range",
    "less_than_equal": "out_of_range",
    "int_type": "invalid_type",
    "literal_error": "invalid_choice",
    "bool_type": "not_boolean",
    "string_type": "invalid_type",
    "list_type": "invalid_type",
    "dict_type": "invalid_type",
    "extra_forbidden": "unknown_field",
    "model_type": "invalid_type",
}


def _field(loc: tuple[Any, ...]) -> str:
    if not loc:
        return ""
    head, *rest = loc
    if head == "answers" and rest:
        return f"answers.{rest[0]}"
    return str(head)


def _validation_errors(error: ValidationError) -> list[tuple[str, str, str]]:
    out = []
    for item in error.errors():
        field = _field(tuple(item["loc"]))
        code = PYDANTIC_CODES.get(item["type"], "invalid")
        if field == "sex" and code == "invalid_choice":
            code = "unknown_sex"
        out.append((field, code, item["msg"]))
    return out


def _vocabulary_errors(data: schemas.AssessmentIn) -> list[tuple[str, str, str]]:
    known = set(assessment_kb.finding_ids())
    out = []
    for finding in data.answers:
        if finding not in known:
            out.append(
                (f"answers.{finding}", "unknown_finding", f"{finding!r} is not a finding ID.")
            )
    for finding in data.not_sure:
        if finding not in known:
            out.append(
                (f"not_sure.{finding}", "unknown_finding", f"{finding!r} is not a finding ID.")
            )
        elif finding in data.answers:
            out.append((f"not_sure.{finding}", "answered_and_not_sure",
                        f"{finding!r} is both answered and in not_sure."))  # fmt: skip
    return out


@router.post(
    "/assessment",
    response={200: schemas.AssessmentOut, **ERRORS},
    summary="Rank likely conditions, set the triage and pick the next question",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schemas.AssessmentIn.model_json_schema()}},
        }
    },
)
def assessment(request: HttpRequest) -> Any:
    if limited := ratelimit.hit("assessment-ip", ratelimit.client_ip(request),
                                limit=settings.ASSESSMENT_LIMIT_PER_IP, window=3600):  # fmt: skip
        return errors(429, ("", "rate_limited", "Too many requests. Please try again later."),
                      Retry_After=str(limited.retry_after))  # fmt: skip
    raw = jsonbody.read_object(request)
    if isinstance(raw, JsonResponse):
        return raw
    try:
        data = schemas.AssessmentIn.model_validate(raw)
    except ValidationError as error:
        return errors(400, *_validation_errors(error))
    if problems := _vocabulary_errors(data):
        return errors(400, *problems)
    result = selectors.assessment_result(
        age=data.age, sex=data.sex, answers=dict(data.answers), not_sure=list(data.not_sure)
    )
    response = JsonResponse(selectors.result_as_json(result))
    response["Cache-Control"] = "no-store"
    return response


@router.api_operation(
    ["GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], "/assessment", include_in_schema=False
)
def assessment_other_methods(request: HttpRequest) -> HttpResponse:
    return errors(405, ("", "method_not_allowed", "Use POST."), Allow="POST")


@router.get(
    "/assessment/vocabulary",
    response={200: schemas.VocabularyOut, **ANY_REQUEST},
    summary="Every finding with its wording, the regions and the conditions",
)
def assessment_vocabulary(request: HttpRequest) -> Any:
    response = JsonResponse(selectors.vocabulary())
    response["Cache-Control"] = "public, max-age=3600"
    response[MARK] = "1"
    return response


@router.api_operation(
    ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "/assessment/vocabulary", include_in_schema=False
)
def vocabulary_other_methods(request: HttpRequest) -> HttpResponse:
    return errors(405, ("", "method_not_allowed", "Use GET."), Allow="GET")
