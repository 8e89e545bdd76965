"""Rows as plain JSON, the same whichever database they came from, and their checksums.

A value is written as JSON: dates, times and datetimes in ISO 8601, decimals and UUIDs
as text, bytes in base64, durations in microseconds. A table's checksum is the sum,
modulo 2**256, of each row's SHA-256, so it does not depend on the order the database
returns rows in (PostgreSQL and SQLite sort text differently).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

MODULUS = 1 << 256


def encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def encode_row(values: Sequence[Any]) -> list[Any]:
    return [encode_value(value) for value in values]


def row_line(encoded: Sequence[Any]) -> str:
    return json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class TableDigest:
    """Counts rows and sums their hashes."""

    def __init__(self) -> None:
        self.rows = 0
        self.total = 0

    def add(self, line: str) -> None:
        self.rows += 1
        digest = hashlib.sha256(line.encode()).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) % MODULUS

    def add_all(self, lines: Iterable[str]) -> TableDigest:
        for line in lines:
            self.add(line)
        return self

    @property
    def hexdigest(self) -> str:
        return f"{self.total:064x}"

    def summary(self) -> dict[str, Any]:
        return {"rows": self.rows, "sha256": self.hexdigest}
