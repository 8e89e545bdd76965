"""``stride demo-code [USERNAME]``: the demo staff's current sign-in codes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stride.office import demo
from stride.office.models import StaffProfile


class Command(BaseCommand):
    help = "Print the current 6-digit sign-in code of the demo's staff accounts (demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="one account (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.STRIDE_ENV == "production":
            raise CommandError("Demo codes exist only in the demo.")
        profiles = StaffProfile.objects.filter(is_demo=True).select_related("user")
        if options["username"]:
            profiles = profiles.filter(user__username=options["username"])
        if not profiles:
            raise CommandError("No such demo staff account. Run `stride demo_load` first.")
        for profile in profiles.order_by("user__username"):
            username = profile.user.username
            self.stdout.write(f"{username:<10} {demo.current_code(username)}  "
                              f"({profile.get_role_display()})")  # fmt: skip
        self.stdout.write("Codes change every 30 seconds. Password: " + demo.PASSWORD)
