"""The worker's heartbeat: the time of its last sign of life, in the shared cache.

``stride worker`` beats between tasks and after each one; ``/readyz`` and
``stride doctor`` read it where ``TASK_WORKER=true``. It lives in the shared cache
(the database cache or Redis), so every app process reads what any worker wrote;
with ``locmem://`` each process would see only its own, which ``stride doctor`` says.
"""

from __future__ import annotations

import time

from django.core.cache import cache

KEY = "stride:worker:heartbeat"
KEEP = 24 * 3600  # seconds; older than this reads as no heartbeat at all


def beat() -> None:
    cache.set(KEY, time.time(), KEEP)


def age() -> float | None:
    """Seconds since the last beat, or None if no worker has beaten."""
    last = cache.get(KEY)
    return None if last is None else max(0.0, time.time() - float(last))
