"""Background tasks for booking, run by ``stride db_worker`` from the database queue.

``send_reminders`` runs what ``stride send-reminders`` runs (``reminders.send_due``),
so the same committed claim keeps a reminder from going twice however the job is
started, and however many copies run. Its result is kept in the task table, so it
holds counts only, never patient data.
"""

from __future__ import annotations

import logging

from django_tasks import task

from stride.booking import reminders

logger = logging.getLogger(__name__)


@task()
def send_reminders() -> dict[str, int]:
    """Send the reminder emails that are due (each exactly once)."""
    report = reminders.send_due()
    for line in report.stale:
        logger.warning("Check with the patient: a reminder was claimed but not sent: %s", line)
    return {"sent": len(report.sent), "skipped": len(report.skipped), "stale": len(report.stale)}
