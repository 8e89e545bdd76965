"""``stride restore``: a backup's rows and media in place of the current ones.

Everything that can be wrong with the file (damage, a checksum, the key, another
version's tables) is found before anything changes; the rows are then replaced in one
transaction, checked against the manifest's checksums before it commits, and the
media folder is swapped for the backup's.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from stride.core.backup import BackupError, archive, sealed
from stride.core.backup.rows import TableDigest, row_line
from stride.library import search
from stride.office.models import AuditEvent
from stride.ops import tables


@dataclass(frozen=True)
class Restored:
    created: str
    vendor: str
    rows: int
    media_files: int
    seconds: float


def open_archive(source: Path, work: Path, key: bytes | None) -> tuple[archive.Manifest, Path]:
    """Decrypt if need be, unpack and check every file; nothing is changed."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    plain = source
    if sealed.is_sealed(source):
        if key is None:
            raise BackupError("This backup is encrypted: give its key with --key-file.")
        plain = work / "backup.tar.gz"
        with source.open("rb") as sealed_file, plain.open("wb") as plain_file:
            sealed.unseal(sealed_file, plain_file, key)
    unpacked = work / "unpacked"
    unpacked.mkdir()
    manifest = archive.extract(plain, unpacked)
    if plain != source:
        plain.unlink()
    return manifest, unpacked


def check_fits(manifest: archive.Manifest, unpacked: Path) -> None:
    """The backup's tables, columns and migrations are this version's."""
    later = f"Restore it with Stride {manifest.stride_version}, which made it, then upgrade."
    expected = {tables.table_of(m): m for m in tables.all_models()}
    if set(manifest.tables) != set(expected):
        differ = sorted(set(manifest.tables) ^ set(expected))
        raise BackupError(
            f"This backup's tables differ from this version's ({', '.join(differ[:4])}). {later}"
        )
    for table, model in expected.items():
        if _header(unpacked, table) != tables.columns(model):
            raise BackupError(f"The columns of {table} differ from this version's. {later}")
    disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    recorded = {(row[1], row[2]) for row in _rows(unpacked, MigrationRecorder.Migration)}
    if recorded != disk:
        raise BackupError(f"This backup was made at a different set of migrations. {later}")


def restore(
    source: Path, *, key: bytes | None = None, using: str = "default", media: bool = True
) -> Restored:
    started = time.monotonic()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".stride-restore-", dir=media_root.parent) as work:
        manifest, unpacked = open_archive(source.resolve(), Path(work), key)
        check_fits(manifest, unpacked)
        check_rows(unpacked, manifest)
        call_command("migrate", database=using, interactive=False, verbosity=0)
        with transaction.atomic(using=using):
            rows = replace_rows(unpacked, manifest, using)
        media_files = 0
        if media:
            media_files = _swap_media(unpacked / archive.MEDIA_DIR, media_root, Path(work))
    cache.clear()
    AuditEvent.objects.using(using).create(
        actor=0, role="system", action="backup.restored", subject=source.name[:40]
    )
    return Restored(manifest.created, manifest.vendor, rows, media_files,
                    time.monotonic() - started)  # fmt: skip


def replace_rows(unpacked: Path, manifest: archive.Manifest, using: str) -> int:
    tables.empty_all(using)
    total = 0
    for model in tables.all_models():
        total += tables.insert(model, (tables.decode(model, row)
                                       for row in _rows(unpacked, model)), using)  # fmt: skip
    tables.reset_sequences(using)
    search.rebuild_index(using)
    for model in tables.all_models():
        table = tables.table_of(model)
        found = tables.digest(model, using).summary()
        wanted = {k: manifest.tables[table][k] for k in ("rows", "sha256")}
        if found != wanted:
            raise BackupError(f"{table} did not restore exactly ({found} not {wanted}); "
                              "nothing was changed.")  # fmt: skip
    return total


def _header(unpacked: Path, table: str) -> list[str]:
    with (unpacked / archive.ROWS_DIR / f"{table}.jsonl").open(encoding="utf-8") as file:
        header: list[str] = json.loads(file.readline())
        return header


def _rows(unpacked: Path, model: type[models.Model]) -> Iterator[list[Any]]:
    path = unpacked / archive.ROWS_DIR / f"{tables.table_of(model)}.jsonl"
    with path.open(encoding="utf-8") as file:
        file.readline()
        for line in file:
            yield json.loads(line)


def check_rows(unpacked: Path, manifest: archive.Manifest) -> None:
    """The rows files agree with the manifest's counts and checksums."""
    for model in tables.all_models():
        table = tables.table_of(model)
        found = TableDigest().add_all(row_line(row) for row in _rows(unpacked, model)).summary()
        if found != {k: manifest.tables[table][k] for k in ("rows", "sha256")}:
            raise BackupError(f"The rows of {table} do not match the manifest.")


def _swap_media(new: Path, media_root: Path, work: Path) -> int:
    new.mkdir(exist_ok=True)
    count = sum(1 for p in new.rglob("*") if p.is_file())
    if media_root.exists():
        media_root.rename(work / "media-before-restore")
    new.rename(media_root)
    return count
