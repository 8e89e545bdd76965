"""``stride waitlist-offers``: run from cron every few minutes; safe to run twice at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stride.booking import waitlist


class Command(BaseCommand):
    help = "End waitlist offers that ran out, then offer free times to those waiting, in order."

    def handle(self, *args: Any, **options: Any) -> None:
        report = waitlist.offer_free_times()
        self.stdout.write(
            f"Waitlist: {len(report.offered)} offered, {report.expired} offers ran out, "
            f"{report.ended} requests ended."
        )
