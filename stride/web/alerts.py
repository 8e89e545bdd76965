"""Error alerts for the clinic's developer: grouped by cause, kept in the shared cache,
and sent as a digest by ``stride send-error-digest`` (from the same cron line or timer
as the reminders), never by the request that failed and never through the optional
worker.

Each error logged at ERROR or above by Django (a 500) is counted under its cause: the
exception's type and the deepest line of Stride's own code it passed through (or the
logger and message template when there is no exception). The digest names each cause
with its count, first and last time and one path (without its query string): never
the exception's message, a variable or a request body, which may hold patient data;
those stay in the server's log. At most ``MAX_CAUSES`` causes are kept between digests
(later new causes are counted together), so a flood of errors costs a few cache writes
and one email every few minutes.
"""

from __future__ import annotations

import hashlib
import logging
import time
import traceback
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

INDEX = "stride:alerts:index"
MAX_CAUSES = 50
KEEP = 7 * 24 * 3600  # seconds a cause waits for a digest before it is forgotten
OVERFLOW = "other causes (over the limit)"


@dataclass(frozen=True)
class Cause:
    key: str
    summary: str
    path: str
    count: int
    first: float
    last: float


def _cause(record: logging.LogRecord) -> str:
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "/stride/" in f.filename and "site-packages" not in f.filename]
        if not (ours or frames):
            return type(error).__name__
        where = (ours or frames)[-1]
        name = "stride/" + where.filename.rsplit("/stride/", 1)[-1] if ours else where.filename
        return f"{type(error).__name__} at {name}:{where.lineno}"
    return f"{record.name}: {record.msg}"[:200]


def _path(record: logging.LogRecord) -> str:
    request: Any = getattr(record, "request", None)
    path = getattr(request, "path", "") or ""
    return str(path)[:200]


def record_error(record: logging.LogRecord) -> None:
    summary = _cause(record)
    key = "stride:alerts:" + hashlib.sha256(summary.encode()).hexdigest()[:24]
    now = time.time()
    index: list[str] = cache.get(INDEX) or []
    if key not in index:
        if len(index) >= MAX_CAUSES:
            summary, key = OVERFLOW, "stride:alerts:overflow"
        if key not in index:
            index.append(key)
            cache.set(INDEX, index, KEEP)
    entry = cache.get(key)
    if entry is None:
        entry = {"summary": summary, "path": _path(record), "count": 0, "first": now}
    entry["count"] += 1
    entry["last"] = now
    cache.set(key, entry, KEEP)


class AlertHandler(logging.Handler):
    """Counts errors for the digest; never raises, never sends anything itself."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            record_error(record)
        except Exception:  # a broken cache must not break the failing request further
            self.handleError(record)


def take() -> list[Cause]:
    """Every cause counted since the last digest, most frequent first; they are removed."""
    index: list[str] = cache.get(INDEX) or []
    cache.delete(INDEX)
    causes = []
    for key in index:
        entry = cache.get(key)
        cache.delete(key)
        if entry:
            causes.append(Cause(key, entry["summary"], entry["path"], entry["count"],
                                entry["first"], entry["last"]))  # fmt: skip
    return sorted(causes, key=lambda c: (-c.count, c.summary))
