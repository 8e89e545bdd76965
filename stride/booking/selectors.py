"""Reads for booking: what to offer, computed by stride.core.scheduling from the diary.

Availability is always read from the primary database (this deployment has no
read replica routing). The diary (appointments, holds, blocks) is never cached; the
booking configuration around it (rules, services, rotas, time off, closures) may be,
for a few seconds, only to turn away requests for a time the diary shows taken (see
``booking_config``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from stride import clock
from stride.booking.availability import (  # noqa: F401  (also read as selectors.*)
    STAFF_HORIZON_DAYS,
    Inputs,
    Rota,
    bank_holidays,
    core_rules,
    fits_grid,
    read_rota,
    timing,
    window,
)
from stride.booking.models import (
    BankHolidayOpening,
    BookingDetails,
    BookingRules,
    ClinicClosure,
    DiaryEntry,
    ExtraManageToken,
    Service,
    TimeOff,
    WorkingBreak,
    WorkingPeriod,
)
from stride.booking.tokens import token_hash
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
    rota: Rota
    # Slots worked out from this snapshot: (when, the slots), by what they were worked from.
    offered: dict[tuple[Any, ...], tuple[dt.datetime, list[scheduling.Slot]]] = field(
        default_factory=dict
    )

    def on_grid(self, start: dt.datetime, people: Sequence[Practitioner]) -> bool:
        """As ``on_grid``, from the snapshot."""
        periods = [w for p in people for w in self.rota.periods.get(p.pk, ())]
        return fits_grid(start.astimezone(self.zone), self.rules.slot_step_minutes, periods)

    def inputs(
        self, *, service: Service, people: Sequence[Practitioner], first_day: dt.date,
        last_day: dt.date, busy: dict[int, list[scheduling.Interval]], now: dt.datetime,
    ) -> Inputs:  # fmt: skip
        """As ``availability_inputs``, with this configuration and the diary in ``busy``
        (read by the caller for the same days)."""
        return self.rota.inputs(service=service, people=people, first_day=first_day,
                                last_day=last_day, busy=busy, rules=self.rules, zone=self.zone,
                                now=now)  # fmt: skip


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
    return Config(
        token=token,
        read_at=read_at,
        zone=ZoneInfo(clinic.time_zone),
        phone=clinic.phone,
        rules=rules_get(),
        offers=offers,
        rota=read_rota(lo=since),
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
    lo, hi = window(day - dt.timedelta(days=1), day + dt.timedelta(days=1), zone)
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
