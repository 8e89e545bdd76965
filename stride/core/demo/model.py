"""The plain data the demo history is planned from and planned into."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from stride.core.scheduling.model import Break, WorkingPeriod

APPOINTMENT, BLOCK = "appointment", "block"
CONFIRMED, CANCELLED, ATTENDED, NO_SHOW = "confirmed", "cancelled", "attended", "no_show"
ONLINE, PHONE, STAFF = "online", "phone", "staff"
ACTIVE = (CONFIRMED, ATTENDED, NO_SHOW)  # statuses that take the practitioner's time


@dataclass(frozen=True)
class ServiceSpec:
    """A service as the plan needs it: its length, buffers, kind and how often it is booked."""

    slug: str
    minutes: int
    before: int = 0
    after: int = 0
    new_patient: bool = True
    online: bool = True
    weight: float = 1.0


@dataclass(frozen=True)
class Clinician:
    """One practitioner's weekly pattern (local wall time) and the services they offer."""

    slug: str
    periods: tuple[WorkingPeriod, ...]
    breaks: tuple[Break, ...]
    services: tuple[ServiceSpec, ...]
    turn: int = 0  # the order practitioners take their leave weeks in


@dataclass(frozen=True)
class Setting:
    """Everything the plan depends on besides the rota: the same setting, the same plan.

    ``first_day`` to ``last_day`` are local dates (inclusive); ``closed_days`` are the bank
    holidays the clinic does not open on and its closures; ``now`` decides what has
    happened (attended, cancelled) and what is still to come.
    """

    seed: int
    now: dt.datetime
    zone: ZoneInfo
    first_day: dt.date
    last_day: dt.date
    closed_days: frozenset[dt.date] = frozenset()
    step_minutes: int = 15
    late_cancel_hours: int = 24

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()


@dataclass(frozen=True)
class Entry:
    """One planned diary row. ``key`` names it for good: planning again gives the same key
    for the same entry, so writing it twice is easy to avoid."""

    key: str
    practitioner: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    occupied_start: dt.datetime
    occupied_end: dt.datetime
    status: str = CONFIRMED
    channel: str = STAFF
    created_at: dt.datetime | None = None
    service: str | None = None
    patient: str | None = None  # the patient's key (``people.person`` makes the person)
    cancelled_at: dt.datetime | None = None
    cancelled_by: str = ""
    cancel_reason: str = ""
    note: str = ""
    shares_symptom_check: bool = False

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60
