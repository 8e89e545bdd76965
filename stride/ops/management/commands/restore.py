"""``stride restore FILE``: replace every row and the media with a backup's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from stride.core.backup import sealed
from stride.ops import restore, tables
from stride.ops.errors import plainly


class Command(BaseCommand):
    help = "Restore a backup made by `stride backup`, replacing every row and the media."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive to restore.")
        parser.add_argument("--key-file", type=Path, help="The key it was encrypted with.")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="Do not ask for confirmation.")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        where = tables.describe(connection.settings_dict)
        with plainly("The restore"):
            key = sealed.load_key(options["key_file"]) if options["key_file"] else None
            if options["interactive"]:
                try:
                    answer = input(
                        f"This replaces every row in {where} and the media folder with the "
                        "backup's. Type 'restore' to go on: "
                    )
                except EOFError:
                    answer = ""
                if answer.strip() != "restore":
                    raise CommandError("Nothing was restored.")
            done = restore.restore(options["file"], key=key)
        self.stdout.write(
            f"Restored the backup of {done.created} ({done.vendor}) into {where}: "
            f"{done.rows} rows and {done.media_files} media files in {done.seconds:.1f} s."
        )
