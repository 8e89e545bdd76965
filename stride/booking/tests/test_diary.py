"""The diary's database guarantee: no two active entries of one practitioner overlap."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from stride.booking.models import DiaryEntry, Service
from stride.site.models import Practitioner

T0 = dt.datetime(2027, 3, 29, 8, 0, tzinfo=dt.UTC)


def _entry(person, start, minutes=30, status="confirmed", kind="appointment"):
    end = start + dt.timedelta(minutes=minutes)
    return DiaryEntry.objects.create(
        kind=kind, practitioner=person, start=start, end=end, occupied_start=start,
        occupied_end=end, status=status,
    )  # fmt: skip


@pytest.fixture
def person(db):
    return Practitioner.objects.create(name="P", slug="p", role="Podiatrist", bio="x",
                                       practising_since=2010)  # fmt: skip


@pytest.mark.postgres_only
def test_postgresql_refuses_two_overlapping_active_entries(person):
    _entry(person, T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(person, T0 + dt.timedelta(minutes=15), kind="block")


@pytest.mark.postgres_only
def test_half_open_ranges_may_touch_and_cancelled_entries_do_not_count(person):
    _entry(person, T0)
    _entry(person, T0 + dt.timedelta(minutes=30))  # touches: allowed
    _entry(person, T0, status="cancelled")  # overlaps, but cancelled
    other = Practitioner.objects.create(name="Q", slug="q", role="Podiatrist", bio="x",
                                        practising_since=2010)  # fmt: skip
    _entry(other, T0)  # another practitioner
    assert DiaryEntry.objects.count() == 4


@pytest.mark.sqlite_only
def test_sqlite_has_no_exclusion_sql_but_keeps_the_check_constraints(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'booking_diaryentry'")
        ddl = cursor.fetchone()[0]
    assert "diary_ends_after" in ddl
    assert "diary_no_overlap" not in ddl
    with pytest.raises(IntegrityError), transaction.atomic():
        _entry(person, T0, minutes=-30)


def test_the_rules_row_exists_and_stays_single(db):
    from stride.booking.models import BookingRules

    rules = BookingRules.objects.get()
    assert (rules.minimum_notice_minutes, rules.horizon_days, rules.slot_step_minutes) == (
        120,
        84,
        15,
    )
    BookingRules(horizon_days=10).save()
    assert BookingRules.objects.count() == 1


def test_a_service_knows_its_duration(db):
    service = Service.objects.create(name="Initial assessment", slug="initial", duration_minutes=45,
                                     price_pence=6500)  # fmt: skip
    assert service.duration == dt.timedelta(minutes=45)
