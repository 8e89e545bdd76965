"""``stride backup-key FILE``: a new key for encrypting backups."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from stride.core.backup import sealed


class Command(BaseCommand):
    help = "Write a new backup key to FILE (readable by its owner only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"{path} exists already: a key is never overwritten.") from None
        except OSError as error:
            raise CommandError(f"{path} cannot be written: {error.strerror}.") from None
        with os.fdopen(descriptor, "w") as file:
            file.write(sealed.new_key() + "\n")
        self.stdout.write(
            f"Wrote a new backup key to {path}. Keep a copy away from the server and the "
            "backups: without it an encrypted backup cannot be restored."
        )
