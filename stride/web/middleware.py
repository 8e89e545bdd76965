"""Input hygiene for every request, before any view or lookup sees it.

A request whose address, query string or form fields hold a control character (a NUL
above all), or whose JSON body is nested too deeply or holds a NUL, is refused with a
400: the JSON error envelope under ``/api/``, a short page elsewhere. Should a value a
check did not foresee still reach the database and be refused there (``DataError``),
or a parser run out of stack, the answer is the same 400, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template import loader

from stride.web import hygiene
from stride.web.errors import errors

log = logging.getLogger(__name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, code: str, message: str) -> HttpResponse:
    """A 400 in the form the caller reads: the API's envelope, or a page."""
    if _is_api(request):
        return errors(400, (None, code, message))
    try:
        body: str = loader.render_to_string("400.html", {"message": message}, request=request)
    except Exception:  # the page needs the clinic's details; plain text will do
        log.exception("400 page rendered without clinic details")
        body = f"<!doctype html><title>Bad request</title><p>{message}</p>"
    response = HttpResponse(body, status=400)
    response["Cache-Control"] = "no-store"
    return response


def _query_problem(query: QueryDict) -> bool:
    return any(
        hygiene.single_line_problem(key) or hygiene.single_line_problem(value)
        for key, values in query.lists()
        for value in values
    )


def _form_problem(form: QueryDict) -> bool:
    # Form fields may be free text (a note keeps its line breaks); the fields' own
    # validation refuses line breaks where a value must be a single line.
    return any(
        hygiene.single_line_problem(key) or hygiene.free_text_problem(value)
        for key, values in form.lists()
        for value in values
    )


def _declared_length(request: HttpRequest) -> int:
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    return int(length) if length.isdigit() else hygiene.MAX_BODY + 1


class InputHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if refusal := self.refusal(request):
            return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        if hygiene.single_line_problem(request.path):
            return bad_request(request, "invalid_characters",
                               "The address holds characters it may not hold.")  # fmt: skip
        if _query_problem(request.GET):
            return bad_request(request, "invalid_characters",
                               "The query string holds characters it may not hold.")  # fmt: skip
        content_type = request.content_type or ""
        if (
            request.method in ("POST", "PUT", "PATCH")
            and content_type == "application/json"
            and _declared_length(request) <= hygiene.MAX_BODY  # larger: the view answers 413
        ):
            body = request.body
            if hygiene.json_too_deep(body):
                message = f"The body nests more than {hygiene.MAX_DEPTH} levels deep."
                return bad_request(request, "invalid_json", message)
            if hygiene.json_has_nul(body):
                return bad_request(request, "invalid_characters",
                                   "The body holds a NUL character.")  # fmt: skip
        if request.method == "POST" and content_type in FORM_TYPES:
            try:
                form = request.POST
            except MultiPartParserError:  # a multipart body without a boundary, say
                return bad_request(request, "invalid_body", "The form could not be read.")
            if _form_problem(form):
                return bad_request(request, "invalid_characters",
                                   "The form holds characters it may not hold.")  # fmt: skip
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            log.warning("refused by the database: %s", type(exception).__name__)
            return bad_request(request, "invalid_value", "A value sent cannot be stored.")
        if isinstance(exception, RecursionError):
            return bad_request(request, "invalid_json", "The request is nested too deeply.")
        return None
