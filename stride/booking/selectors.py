"""Reads for booking: what to offer, computed by stride.core.scheduling from the diary.

Availability is always read from the primary database (this deployment has no
read replica routing). The diary (appointments, holds, blocks) is never cached; the
booking configuration around it (rules, services, rotas, time off, closures) may be,
for a few seconds, only to turn away requests for a time the diary shows taken (see
``booking_config``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

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
from stride.site.models import Clinic, Practitioner


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


@functools.lru_cache(maxsize=16)
def _england_and_wales(year: int) -> frozenset[dt.date]:
    """The bank holidays of one year: fixed by law and the package, so worked out once."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _holidays_between(first_day: dt.date, last_day: dt.date) -> set[dt.date]:
    return {d for year in range(first_day.year, last_day.year + 1)
            for d in _england_and_wales(year) if first_day <= d <= last_day}  # fmt: skip


def bank_holidays(*, first_day: dt.date, last_day: dt.date) -> frozenset[dt.date]:
    """England and Wales bank holidays in the range, less those the clinic opens on."""
    dates = _holidays_between(first_day, last_day)
    if not dates:
        return frozenset()
    opening = set(BankHolidayOpening.objects.filter(date__in=dates).values_list("date", flat=True))
    return frozenset(dates - opening)


STAFF_HORIZON_DAYS = 366 * 2


@dataclass(frozen=True)
class Inputs:
    schedules: tuple[scheduling.Schedule, ...]
    service: scheduling.ServiceTiming
    rules: scheduling.Rules
    closed_days: frozenset[dt.date]
    closures: tuple[tuple[dt.datetime, dt.datetime], ...]
    now: dt.datetime

    def for_staff(self) -> Inputs:
        """Staff may book inside the minimum notice and beyond the online horizon
        (never outside working hours or over another entry)."""
        rules = dataclasses.replace(self.rules, minimum_notice=dt.timedelta(0),
                                    horizon_days=STAFF_HORIZON_DAYS)  # fmt: skip
        return dataclasses.replace(self, rules=rules)

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
    local = start.astimezone(clinic_zone())
    people = (
        [practitioner.pk]
        if practitioner
        else list(service.practitioners.filter(is_active=True).values_list("pk", flat=True))
    )
    candidates = WorkingPeriod.objects.filter(
        practitioner_id__in=people, weekday=local.date().weekday()
    )
    return _fits_grid(local, rules_get().slot_step_minutes, candidates)


