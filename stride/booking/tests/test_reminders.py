"""Reminders go out once, even with two runs at the same time or a run killed mid-way.

The last tests commit for real: two runs race on their own connections (threads), and
a run is killed with SIGKILL in its own process between claiming and sending.
"""

import datetime as dt
import io
import os
import re
import signal
import subprocess
import sys
import threading
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from stride import clock
from stride.booking import reminders, services
from stride.booking.models import DiaryEntry, Reminder, Service
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
        opened = client.get(link.split("8000", 1)[1])
        token = link.split("token=", 1)[1]
        response = client.post("/bookings/manage/", {"token": token})
    assert opened.status_code == 200
    assert "Change or cancel this appointment" in opened.content.decode()
    assert response.status_code == 303
    assert response["Location"] == f"/bookings/manage/{booked[0].reference}/"


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


# --- committed for real: runs on their own connections and in their own processes ----


def book_committed(build_demo, hours: list[int]) -> list[DiaryEntry]:
    """The demo clinic and one booking per hour after START, committed."""
    with clock.pinned(BOOKED_AT):
        build_demo()
        service = Service.objects.get(slug="follow-up")
        person = Practitioner.objects.get(slug="tomasz-nowak")
        entries = [
            services.booking_create(
                service=service, practitioner=person,
                start=START + dt.timedelta(hours=hour), details=_details(i),
            ).entry
            for i, hour in enumerate(hours)
        ]  # fmt: skip
    mail.outbox.clear()
    return entries


def database_url_for_other_processes() -> str:
    """The test database, as DATABASE_URL for another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user, password = quote(s["USER"] or "", safe=""), quote(s["PASSWORD"] or "", safe="")
    host, port = s["HOST"] or "localhost", s["PORT"] or 5432
    return f"postgres://{user}:{password}@{host}:{port}/{s['NAME']}"


def stride_process(*args: str, at: dt.datetime) -> subprocess.Popen[str]:
    """``python -m stride.manage ARGS`` on the test database, the clock pinned to ``at``,
    emails printed to its stdout."""
    env = os.environ | {
        "STRIDE_ENV": "test", "DJANGO_SETTINGS_MODULE": "stride.settings",
        "DATABASE_URL": database_url_for_other_processes(), "STRIDE_CLOCK": at.isoformat(),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "stride.manage", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def printed_recipients(stdout: str) -> list[str]:
    """Whom the console email backend's messages in ``stdout`` went to."""
    return re.findall(r"^To: (.+)$", stdout, flags=re.MULTILINE)


SIX_HOURS = [0, 1, 2, 4, 5, 6]  # 10:00 to 16:00, not over lunch


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_time_send_each_reminder_once(monkeypatch, build_demo):
    book_committed(build_demo, SIX_HOURS)
    # Both runs have the same six due reminders in hand before either claims one, so
    # every reminder is raced for: one run must send it and the other skip it.
    barrier = threading.Barrier(2)
    find_due = reminders.due

    def due_then_wait(*, now):
        found = find_due(now=now)
        barrier.wait(timeout=30)
        return found

    monkeypatch.setattr(reminders, "due", due_then_wait)
    reports: list[reminders.RunReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            reports.append(reminders.send_due(now=START - dt.timedelta(hours=23)))
        except BaseException as error:  # every outcome is counted
            errors.append(error)
        finally:
            connection.close()

    with clock.pinned(START - dt.timedelta(hours=23)):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert sum(len(r.sent) for r in reports) == 6
    assert sum(len(r.skipped) for r in reports) == 6  # the race really happened
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{i}@example.org" for i in range(6))
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_killed_between_claim_and_send_is_never_resent_and_is_reported(build_demo):
    entries = book_committed(build_demo, [0, 1])
    first_run = START - dt.timedelta(hours=23)
    # A real process, killed outright (no cleanup) the moment its first claim commits.
    code = (
        "import os, signal; from stride.booking import reminders; "
        "reminders.send_due(after_claim=lambda r: os.kill(os.getpid(), signal.SIGKILL))"
    )
    killed = stride_process("shell", "-c", code, at=first_run)
    out, err = killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL, err
    assert printed_recipients(out) == []
    claim = Reminder.objects.get()
    assert (claim.entry, claim.sent_at) == (entries[0], None)

    with clock.pinned(first_run):
        report = reminders.send_due()
    assert report.sent == [entries[1].reference]  # the claimed one is not sent again
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]

    stdout, stderr = io.StringIO(), io.StringIO()
    with clock.pinned(first_run + dt.timedelta(hours=1)):
        call_command("send-reminders", stdout=stdout, stderr=stderr)
    assert "0 sent" in stdout.getvalue()
    assert "claimed but not sent" in stderr.getvalue()
    assert f"{entries[0].reference} (24h" in stderr.getvalue()
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 1
