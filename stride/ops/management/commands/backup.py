"""``stride backup FILE``: the database and media in one checked archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stride.core.backup import sealed
from stride.ops import backup, tables
from stride.ops.errors import plainly


class Command(BaseCommand):
    help = "Back up the database and the media into one archive (see docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive to write.")
        parser.add_argument("--key-file", type=Path, help="Encrypt with this key.")

    def handle(self, *args: Any, **options: Any) -> None:
        with plainly("The backup"):
            key = sealed.load_key(options["key_file"]) if options["key_file"] else None
            made = backup.make(options["file"], key=key)
        from django.db import connection

        self.stdout.write(
            f"Backed up {tables.describe(connection.settings_dict)}: {made.rows} rows in "
            f"{made.tables} tables and {made.media_files} media files, to {made.path} "
            f"({made.size / 1_000_000:.1f} MB{', encrypted' if made.encrypted else ''}) "
            f"in {made.seconds:.1f} s."
        )
