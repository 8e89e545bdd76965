"""``stride move-database --to postgres://...``: copy the clinic into an empty PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from stride.ops import move, tables
from stride.ops.errors import plainly


class Command(BaseCommand):
    help = "Copy every table into an empty PostgreSQL database and check the copy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, metavar="postgres://...",
                            help="The empty PostgreSQL database to copy into.")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        source = tables.describe(connection.settings_dict)
        with plainly("The move"):
            moved = move.move(options["to"], say=self.stdout.write)
        for table, (rows, checksum) in sorted(moved.tables.items()):
            self.stdout.write(f"  {table}: {rows} rows, checksum {checksum[:12]} (same)")
        self.stdout.write(
            f"Copied {source} to {moved.target}: {moved.rows} rows in {len(moved.tables)} "
            f"tables, every table the same in both, in {moved.seconds:.1f} s. Now set "
            "DATABASE_URL to the new database and restart Stride."
        )
