from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stride.demo import history


class Command(BaseCommand):
    help = (
        "Give the demo clinic a year of fictional history and the next four weeks partly "
        "booked (run `stride demo_load` first). Running it again only tops up."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed", type=int, default=history.SEED,
            help="Another seed gives another history (in a new database).",
        )  # fmt: skip
        parser.add_argument(
            "--force", action="store_true", help="Allow loading demo data in production mode."
        )

    def handle(self, *args: Any, seed: int, force: bool = False, **options: Any) -> None:
        if settings.STRIDE_ENV == "production" and not force:
            raise CommandError("Refusing to load demo data in production (STRIDE_ENV=production).")
        began = time.monotonic()
        try:
            loaded = history.load(seed=seed)
        except (history.DemoClinicMissing, history.OtherSeed, history.UnsoundDiary) as error:
            raise CommandError(str(error)) from None
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(loaded.by_status.items()))
        self.stdout.write(
            f"Demo history ready in {time.monotonic() - began:.1f} s: {loaded.written} diary "
            f"entries written, {loaded.updated} brought up to date, {loaded.patients} patient "
            f"records made. Appointments: {statuses}. Utilisation over the past year: "
            f"{loaded.utilisation:.0%}. Checked: no overlaps, all within working hours."
        )
