"""``stride doctor``: a preflight of the settings, the database, the cache, email, static
files, the worker and the time zone. Exits 1 on a fatal problem only (see
``stride.site.doctor``), or on any warning with ``--strict``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from stride.manage import version
from stride.site import doctor

LABELS = {doctor.OK: "ok", doctor.WARNING: "WARNING", doctor.FATAL: "FATAL"}


class Command(BaseCommand):
    help = "Check that Stride can run here: each problem with its fix; exit 1 if one is fatal."
    requires_system_checks: list[str] = []  # doctor reports what the checks would

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--strict", action="store_true", help="exit 1 on a warning too")
        parser.add_argument("--quiet", action="store_true", help="print only problems")

    def handle(self, *args: Any, **options: Any) -> None:
        findings = doctor.run()
        self.stdout.write(f"stride {version()} doctor ({settings.STRIDE_ENV})")
        for finding in findings:
            if options["quiet"] and finding.level == doctor.OK:
                continue
            line = f"  {LABELS[finding.level]:<8} {finding.topic}: {finding.message}"
            self.stdout.write(line)
            if finding.fix and finding.level != doctor.OK:
                self.stdout.write(f"           fix: {finding.fix}")
        fatal = sum(f.level == doctor.FATAL for f in findings)
        warnings = sum(f.level == doctor.WARNING for f in findings)
        self.stdout.write(f"{fatal} fatal problem(s), {warnings} warning(s).")
        if fatal or (options["strict"] and warnings):
            raise SystemExit(1)
