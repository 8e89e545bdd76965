"""Reads for booking: what to offer, computed by stride.core.scheduling from the diary.

Availability is always read from the primary database (this deployment has no
read replica routing), never from a cache.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q, QuerySet

from stride import clock
from stride.booking.models import (
    BankHolidayOpening,
    BookingRules,
    ClinicClosure,
    DiaryEntry,
    Service,
    TimeOff,
    WorkingBreak,
    WorkingPeriod,
)
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


def core_rules(*, rules: BookingRules, zone: str) -> scheduling.Rules:
    return scheduling.Rules(
        zone=zone,
        step=dt.timedelta(minutes=rules.slot_step_minutes),
        minimum_notice=dt.timedelta(minutes=rules.minimum_notice_minutes),
        horizon_days=rules.horizon_days,
    )


def timing(service: Service) -> scheduling.ServiceTiming:
    return scheduling.ServiceTiming(
        duration=dt.timedelta(minutes=service.duration_minutes),
        buffer_before=dt.timedelta(minutes=service.buffer_before_minutes),
        buffer_after=dt.timedelta(minutes=service.buffer_after_minutes),
    )


def bank_holidays(*, first_day: dt.date, last_day: dt.date) -> frozenset[dt.date]:
    """England and Wales bank holidays in the range, less those the clinic opens on."""
    years = list(range(first_day.year, last_day.year + 1))
    dates = {d for d in holidays.country_holidays("GB", subdiv="ENG", years=years)
             if first_day <= d <= last_day}  # fmt: skip
    opening = set(BankHolidayOpening.objects.filter(date__in=dates).values_list("date", flat=True))
    return frozenset(dates - opening)


@dataclass(frozen=True)
class Inputs:
    schedules: tuple[scheduling.Schedule, ...]
    service: scheduling.ServiceTiming
    rules: scheduling.Rules
    closed_days: frozenset[dt.date]
    closures: tuple[tuple[dt.datetime, dt.datetime], ...]
    now: dt.datetime

    # The three questions the booking code asks the core, each with these inputs.
    def offered(self, first_day: dt.date, last_day: dt.date) -> list[scheduling.Slot]:
        return scheduling.slots(
            schedules=self.schedules, service=self.service, rules=self.rules,
            closed_days=self.closed_days, closures=self.closures,
            first_day=first_day, last_day=last_day, now=self.now,
        )  # fmt: skip

    def bookable(self, start: dt.datetime, practitioner: str) -> bool:
        return scheduling.is_bookable(
            start=start, practitioner=practitioner, schedules=self.schedules,
            service=self.service, rules=self.rules, closed_days=self.closed_days,
            closures=self.closures, now=self.now,
        )  # fmt: skip

    def first_free(self, start: dt.datetime) -> str | None:
        return scheduling.first_available(
            start=start, schedules=self.schedules, service=self.service, rules=self.rules,
            closed_days=self.closed_days, closures=self.closures, now=self.now,
        )  # fmt: skip


def _window(
    first_day: dt.date, last_day: dt.date, zone: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first_day - dt.timedelta(days=1), dt.time(), zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=2), dt.time(), zone)
    return start, end


def on_grid(*, service: Service, start: dt.datetime, practitioner: Practitioner | None) -> bool:
    """Whether ``start`` is a working period's start plus whole slot steps, in wall time.

    A day on which nobody works has no grid to be off: availability answers that one.
    """
    zone = clinic_zone()
    local = start.astimezone(zone)
    day, step = local.date(), rules_get().slot_step_minutes
    people = (
        [practitioner.pk]
        if practitioner
        else list(service.practitioners.filter(is_active=True).values_list("pk", flat=True))
    )
    candidates = WorkingPeriod.objects.filter(practitioner_id__in=people, weekday=day.weekday())
    periods = [
        p for p in candidates
        if (p.valid_from is None or p.valid_from <= day)
        and (p.valid_until is None or day <= p.valid_until)
    ]  # fmt: skip
    if not periods:
        return True
    minute = local.hour * 60 + local.minute
    return (
        local.second == 0
        and local.microsecond == 0
        and any(
            minute >= p.start.hour * 60 + p.start.minute
            and (minute - p.start.hour * 60 - p.start.minute) % step == 0
            for p in periods
        )
    )


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
    return sorted(found, key=lambda s: (abs((s.start - start).total_seconds()), s.start,
                                        s.practitioner))[:limit]  # fmt: skip


def availability_inputs(
    *,
    service: Service,
    first_day: dt.date,
    last_day: dt.date,
    practitioner: Practitioner | None = None,
) -> Inputs:
    """Everything the core needs, read in a handful of queries."""
    clinic = site_selectors.clinic_get()
    zone = ZoneInfo(clinic.time_zone)
    now = clock.now()
    people = list(service.practitioners.filter(is_active=True).order_by("slug"))
    if practitioner is not None:
        people = [p for p in people if p.pk == practitioner.pk]
    ids = [p.pk for p in people]
    lo, hi = _window(first_day, last_day, zone)
    periods = WorkingPeriod.objects.filter(practitioner_id__in=ids)
    breaks = WorkingBreak.objects.filter(practitioner_id__in=ids)
    time_off = TimeOff.objects.filter(practitioner_id__in=ids, start__lt=hi, end__gt=lo)
    busy = DiaryEntry.objects.filter(
        practitioner_id__in=ids, status=DiaryEntry.Status.CONFIRMED,
        occupied_start__lt=hi, occupied_end__gt=lo,
    ).filter(Q(hold_expires_at__isnull=True) | Q(hold_expires_at__gt=now))  # fmt: skip
    by_person: dict[int, dict[str, list]] = {pk: {"p": [], "b": [], "t": [], "x": []} for pk in ids}
    for w in periods:
        by_person[w.practitioner_id]["p"].append(
            scheduling.WorkingPeriod(w.weekday, w.start, w.end, w.valid_from, w.valid_until)
        )
    for b in breaks:
        by_person[b.practitioner_id]["b"].append(
            scheduling.Break(b.weekday, b.start, b.end, b.valid_from, b.valid_until)
        )
    for t in time_off:
        by_person[t.practitioner_id]["t"].append((t.start, t.end))
    for e in busy.only("practitioner_id", "occupied_start", "occupied_end"):
        by_person[e.practitioner_id]["x"].append((e.occupied_start, e.occupied_end))
    schedules = tuple(
        scheduling.Schedule(
            practitioner=p.slug,
            periods=tuple(by_person[p.pk]["p"]),
            breaks=tuple(by_person[p.pk]["b"]),
            time_off=tuple(sorted(by_person[p.pk]["t"])),
            busy=tuple(sorted(by_person[p.pk]["x"])),
        )
        for p in people
    )
    closures = tuple(
        (c.start, c.end) for c in ClinicClosure.objects.filter(start__lt=hi, end__gt=lo)
    )
    return Inputs(
        schedules=schedules,
        service=timing(service),
        rules=core_rules(rules=rules_get(), zone=clinic.time_zone),
        closed_days=bank_holidays(first_day=first_day, last_day=last_day),
        closures=closures,
        now=now,
    )


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


def booking_by_token(*, reference: str, token: str) -> DiaryEntry | None:
    """The appointment this token manages, or None (wrong, expired or unknown alike)."""
    from stride.booking.models import BookingDetails, ExtraManageToken
    from stride.booking.services import token_hash

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
    """Confirmed appointments still to come booked with this email."""
    return DiaryEntry.objects.filter(
        kind=DiaryEntry.Kind.APPOINTMENT, status=DiaryEntry.Status.CONFIRMED,
        start__gt=clock.now(), details__email__iexact=email,
    ).count()  # fmt: skip
