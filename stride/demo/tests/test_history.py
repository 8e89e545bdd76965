"""The demo history (``stride demo_history``): a year loaded, sound, reported, topped up."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from stride import clock
from stride.assessment.models import UsageCount
from stride.booking.models import (
    BookingDetails,
    ClinicClosure,
    DiaryEntry,
    Patient,
    TimeOff,
    WaitlistRequest,
)
from stride.demo import history

Status = DiaryEntry.Status


def _counts() -> dict[str, int]:
    return {
        "entries": DiaryEntry.objects.count(), "details": BookingDetails.objects.count(),
        "patients": Patient.objects.count(), "waitlist": WaitlistRequest.objects.count(),
        "usage": UsageCount.objects.count(), "time_off": TimeOff.objects.count(),
        "closures": ClinicClosure.objects.count(),
    }  # fmt: skip


@pytest.fixture
def loaded(demo_clinic, now):
    return history.load()


def test_the_demo_clinic_fixture_has_an_empty_diary(demo_clinic):
    assert not DiaryEntry.objects.exists()
    assert not Patient.objects.exists()


def test_a_year_of_history_is_loaded_with_every_outcome(loaded, now):
    appointments = DiaryEntry.objects.filter(kind=DiaryEntry.Kind.APPOINTMENT)
    assert appointments.filter(start__lt=now - dt.timedelta(days=300)).exists()
    assert appointments.filter(start__gt=now + dt.timedelta(days=20)).exists()
    assert not appointments.filter(start__gt=now + dt.timedelta(days=29)).exists()
    assert set(loaded.by_status) == {Status.ATTENDED, Status.NO_SHOW, Status.CANCELLED,
                                     Status.CONFIRMED}  # fmt: skip
    assert loaded.by_status[Status.ATTENDED] > 1500
    assert 0.5 <= loaded.utilisation <= 0.7
    notes = set(
        DiaryEntry.objects.filter(kind=DiaryEntry.Kind.BLOCK).values_list("note", flat=True)
    )
    assert "Annual leave (day)" in notes and any(n.startswith("Admin") for n in notes)
    assert TimeOff.objects.exists() and ClinicClosure.objects.exists()
    assert not appointments.filter(details__isnull=True).exists()
    assert WaitlistRequest.objects.filter(status=WaitlistRequest.Status.WAITING).count() == 6


def test_patients_are_fictional_and_some_shared_a_symptom_check(loaded, now):
    assert Patient.objects.count() > 500
    for phone, email in Patient.objects.values_list("phone", "email"):
        assert phone.startswith("+447700900") and len(phone) == 13
        assert email.endswith(("@example.org", "@example.com"))
    assert Patient.objects.exclude(notes="").exists()
    assert Patient.objects.filter(created_at__lt=now - dt.timedelta(days=300)).exists()
    shared = BookingDetails.objects.exclude(assessment_record=None)
    assert shared.exists() and not shared.filter(assessment_summary="").exists()
    regular = Patient.objects.filter(bookings__isnull=False).distinct()
    assert any(p.bookings.count() > 2 for p in regular[:200])


def test_loading_again_the_same_day_changes_nothing(loaded, now):
    before = _counts()
    again = history.load()
    assert again.written == again.updated == again.patients == 0
    assert _counts() == before


def test_a_week_later_only_the_weeks_ahead_are_topped_up(loaded, now):
    midnight = dt.datetime.combine(dt.date(2026, 6, 1), dt.time(), dt.UTC)
    past = DiaryEntry.objects.filter(start__lt=midnight).count()
    ahead = DiaryEntry.objects.filter(start__gte=midnight).count()
    with clock.pinned(now + dt.timedelta(days=7)):
        later = history.load()
    assert later.written > 0 and later.updated > 0
    assert DiaryEntry.objects.filter(start__lt=midnight).count() == past
    assert DiaryEntry.objects.filter(start__gte=midnight).count() > ahead
    uids = DiaryEntry.objects.values_list("calendar_uid", flat=True)
    assert len(uids) == len(set(uids))
    assert (
        not DiaryEntry.objects.filter(
            start__lt=now + dt.timedelta(days=6), status=Status.CONFIRMED, kind="appointment"
        )
        .filter(start__lt=now)
        .exists()
    )


def test_the_history_never_books_over_a_time_already_taken(demo_clinic, now):
    from stride.site.models import Practitioner

    amara = Practitioner.objects.get(slug="amara-okafor")
    start = dt.datetime(2026, 6, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    end = start + dt.timedelta(hours=9)  # over lunch: a block may cover a break
    DiaryEntry.objects.create(kind="block", practitioner=amara, start=start, end=end,
                              occupied_start=start, occupied_end=end, note="Training")  # fmt: skip
    history.load()
    assert (
        not DiaryEntry.objects.filter(
            practitioner=amara, start__date=dt.date(2026, 6, 2), status=Status.CONFIRMED
        )
        .exclude(note="Training")
        .exists()
    )


def test_the_reports_show_a_year_of_figures(loaded, staff_login):
    client = staff_login("reception")
    query = {"from": "2025-06-02", "to": "2026-05-31"}
    response = client.get("/office/reports/utilisation.csv", query)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    figures = [float(r["utilisation_percent"]) for r in rows if r["utilisation_percent"]]
    assert len(figures) > 80 and sum(f > 30 for f in figures) > len(figures) * 0.8
    attendance = client.get("/office/reports/attendance.csv", query).content.decode()
    rates = [r["rate_percent"] for r in csv.DictReader(io.StringIO(attendance))]
    assert sum(1 for r in rates if r and float(r) > 0) > 30
    funnel = client.get("/office/reports/funnel.csv", query).content.decode()
    assert sum(int(r["count"]) for r in csv.DictReader(io.StringIO(funnel))) > 1000
    page = client.get("/office/reports/", query)
    assert page.status_code == 200


def test_the_command_loads_and_reports_what_it_did(demo_clinic, now):
    out = io.StringIO()
    call_command("demo_history", stdout=out)
    assert "no overlaps" in out.getvalue() and "attended" in out.getvalue()


def test_the_command_refuses_production(settings, demo_clinic, now):
    settings.STRIDE_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo_history")
    assert not DiaryEntry.objects.exists()


def test_the_command_asks_for_the_demo_clinic_first(db, now):
    with pytest.raises(CommandError, match="demo_load"):
        call_command("demo_history")


def test_the_back_office_shows_the_history(loaded, staff_login):
    client = staff_login("reception")
    day = client.get("/office/diary/", {"day": "2026-05-28"}).content.decode()
    assert "Nothing booked" not in day and "Initial assessment" in day
    entry = DiaryEntry.objects.filter(details__assessment_record__isnull=False).first()
    assert entry is not None
    page = client.get(f"/office/entries/{entry.pk}/").content.decode()
    assert "Self-assessment answered online" in page
    patient = Patient.objects.filter(bookings__entry__status=Status.NO_SHOW).first()
    assert patient is not None
    assert client.get(f"/office/patients/{patient.pk}/").status_code == 200
    waiting = client.get("/office/waitlist/").content.decode()
    assert WaitlistRequest.objects.filter(status="waiting").first().name in waiting  # type: ignore[union-attr]


def test_the_weeks_ahead_leave_free_times_for_online_patients(loaded, now):
    from stride.booking import selectors
    from stride.booking.models import Service

    service = Service.objects.get(slug="initial-assessment")
    for week in range(4):
        monday = dt.date(2026, 6, 1) + dt.timedelta(weeks=week)
        free = selectors.slots_available(service=service, first_day=monday,
                                         last_day=monday + dt.timedelta(days=6))  # fmt: skip
        assert len(free) > 5, week
    booked = DiaryEntry.objects.filter(start__gte=now, status=Status.CONFIRMED, kind="appointment")
    assert booked.count() > 100


def test_another_seed_is_refused_on_a_loaded_demo(loaded):
    before = DiaryEntry.objects.count()
    with pytest.raises(CommandError, match="another seed"):
        call_command("demo_history", seed=history.SEED + 1)
    assert DiaryEntry.objects.count() == before
