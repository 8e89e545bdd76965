"""Every table as rows: read from one database, written to another, and compared.

The tables are those of every installed model (many-to-many tables included) and
Django's own record of applied migrations. Values pass through each field's own
conversions, so a row read from SQLite and written to PostgreSQL (or back) is the same
row. The database cache table is left out: it holds nothing a clinic needs back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import dj_database_url
from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from stride.core.backup import BackupError
from stride.core.backup.rows import TableDigest, encode_row, row_line

BATCH = 500


def all_models() -> list[type[models.Model]]:
    """Every model with a table of its own, and the migrations table, in a fixed order."""
    seen: set[str] = set()
    found: list[type[models.Model]] = []
    candidates: list[type[models.Model]] = [
        *apps.get_models(include_auto_created=True),
        MigrationRecorder.Migration,
    ]
    for model in candidates:
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


def table_of(model: type[models.Model]) -> str:
    return model._meta.db_table


def columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def read_lines(model: type[models.Model], using: str) -> Iterator[str]:
    """Each row as one line of canonical JSON."""
    rows = model._base_manager.using(using).order_by("pk").values_list(*columns(model))
    for values in rows.iterator(chunk_size=2000):
        yield row_line(encode_row(values))


def digest(model: type[models.Model], using: str) -> TableDigest:
    return TableDigest().add_all(read_lines(model, using))


def decode(model: type[models.Model], encoded: list[Any]) -> list[Any]:
    values: list[Any] = []
    for field, value in zip(model._meta.concrete_fields, encoded, strict=True):
        if value is None:
            values.append(None)
        elif isinstance(field, models.DurationField):
            values.append(dt.timedelta(microseconds=value))
        elif isinstance(field, models.JSONField):
            values.append(value)
        else:
            values.append(field.to_python(value))
    return values


def insert(model: type[models.Model], rows: Iterable[list[Any]], using: str) -> int:
    """Insert rows (as values in ``columns(model)`` order) as they are: primary keys kept,
    and ``auto_now`` fields not touched (Django's raw insert, as ``loaddata`` does)."""
    names = columns(model)
    fields = list(model._meta.concrete_fields)
    size = max(1, min(BATCH, connections[using].ops.bulk_batch_size(fields, [None] * BATCH)))
    count = 0
    batch: list[models.Model] = []
    for values in rows:
        batch.append(model.from_db(using, names, values))
        if len(batch) >= size:
            count += _insert(model, batch, fields, using)
            batch = []
    if batch:
        count += _insert(model, batch, fields, using)
    return count


def _insert(model: type[models.Model], batch: list[models.Model], fields: list[Any],
            using: str) -> int:  # fmt: skip
    queryset: Any = model._base_manager.using(using)
    queryset._insert(batch, fields=fields, using=using, raw=True)
    return len(batch)


def empty_all(using: str) -> None:
    """Remove every row of every table (the caller holds a transaction)."""
    connection = connections[using]
    tables = [table_of(m) for m in all_models()]
    sql = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    # Foreign keys are checked when the transaction commits, so tables can be filled in
    # any order (migrating may have left PostgreSQL checking them at once).
    defer = "PRAGMA defer_foreign_keys = ON" if connection.vendor == "sqlite" else (
        "SET CONSTRAINTS ALL DEFERRED")  # fmt: skip
    with connection.cursor() as cursor:
        for statement in [*sql, defer]:
            cursor.execute(statement)


def reset_sequences(using: str) -> None:
    """PostgreSQL's sequences continue after the highest key copied in."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), all_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def rows_held(using: str) -> int:
    """How many rows the database's tables hold, the migrations table left out."""
    existing = set(connections[using].introspection.table_names())
    return sum(
        m._base_manager.using(using).count()
        for m in all_models()
        if table_of(m) in existing and m is not MigrationRecorder.Migration
    )


def describe(settings_dict: dict[str, Any]) -> str:
    """The database named for a person, never with its password."""
    if "sqlite" in settings_dict["ENGINE"]:
        return f"SQLite {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"PostgreSQL {settings_dict['NAME']} on {host}:{port}"


def parse_url(url: str) -> dict[str, Any]:
    try:
        config = dj_database_url.parse(url)
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"The database address is not understood ({error}).") from None
    if not config.get("NAME"):
        raise BackupError("The database address names no database (postgres://HOST/NAME).")
    return dict(config)


def open_alias(alias: str, config: dict[str, Any]) -> str:
    """Connect ``alias`` to the database ``config`` describes, and check it answers.

    The connection is made here rather than added to the settings: it lives only as
    long as the operation needs it."""
    full = connections.configure_settings({"default": dict(config)})["default"]
    connections[alias] = load_backend(full["ENGINE"]).DatabaseWrapper(full, alias)
    try:
        connections[alias].ensure_connection()
    except Exception as error:
        close_alias(alias)
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise BackupError(f"Cannot reach {describe(full)}: {first}") from None
    return alias


def close_alias(alias: str) -> None:
    try:
        wrapper = connections[alias]
    except Exception:
        return
    try:
        wrapper.close()
    finally:
        del connections[alias]
