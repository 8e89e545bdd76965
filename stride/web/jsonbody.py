"""Reading a JSON request body, with the checks every endpoint that takes one makes."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse

from stride.web.errors import errors
from stride.web.hygiene import MAX_BODY, MAX_DEPTH, json_too_deep


def read_object(
    request: HttpRequest, *, field: str | None = "", empty: dict[str, Any] | None = None
) -> dict[str, Any] | JsonResponse:
    """The body as a JSON object, or the 4xx response to answer with: 415 unless it is sent as
    ``application/json``, 413 over 64 KiB, 400 when it is not a JSON object (too deeply
    nested, not UTF-8, not JSON). ``empty``: what an empty body stands for (default:
    it is refused as not JSON). ``field``: what the envelope's ``field`` holds for an
    error about the body as a whole (the booking API has null there)."""
    if empty is not None and declared_length(request) == 0:
        return dict(empty)
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
    return data


def declared_length(request: HttpRequest) -> int:
    """The body's declared length; one past the limit when it is missing a number."""
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    return int(length) if length.isascii() and length.isdigit() else MAX_BODY + 1
