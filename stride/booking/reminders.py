"""Reminder emails, sent once however many copies of the job run.

Each reminder is claimed in its own committed row (a unique constraint on the
booking and the hours before) before the email goes out, and marked sent after.
A second run sees the claim and skips it; a run killed between claim and send
leaves a claim without ``sent_at``, which is reported for staff to check rather
than sent again (the patient may already have it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction

from stride import clock
from stride.booking import emails, services, tokens
from stride.booking.models import DiaryEntry, ExtraManageToken, Reminder

STALE_CLAIM = dt.timedelta(minutes=30)


@dataclass
class RunReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def due(*, now: dt.datetime) -> list[tuple[DiaryEntry, int]]:
    """(appointment, hours) for every reminder to send now.

    Only the latest window that has opened counts: at 23 hours before, the 24-hour
    reminder goes, and a missed 48-hour one is not sent as well. A booking made after
    its window opened gets none (the confirmation has just told them).
    """
    hours = sorted(settings.REMINDER_HOURS)
    if not hours:
        return []
    entries = (
        DiaryEntry.objects.filter(
            kind=DiaryEntry.Kind.APPOINTMENT, status=DiaryEntry.Status.CONFIRMED,
            start__gt=now, start__lte=now + dt.timedelta(hours=hours[-1]),
        )
        .select_related("service", "practitioner", "details")
        .prefetch_related("reminders")
        .order_by("start")
    )  # fmt: skip
    out = []
    for entry in entries:
        target = next(h for h in hours if entry.start - dt.timedelta(hours=h) <= now)
        opened = entry.start - dt.timedelta(hours=target)
        already = {r.hours_before for r in entry.reminders.all()}
        if target not in already and entry.created_at < opened:
            out.append((entry, target))
    return out


def _claim(entry: DiaryEntry, hours: int, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(entry=entry, hours_before=hours, claimed_at=now)
        return True
    except IntegrityError:
        return False


def send_due(
    *, now: dt.datetime | None = None, after_claim: Callable[[Reminder], None] | None = None
) -> RunReport:
    """Send every reminder that is due. ``after_claim`` is for tests (a kill mid-run)."""
    now = now or clock.now()
    report = RunReport()
    for entry, hours in due(now=now):
        if not _claim(entry, hours, now):
            report.skipped.append(entry.reference or "")
            continue
        reminder = Reminder.objects.get(entry=entry, hours_before=hours)
        if after_claim:
            after_claim(reminder)
        token = tokens.new_token()
        ExtraManageToken.objects.create(
            details=cast(Any, entry).details, token_hash=services.token_hash(token),
            expires_at=entry.end + services.TOKEN_LIFETIME_AFTER,
        )  # fmt: skip
        emails.send_reminder_now(entry=entry, manage_url=services.manage_url(token), hours=hours)
        Reminder.objects.filter(pk=reminder.pk).update(sent_at=clock.now())
        report.sent.append(entry.reference or "")
    report.stale = [
        f"{r.entry.reference} ({r.hours_before}h, claimed {r.claimed_at:%Y-%m-%d %H:%M})"
        for r in Reminder.objects.filter(sent_at__isnull=True, claimed_at__lt=now - STALE_CLAIM)
        .select_related("entry")
    ]  # fmt: skip
    return report
