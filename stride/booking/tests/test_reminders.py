"""Reminders go out once, even with two runs at the same time or a run killed mid-way."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from stride import clock
from stride.booking import reminders, services
from stride.booking.models import Reminder, Service
from stride.site.models import Practitioner

BOOKED_AT = dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)  # Monday
START = dt.datetime(2026, 6, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # Thursday


def _details(i: int) -> services.PatientDetails:
    return services.PatientDetails(
        name=f"P {i}",
        email=f"p{i}@example.org",
        phone="+447700900123",
        date_of_birth=dt.date(1980, 1, 1),
    )


@pytest.fixture
def booked(demo_clinic):
    service = Service.objects.get(slug="follow-up")
    person = Practitioner.objects.get(slug="tomasz-nowak")
    with clock.pinned(BOOKED_AT):
        entries = [
            services.booking_create(service=service, practitioner=person,
                                    start=START + dt.timedelta(hours=i), details=_details(i)).entry
            for i in range(2)
        ]  # fmt: skip
    mail.outbox.clear()
    return entries


def test_the_48_and_24_hour_reminders_go_once_each(booked):
    two_days_before = START - dt.timedelta(hours=47)
    with clock.pinned(two_days_before):
        assert len(reminders.send_due().sent) == 2
        assert len(reminders.send_due().sent) == 0  # run again: nothing new
    with clock.pinned(START - dt.timedelta(hours=23)):
        assert len(reminders.send_due().sent) == 2
    assert len(mail.outbox) == 4
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 4
    message = mail.outbox[0]
    assert "Cannot make it?" in message.body
    assert "/bookings/manage/?token=" in message.body


def test_the_reminder_link_opens_the_manage_page(booked, client):
    with clock.pinned(START - dt.timedelta(hours=23)):
        reminders.send_due()
        link = next(line for line in mail.outbox[0].body.splitlines() if "token=" in line)
        response = client.get(link.split("8000", 1)[1])
    assert response.status_code == 302


def test_a_run_killed_after_claiming_never_resends_and_is_flagged(booked):
    def die(reminder):
        raise SystemExit("killed")

    with clock.pinned(START - dt.timedelta(hours=23)):
        with pytest.raises(SystemExit):
            reminders.send_due(after_claim=die)
        assert len(mail.outbox) == 0
        report = reminders.send_due()
    assert len(report.sent) == 1  # the other booking; the claimed one is not resent
    with clock.pinned(START - dt.timedelta(hours=22)):
        stale = reminders.send_due().stale
    assert len(stale) == 1
    assert booked[0].reference in stale[0]


def test_the_command_reports_what_it_did(booked, capsys):
    with clock.pinned(START - dt.timedelta(hours=23)):
        call_command("send-reminders")
    assert "2 sent" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_time_send_each_reminder_once():
    from stride.site import demo

    with clock.pinned(BOOKED_AT):
        demo.build()
    service = Service.objects.get(slug="follow-up")
    person = Practitioner.objects.get(slug="tomasz-nowak")
    with clock.pinned(BOOKED_AT):
        for i, hour in enumerate([0, 1, 2, 4, 5, 6]):  # 10:00 to 16:00, not over lunch
            start = START + dt.timedelta(hours=hour)
            services.booking_create(
                service=service, practitioner=person, start=start, details=_details(i)
            )
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            sent.append(len(reminders.send_due(now=START - dt.timedelta(hours=23)).sent))
        finally:
            connection.close()

    with clock.pinned(START - dt.timedelta(hours=23)):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert sum(sent) == 6
    assert len(mail.outbox) == 6
    assert Reminder.objects.count() == 6
