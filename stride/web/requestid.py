"""One ID per request, in the response's ``X-Request-ID`` and in every log line it causes.

nginx sends its ``$request_id`` (deploy/nginx/stride-proxy.conf); a sane incoming ID
(8 to 128 letters, digits, ``.``, ``_``, ``:`` or ``-``) is kept, so one ID follows a
request from nginx's log to Stride's; anything else is replaced by a new one, so a
client cannot write into the log. The ID lives in a context variable for the request's
duration; :class:`RequestIdFilter` puts it on every log record.

``stride.wsgi`` wraps the whole application (:func:`wsgi`), so page-cache hits carry
an ID too. Inside Django, the ID is chosen (or read from that wrapper) when Django
signals that a request started, and cleared when it finished, so Django's own lines
(``django.request``'s "Service Unavailable") carry it too; :func:`middleware` puts it
on the response where the wrapper is absent (``stride runserver``, the test client).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
ENVIRON_KEY = "stride.request_id"
SANE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
NONE = "-"

current: contextvars.ContextVar[str] = contextvars.ContextVar("stride_request_id", default=NONE)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def accept(incoming: str | None) -> str:
    """The incoming ID if it is sane, else a new one (32 hex digits, like nginx's)."""
    if incoming and SANE.match(incoming):
        return incoming
    return uuid.uuid4().hex


def wsgi(app: WSGIApp) -> WSGIApp:
    """Wrap a WSGI application: every response carries the request's ID."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request_id = accept(environ.get("HTTP_X_REQUEST_ID"))
        environ[ENVIRON_KEY] = request_id
        current.set(request_id)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(k, v) for k, v in headers if k.lower() != HEADER.lower()]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return application


def _started(sender: Any, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
    # Django's request_started comes before any middleware and its request_finished after
    # Django's own "Service Unavailable: /readyz" line, so every line of the request
    # falls between them.
    if environ is not None:
        chosen = environ.get(ENVIRON_KEY) or accept(environ.get("HTTP_X_REQUEST_ID"))
        environ[ENVIRON_KEY] = chosen
        current.set(chosen)


def _finished(sender: Any, **kwargs: Any) -> None:
    current.set(NONE)


def middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., Any]:
    """Django middleware: the request's ID on its response (and on ``request.request_id``)."""
    request_started.connect(_started, dispatch_uid="stride.requestid.started")
    request_finished.connect(_finished, dispatch_uid="stride.requestid.finished")

    def handle(request: HttpRequest) -> HttpResponse:
        request_id = request.META.get(ENVIRON_KEY) or accept(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        response = get_response(request)
        response[HEADER] = request_id
        return response

    return handle


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get()
        return True
