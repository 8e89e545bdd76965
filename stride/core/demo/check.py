"""Proof that a diary is sound: no two entries of a practitioner that take their time
overlap, and every entry lies inside working hours (the appointment itself clear of the
breaks, its buffers inside the working period, its start on the grid). Also the
utilisation the reports show, worked out from the plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from .days import free_stretches, leave, periods_on
from .model import ACTIVE, APPOINTMENT, Clinician, Entry


def problems(entries: Iterable[Entry], clinicians: Sequence[Clinician], zone: ZoneInfo,
             step: int) -> list[str]:  # fmt: skip
    """Every overlap and every entry outside working hours, in words (none: sound)."""
    listed = list(entries)
    return overlaps(listed) + outside_hours(listed, clinicians, zone, step)


def overlaps(entries: Iterable[Entry]) -> list[str]:
    """Entries of one practitioner that take the same time (cancelled ones take none)."""
    found: list[str] = []
    taking: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.status in ACTIVE:
            taking[e.practitioner].append(e)
    for slug, rows in taking.items():
        rows.sort(key=lambda e: e.occupied_start)
        latest: Entry | None = None
        for e in rows:
            if latest is not None and e.occupied_start < latest.occupied_end:
                found.append(f"{latest.key} and {e.key} overlap ({slug})")
            if latest is None or e.occupied_end > latest.occupied_end:
                latest = e
    return found


def outside_hours(entries: Iterable[Entry], clinicians: Sequence[Clinician], zone: ZoneInfo,
                  step: int) -> list[str]:  # fmt: skip
    """Entries not inside a working period that applies on their day: buffers included,
    an appointment clear of the breaks and on the grid (a block may cover a break)."""
    found: list[str] = []
    who = {c.slug: c for c in clinicians}
    for e in entries:
        if e.practitioner not in who:
            found.append(f"{e.key}: unknown practitioner {e.practitioner}")
            continue
        day = e.start.astimezone(zone).date()
        fits = False
        for period in periods_on(who[e.practitioner], day, zone, step):
            appointment = e.kind == APPOINTMENT
            clear = not appointment or all(e.end <= b0 or e.start >= b1 for b0, b1 in period.breaks)
            within = period.start <= e.occupied_start and e.occupied_end <= period.end
            on_grid = not appointment or e.start in period.grid
            fits = fits or (clear and within and on_grid)
        if not fits:
            found.append(f"{e.key}: {e.start.astimezone(zone):%Y-%m-%d %H:%M} is outside "
                         f"{e.practitioner}'s working hours")  # fmt: skip
    return found


def utilisation(entries: Iterable[Entry], clinicians: Sequence[Clinician], zone: ZoneInfo,
                step: int, first_day: dt.date, last_day: dt.date,
                closed_days: frozenset[dt.date], seed: int) -> float:  # fmt: skip
    """Booked minutes of kept appointments over working minutes less breaks and leave
    weeks, as the utilisation report counts them, for ``first_day`` to ``last_day``."""
    booked = sum(e.minutes for e in entries if e.kind == APPOINTMENT and e.status in ACTIVE
                 and first_day <= e.start.astimezone(zone).date() <= last_day)  # fmt: skip
    available = 0.0
    day = first_day
    while day <= last_day:
        if day not in closed_days:
            for c in clinicians:
                if day in leave(seed, c.slug, day.year, c.turn).weeks:
                    continue
                for period in periods_on(c, day, zone, step):
                    for s, e in free_stretches(period):
                        available += (e - s).total_seconds() / 60
        day += dt.timedelta(days=1)
    return booked / available if available else 0.0
