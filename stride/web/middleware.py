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

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db import DataError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template import loader

from stride.web import hygiene, jsonbody
from stride.web.errors import errors

log = logging.getLogger(__name__)

ENVELOPED = {
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not take that method."),
}
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
    # Only what no field may hold (NUL and the other C0 controls but tabs and line
    # breaks, lone surrogates): the fields' own validation refuses the rest (bidi marks,
    # line breaks in a one-line field) next to the field, keeping what was typed.
    return any(
        hygiene.single_line_problem(key) or hygiene.unreadable(value)
        for key, values in form.lists()
        for value in values
    )


class InputHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if refusal := self.refusal(request):
            return refusal
        response = self.get_response(request)
        if (
            _is_api(request)
            and response.status_code in ENVELOPED
            and not (response.get("Content-Type", "").startswith("application/json"))
        ):
            # Django's and the router's own 404 and 405: the API answers every 4xx in
            # its one envelope.
            code, message = ENVELOPED[response.status_code]
            enveloped = errors(response.status_code, (None, code, message))
            if allow := response.get("Allow"):
                enveloped["Allow"] = allow
            return enveloped
        return response

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        charset = (request.content_params or {}).get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
            # Django would decode the query string and form with it (UTF-7 can spell any
            # character, a lone surrogate too): only UTF-8 is read.
            return bad_request(request, "unsupported_charset", "Send text as UTF-8.")
        if hygiene.single_line_problem(request.path):
            return bad_request(request, "invalid_characters",
                               "The address holds characters it may not hold.")  # fmt: skip
        try:
            query = request.GET
        except SuspiciousOperation:  # too many fields
            return bad_request(request, "invalid_query", "The query string could not be read.")
        if _query_problem(query):
            return bad_request(request, "invalid_characters",
                               "The query string holds characters it may not hold.")  # fmt: skip
        content_type = request.content_type or ""
        if (
            request.method in ("POST", "PUT", "PATCH")
            and content_type == "application/json"
            and jsonbody.declared_length(request)
            <= hygiene.MAX_BODY  # larger: the view answers 413
        ):
            body = request.body
            if hygiene.json_too_deep(body):
                message = f"The body nests more than {hygiene.MAX_DEPTH} levels deep."
                return bad_request(request, "invalid_json", message)
            if hygiene.json_has_nul(body):
                return bad_request(request, "invalid_characters",
                                   "The body holds a NUL or another character it may not "
                                   "hold.")  # fmt: skip
        if request.method == "POST" and content_type in FORM_TYPES:
            try:
                form = request.POST
            except (MultiPartParserError, BadRequest, SuspiciousOperation):
                # a multipart body without a boundary, too many fields, ...
                return bad_request(request, "invalid_body", "The form could not be read.")
            if _form_problem(form):
                return bad_request(request, "invalid_characters",
                                   "The form holds characters it may not hold.")  # fmt: skip
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            log.warning("refused by the database: %s", type(exception).__name__)
            return bad_request(request, "invalid_value", "A value sent cannot be stored.")
        if isinstance(exception, UnicodeError):  # text no check foresaw, refused on encoding
            return bad_request(request, "invalid_characters",
                               "The request holds characters that cannot be read.")  # fmt: skip
        if isinstance(exception, RecursionError):
            return bad_request(request, "invalid_json", "The request is nested too deeply.")
        return None
