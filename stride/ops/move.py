"""``stride move-database``: the clinic's SQLite database copied into an empty PostgreSQL.

The target is migrated and filled in one transaction (PostgreSQL can roll back its
schema changes too), so a move that fails leaves the target as empty as it was. The
source is read inside a transaction that holds SQLite's write lock, so nothing changes
while it is copied. Each table is then compared row by row: counts and checksums.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import connections, transaction

from stride.core.backup import BackupError
from stride.core.backup.rows import TableDigest, encode_row
from stride.ops import tables

TARGET_ALIAS = "stride_move_target"
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "postgis://")


@dataclass
class Moved:
    target: str
    seconds: float = 0.0
    tables: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(count for count, _ in self.tables.values())


def move(url: str, *, using: str = "default", say: Callable[[str], None] = print) -> Moved:
    started = time.monotonic()
    if not url.startswith(POSTGRES_SCHEMES):
        raise BackupError(
            "The target must be a PostgreSQL address: postgres://USER:PASSWORD@HOST:PORT/NAME."
        )
    config = tables.parse_url(url)
    source = connections[using].settings_dict
    if source["ENGINE"] == config["ENGINE"] and source["NAME"] == config["NAME"] and (
        source.get("HOST") or "") == (config.get("HOST") or ""):  # fmt: skip
        raise BackupError("The target is the database Stride is using now.")
    tables.open_alias(TARGET_ALIAS, config)
    try:
        moved = Moved(target=tables.describe(connections[TARGET_ALIAS].settings_dict))
        existing = connections[TARGET_ALIAS].introspection.table_names()
        if existing:
            raise BackupError(
                f"{moved.target} is not empty (it has {len(existing)} tables): "
                "give an empty database, made with `createdb NAME`."
            )
        with transaction.atomic(using=using), transaction.atomic(using=TARGET_ALIAS):
            say(f"Migrating {moved.target}...")
            call_command("migrate", database=TARGET_ALIAS, interactive=False, verbosity=0)
            tables.empty_all(TARGET_ALIAS)
            for model in tables.all_models():
                rows = (tables.decode(model, encode_row(values)) for values in
                        model._base_manager.using(using).order_by("pk")
                        .values_list(*tables.columns(model)).iterator(chunk_size=2000))  # fmt: skip
                tables.insert(model, rows, TARGET_ALIAS)
            tables.reset_sequences(TARGET_ALIAS)
            say("Comparing every table...")
            for model in tables.all_models():
                table = tables.table_of(model)
                mine: TableDigest = tables.digest(model, using)
                theirs: TableDigest = tables.digest(model, TARGET_ALIAS)
                if (mine.rows, mine.hexdigest) != (theirs.rows, theirs.hexdigest):
                    raise BackupError(
                        f"{table} differs after copying ({mine.rows} rows here, "
                        f"{theirs.rows} there): nothing was kept in the target."
                    )
                moved.tables[table] = (mine.rows, mine.hexdigest)
        moved.seconds = time.monotonic() - started
        return moved
    finally:
        tables.close_alias(TARGET_ALIAS)
