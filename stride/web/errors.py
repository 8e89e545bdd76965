"""The one error envelope every 4xx of the API uses, and pydantic's errors in its words."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import JsonResponse
from ninja import Schema
from pydantic_core import core_schema

# field (dotted, or None for the whole request), code, message
Problem = tuple[str | None, str, str]


class ErrorOut(Schema):
    field: str | None
    code: str
    message: str


class ErrorsOut(Schema):
    errors: list[ErrorOut]


# Any operation may answer 400: the input checks every request passes first
# (stride.web.middleware) refuse control characters in the address or query string.
ANY_REQUEST: dict[int, type[ErrorsOut]] = {400: ErrorsOut}


def errors(status: int, *items: Problem, **headers: str) -> JsonResponse:
    """``{"errors": [{"field", "code", "message"}]}``; headers as keyword arguments."""
    body = {"errors": [{"field": f, "code": c, "message": m} for f, c, m in items]}
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"  # an error may echo what was sent
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


# pydantic's own checks (a field left out, a number where text belongs, ...), as the code
# and message the API gives them; its ctx fills the braces. Our own checks raise
# ``PydanticCustomError(code, message)`` and keep both.
BUILT_IN: dict[str, tuple[str, str]] = {
    "missing": ("required", "This is needed."),
    "string_type": ("invalid_type", "Give this as text."),
    "int_type": ("invalid_type", "Give a whole number."),
    "int_parsing": ("invalid_type", "Give a whole number."),
    "int_from_float": ("invalid_type", "Give a whole number."),
    "bool_type": ("not_boolean", "Give true or false."),
    "bool_parsing": ("not_boolean", "Give true or false."),
    "dict_type": ("invalid_type", "Give this as an object."),
    "model_type": ("invalid_type", "Give this as an object."),
    "model_attributes_type": ("invalid_type", "Give this as an object."),
    "list_type": ("invalid_type", "Give this as a list."),
    "greater_than_equal": ("out_of_range", "Give a number of at least {ge}."),
    "less_than_equal": ("out_of_range", "Give a number of at most {le}."),
    "literal_error": ("invalid_choice", "Choose one of {expected}."),
    "enum": ("invalid_choice", "Choose one of {expected}."),
    "extra_forbidden": ("unknown_field", "This field is not known."),
    "string_too_long": ("too_long", "Use at most {max_length} characters."),
}
# pydantic's other types, answered as "invalid" in its own words; too_long is ours too
# (text over its limit), with our words.
PYDANTIC_TYPES = frozenset(typing.get_args(core_schema.ErrorType)) - {"too_long"}


def as_problems(found: Iterable[Mapping[str, Any]], *, prefix: str = "") -> list[Problem]:
    """pydantic's errors (``ValidationError.errors()``) as envelope items: the field is the
    dotted path to the value (list positions left out: a list is one field), or None for
    the whole request; ``prefix`` goes before it (``patient.``)."""
    out: list[Problem] = []
    for error in found:
        path = ".".join(str(part) for part in error.get("loc", ()) if isinstance(part, str))
        kind = str(error.get("type", ""))
        if kind in BUILT_IN:
            code, template = BUILT_IN[kind]
            try:
                message = template.format(**dict(error.get("ctx") or {}))
            except (KeyError, IndexError):
                message = str(error.get("msg", template))
        elif kind in PYDANTIC_TYPES:  # one we do not name: pydantic's own words
            code, message = "invalid", str(error.get("msg", "This is not valid."))
        else:
            code, message = kind, str(error.get("msg", ""))
        out.append((f"{prefix}{path}" if path else (prefix.rstrip(".") or None), code, message))
    return out
