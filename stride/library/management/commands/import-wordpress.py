from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stride.library.wordpress import WordPressImportError, wordpress_import


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export → All content) as draft articles, with "
        "redirects from the old addresses. All or nothing; safe to run again. Nothing is "
        "published: review each draft. See docs/wordpress-import.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export", type=Path, help="The WXR file WordPress exported.")
        parser.add_argument(
            "--uploads",
            type=Path,
            help="A local copy of the old site's wp-content/uploads folder, to copy images.",
        )
        parser.add_argument(
            "--region", default="foot", help="Body region for every imported article."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        loud = options["verbosity"] > 0
        try:
            report = wordpress_import(
                path=options["export"],
                uploads=options["uploads"],
                region=options["region"],
                dry_run=options["dry_run"],
                progress=self.stdout.write if loud else None,
            )
        except WordPressImportError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        if loud:
            self.stdout.write("")
            for line in report.lines():
                self.stdout.write(line)
