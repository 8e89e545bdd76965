"""``stride worker`` runs the queue as ``db_worker`` does, and beats while it runs."""

from __future__ import annotations

import io
import signal

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from stride.booking import tasks
from stride.web import heartbeat


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_queued_tasks_and_leaves_a_heartbeat(client, settings):
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    settings.TASK_WORKER = True
    assert client.get("/readyz").status_code == 503  # no worker yet
    result = tasks.send_reminders.enqueue()
    try:
        call_command(
            "worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    finally:
        for s, handler in kept.items():
            signal.signal(s, handler)
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
    age = heartbeat.age()
    assert age is not None and age < 60
    assert client.get("/readyz").status_code == 200
