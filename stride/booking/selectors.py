"""Reads for booking: what to offer, computed by stride.core.scheduling from the diary.

Availability is always read from the primary database (this deployment has no
read replica routing). The diary (appointments, holds, blocks) is never cached; the
booking configuration around it (rules, services, rotas, time off, closures) may be,
for a few seconds, only to turn away requests for a time the diary shows taken (see
``booking_config``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import QuerySet

from stride import clock
from stride.booking.availability import Inputs, fits_grid, read_rota, window
from stride.booking.models import (
    BookingDetails,
    BookingRules,
    DiaryEntry,
    ExtraManageToken,
    Service,
    WorkingPeriod,
)
from stride.booking.tokens import token_hash
from stride.core import scheduling
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner


def services_online() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, bookable_online=True).prefetch_related(
        "practitioners"
    )


def rules_get() -> BookingRules:
    # A migration makes the row; should it ever be missing, the defaults apply.
    return BookingRules.objects.get_or_create(pk=1)[0]


def online_changes_until(*, entry: DiaryEntry | None = None,
                         start: dt.datetime | None = None) -> dt.datetime:  # fmt: skip
    """The last moment a patient may move or cancel online: the start (of ``entry``, or
    one not yet booked) less the clinic's late-cancellation window. After it they phone;
    staff may still change it."""
    begins = entry.start if entry is not None else start
    assert begins is not None
    return begins - dt.timedelta(hours=rules_get().late_cancel_hours)


def on_grid(*, service: Service, start: dt.datetime, practitioner: Practitioner | None) -> bool:
    """Whether ``start`` is a working period's start plus whole slot steps, in wall time.

    A day on which nobody works has no grid to be off: availability answers that one.
    """
    local = start.astimezone(clinic_zone())
    people = (
        [practitioner.pk]
        if practitioner
        else list(service.practitioners.filter(is_active=True).values_list("pk", flat=True))
    )
    candidates = WorkingPeriod.objects.filter(
        practitioner_id__in=people, weekday=local.date().weekday()
    )
    return fits_grid(local, rules_get().slot_step_minutes, candidates)


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(site_selectors.clinic_get().time_zone)


def alternatives(
    *, service: Service, start: dt.datetime, practitioner: Practitioner | None, limit: int = 6
) -> list[scheduling.Slot]:
    """Up to ``limit`` offered slots nearest to ``start`` (same service).

    The same day and its neighbours first (cheap, and nearly always enough); three
    weeks around it only when those days are full.
    """
    day = start.astimezone(clinic_zone()).date()
    found: list[scheduling.Slot] = []
    for before, after in ((1, 1), (7, 14)):
        found = slots_available(
            service=service, first_day=day - dt.timedelta(days=before),
            last_day=day + dt.timedelta(days=after), practitioner=practitioner,
        )  # fmt: skip
        if len(found) >= limit:
            break
    return nearest(found, start, limit)


def nearest(
    found: Iterable[scheduling.Slot], start: dt.datetime, limit: int
) -> list[scheduling.Slot]:
    return sorted(found, key=lambda s: (abs((s.start - start).total_seconds()), s.start,
                                        s.practitioner))[:limit]  # fmt: skip


def busy_ranges(
    *, ids: Iterable[int], lo: dt.datetime, hi: dt.datetime, now: dt.datetime
) -> dict[int, list[scheduling.Interval]]:
    """The people's occupied ranges overlapping ``[lo, hi)``: confirmed appointments and
    blocks, and holds not yet expired, by practitioner id, sorted.

    Plain SQL, as the page cache reads its version: this runs for every booking request,
    and building the same query with the ORM costs ten times what running it does.
    """
    busy: dict[int, list[scheduling.Interval]] = {pk: [] for pk in ids}
    if not busy:
        return busy
    adapt = connection.ops.adapt_datetimefield_value
    marks = ", ".join(["%s"] * len(busy))  # only placeholders go into the text
    sql = (
        "SELECT practitioner_id, occupied_start, occupied_end, hold_expires_at"  # noqa: S608
        f" FROM booking_diaryentry WHERE practitioner_id IN ({marks}) AND status = %s"
        " AND occupied_start < %s AND occupied_end > %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*busy, DiaryEntry.Status.CONFIRMED.value, adapt(hi), adapt(lo)])
        rows = cursor.fetchall()
    for pk, start, end, expires in rows:
        if expires is None or _aware(expires) > now:  # an expired hold takes nothing
            busy[pk].append((_aware(start), _aware(end)))
    for ranges in busy.values():
        ranges.sort()
    return busy


def _aware(moment: dt.datetime) -> dt.datetime:
    """A datetime column read with plain SQL: SQLite gives naive UTC, PostgreSQL aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def availability_inputs(
    *,
    service: Service,
    first_day: dt.date,
    last_day: dt.date,
    practitioner: Practitioner | None = None,
) -> Inputs:
    """Everything the core needs, read afresh in a handful of queries."""
    clinic = site_selectors.clinic_get()
    zone = ZoneInfo(clinic.time_zone)
    now = clock.now()
    people = list(service.practitioners.filter(is_active=True).order_by("slug"))
    if practitioner is not None:
        people = [p for p in people if p.pk == practitioner.pk]
    ids = [p.pk for p in people]
    lo, hi = window(first_day, last_day, zone)
    return read_rota(ids=ids, lo=lo, hi=hi).inputs(
        service=service, people=people, first_day=first_day, last_day=last_day,
        busy=busy_ranges(ids=ids, lo=lo, hi=hi, now=now), rules=rules_get(), zone=zone,
        now=now,
    )  # fmt: skip


