"""Mail the clinic's developer (ADMINS) one digest of the errors counted since the last.

Run from cron or its timer every five minutes. It sends nothing when nothing went
wrong, and prints one line either way. Two runs at once would each take part of the
counts (two half digests): a lock in the shared cache lets one run, the other does nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import mail_admins
from django.core.management.base import BaseCommand

from stride.web import alerts, runlock

LOCK_TTL = 600  # seconds: a digest takes a moment; an SMTP timeout is EMAIL_TIMEOUT


def _when(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class Command(BaseCommand):
    help = "Mail ADMINS one digest of the errors counted since the last digest."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with runlock.only_one("send-error-digest", ttl=LOCK_TTL):
                self._digest()
        except runlock.AlreadyRunning:
            self.stdout.write("Another send-error-digest run is under way: this one did nothing.")

    def _digest(self) -> None:
        causes = alerts.take()
        if not causes:
            self.stdout.write("No errors since the last digest.")
            return
        total = sum(c.count for c in causes)
        lines = [f"{total} error(s) from {len(causes)} cause(s) since the last digest.", ""]
        for cause in causes:
            lines += [
                f"{cause.count} x {cause.summary}",
                f"    first {_when(cause.first)}, last {_when(cause.last)}"
                + (f", e.g. {cause.path}" if cause.path else ""),
            ]
        lines += ["", "The server's log has each traceback."]
        if settings.ADMINS:
            mail_admins(f"{total} error(s) from {len(causes)} cause(s)", "\n".join(lines))
            self.stdout.write(f"Sent a digest of {total} error(s) from {len(causes)} cause(s).")
        else:
            self.stdout.write("\n".join(lines))
            self.stdout.write("ADMINS is not set: the digest was printed, not sent.")
