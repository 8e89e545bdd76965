from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stride import demo


class Command(BaseCommand):
    help = "Create or update the fictional demo clinic (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Allow loading demo data in production mode."
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if settings.STRIDE_ENV == "production" and not force:
            raise CommandError("Refusing to load demo data in production (STRIDE_ENV=production).")
        clinic = demo.build()
        self.stdout.write(f"Demo clinic ready: {clinic.name}")