def slots_available(
    *,
    service: Service,
    first_day: dt.date,
    last_day: dt.date,
    practitioner: Practitioner | None = None,
) -> list[scheduling.Slot]:
    inputs = availability_inputs(
        service=service, first_day=first_day, last_day=last_day, practitioner=practitioner
    )
    return inputs.offered(first_day, last_day)


def earliest_slot(
    *,
    service: Service,
    first_day: dt.date,
    last_day: dt.date,
    practitioner: Practitioner | None = None,
    chunk_days: int = 14,
) -> scheduling.Slot | None:
    """The first offered slot from ``first_day`` to ``last_day``, looking a fortnight at
    a time (nearly always the first), or None."""
    day = first_day
    while day <= last_day:
        until = min(day + dt.timedelta(days=chunk_days - 1), last_day)
        found = slots_available(
            service=service, first_day=day, last_day=until, practitioner=practitioner
        )
        if found:
            return found[0]
        day = until + dt.timedelta(days=1)
    return None


def booking_by_token(*, reference: str, token: str) -> DiaryEntry | None:
    """The appointment this token manages, or None (wrong, expired or unknown alike)."""
    extra = (
        ExtraManageToken.objects.filter(
            token_hash=token_hash(token),
            expires_at__gt=clock.now(),
            details__entry__reference=reference,
        )
        .select_related("details__entry__service", "details__entry__practitioner")
        .first()
    )
    if extra is not None:
        return extra.details.entry
    details = (
        BookingDetails.objects.select_related("entry", "entry__service", "entry__practitioner")
        .filter(
            manage_token_hash=token_hash(token),
            entry__reference=reference,
            manage_token_expires_at__gt=clock.now(),
        )
        .first()
    )
    return details.entry if details else None


def future_bookings(*, email: str) -> int:
    """Confirmed appointments still to come booked with this email (in any case).

    Plain SQL, like ``busy_ranges``: every booking request asks it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM booking_diaryentry e"
            " JOIN booking_bookingdetails d ON d.entry_id = e.id"
            " WHERE e.kind = %s AND e.status = %s AND e.start > %s"
            " AND UPPER(d.email) = UPPER(%s)",
            [DiaryEntry.Kind.APPOINTMENT.value, DiaryEntry.Status.CONFIRMED.value,
             connection.ops.adapt_datetimefield_value(clock.now()), email],
        )  # fmt: skip
        row = cursor.fetchone()
    return int(row[0]) if row else 0
