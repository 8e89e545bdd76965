"""The backup archive: one gzip'd tar holding a manifest, the database and the media.

Layout::

    manifest.json                      what is inside, each file's size and SHA-256
    database/native.sqlite3            the database's own copy (SQLite's backup API)
      or database/native.pgdump        (pg_dump, custom format: restore with pg_restore)
    database/rows/<table>.jsonl        every table's rows, database-neutral
    media/<path>                       the uploaded files

The manifest's ``checksum`` is the SHA-256 of its file list, so a changed list is caught
as well as a changed file. Reading checks every file against the manifest before
anything is used, and refuses a file that is missing, extra, changed, or outside the
archive's own folders.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from stride.core.backup import BackupError

FORMAT = "stride-backup"
VERSION = 1
MANIFEST = "manifest.json"
ROWS_DIR = "database/rows"
MEDIA_DIR = "media"
TOP_DIRS = ("database", MEDIA_DIR)
BLOCK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def list_checksum(files: dict[str, dict[str, Any]]) -> str:
    text = json.dumps(files, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Manifest:
    created: str
    vendor: str
    native: str
    stride_version: str
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "created": self.created,
                "stride_version": self.stride_version,
                "database": {"vendor": self.vendor, "native": self.native, "tables": self.tables},
                "files": self.files,
                "checksum": list_checksum(self.files),
            },
            indent=1,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise BackupError("The file is not a Stride backup (its manifest says otherwise).")
            if data.get("version") != VERSION:
                raise BackupError(f"This backup's format {data.get('version')} is not known.")
            database = data["database"]
            manifest = cls(
                created=data["created"],
                vendor=database["vendor"],
                native=database["native"],
                stride_version=data["stride_version"],
                tables=database["tables"],
                files=data["files"],
            )
            checksum = data["checksum"]
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError("The backup's manifest is damaged.") from None
        if list_checksum(manifest.files) != checksum:
            raise BackupError("The backup's manifest fails its checksum: the file was changed.")
        return manifest


def safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and bool(path.parts)
        and (name == MANIFEST or path.parts[0] in TOP_DIRS)
    )


def write(target: Path, staging: Path, manifest: Manifest) -> None:
    """Describe every file under ``staging`` in the manifest and write the archive."""
    names = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    manifest.files = {
        name: {"size": (staging / name).stat().st_size, "sha256": file_sha256(staging / name)}
        for name in names
    }
    data = manifest.as_json().encode()
    with tarfile.open(target, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o600
        tar.addfile(info, io.BytesIO(data))
        for name in names:
            info = tar.gettarinfo(staging / name, arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with (staging / name).open("rb") as file:
                tar.addfile(info, file)


def extract(source: Path, into: Path) -> Manifest:
    """Unpack ``source`` into ``into`` and check every file; raise BackupError if any fails."""
    manifest: Manifest | None = None
    seen: set[str] = set()
    try:
        with tarfile.open(source, "r:gz") as tar:
            for member in _members(tar):
                if member.name == MANIFEST:
                    reader = tar.extractfile(member)
                    assert reader is not None
                    manifest = Manifest.from_json(reader.read().decode("utf-8"))
                    continue
                if manifest is None:
                    raise BackupError("The backup's manifest is missing.")
                expected = manifest.files.get(member.name)
                if expected is None:
                    raise BackupError(
                        f"The backup holds a file its manifest does not list: {member.name}."
                    )
                tar.extract(member, into, filter="data")
                seen.add(member.name)
                path = into / member.name
                if (
                    path.stat().st_size != expected["size"]
                    or file_sha256(path) != expected["sha256"]
                ):
                    raise BackupError(
                        f"{member.name} in the backup fails its checksum (changed or damaged)."
                    )
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as error:
        raise BackupError(
            f"The file is not a complete Stride backup (damaged or cut short: {error})."
        ) from None
    if manifest is None:
        raise BackupError("The backup's manifest is missing.")
    missing = sorted(set(manifest.files) - seen)
    if missing:
        raise BackupError(f"The backup is incomplete: {', '.join(missing[:3])} missing.")
    return manifest


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in tar:
        if not member.isfile() or not safe_name(member.name):
            raise BackupError(f"The backup holds an unexpected entry: {member.name!r}.")
        yield member
