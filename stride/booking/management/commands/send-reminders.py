"""``stride send-reminders``: safe to run from cron every few minutes, even twice at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stride.booking import reminders


class Command(BaseCommand):
    help = "Send the reminder emails that are due (each exactly once)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = reminders.send_due()
        self.stdout.write(
            f"Reminders: {len(report.sent)} sent, {len(report.skipped)} already claimed."
        )
        for line in report.stale:
            self.stderr.write(
                f"Check with the patient: a reminder was claimed but not sent: {line}"
            )
