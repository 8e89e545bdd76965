"""The database's own consistent copy, and the moment the neutral rows are read from.

SQLite: the online backup API copies the file page by page while the clinic runs; the
neutral rows are then read from that copy, so both describe the same moment and the
live database is never locked for long. PostgreSQL: one repeatable-read transaction
exports its snapshot, ``pg_dump --snapshot`` dumps exactly that, and the neutral rows
are read in the same transaction.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

from django.db import connections, transaction

from stride.core.backup import BackupError
from stride.ops import tables

SNAPSHOT_ALIAS = "stride_backup_snapshot"


@contextlib.contextmanager
def taken(using: str, native_dir: Path) -> Iterator[tuple[str, Path]]:
    """Write the native copy into ``native_dir``; yield the alias to read rows from."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        target = native_dir / "native.sqlite3"
        _sqlite_copy(Path(connection.settings_dict["NAME"]), target)
        tables.open_alias(SNAPSHOT_ALIAS, {"ENGINE": connection.settings_dict["ENGINE"],
                                           "NAME": str(target)})  # fmt: skip
        try:
            yield SNAPSHOT_ALIAS, target
        finally:
            tables.close_alias(SNAPSHOT_ALIAS)
        return
    if connection.vendor != "postgresql":
        raise BackupError(f"Backups of a {connection.vendor} database are not supported.")
    if connection.in_atomic_block:
        raise BackupError("A backup cannot be made inside a transaction.")
    target = native_dir / "native.pgdump"
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        _pg_dump(connection.settings_dict, snapshot, target)
        yield using, target


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"The SQLite database {source} does not exist.")
    with (
        contextlib.closing(sqlite3.connect(source)) as live,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")


def pg_env(settings_dict: dict[str, object]) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    return env


def _pg_dump(settings_dict: dict[str, object], snapshot: str, target: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise BackupError("pg_dump is not installed: install the PostgreSQL client tools.")
    command = [program, "--format=custom", "--no-owner", f"--snapshot={snapshot}",
               f"--file={target}", f"--dbname={settings_dict['NAME']}"]  # fmt: skip
    result = subprocess.run(command, env=pg_env(settings_dict), capture_output=True,
                            text=True, check=False)  # fmt: skip
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
