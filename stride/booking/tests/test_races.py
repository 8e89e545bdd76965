"""Concurrency tested for real: many connections racing for one slot, on both databases.

A database file (not memory) on SQLite, real PostgreSQL connections, one thread per
attempt, distinct patients, all released at once by a barrier.
"""

import datetime as dt
import threading

import pytest
from django.db import connection

from stride import clock
from stride.booking import services
from stride.booking.models import DiaryEntry, Service
from stride.site.models import Practitioner

ATTEMPTS = 50
NOW = dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)
SLOT = dt.datetime(2026, 6, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _details(i: int) -> services.PatientDetails:
    return services.PatientDetails(
        name=f"Patient {i}", email=f"p{i}@example.org", phone="+447700900123",
        date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=i),
    )  # fmt: skip


def _race(n: int, attempt) -> list[str]:
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                attempt(i)
                result = "booked"
            except services.SlotUnavailable:
                result = "unavailable"
            except services.TooManyBookings:
                result = "over the cap"
            except services.Busy:
                result = "busy"
        except Exception as error:  # every outcome is counted
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    # The clock is pinned once for the whole race: the pin is process-wide.
    with clock.pinned(NOW):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    return outcomes


# Real commits: each test gets back the rows migrations made (clinic, booking rules).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def clinic(build_demo):
    with clock.pinned(NOW):
        build_demo()


def test_fifty_patients_racing_for_one_slot_get_exactly_one_booking(clinic):
    service = Service.objects.get(slug="follow-up")
    person = Practitioner.objects.get(slug="tomasz-nowak")
    outcomes = _race(ATTEMPTS, lambda i: services.booking_create(
        service=service, practitioner=person, start=SLOT, details=_details(i)))  # fmt: skip
    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count("unavailable") == ATTEMPTS - 1, outcomes
    assert DiaryEntry.objects.filter(status="confirmed").count() == 1


def test_any_practitioner_racing_fills_each_practitioner_once(clinic):
    service = Service.objects.get(slug="follow-up")  # Amara and Tomasz both work Tuesdays
    outcomes = _race(20, lambda i: services.booking_create(
        service=service, practitioner=None, start=SLOT, details=_details(i)))  # fmt: skip
    assert outcomes.count("booked") == 2, outcomes
    assert outcomes.count("unavailable") == 18, outcomes
    booked = DiaryEntry.objects.filter(status="confirmed")
    assert sorted(e.practitioner.slug for e in booked) == ["amara-okafor", "tomasz-nowak"]


def test_a_staff_block_and_a_booking_racing_never_overlap(clinic):
    service = Service.objects.get(slug="follow-up")
    person = Practitioner.objects.get(slug="tomasz-nowak")

    def attempt(i: int) -> None:
        if i % 2:
            services.booking_create(service=service, practitioner=person, start=SLOT,
                                    details=_details(i))  # fmt: skip
        else:
            quarter = dt.timedelta(minutes=15)
            services.block_create(
                practitioner=person, start=SLOT - quarter, end=SLOT + quarter, note="meeting"
            )

    outcomes = _race(10, attempt)
    assert outcomes.count("booked") == 1, outcomes
    entries = list(DiaryEntry.objects.filter(status="confirmed", practitioner=person))
    assert len(entries) == 1


def test_fifty_api_requests_for_one_slot_give_one_201_and_49_friendly_409s(clinic, settings):
    from django.test import Client

    settings.BOOKING_LIMIT_PER_IP = 1000  # high enough not to mask the race

    statuses: list[int] = []
    alternatives: list[list[str]] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        body = {
            "service": "follow-up", "practitioner": "tomasz-nowak", "start": SLOT.isoformat(),
            "patient": {"name": f"Patient {i}", "email": f"p{i}@example.org",
                        "phone": "07700 900123", "date_of_birth": "1980-01-01"},
            "consent": True,
        }  # fmt: skip
        response = Client().post("/api/bookings", data=body, content_type="application/json")
        with lock:
            statuses.append(response.status_code)
            if response.status_code == 409:
                alternatives.append([a["start"] for a in response.json()["alternatives"]])

    outcomes = _race(ATTEMPTS, attempt)
    assert outcomes == ["booked"] * ATTEMPTS  # no exception escaped
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == ATTEMPTS - 1, statuses
    assert all(alternatives)
    # Turned away before the write or refused by it, no one is offered the time just taken.
    assert not any(SLOT.isoformat() in starts for starts in alternatives)
    assert DiaryEntry.objects.filter(status="confirmed").count() == 1


def test_a_failing_mail_server_does_not_fail_a_committed_booking(clinic, monkeypatch, client):
    """Real commits, so the after-commit email runs as in production."""
    from stride.booking import emails

    def broken(**kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(emails, "_send", broken)
    body = {
        "service": "follow-up", "practitioner": "tomasz-nowak", "start": SLOT.isoformat(),
        "patient": {"name": "Ada", "email": "ada@example.org", "phone": "07700 900123",
                    "date_of_birth": "1980-01-01"},
        "consent": True, "idempotency_key": "smtp-down",
    }  # fmt: skip
    with clock.pinned(NOW):
        response = client.post("/api/bookings", data=body, content_type="application/json")
        again = client.post("/api/bookings", data=body, content_type="application/json")
    assert response.status_code == 201
    assert again.json() == response.json()  # the retry replays, it does not book twice
    assert DiaryEntry.objects.filter(status="confirmed").count() == 1


def test_one_email_racing_for_many_free_times_never_passes_the_cap(clinic):
    service = Service.objects.get(slug="follow-up")
    person = Practitioner.objects.get(slug="tomasz-nowak")
    same = services.PatientDetails(
        name="Ada Lovelace", email="ada@example.org", phone="+447700900123",
        date_of_birth=dt.date(1990, 1, 1),
    )  # fmt: skip
    hours = [0, 1, 4, 5, 6, 24, 25]  # seven free times: 10, 11, 14, 15, 16 and the next day
    starts = [SLOT + dt.timedelta(hours=h) for h in hours]
    outcomes = _race(len(starts), lambda i: services.booking_create(
        service=service, practitioner=person, start=starts[i], details=same))  # fmt: skip
    assert outcomes.count("booked") == 3, outcomes  # the clinic's cap, by default 3
    assert outcomes.count("over the cap") == 4, outcomes
    assert DiaryEntry.objects.filter(status="confirmed").count() == 3