def _fits_grid(local: dt.datetime, step: int, periods: Iterable[Any]) -> bool:
    """``local`` on the grid of one of the ``periods`` that apply on its date (any with
    ``weekday``, ``start``, ``valid_from`` and ``valid_until``); True if none apply."""
    day = local.date()
    starts = [
        p.start.hour * 60 + p.start.minute
        for p in periods
        if p.weekday == day.weekday()
        and (p.valid_from is None or p.valid_from <= day)
        and (p.valid_until is None or day <= p.valid_until)
    ]
    if not starts:
        return True
    minute = local.hour * 60 + local.minute
    return (
        local.second == 0
        and local.microsecond == 0
        and any(minute >= first and (minute - first) % step == 0 for first in starts)
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
    busy = busy_ranges(ids=ids, lo=lo, hi=hi, now=now)
    by_person: dict[int, dict[str, list]] = {pk: {"p": [], "b": [], "t": []} for pk in ids}
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
    schedules = tuple(
        scheduling.Schedule(
            practitioner=p.slug,
            periods=tuple(by_person[p.pk]["p"]),
            breaks=tuple(by_person[p.pk]["b"]),
            time_off=tuple(sorted(by_person[p.pk]["t"])),
            busy=tuple(busy[p.pk]),
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


# The booking configuration, briefly kept ---------------------------------------------------
#
# Hundreds of requests for one time that has just gone must each get a 409 with nearby
# times, quickly. Reading the configuration afresh for each (clinic, rules, service,
# rota, time off, closures: about ten queries) is most of the cost, and it changes a few
# times a day. So each process keeps a snapshot of it for CONFIG_SECONDS, and drops it as
# soon as a change is saved: saving any of those models replaces a token kept in the
# shared cache, which every snapshot is checked against (in the same process at once,
# in the others as soon as they share the cache: Redis or the database cache; with a
# per-process cache, within CONFIG_SECONDS). The diary itself is always read afresh.
#
# The snapshot only ever answers "that time is taken, here are others" (see
# api_bookings); a request that may book is checked against the database, then booked
# in the guarded write (services.booking_create).

CONFIG_SECONDS = 5.0
CONFIG_KEY = "stride:booking:config"  # the cache key of the current token


@dataclass(frozen=True)
class Offer:
    """A service booked online, and the active practitioners who offer it (by slug)."""

    service: Service
    people: tuple[Practitioner, ...]

    def chosen(self, slug: str) -> tuple[Practitioner, ...] | None:
        """Who a request for ``slug`` ("any" or a practitioner) may have; None for a
        practitioner who does not offer the service."""
        if slug == "any":
            return self.people
        found = tuple(p for p in self.people if p.slug == slug)
        return found or None


@dataclass(frozen=True)
class Config:
    """The booking configuration as read at ``read_at``, with the token it was read under."""

    token: str
    read_at: float  # time.monotonic()
    zone: ZoneInfo
    phone: str
    rules: BookingRules
    offers: dict[str, Offer]
    periods: dict[int, tuple[scheduling.WorkingPeriod, ...]]
    breaks: dict[int, tuple[scheduling.Break, ...]]
    time_off: dict[int, tuple[scheduling.Interval, ...]]
    closures: tuple[scheduling.Interval, ...]
    opening_days: frozenset[dt.date]  # bank holidays the clinic opens on
    # Slots worked out from this snapshot: (when, the slots), by what they were worked from.
    offered: dict[tuple[Any, ...], tuple[dt.datetime, list[scheduling.Slot]]] = field(
        default_factory=dict
    )

    def on_grid(self, start: dt.datetime, people: Sequence[Practitioner]) -> bool:
        """As ``on_grid``, from the snapshot."""
        periods = [w for p in people for w in self.periods.get(p.pk, ())]
        return _fits_grid(start.astimezone(self.zone), self.rules.slot_step_minutes, periods)

    def inputs(
        self, *, service: Service, people: Sequence[Practitioner], first_day: dt.date,
        last_day: dt.date, busy: dict[int, list[scheduling.Interval]], now: dt.datetime,
    ) -> Inputs:  # fmt: skip
        """As ``availability_inputs``, with this configuration and the diary in ``busy``
        (read by the caller for the same days)."""
        lo, hi = _window(first_day, last_day, self.zone)

        def near(ranges: Iterable[scheduling.Interval]) -> tuple[scheduling.Interval, ...]:
            return tuple(r for r in ranges if r[0] < hi and r[1] > lo)

        return Inputs(
            schedules=tuple(
                scheduling.Schedule(
                    practitioner=p.slug,
                    periods=self.periods.get(p.pk, ()),
                    breaks=self.breaks.get(p.pk, ()),
                    time_off=near(self.time_off.get(p.pk, ())),
                    busy=tuple(busy.get(p.pk, ())),
                )
                for p in people
            ),
            service=timing(service),
            rules=core_rules(rules=self.rules, zone=self.zone.key),
            closed_days=frozenset(_holidays_between(first_day, last_day) - self.opening_days),
            closures=near(self.closures),
            now=now,
        )


_held: dict[str, Config] = {}  # "config": the snapshot this process is using


def booking_config() -> Config:
    """The booking configuration, read at most CONFIG_SECONDS ago and unchanged since."""
    token = cache.get(CONFIG_KEY)
    held = _held.get("config")
    if (
        held is not None
        and token is not None
        and held.token == token
        and time.monotonic() - held.read_at < CONFIG_SECONDS
    ):
        return held
    if token is None:
        cache.add(CONFIG_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(CONFIG_KEY) or ""
    # The token is read before the data: a change saved meanwhile leaves this snapshot
    # with an old token, and the next request reads again.
    _held["config"] = held = _read_config(token)
    return held


def _read_config(token: str) -> Config:
    read_at = time.monotonic()
    clinic = site_selectors.clinic_get()
    since = clock.now() - dt.timedelta(days=2)
    offers = {}
    for service in services_online():
        active = [p for p in service.practitioners.all() if p.is_active]
        offers[service.slug] = Offer(service, tuple(sorted(active, key=lambda p: p.slug)))
    periods: dict[int, list[scheduling.WorkingPeriod]] = {}
    for w in WorkingPeriod.objects.all():
        periods.setdefault(w.practitioner_id, []).append(
            scheduling.WorkingPeriod(w.weekday, w.start, w.end, w.valid_from, w.valid_until)
        )
    breaks: dict[int, list[scheduling.Break]] = {}
    for b in WorkingBreak.objects.all():
        breaks.setdefault(b.practitioner_id, []).append(
            scheduling.Break(b.weekday, b.start, b.end, b.valid_from, b.valid_until)
        )
    time_off: dict[int, list[scheduling.Interval]] = {}
    for pk, start, end in TimeOff.objects.filter(end__gt=since).values_list(
        "practitioner_id", "start", "end"
    ):
        time_off.setdefault(pk, []).append((start, end))
    closures = ClinicClosure.objects.filter(end__gt=since).values_list("start", "end")
    return Config(
        token=token,
        read_at=read_at,
        zone=ZoneInfo(clinic.time_zone),
        phone=clinic.phone,
        rules=rules_get(),
        offers=offers,
        periods={pk: tuple(v) for pk, v in periods.items()},
        breaks={pk: tuple(v) for pk, v in breaks.items()},
        time_off={pk: tuple(sorted(v)) for pk, v in time_off.items()},
        closures=tuple(sorted(closures)),
        opening_days=frozenset(BankHolidayOpening.objects.values_list("date", flat=True)),
    )


def config_changed(**kwargs: Any) -> None:
    """A booking setting was saved or deleted: every snapshot is out of date. Now (for
    this connection's own reads) and again once the change is committed (for everyone
    else's: a snapshot read before the commit would otherwise keep the old value)."""
    cache.set(CONFIG_KEY, secrets.token_hex(8), timeout=None)
    transaction.on_commit(
        lambda: cache.set(CONFIG_KEY, secrets.token_hex(8), timeout=None), robust=True
    )


_CONFIG_MODELS = (Clinic, BookingRules, Service, Practitioner, WorkingPeriod, WorkingBreak,
                  TimeOff, ClinicClosure, BankHolidayOpening)  # fmt: skip
for _model in _CONFIG_MODELS:
    for _signal in (post_save, post_delete):
        _signal.connect(config_changed, sender=_model,
                        dispatch_uid=f"booking-config-{_model._meta.label}")  # fmt: skip
m2m_changed.connect(config_changed, sender=Service.practitioners.through,
                    dispatch_uid="booking-config-service-practitioners")  # fmt: skip


@dataclass(frozen=True)
class Around:
    """The diary around one time, read now: the busy ranges of the people who could
    have it, for that day and its neighbours."""

    day: dt.date
    busy: dict[int, list[scheduling.Interval]]
    now: dt.datetime

    def taken(self, occupied: scheduling.Interval, people: Sequence[Practitioner]) -> bool:
        """Whether every one of ``people`` is already busy during ``occupied``."""
        busy = [self.busy.get(p.pk, []) for p in people]
        return bool(busy) and all(any(scheduling.overlaps(occupied, b) for b in r) for r in busy)


def diary_around(*, start: dt.datetime, people: Sequence[Practitioner], zone: ZoneInfo) -> Around:
    """One query: what the diary holds for ``people`` from the day before ``start``'s to
    the day after (the window ``Config.inputs`` needs for those days)."""
    day = start.astimezone(zone).date()
    lo, hi = _window(day - dt.timedelta(days=1), day + dt.timedelta(days=1), zone)
    now = clock.now()
    return Around(day, busy_ranges(ids=[p.pk for p in people], lo=lo, hi=hi, now=now), now)


def alternatives_around(
    *, config: Config, service: Service, practitioner: Practitioner | None,
    people: Sequence[Practitioner], start: dt.datetime, around: Around, limit: int = 6,
) -> list[scheduling.Slot]:  # fmt: skip
    """As ``alternatives``, from the configuration snapshot and the diary in ``around``
    (``people``: the practitioner, or everyone offering the service): nothing the diary
    shows taken is offered. When those three days are full, three weeks are read afresh."""
    one = dt.timedelta(days=1)
    first, last = around.day - one, around.day + one
    # What is offered depends on "now" only through the earliest start (now + notice) and
    # the last day of the horizon (now's date + horizon_days). So the slots worked out
    # earlier the same day, for the same diary and configuration, less those now inside
    # the notice, are exactly what working them out again would give.
    key = (service.pk, timing(service), tuple(p.pk for p in people), first,
           tuple(tuple(around.busy.get(p.pk, ())) for p in people),
           around.now.astimezone(config.zone).date())  # fmt: skip
    worked_out = config.offered.get(key)
    if worked_out is None or worked_out[0] > around.now:
        found = config.inputs(service=service, people=people, first_day=first, last_day=last,
                              busy=around.busy, now=around.now).offered(first, last)  # fmt: skip
        if len(config.offered) >= 256:
            config.offered.clear()
        config.offered[key] = (around.now, found)
    else:
        earliest = around.now + dt.timedelta(minutes=config.rules.minimum_notice_minutes)
        found = [s for s in worked_out[1] if s.start >= earliest]
    if len(found) < limit:
        found = slots_available(
            service=service, first_day=around.day - dt.timedelta(days=7),
            last_day=around.day + dt.timedelta(days=14), practitioner=practitioner,
        )  # fmt: skip
    return nearest(found, start, limit)
