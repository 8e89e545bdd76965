"""Attendance: the patient arrived (a time noted on the appointment, not a status, so
reports do not change), then attended or did not (statuses, once it has started).

Each "may" function is the one rule for its action: the back office shows a button only
when it answers yes, and the write refuses otherwise.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from stride import clock
from stride.booking.models import DiaryEntry
from stride.booking.services import diary_write, expect_version

Status = DiaryEntry.Status


def may_mark(entry: DiaryEntry, now: dt.datetime) -> bool:
    """Attended or did not attend: a booked appointment, once it has started."""
    return (entry.kind == DiaryEntry.Kind.APPOINTMENT and entry.status != Status.CANCELLED
            and entry.start <= now)  # fmt: skip


def may_arrive(entry: DiaryEntry, now: dt.datetime, zone: ZoneInfo) -> bool:
    """Arrived: a confirmed appointment today, not yet noted, before it has started."""
    return (entry.kind == DiaryEntry.Kind.APPOINTMENT and entry.status == Status.CONFIRMED
            and entry.arrived_at is None and now < entry.start
            and entry.start.astimezone(zone).date() == now.astimezone(zone).date())  # fmt: skip


def booking_mark(
    *, entry: DiaryEntry, status: str, actor: str, expected_version: int | None = None
) -> DiaryEntry:
    """Record that the patient came (attended) or did not (no_show), once it has started."""
    if status not in (Status.ATTENDED, Status.NO_SHOW):
        raise ValueError("mark attended or no_show")
    with diary_write():
        current = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
        expect_version(current, expected_version)
        if current.kind != DiaryEntry.Kind.APPOINTMENT or current.status == Status.CANCELLED:
            raise ValueError("only a booked appointment can be marked")
        if not may_mark(current, clock.now()):
            raise ValueError("an appointment can be marked once it has started")
        current.status = status
        current.version += 1
        current.save(update_fields=["status", "version", "updated_at"])
        return current


def booking_arrived(
    *, entry: DiaryEntry, zone: ZoneInfo, expected_version: int | None = None
) -> DiaryEntry:
    """Note the time the patient arrived for today's appointment."""
    with diary_write():
        current = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
        expect_version(current, expected_version)
        now = clock.now()
        if not may_arrive(current, now, zone):
            raise ValueError("arrival can be noted on the day, before the appointment starts")
        current.arrived_at = now
        current.version += 1
        current.save(update_fields=["arrived_at", "version", "updated_at"])
        return current
