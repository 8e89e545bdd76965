"""Moving a clinic from SQLite into an empty PostgreSQL database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from stride.core.backup import BackupError
from stride.ops import move, tables
from stride.ops.tests.conftest import rows

pytestmark = [pytest.mark.sqlite_only,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]  # fmt: skip


def test_it_copies_every_table_keeping_keys_and_resets_sequences(clinic, empty_postgres):
    out = io.StringIO()
    call_command("move-database", to=empty_postgres, stdout=out)
    assert "every table the same in both" in out.getvalue()
    target = tables.open_alias("moved", tables.parse_url(empty_postgres))
    try:
        assert rows(target) == rows("default")
        assert rows(target)["booking_patient"]
        from stride.booking.models import Patient

        # The sequence continues after the copied keys: a new row gets a new key.
        newest = Patient.objects.order_by("-pk").first()
        assert newest is not None
        made = Patient.objects.using(target).create(name="After the move", email="a@example.org",
                                                    phone="+447700900123",
                                                    date_of_birth=dt.date(1990, 1, 1))  # fmt: skip
        assert made.pk > newest.pk
    finally:
        tables.close_alias(target)


def test_it_refuses_a_target_that_holds_tables(clinic, empty_postgres):
    move.move(empty_postgres, say=lambda _: None)
    with pytest.raises(BackupError, match="is not empty"):
        move.move(empty_postgres, say=lambda _: None)


def test_a_failed_move_leaves_the_target_empty(clinic, empty_postgres, monkeypatch):
    def broken(*args, **kwargs):
        raise BackupError("stopped on purpose")

    monkeypatch.setattr(tables, "reset_sequences", broken)
    with pytest.raises(BackupError):
        move.move(empty_postgres, say=lambda _: None)
    target = tables.open_alias("checked", tables.parse_url(empty_postgres))
    try:
        assert connections[target].introspection.table_names() == []
    finally:
        tables.close_alias(target)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@localhost/clinic", "must be a PostgreSQL address"),
        ("postgres://", "names no database"),
        ("postgres://postgres@127.0.0.1:1/stride_bk_nowhere", "Cannot reach PostgreSQL"),
    ],
)
def test_a_bad_or_unreachable_target_gets_a_plain_message(db, url, says):
    with pytest.raises(CommandError, match=says) as refused:
        call_command("move-database", to=url, stdout=io.StringIO())
    assert "Traceback" not in str(refused.value)
