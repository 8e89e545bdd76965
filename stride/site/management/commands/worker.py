"""``stride worker``: django-tasks' database worker (``db_worker``) with a heartbeat.

It takes every ``db_worker`` option and runs the queue the same way (several workers
may drain one queue; none runs a task twice). While the process runs, a thread writes
the time to the shared cache every ``BEAT_EVERY`` seconds (:mod:`stride.web.heartbeat`),
so ``/readyz`` and ``stride doctor`` can tell the worker is up where
``TASK_WORKER=true``. deploy/systemd/stride-worker.service runs it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import connections
from django_tasks_db.management.commands import db_worker

from stride.web import heartbeat

log = logging.getLogger(__name__)

BEAT_EVERY = 30  # seconds; WORKER_HEARTBEAT_MAX_AGE (120 by default) allows a few misses


def _beat() -> None:
    try:
        heartbeat.beat()
    except Exception:  # a cache outage must not stop the worker; /readyz shows it
        log.warning("worker heartbeat not written", exc_info=True)


def _beat_until(stop: threading.Event) -> None:
    while not stop.wait(BEAT_EVERY):
        _beat()
        connections.close_all()  # this thread's own connection (the database cache)


class Command(db_worker.Command):
    help = "Run the background task queue (django-tasks' db_worker) with a heartbeat."

    def handle(self, *args: Any, **options: Any) -> None:
        _beat()  # at once: ready as soon as the worker starts
        stop = threading.Event()
        beater = threading.Thread(target=_beat_until, args=(stop,), daemon=True, name="heartbeat")
        beater.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
