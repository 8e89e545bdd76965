"""The one clock Django code asks for "now".

``STRIDE_CLOCK`` (an ISO 8601 time with an offset, for tests and the demo only) pins
it; tests can also pin it with :func:`pinned`. Code in ``stride.core`` never calls
this: it takes "now" as a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_pinned: dt.datetime | None = None


def parse_pin(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"STRIDE_CLOCK {value!r} is not an ISO 8601 time such as 2026-03-29T09:00:00+01:00."
        ) from None
    if moment.tzinfo is None:
        raise ImproperlyConfigured(f"STRIDE_CLOCK {value!r} needs a UTC offset, e.g. +00:00.")
    return moment.astimezone(dt.UTC)


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    if _pinned is not None:
        return _pinned
    if settings.STRIDE_CLOCK:
        return parse_pin(settings.STRIDE_CLOCK)
    return dt.datetime.now(dt.UTC)


def local_now(zone: str) -> dt.datetime:
    return now().astimezone(ZoneInfo(zone))


def today(zone: str) -> dt.date:
    """Today's date where the clinic is."""
    return local_now(zone).date()


@contextmanager
def pinned(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Pin the clock to ``moment`` for the duration of the block."""
    global _pinned
    if moment.tzinfo is None:
        raise ValueError("pin the clock to an aware datetime")
    previous, _pinned = _pinned, moment.astimezone(dt.UTC)
    try:
        yield _pinned
    finally:
        _pinned = previous
