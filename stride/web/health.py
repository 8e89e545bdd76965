"""Liveness (``/healthz``) and readiness (``/readyz``), answered to any Host.

A load balancer or a monitor probes by address (``http://10.0.0.5:8000/healthz``), not by
the clinic's name, so these two paths are answered by :func:`middleware`, first in the
list: before ``SecurityMiddleware`` (no HTTPS redirect) and before anything that asks
for the host (``ALLOWED_HOSTS`` still guards every other path). Neither answer holds
anything taken from the request, so answering any Host opens nothing to a
host-header attack.

- ``/healthz``: the process is up and serving: ``200 ok``. Nothing else is checked,
  so a database outage never gets every app process restarted.
- ``/readyz``: the process can do its work: the database answers, the cache answers,
  and, where ``TASK_WORKER=true``, a worker has beaten recently
  (:mod:`stride.web.heartbeat`). ``200 {"status": "ready"}``, else ``503
  {"status": "unavailable", "reason": "database"}`` (the first that failed; the
  details go to the log, never the answer).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from stride.web import heartbeat

log = logging.getLogger(__name__)

PROBES = ("GET", "HEAD")


def _said(error: Exception) -> str:
    """The error on one line (drivers' messages run over several)."""
    return " ".join(f"{type(error).__name__}: {error}".split())


def database_problem() -> str | None:
    """Why the database does not answer, or None."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # every driver error and a bad setting alike
        connection.close()
        return _said(error)
    return None


def cache_problem() -> str | None:
    """Why the shared cache cannot store and read back a value, or None."""
    key = f"stride:readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        value = cache.get(key)
        cache.delete(key)
    except Exception as error:  # redis-py, the database cache's errors, ...
        return _said(error)
    if value != "1":
        return "a value written to the cache could not be read back"
    return None


def worker_problem() -> str | None:
    """Why the worker is not known to be running (only where TASK_WORKER=true), or None."""
    if not settings.TASK_WORKER:
        return None
    try:
        age = heartbeat.age()
    except Exception as error:
        return f"the heartbeat could not be read: {type(error).__name__}"
    if age is None:
        return "no worker has beaten yet: is stride-worker.service running?"
    if age > settings.WORKER_HEARTBEAT_MAX_AGE:
        return f"the worker's last heartbeat was {age:.0f} s ago"
    return None


CHECKS: tuple[tuple[str, Callable[[], str | None]], ...] = (
    ("database", database_problem),
    ("cache", cache_problem),
    ("worker", worker_problem),
)


def readiness() -> tuple[str, str] | None:
    """(name, detail) of the first check that fails, or None when ready."""
    for name, check in CHECKS:
        if (detail := check()) is not None:
            return name, detail
    return None


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    def handle(request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in ("/healthz", "/readyz"):
            return get_response(request)
        if request.method not in PROBES:
            response = HttpResponse(status=405, content_type="text/plain")
            response["Allow"] = ", ".join(PROBES)
            return _no_store(response)
        if path == "/healthz":
            return _no_store(HttpResponse("ok\n", content_type="text/plain"))
        failed = readiness()
        if failed is None:
            return _no_store(JsonResponse({"status": "ready"}))
        name, detail = failed
        log.warning("not ready: %s: %s", name, detail)
        response = JsonResponse({"status": "unavailable", "reason": name}, status=503)
        # Logged above as a warning: not Django's "Service Unavailable" error, which the
        # error digest would count every time a load balancer probes.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return _no_store(response)

    return handle
