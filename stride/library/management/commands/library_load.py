from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stride.library import services


class Command(BaseCommand):
    help = (
        "Load Stride's starter articles (safe to run again; never overwrites an article "
        "staff have edited). They stay drafts unless --publish is given and the reviewer "
        "named in the article is one of your practitioners."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--publish", action="store_true", help="Publish reviewed articles.")

    def handle(self, *args: Any, publish: bool = False, **options: Any) -> None:
        report = services.library_load(publish=publish)
        self.stdout.write(f"Starter articles: {report.summary()}")
        for slug in report.kept_edits:
            self.stdout.write(f"  left alone, edited by staff: {slug}")
