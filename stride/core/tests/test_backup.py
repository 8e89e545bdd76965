"""The pure parts of a backup: encryption, the archive and its manifest, row checksums."""

import datetime as dt
import decimal
import io
import tarfile
import uuid
from pathlib import Path

import pytest

from stride.core.backup import BackupError, archive, sealed
from stride.core.backup.rows import TableDigest, encode_row, row_line

KEY = bytes(range(32))


def _sealed(data: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    sealed.seal(io.BytesIO(data), out, key)
    return out.getvalue()


def _open(data: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    sealed.unseal(io.BytesIO(data), out, key)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, sealed.CHUNK - 1, sealed.CHUNK, 2 * sealed.CHUNK + 7])
def test_sealing_round_trips_any_length(size):
    data = bytes(i % 251 for i in range(size))
    assert _open(_sealed(data)) == data


def test_a_wrong_key_is_named_as_such():
    with pytest.raises(BackupError, match="different key"):
        _open(_sealed(b"clinic"), bytes(32))


def test_a_sealed_file_cut_at_a_chunk_boundary_is_refused():
    data = bytes(2 * sealed.CHUNK)
    whole = _sealed(data)
    first_chunk_end = sealed.HEADER_SIZE + 4 + sealed.CHUNK + 16
    with pytest.raises(BackupError, match="cut short"):
        _open(whole[:first_chunk_end])


def test_a_changed_byte_is_refused():
    whole = bytearray(_sealed(b"patient records" * 100))
    whole[-5] ^= 1
    with pytest.raises(BackupError, match="damaged"):
        _open(bytes(whole))


def test_a_key_file_is_checked(tmp_path: Path):
    good = tmp_path / "good"
    good.write_text(sealed.new_key())
    assert len(sealed.load_key(good)) == 32
    bad = tmp_path / "bad"
    bad.write_text("hunter2")
    with pytest.raises(BackupError, match="not a Stride backup key"):
        sealed.load_key(bad)


def _staged(tmp_path: Path) -> tuple[Path, archive.Manifest]:
    staging = tmp_path / "staging"
    (staging / archive.ROWS_DIR).mkdir(parents=True)
    (staging / archive.ROWS_DIR / "t.jsonl").write_text('["id"]\n[1]\n')
    (staging / "media" / "a").mkdir(parents=True)
    (staging / "media" / "a" / "photo.png").write_bytes(b"\x89PNG")
    manifest = archive.Manifest(created="2026-06-01T08:30:00+00:00", vendor="sqlite",
                                native="", stride_version="0.1.0")  # fmt: skip
    return staging, manifest


def test_an_archive_round_trips_with_its_manifest(tmp_path: Path):
    staging, manifest = _staged(tmp_path)
    archive.write(tmp_path / "b.tar.gz", staging, manifest)
    out = tmp_path / "out"
    out.mkdir()
    read = archive.extract(tmp_path / "b.tar.gz", out)
    assert set(read.files) == {"database/rows/t.jsonl", "media/a/photo.png"}
    assert (out / "media" / "a" / "photo.png").read_bytes() == b"\x89PNG"


def test_an_archive_with_an_unlisted_or_escaping_entry_is_refused(tmp_path: Path):
    staging, manifest = _staged(tmp_path)
    archive.write(tmp_path / "b.tar.gz", staging, manifest)
    for name, says in (("media/extra.png", "does not list"), ("../evil", "unexpected entry")):
        path = tmp_path / f"{says[:4]}.tar.gz"
        with tarfile.open(tmp_path / "b.tar.gz") as source, tarfile.open(path, "w:gz") as copy:
            for member in source:
                copy.addfile(member, source.extractfile(member))
            info = tarfile.TarInfo(name)
            info.size = 1
            copy.addfile(info, io.BytesIO(b"x"))
        out = tmp_path / f"out-{says[:4]}"
        out.mkdir()
        with pytest.raises(BackupError, match=says):
            archive.extract(path, out)


def test_a_changed_manifest_fails_its_checksum():
    text = archive.Manifest("now", "sqlite", "", "0.1.0", files={"a": {"size": 1}}).as_json()
    with pytest.raises(BackupError, match="fails its checksum"):
        archive.Manifest.from_json(text.replace('"size": 1', '"size": 2'))


def test_values_encode_the_same_whichever_database_gave_them():
    when = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    row = [when, dt.date(2026, 2, 28), dt.time(9, 15), dt.timedelta(minutes=30),
           decimal.Decimal("12.50"), uuid.UUID(int=1), memoryview(b"\x00\xff"),
           {"b": 1, "a": 2}]  # fmt: skip
    assert row_line(encode_row(row)) == (
        '["2026-03-29T01:30:00+00:00","2026-02-28","09:15:00",1800000000,"12.50",'
        '"00000000-0000-0000-0000-000000000001","AP8=",{"a":2,"b":1}]'
    )


def test_a_table_checksum_does_not_depend_on_row_order():
    lines = [row_line([i, f"name {i}"]) for i in range(50)]
    forwards, backwards = TableDigest().add_all(lines), TableDigest().add_all(reversed(lines))
    assert forwards.summary() == backwards.summary()
    assert forwards.rows == 50
    assert TableDigest().add_all(lines[:-1]).hexdigest != forwards.hexdigest
