"""The back-office benchmark's clinic: ten practitioners and years of bookings, written
in bulk (see ``backoffice.py`` for what is timed)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from slots import CLOCK

SEED = 20260601
PRACTITIONERS = 10
LAST_DAY = dt.date(2026, 6, 30)  # a month of bookings still to come after the pinned clock
PATIENTS_PER_YEAR = 3000
ZONE = ZoneInfo("Europe/London")
# Ten starts a day, 40 minutes apart around lunch: a 30-minute service with a 5-minute
# buffer after never overlaps the next.
STARTS = tuple(dt.time(h, m) for h, m in [(9, 0), (9, 40), (10, 20), (11, 0), (11, 40),
                                           (12, 20), (14, 0), (14, 40), (15, 20),
                                           (16, 0)])  # fmt: skip


# Names as a clinic's list has them: many people share a first name or a surname, so a
# search by name meets real candidates, not one word every record holds.
FIRST = ("Ada", "Ben", "Cara", "Dev", "Ellen", "Farid", "Grace", "Hugh", "Isla", "Jon",
         "Kamala", "Liam", "Maya", "Noor", "Owen", "Priya", "Quinn", "Rosa", "Sam", "Tara",
         "Uma", "Victor", "Wendy", "Xavier", "Yusuf", "Zara", "Margaret", "Peter", "Aisha",
         "Tomasz")  # fmt: skip
LAST = ("Ellis", "Khan", "Smith", "Jones", "Patel", "Okafor", "Nowak", "Brown", "Taylor",
        "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes",
        "Green", "Hall", "Wood", "Clarke", "Mensah", "Murphy", "Kowalski", "Ahmed", "Lewis",
        "Harris", "Martin", "Jackson", "Cooper", "Ward", "Morris", "Price", "Bell", "Young",
        "King", "Baker", "Turner", "Hill", "Moore")  # fmt: skip
SEARCHED = "Margret Ellis"  # one typo from Margaret Ellis, a name the list holds


def patient_name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"


def first_day(years: int) -> dt.date:
    """The Monday ``years`` years before the pinned clock's week."""
    day = dt.date(2026, 6, 1) - dt.timedelta(weeks=52 * years)
    return day - dt.timedelta(days=day.weekday())


