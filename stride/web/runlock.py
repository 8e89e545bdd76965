"""One run at a time for a periodic command, across every server: a lock in the shared cache.

``cache.add`` is atomic in every shared backend (Redis's ``SET NX``; the database
cache's insert on its primary key), so when two runs start together exactly one gets
the lock. The lock expires after ``ttl`` seconds, so a run killed mid-way (power cut,
``kill -9``) never blocks the next one for longer than that; choose a ``ttl`` well above
the longest run. With ``locmem://`` (the demo) the lock holds within one process only.

Commands that are already safe twice at once by their own design (``send-reminders``
claims each reminder in a committed row, ``waitlist-offers`` writes through the
guarded diary path) need no lock; see docs/deploy.md, "Periodic commands".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

PREFIX = "stride:runlock:"


class AlreadyRunning(Exception):
    """Another run of the same command holds the lock."""


@contextmanager
def only_one(name: str, *, ttl: int) -> Iterator[None]:
    key = PREFIX + name
    token = uuid.uuid4().hex
    if not cache.add(key, token, ttl):
        raise AlreadyRunning(name)
    try:
        yield
    finally:
        # Release only our own lock: one that expired and was taken by a later run stays.
        if cache.get(key) == token:
            cache.delete(key)
