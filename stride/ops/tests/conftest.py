"""A populated clinic, and fresh databases of either kind to restore or move it into."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from stride.booking import selectors, services
from stride.booking.models import Service
from stride.office.models import AuditEvent
from stride.ops import tables
from stride.site.models import Practitioner

DAY = dt.date(2026, 6, 3)
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
AUDIT = "office_auditevent"


def server_url() -> str:
    """The PostgreSQL server tests make their own databases on."""
    if connection.vendor == "postgresql":
        return os.environ["DATABASE_URL"]
    return os.environ.get("STRIDE_TEST_POSTGRES_URL",
                          "postgres://postgres:postgres@127.0.0.1:5432/stride")  # fmt: skip


def _admin(url: str) -> psycopg.Connection:
    cfg = dj_database_url.parse(url)
    return psycopg.connect(
        dbname="postgres", user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None, port=cfg["PORT"] or None, autocommit=True, connect_timeout=3,
    )  # fmt: skip


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """The address of a new, empty PostgreSQL database, dropped afterwards."""
    url = server_url()
    name = f"stride_bk_t{uuid.uuid4().hex[:10]}"
    try:
        with _admin(url) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    yield url.rsplit("/", 1)[0] + "/" + name
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], str]]:
    """``fresh_database("sqlite" | "postgresql")``: a migrated, empty database's alias."""
    opened: list[str] = []

    def make(vendor: str) -> str:
        config: dict[str, Any]
        if vendor == "sqlite":
            config = {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "fresh.sqlite3"),
            }
        else:
            config = dict(dj_database_url.parse(request.getfixturevalue("empty_postgres")))
        alias = tables.open_alias(f"fresh_{vendor}", dict(config))
        opened.append(alias)
        call_command("migrate", database=alias, interactive=False, verbosity=0)
        return alias

    yield make
    for alias in opened:
        tables.close_alias(alias)


@pytest.fixture
def clinic(demo_clinic, settings, tmp_path: Path):
    """The demo clinic with bookings, patients, an uploaded photo and an audit row."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    default_storage.save("uploads/foot.png", ContentFile(PHOTO))
    service = Service.objects.get(slug="follow-up")
    tomasz = Practitioner.objects.get(slug="tomasz-nowak")
    for i in range(3):
        slot = selectors.slots_available(service=service, first_day=DAY, last_day=DAY,
                                         practitioner=tomasz)[0]  # fmt: skip
        services.booking_create(
            service=service, practitioner=tomasz, start=slot.start,
            details=services.PatientDetails(
                name=f"Patient {i} Zoë", email=f"p{i}@example.org", phone="+447700900123",
                date_of_birth=dt.date(1960 + i, 2, 29 - i), reason="Heel pain, mornings",
                assessment_record={"answers": {"heel": True}, "top": ["plantar"]}),
        )  # fmt: skip
    AuditEvent.objects.create(actor=1, role="reception", action="patient.view", subject="patient:1")
    return demo_clinic


def rows(alias: str) -> dict[str, list[str]]:
    """Every table's rows (the audit trail left out), as canonical lines in one order."""
    return {tables.table_of(m): sorted(tables.read_lines(m, alias))
            for m in tables.all_models() if tables.table_of(m) != AUDIT}  # fmt: skip