def load_data(years: int = 1) -> dict[str, int]:
    """The clinic described in the module's docstring; returns what it made."""
    from django.core.management import call_command
    from django.db import transaction

    from stride.assessment.models import UsageCount
    from stride.booking.models import (
        BookingDetails,
        ClinicClosure,
        DiaryEntry,
        Patient,
        Service,
        TimeOff,
        WaitlistRequest,
        WorkingBreak,
        WorkingPeriod,
    )
    from stride.office.models import AuditEvent
    from stride.site.models import Practitioner

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages link the stylesheets
    rng = random.Random(SEED)
    patients_count = PATIENTS_PER_YEAR * years
    start_day = first_day(years)
    now = dt.datetime.fromisoformat(CLOCK)
    with transaction.atomic():
        people = [Practitioner.objects.create(
            name=f"Bench Practitioner {i:02d}", slug=f"bench-{i:02d}", role="Podiatrist",
            bio="Benchmark.", practising_since=2015, order=i,
        ) for i in range(1, PRACTITIONERS + 1)]  # fmt: skip
        services = [
            Service.objects.create(name="Bench assessment", slug="bench-assessment",
                                   duration_minutes=30, price_pence=6500, buffer_after_minutes=5),
            Service.objects.create(name="Bench follow-up", slug="bench-follow-up",
                                   duration_minutes=30, price_pence=5000, buffer_after_minutes=5,
                                   kind="follow_up"),
        ]  # fmt: skip
        for service in services:
            service.practitioners.set(people)
        for person in people:
            for day in range(5):
                WorkingPeriod.objects.create(practitioner=person, weekday=day,
                                             start=dt.time(9), end=dt.time(17))  # fmt: skip
                WorkingBreak.objects.create(practitioner=person, weekday=day,
                                            start=dt.time(13), end=dt.time(14))  # fmt: skip
            for first in (dt.date(2025, 8, 4), dt.date(2026, 2, 16)):
                off = first + dt.timedelta(days=7 * rng.randrange(3))
                TimeOff.objects.create(practitioner=person,
                                       start=dt.datetime.combine(off, dt.time(), ZONE),
                                       end=dt.datetime.combine(off + dt.timedelta(days=7),
                                                               dt.time(), ZONE))  # fmt: skip
        ClinicClosure.objects.create(start=dt.datetime(2025, 12, 24, 12, tzinfo=ZONE),
                                     end=dt.datetime(2025, 12, 29, tzinfo=ZONE))  # fmt: skip
        patients = Patient.objects.bulk_create([Patient(
            name=patient_name(i), email=f"patient{i}@example.org", phone="+447700900123",
            date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=i * 7),
        ) for i in range(patients_count)], batch_size=1000)  # fmt: skip
        entries, details = [], []
        day = start_day
        while day <= LAST_DAY:
            if day.weekday() < 5:
                for person in people:
                    for start_time in STARTS:
                        entries.append(_appointment(rng, person, services, day, start_time, now))
            day += dt.timedelta(days=1)
        DiaryEntry.objects.bulk_create(entries, batch_size=2000)
        for i, entry in enumerate(DiaryEntry.objects.order_by("pk").only("pk", "start")):
            patient = patients[rng.randrange(patients_count)]
            details.append(BookingDetails(
                entry=entry, patient=patient, name=patient.name, email=patient.email,
                phone=patient.phone, date_of_birth=patient.date_of_birth,
                manage_token_hash=f"{i:064x}", manage_token_expires_at=entry.start,
            ))  # fmt: skip
        BookingDetails.objects.bulk_create(details, batch_size=2000)
        counts = []
        day = start_day
        while day <= now.date():
            started = rng.randint(15, 45)
            finished = started - rng.randint(2, 8)
            counts += [UsageCount(day=day, metric="started", count=started),
                       UsageCount(day=day, metric="finished", count=finished),
                       UsageCount(day=day, metric="red_flag:ottawa-ankle", count=rng.randint(0, 2)),
                       UsageCount(day=day, metric="booked", count=rng.randint(0, 5))]  # fmt: skip
            day += dt.timedelta(days=1)
        UsageCount.objects.bulk_create(counts, batch_size=2000)
        WaitlistRequest.objects.bulk_create([WaitlistRequest(
            service=services[0], earliest=now.date(), latest=now.date() + dt.timedelta(days=28),
            name=f"Waiting Patient {i}", email=f"waiting{i}@example.org", phone="+447700900123",
            date_of_birth=dt.date(1970, 1, 1), token_hash=f"w{i:063x}",
        ) for i in range(40)])  # fmt: skip
        AuditEvent.objects.bulk_create([AuditEvent(
            at=now - dt.timedelta(minutes=17 * i), actor=1, role="reception",
            action="diary.view_day", subject=f"day:{(now - dt.timedelta(minutes=17 * i)).date()}",
        ) for i in range(30_000)], batch_size=2000)  # fmt: skip
    return {"appointments": len(entries), "patients": patients_count,
            "usage counts": len(counts)}  # fmt: skip


def _appointment(rng: random.Random, person: Any, services: list[Any], day: dt.date,
                 start_time: dt.time, now: dt.datetime) -> Any:  # fmt: skip
    from stride.booking.models import DiaryEntry

    start = dt.datetime.combine(day, start_time, ZONE)
    end = start + dt.timedelta(minutes=30)
    created = start - dt.timedelta(hours=rng.expovariate(1 / (24 * 9)) + 1)
    roll = rng.random()
    if roll < 0.1:
        status = "cancelled"
    elif start > now:
        status = "confirmed"
    else:
        status = "no_show" if roll < 0.15 else "attended"
    cancelled = None
    if status == "cancelled":
        cancelled = created + (start - created) * rng.random()
    return DiaryEntry(
        practitioner=person, service=services[rng.randrange(2)], start=start, end=end,
        occupied_start=start, occupied_end=end + dt.timedelta(minutes=5), status=status,
        channel=rng.choices(["online", "phone", "staff"], [55, 35, 10])[0],
        created_at=min(created, now), cancelled_at=cancelled,
        cancelled_by="patient" if cancelled else "",
    )  # fmt: skip


def signed_in_admin() -> Any:
    """A test client signed in as a clinic admin with a verified second factor."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice

    from stride.office.models import StaffProfile

    user = get_user_model().objects.create_user("bench-admin", "bench@example.org",
                                                "bench-password-long", is_staff=True,
                                                is_superuser=True)  # fmt: skip
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.CLINIC_ADMIN)
    device = StaticDevice.objects.create(user=user, name="bench")
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client
