"""``stride backup``: the database and the media in one archive, checked and optionally
encrypted. See docs/operations.md."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections, models

from stride import clock
from stride.core.backup import BackupError, archive, sealed
from stride.core.backup.rows import TableDigest, row_line
from stride.office.models import AuditEvent
from stride.ops import snapshot, tables


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    seconds: float
    tables: int
    rows: int
    media_files: int
    encrypted: bool


def stride_version() -> str:
    try:
        return metadata.version("stride")
    except metadata.PackageNotFoundError:
        return "unknown"


def make(target: Path, *, key: bytes | None = None, using: str = "default") -> Made:
    started = time.monotonic()
    target = target.resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give a file name for the backup.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".stride-backup-", dir=target.parent) as work:
        staging = Path(work) / "staging"
        (staging / archive.ROWS_DIR).mkdir(parents=True)
        manifest = archive.Manifest(
            created=clock.now().isoformat(),
            vendor=connections[using].vendor,
            native="",
            stride_version=stride_version(),
        )
        with snapshot.taken(using, staging / "database") as (source, native):
            manifest.native = native.relative_to(staging).as_posix()
            for model in tables.all_models():
                manifest.tables[tables.table_of(model)] = _write_rows(model, source, staging)
        media_files = _copy_media(media_root, staging / archive.MEDIA_DIR)
        plain = Path(work) / "backup.tar.gz"
        archive.write(plain, staging, manifest)
        shutil.rmtree(staging)
        written = Path(work) / "backup.out"
        if key is None:
            plain.rename(written)
        else:
            with plain.open("rb") as source_file, written.open("wb") as sealed_file:
                sealed.seal(source_file, sealed_file, key)
        os.chmod(written, 0o600)
        written.replace(target)
    AuditEvent.objects.using(using).create(
        actor=0, role="system", action="backup.made", subject=target.name[:40]
    )
    return Made(
        path=target,
        size=target.stat().st_size,
        seconds=time.monotonic() - started,
        tables=len(manifest.tables),
        rows=sum(t["rows"] for t in manifest.tables.values()),
        media_files=media_files,
        encrypted=key is not None,
    )


def _write_rows(model: type[models.Model], using: str, staging: Path) -> dict[str, object]:
    table = tables.table_of(model)
    summary = TableDigest()
    with (staging / archive.ROWS_DIR / f"{table}.jsonl").open("w", encoding="utf-8") as file:
        file.write(row_line(tables.columns(model)) + "\n")
        for line in tables.read_lines(model, using):
            summary.add(line)
            file.write(line + "\n")
    return {"model": model._meta.label_lower, **summary.summary()}


def _copy_media(media_root: Path, into: Path) -> int:
    into.mkdir(parents=True)
    if not media_root.is_dir():
        return 0
    count = 0
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            destination = into / path.relative_to(media_root)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            count += 1
    return count
