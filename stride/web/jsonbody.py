"""The checks every JSON request body passes before ninja parses it into the view's schema."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from stride.web.errors import errors
from stride.web.hygiene import MAX_BODY, MAX_DEPTH, json_too_deep

Run = Callable[..., HttpResponseBase]  # ninja's Operation.run


def refusal(request: HttpRequest, *, field: str | None = "") -> JsonResponse | None:
    """The 4xx response for a body that is not a JSON object, or None: 415 unless it is sent
    as ``application/json``, 413 over 64 KiB, 400 when it is empty, too deeply nested, not
    UTF-8, not JSON or not an object. ``field``: what the envelope's ``field`` holds for
    an error about the body as a whole (the booking API has null there)."""
    if (request.content_type or "") != "application/json":
        return errors(415, (field, "unsupported_media_type", "Send the body as application/json."))
    body = request.body if declared_length(request) <= MAX_BODY else b""
    if declared_length(request) > MAX_BODY or len(body) > MAX_BODY:
        return errors(413, (field, "too_large", "The body is larger than 64 KiB."))
    if json_too_deep(body):
        return errors(
            400, (field, "invalid_json", f"The body nests more than {MAX_DEPTH} levels deep.")
        )
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return errors(400, (field, "invalid_json", "The body is not valid JSON."))
    if not isinstance(data, dict):
        return errors(400, (field, "invalid_json", "The body must be a JSON object."))
    return None


def gate(*, field: str | None = "") -> Callable[[Run], Run]:
    """A decorator for an API operation that takes a JSON body (apply it with ninja's
    ``decorate_view``, which wraps the whole operation): the body must pass ``refusal``'s
    checks before ninja parses it into the view's schema, so each transport problem keeps
    its own status and code instead of ninja's one 400. A body that passes is parsed a
    second time by ninja; it is at most 64 KiB."""

    def decorate(run: Run) -> Run:
        @functools.wraps(run)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if (refused := refusal(request, field=field)) is not None:
                return refused
            return run(request, *args, **kwargs)

        return checked

    return decorate


def declared_length(request: HttpRequest) -> int:
    """The body's declared length; one past the limit when it is missing a number."""
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    return int(length) if length.isascii() and length.isdigit() else MAX_BODY + 1
