"""The booking configuration, briefly kept, and the diary around one time.

Hundreds of requests for one time that has just gone must each get a 409 with nearby
times, quickly. Reading the configuration afresh for each (clinic, rules, service, rota,
time off, closures: about ten queries) is most of the cost, and it changes a few times a
day. So each process keeps a snapshot of it for CONFIG_SECONDS, and drops it as soon as
a change is saved: saving any of those models replaces a token kept in the shared cache,
which every snapshot is checked against (in the same process at once, in the others as
soon as they share the cache: Redis or the database cache; with a per-process cache,
within CONFIG_SECONDS). The diary itself is always read afresh.

The snapshot answers "that time is taken, here are others" (``policy.already_taken``),
resolves a request's service and practitioner, and gives the guarded write its rota and
rules while its token is still the current one (``services.choose_practitioner``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from stride import clock
from stride.booking.availability import Inputs, Rota, fits_grid, read_rota, timing, window
from stride.booking.models import (
    BankHolidayOpening,
    BookingRules,
    ClinicClosure,
    Service,
    TimeOff,
    WorkingBreak,
    WorkingPeriod,
)
from stride.booking.selectors import (
    busy_ranges,
    nearest,
    rules_get,
    services_online,
    slots_available,
)
from stride.core import scheduling
from stride.site import selectors as site_selectors
from stride.site.models import Clinic, Practitioner

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
    version: int  # BookingRules.config_version when it was read
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
    rules = rules_get()  # first: a change committed during the reads leaves an old version
    clinic = site_selectors.clinic_get()
    since = clock.now() - dt.timedelta(days=2)
    offers = {}
    for service in services_online():
        active = [p for p in service.practitioners.all() if p.is_active]
        offers[service.slug] = Offer(service, tuple(sorted(active, key=lambda p: p.slug)))
    return Config(
        token=token,
        read_at=read_at,
        version=rules.config_version,
        zone=ZoneInfo(clinic.time_zone),
        phone=clinic.phone,
        rules=rules,
        offers=offers,
        rota=read_rota(lo=since),
    )


def config_changed(**kwargs: Any) -> None:
    """A booking setting was saved or deleted: every snapshot is out of date. The
    version row moves in the same transaction (the guarded write checks it); the token
    in the shared cache moves now (for this connection's own reads) and again once the
    change is committed (for everyone else's)."""
    if kwargs.get("raw"):  # loading fixtures
        return
    BookingRules.objects.filter(pk=1).update(config_version=F("config_version") + 1)
    cache.set(CONFIG_KEY, secrets.token_hex(8), timeout=None)
    transaction.on_commit(
        lambda: cache.set(CONFIG_KEY, secrets.token_hex(8), timeout=None), robust=True
    )


def is_current(config: Config) -> bool:
    """Whether the configuration has not changed since ``config`` was read (one query;
    inside the guarded write, it sees every change committed before it)."""
    version = BookingRules.objects.filter(pk=1).values_list("config_version", flat=True).first()
    return version == config.version


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
