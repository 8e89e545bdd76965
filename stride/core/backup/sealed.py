"""Encrypting a backup with a key the clinic holds: AES-256-GCM over 1 MiB chunks.

A sealed file is a header (magic, key id, nonce prefix) then chunks, each its length and
its ciphertext. A chunk's nonce is the prefix, its number and a flag marking the last
chunk, and the header is authenticated with every chunk, so a changed, reordered or cut
short file fails to open. The key id (a hash of the key) tells a wrong key apart from a
damaged file.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stride.core.backup import BackupError

MAGIC = b"STRIDE-SEALED-1\n"
KEY_ID_SIZE = 8
PREFIX_SIZE = 7
HEADER_SIZE = len(MAGIC) + KEY_ID_SIZE + PREFIX_SIZE
CHUNK = 1 << 20
KEY_LABEL = "stride-backup-key"


def new_key() -> str:
    """A new key, as the one line a key file holds."""
    return f"{KEY_LABEL}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


def load_key(path: Path) -> bytes:
    try:
        text = path.read_text().strip()
    except OSError as error:
        raise BackupError(f"The key file {path} cannot be read: {error.strerror}.") from None
    label, _, encoded = text.partition(":")
    try:
        key = base64.urlsafe_b64decode(encoded.encode())
    except ValueError:
        key = b""
    if label != KEY_LABEL or len(key) != 32:
        raise BackupError(
            f"{path} is not a Stride backup key (make one with `stride backup-key FILE`)."
        )
    return key


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(KEY_LABEL.encode() + key).digest()[:KEY_ID_SIZE]


def is_sealed(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


def seal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    aes = AESGCM(key)
    header = MAGIC + key_id(key) + os.urandom(PREFIX_SIZE)
    target.write(header)
    prefix = header[-PREFIX_SIZE:]
    number = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aes.encrypt(_nonce(prefix, number, last), chunk, header)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, number = following, number + 1


def unseal(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    """Decrypt, or raise BackupError saying plainly what is wrong with the file or key."""
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise BackupError("The file is not an encrypted Stride backup, or its start is damaged.")
    if header[len(MAGIC) : len(MAGIC) + KEY_ID_SIZE] != key_id(key):
        raise BackupError(
            "The key does not open this backup: it was encrypted with a different key."
        )
    aes = AESGCM(key)
    prefix = header[-PREFIX_SIZE:]
    number = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise BackupError("The encrypted backup is cut short: its end is missing.")
        (length,) = struct.unpack(">I", size)
        if length > CHUNK + 16:
            raise BackupError("The encrypted backup is damaged.")
        sealed = source.read(length)
        if len(sealed) < length:
            raise BackupError("The encrypted backup is cut short: its end is missing.")
        for last in (False, True):
            try:
                target.write(aes.decrypt(_nonce(prefix, number, last), sealed, header))
            except InvalidTag:
                continue
            break
        else:
            raise BackupError("The encrypted backup is damaged: a part of it fails its check.")
        if last:
            if source.read(1):
                raise BackupError("The encrypted backup is damaged: data follows its end.")
            return
        number += 1
