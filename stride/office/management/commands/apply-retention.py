"""``stride apply-retention``: run daily from cron or its timer; running it again changes
nothing, and a second run while one is under way does nothing (a lock in the shared cache)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stride import clock
from stride.office import privacy
from stride.web import runlock

LOCK_TTL = 6 * 3600  # seconds: far above the longest run


class Command(BaseCommand):
    help = (
        "Remove patient data past its retention period (RETENTION_ADULT_YEARS, "
        "RETENTION_CHILD_UNTIL_AGE), waitlist requests ended over a year ago and audit "
        "events older than AUDIT_RETENTION_YEARS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be removed; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        adult = settings.RETENTION_ADULT_YEARS
        child = settings.RETENTION_CHILD_UNTIL_AGE
        audit = settings.AUDIT_RETENTION_YEARS
        if adult < 1 or audit < 1 or not 18 <= child <= 120:
            raise CommandError(
                "Retention settings out of range: RETENTION_ADULT_YEARS and "
                "AUDIT_RETENTION_YEARS must be at least 1, RETENTION_CHILD_UNTIL_AGE 18 to 120."
            )
        try:
            with runlock.only_one("apply-retention", ttl=LOCK_TTL):
                self._apply(adult, child, audit, options)
        except runlock.AlreadyRunning:
            self.stdout.write("Another apply-retention run is under way: this one did nothing.")

    def _apply(self, adult: int, child: int, audit: int, options: dict[str, Any]) -> None:
        dry_run = options["dry_run"]
        report = privacy.retention_apply(
            now=clock.now(), adult_years=adult, child_until_age=child, audit_years=audit,
            dry_run=dry_run,
        )  # fmt: skip
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"Retention (adults {adult} years after the last appointment, children until "
            f"{child} or {adult} years, whichever is later): {verb} the personal data of "
            f"{len(report.patients)} patients and {len(report.bookings)} bookings without a "
            f"patient record, {report.waitlist_requests} waitlist requests ended over a year "
            f"ago and {report.audit_events} audit events older than {audit} years."
        )
        if options["verbosity"] > 1:
            for pk in report.patients:
                self.stdout.write(f"  {privacy.reference(pk)}")
            for pk in report.bookings:
                self.stdout.write(f"  booking-details:{pk}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
