"""The reminders task, through the database queue and its worker, on both databases.

Enqueueing stores the task in the database; ``stride db_worker`` runs it. Rows are
committed for real, as a worker in another process would need them to be.
"""

import datetime as dt
import io
import json
import signal
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from stride import clock
from stride.booking import tasks
from stride.booking.models import Reminder
from stride.booking.tests.test_reminders import (
    START,
    book_committed,
    printed_recipients,
    stride_process,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DUE = START - dt.timedelta(hours=23)  # the 24-hour reminders are due


@pytest.fixture
def signals_kept() -> Iterator[None]:
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for s, handler in kept.items():
        signal.signal(s, handler)


def run_worker() -> str:
    """``stride db_worker --batch``: run every queued task here, then return."""
    out = io.StringIO()
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
        stdout=out, stderr=out,
    )  # fmt: skip
    return out.getvalue()


def test_the_task_waits_in_the_database_until_the_worker_runs_it(signals_kept, build_demo):
    book_committed(build_demo, [0, 1])
    with clock.pinned(DUE):
        result = tasks.send_reminders.enqueue()
        assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
        assert mail.outbox == []  # queued, not run
        run_worker()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sent": 2, "skipped": 0, "stale": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org"]


def test_running_the_task_again_sends_nothing(signals_kept, build_demo):
    book_committed(build_demo, [0, 1])
    with clock.pinned(DUE):
        tasks.send_reminders.enqueue()
        run_worker()
        again = tasks.send_reminders.enqueue()
        run_worker()
    again.refresh()
    assert again.return_value == {"sent": 0, "skipped": 0, "stale": 0}
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


def test_the_stored_result_holds_counts_and_no_patient_data(signals_kept, build_demo):
    entries = book_committed(build_demo, [0, 1])
    # A run that died after claiming the first reminder, an hour ago.
    Reminder.objects.create(entry=entries[0], hours_before=24, claimed_at=DUE)
    with clock.pinned(DUE + dt.timedelta(hours=1)):
        result = tasks.send_reminders.enqueue()
        run_worker()
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.return_value == {"sent": 1, "skipped": 0, "stale": 1}
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]  # the claimed one is not resent
    text = json.dumps([stored.return_value, stored.args_kwargs])
    for entry in entries:
        assert entry.reference and entry.reference not in text
    assert "@" not in text


def test_two_workers_in_their_own_processes_send_each_reminder_once(build_demo):
    """The documented commands, as a clinic runs them: enqueue twice, two workers at once."""
    book_committed(build_demo, [0, 1, 2])
    enqueue = "from stride.booking.tasks import send_reminders; send_reminders.enqueue()"
    for _ in range(2):
        queued = stride_process("shell", "-c", enqueue, at=DUE)
        _, err = queued.communicate(timeout=120)
        assert queued.returncode == 0, err
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2

    workers = [stride_process("db_worker", "--batch", "--no-startup-delay", at=DUE) for _ in "ab"]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    recipients = [to for out, _ in outputs for to in printed_recipients(out)]
    assert sorted(recipients) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    results = DBTaskResult.objects.all()
    assert {r.status for r in results} == {TaskResultStatus.SUCCESSFUL}
    # Run at the same time, the two tasks may share the three reminders between them.
    assert sum(r.return_value["sent"] for r in results) == 3
