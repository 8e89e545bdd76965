"""Database configuration, demo data, deploy checks and the admin (health checks:
stride/web/tests/test_health.py)."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from stride import demo
from stride.booking.models import Service, WorkingBreak, WorkingPeriod
from stride.demo import clinic as demo_clinic_module
from stride.site import checks, services
from stride.site.models import Clinic, OpeningHours, PhotoRendition, Practitioner, Registration


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 5000
    assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]
    assert not connection.is_in_memory_db(), "tests must use a database file"  # type: ignore[attr-defined]


@pytest.mark.postgres_only
def test_postgresql_is_a_supported_version(db):
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 140000  # type: ignore[attr-defined]


def _snapshot() -> list:
    return [
        list(Clinic.objects.values()),
        list(OpeningHours.objects.order_by("id").values()),
        list(Practitioner.objects.order_by("id").values()),
        list(Registration.objects.order_by("id").values()),
        list(PhotoRendition.objects.order_by("id").values()),
        list(Service.objects.order_by("id").values()),
        list(Service.practitioners.through.objects.order_by("id").values()),
        list(WorkingPeriod.objects.order_by("id").values()),
        list(WorkingBreak.objects.order_by("id").values()),
    ]


def test_the_demo_clinic_is_idempotent(demo_clinic, now):
    before = _snapshot()
    demo.build()
    assert _snapshot() == before
    assert Practitioner.objects.count() == 2
    assert OpeningHours.objects.count() == len(demo_clinic_module.HOURS)


def test_the_demo_repairs_edits_to_its_own_rows(demo_clinic, now):
    Clinic.objects.update(phone="0")
    OpeningHours.objects.filter(weekday=5).delete()
    demo.build()
    assert Clinic.objects.get().phone == "020 7946 0321"
    assert OpeningHours.objects.filter(weekday=5).count() == 1


def test_demo_load_refuses_production(settings):
    from django.core.management.base import CommandError

    settings.STRIDE_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo_load")


def test_deploy_check_flags_the_demo_admin_in_production(demo_clinic, settings):
    settings.STRIDE_ENV = "production"
    assert [e.id for e in checks.demo_users_absent(None)] == ["stride.E001"]
    from django.contrib.auth.models import User

    with pytest.raises(ImproperlyConfigured, match="demo admin"):
        checks.refuse_demo_admin()
    user = User.objects.get(username=checks.DEMO_USERNAME)
    user.set_password("a-new-long-password-nobody-knows")
    user.save()
    assert checks.demo_users_absent(None) == []
    checks.refuse_demo_admin()  # no longer raises


def test_the_clinic_is_created_by_migration_and_stays_single(db):
    clinic = Clinic.objects.get()
    assert clinic.time_zone == "Europe/London"
    second = Clinic(
        name="Another", phone="1", email="a@b.c", address_line1="x", town="y", postcode="z"
    )
    second.save()  # saving always writes the one row
    assert Clinic.objects.count() == 1


def test_an_unknown_time_zone_is_refused(db):
    from django.core.exceptions import ValidationError

    clinic = Clinic.objects.get()
    clinic.time_zone = "Europe/Londn"
    with pytest.raises(ValidationError, match="time zone"):
        clinic.full_clean()


def _photo(width=900, height=700) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 90, 120)).save(buffer, "JPEG")
    return SimpleUploadedFile("face.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_staff_edit_the_clinic_in_the_admin(admin_client, demo_clinic):
    page = admin_client.get("/admin/site/clinic/1/change/")
    assert page.status_code == 200
    assert admin_client.get("/admin/site/clinic/add/").status_code == 403
    assert admin_client.post("/admin/site/clinic/1/delete/").status_code == 403


def test_uploading_a_photo_in_the_admin_makes_renditions(admin_client, db):
    data = {
        "name": "Priya Shah",
        "slug": "priya-shah",
        "role": "Podiatrist",
        "photo": _photo(),
        "photo_alt": "Priya Shah in clinic",
        "bio": "Priya treats heel pain.",
        "qualifications": "",
        "practising_since": "2019",
        "special_interests": "",
        "is_active": "on",
        "order": "3",
        "registrations-TOTAL_FORMS": "1",
        "registrations-INITIAL_FORMS": "0",
        "registrations-0-body": "hcpc",
        "registrations-0-number": "CH12345",
    }
    response = admin_client.post("/admin/site/practitioner/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Practitioner.objects.get(slug="priya-shah")
    assert [r.width for r in person.renditions.all()] == [160, 320, 640]
    assert person.registrations.get().number == "CH12345"


def test_a_photo_without_a_description_is_refused(admin_client, db):
    data = {
        "name": "No Alt",
        "slug": "no-alt",
        "role": "Podiatrist",
        "photo": _photo(),
        "photo_alt": "",
        "bio": "x",
        "practising_since": "2019",
        "order": "0",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/site/practitioner/add/", data)
    assert response.status_code == 200
    assert "Describe the photo" in response.content.decode()
    assert not Practitioner.objects.filter(slug="no-alt").exists()


def test_a_statutory_registration_needs_a_number(admin_client, demo_clinic):
    reg = Registration(practitioner=Practitioner.objects.first(), body="hcpc", number="")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="number"):
        reg.full_clean()


def test_renditions_are_remade_only_when_the_photo_changes(demo_clinic):
    person = Practitioner.objects.get(slug="amara-okafor")
    first = {r.pk for r in person.renditions.all()}
    services.practitioner_photo_renditions_refresh(practitioner=person)
    assert {r.pk for r in person.renditions.all()} == first
    person.photo.save("new.jpg", _photo(200, 200))
    services.practitioner_photo_renditions_refresh(practitioner=person)
    assert [r.width for r in person.renditions.all()] == [160, 200]
