"""A backup restores every row and the media, on either database and across them."""

from __future__ import annotations

import contextlib
import io
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from stride.core.backup import BackupError, archive, sealed
from stride.office.models import AuditEvent
from stride.ops import backup, restore
from stride.ops.tests.conftest import AUDIT, PHOTO, rows

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
OTHER = {"sqlite": "postgresql", "postgresql": "sqlite"}


def _restored(clinic, fresh_database, tmp_path: Path, settings, vendor: str, key=None):
    made = backup.make(tmp_path / "clinic.backup", key=key)
    before = rows("default")
    target = fresh_database(vendor)
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    done = restore.restore(made.path, key=key, using=target)
    return before, target, done


@pytest.mark.parametrize("kind", ["same", "other"])
def test_a_restore_gives_back_every_row_and_the_media(clinic, fresh_database, tmp_path,
                                                      settings, kind):  # fmt: skip
    vendor = connection.vendor if kind == "same" else OTHER[connection.vendor]
    before, target, done = _restored(clinic, fresh_database, tmp_path, settings, vendor)
    after = rows(target)
    assert after == before
    assert after["booking_patient"] and after["booking_diaryentry"]
    assert after["library_article"] and after["django_migrations"]
    assert (tmp_path / "restored-media" / "uploads" / "foot.png").read_bytes() == PHOTO
    assert done.media_files >= 1
    assert done.vendor == connection.vendor


def test_audit_rows_for_the_backup_and_the_restore_come_after_the_copy(
    clinic, fresh_database, tmp_path, settings
):
    audit_before = AuditEvent.objects.count()
    _, target, _ = _restored(clinic, fresh_database, tmp_path, settings, connection.vendor)
    assert AuditEvent.objects.filter(action="backup.made").count() == 1
    restored = list(
        AuditEvent.objects.using(target).order_by("id").values_list("action", flat=True)
    )
    assert len(restored) == audit_before + 1
    assert restored[-1] == "backup.restored"
    assert "backup.made" not in restored


def test_an_encrypted_backup_restores_with_its_key(clinic, fresh_database, tmp_path, settings):
    key_file = tmp_path / "key"
    call_command("backup-key", str(key_file), stdout=io.StringIO())
    key = sealed.load_key(key_file)
    before, target, _ = _restored(clinic, fresh_database, tmp_path, settings,
                                  connection.vendor, key=key)  # fmt: skip
    assert rows(target) == before
    assert b"Zo\xc3\xab" not in (tmp_path / "clinic.backup").read_bytes()


def test_the_backup_command_reports_what_it_wrote(clinic, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b.tar.gz"), stdout=out)
    assert "media files" in out.getvalue()
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert "media/uploads/foot.png" in names
    assert f"database/rows/{AUDIT}.jsonl" in names
    native = "native.sqlite3" if connection.vendor == "sqlite" else "native.pgdump"
    assert f"database/{native}" in names


def _refused(path: Path, target: str, key_file: Path | None = None) -> str:
    before = rows(target)
    media = sorted(Path(p).name for p in Path(target).parent.glob("*"))
    with pytest.raises(BackupError) as refused:
        restore.restore(path, key=sealed.load_key(key_file) if key_file else None, using=target)
    assert rows(target) == before, "a refused restore changes nothing"
    assert sorted(Path(p).name for p in Path(target).parent.glob("*")) == media
    return str(refused.value)


@pytest.fixture
def made(clinic, tmp_path, fresh_database, settings):
    path = backup.make(tmp_path / "clinic.backup").path
    target = fresh_database(connection.vendor)
    settings.MEDIA_ROOT = str(tmp_path / "target-media")
    return path, target


def test_it_refuses_a_truncated_backup_and_changes_nothing(made, tmp_path):
    path, target = made
    cut = tmp_path / "cut.backup"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "damaged or cut short" in _refused(cut, target)


def test_it_refuses_a_file_that_is_not_a_backup(made, tmp_path):
    _, target = made
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    assert "not a complete Stride backup" in _refused(junk, target)


def test_it_refuses_a_backup_whose_rows_were_changed(made, tmp_path):
    path, target = made
    changed = tmp_path / "changed.backup"
    with tarfile.open(path) as source, tarfile.open(changed, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith("booking_patient.jsonl"):
                data = data.replace(b"Patient 1", b"Patient 7")
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    assert "fails its checksum" in _refused(changed, target)


def test_it_refuses_the_wrong_key_and_a_missing_key(made, tmp_path):
    path, target = made
    right, wrong = tmp_path / "right", tmp_path / "wrong"
    call_command("backup-key", str(right), stdout=io.StringIO())
    call_command("backup-key", str(wrong), stdout=io.StringIO())
    locked = tmp_path / "locked.backup"
    with path.open("rb") as plain, locked.open("wb") as out:
        sealed.seal(plain, out, sealed.load_key(right))
    assert "different key" in _refused(locked, target, wrong)
    assert "give its key" in _refused(locked, target)
    cut = tmp_path / "locked-cut.backup"
    cut.write_bytes(locked.read_bytes()[:-40])
    assert "damaged" in _refused(cut, target, right) or "cut short" in _refused(cut, target, right)


def test_the_restore_command_says_plainly_what_is_wrong(made, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"\x1f\x8b" + b"\x00" * 50)
    with pytest.raises(CommandError, match="The restore stopped: The file is not a complete"):
        call_command("restore", str(junk), "--no-input")
    with pytest.raises(CommandError, match="There is no backup file"):
        call_command("restore", str(tmp_path / "missing"), "--no-input")


def test_the_native_copy_is_of_the_same_moment_as_the_rows(clinic, tmp_path):
    path = backup.make(tmp_path / "clinic.backup").path
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    manifest = archive.extract(path, unpacked)
    patients = manifest.tables["booking_patient"]["rows"]
    assert patients >= 3
    native = unpacked / manifest.native
    if connection.vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(native)) as copy:
            assert copy.execute("SELECT count(*) FROM booking_patient").fetchone()[0] == patients
    else:
        listing = subprocess.run(["pg_restore", "--list", str(native)], capture_output=True,
                                 text=True, check=True).stdout  # fmt: skip
        assert "TABLE DATA public booking_patient" in listing
