"""POST /api/assessment and GET /api/assessment/vocabulary, exactly as CONTRACT.md says.

Every 4xx has one envelope: {"errors": [{"field", "code", "message"}]}. The body passes
the JSON checks (type, size, depth: ``stride.web.jsonbody.gate``), ninja parses it into
``AssessmentIn`` (every field problem at once, in the envelope: ``stride.api.urls``),
and the finding IDs are checked against the knowledge here. Nothing from it is stored
or logged.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router
from ninja.decorators import decorate_view

from stride.assessment import schemas, selectors
from stride.knowledge import assessment_kb
from stride.site.pagecache import MARK
from stride.web import jsonbody, ratelimit
from stride.web.errors import ANY_REQUEST, errors

router = Router(tags=["assessment"])
ERRORS = {400: schemas.ErrorsOut, 405: schemas.ErrorsOut, 413: schemas.ErrorsOut,
          415: schemas.ErrorsOut, 429: schemas.ErrorsOut}  # fmt: skip
PER_ADDRESS = ratelimit.per_address(
    "assessment-ip",
    setting="ASSESSMENT_LIMIT_PER_IP",
    message="Too many requests. Please try again later.",
)


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
)
# In this order, before ninja parses the body: the address's limit, then the JSON checks.
@decorate_view(PER_ADDRESS)
@decorate_view(jsonbody.gate())
def assessment(request: HttpRequest, payload: schemas.AssessmentIn) -> Any:
    if problems := _vocabulary_errors(payload):
        return errors(400, *problems)
    result = selectors.assessment_result(
        age=payload.age, sex=payload.sex, answers=dict(payload.answers),
        not_sure=list(payload.not_sure),
    )  # fmt: skip
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
