"""The plan: each working day filled from the seed, then told as it happened by "now".

Every day is planned on its own, from the seed, the practitioner and the date alone: a
row of appointment times filling the day on the wall-clock grid (and the day's blocks),
each with its own random draws. How full a day is depends on how far it lies from
today: the past is busy (a little quieter in August and at Christmas), tomorrow nearly
full, four weeks ahead mostly free. A time is booked when its first draw is under that
fill, so a day planned again later, when it is nearer, keeps every booking it had and
gains some. "Now" then decides each booking's story: attended or did not attend once it
has happened, cancelled if the cancellation has happened (early or late; an early one is
often rebooked by someone else), still to come otherwise.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .days import free_stretches, leave, periods_on
from .model import (
    APPOINTMENT,
    ATTENDED,
    BLOCK,
    CANCELLED,
    CONFIRMED,
    NO_SHOW,
    ONLINE,
    PHONE,
    STAFF,
    Clinician,
    Entry,
    ServiceSpec,
    Setting,
)

HISTORY_FILL = 1.0
SEASON = {1: 0.97, 2: 0.98, 3: 0.96, 4: 0.93, 5: 0.95, 6: 0.94, 7: 0.91, 8: 0.82, 9: 0.95,
          10: 0.96, 11: 0.96, 12: 0.88}  # fmt: skip
CANCEL_RATE = 0.11
LATE_SHARE = 0.3  # of cancellations, those inside the late window
NO_SHOW_RATE = {True: 0.04, False: 0.07}  # new patients, follow-ups
SHARE_RATE = 0.4  # online new patients who share their symptom check
UNMARKED = dt.timedelta(hours=3)  # today's appointments not yet marked attended
ADMIN = ("Admin: letters and reports", "Admin: orthotics orders", "Team meeting",
         "Admin: GP referrals", "Case review")  # fmt: skip
LUNCH = ("Lunch: practice meeting", "Lunch: talk at the GP surgery", "Longer lunch")
REASONS_EARLY = ("Pain has settled", "Going away", "Booked elsewhere", "Clashes with work",
                 "cancelled online")  # fmt: skip
REASONS_LATE = ("Unwell", "Stuck at work", "Childcare fell through", "Train cancelled")
DRAWS = 12


@dataclass(frozen=True)
class Candidate:
    key: str
    service: ServiceSpec
    start: dt.datetime
    end: dt.datetime
    occupied: tuple[dt.datetime, dt.datetime]
    draws: tuple[float, ...]


def fill(setting: Setting, day: dt.date) -> float:
    """The share of a day's times booked, by how far ahead of today it is."""
    ahead = (day - setting.today).days
    if ahead <= 0:
        return HISTORY_FILL * SEASON[day.month]
    return max(0.15, 0.8 - 0.025 * ahead)


def _fit(service: ServiceSpec, cursor: dt.datetime, end: dt.datetime,
         grid: Sequence[dt.datetime]) -> Candidate | None:  # fmt: skip
    """The first grid time from ``cursor`` where ``service`` fits, buffers and all."""
    before, after = dt.timedelta(minutes=service.before), dt.timedelta(minutes=service.after)
    length = dt.timedelta(minutes=service.minutes)
    for start in grid[bisect_left(grid, cursor + before) :]:
        if start + length + after > end:
            return None
        return Candidate("", service, start, start + length,
                         (start - before, start + length + after), ())  # fmt: skip
    return None


@functools.lru_cache(maxsize=4096)
def day_plan(seed: int, who: Clinician, day: dt.date, zone: ZoneInfo, step: int,
             closed: bool) -> tuple[tuple[Entry, ...], tuple[Candidate, ...]]:  # fmt: skip
    """A working day's blocks and every appointment time that could be booked in it."""
    periods = () if closed else periods_on(who, day, zone, step)
    if not periods:
        return (), ()
    rng = random.Random(f"{seed}:day:{who.slug}:{day.isoformat()}")
    stem = f"{who.slug}/{day:%Y%m%d}"
    blocks: list[Entry] = []

    def block(start: dt.datetime, end: dt.datetime, note: str) -> None:
        blocks.append(Entry(f"{stem}/b{len(blocks)}", who.slug, BLOCK, start, end, start, end,
                            note=note))  # fmt: skip

    away = leave(seed, who.slug, day.year, who.turn)
    if day in away.weeks:
        return (), ()
    if day in away.days:
        for period in periods:
            for start, end in free_stretches(period):
                block(start, end, "Annual leave (day)")
        return tuple(blocks), ()
    candidates: list[Candidate] = []
    weights = [s.weight for s in who.services]
    shortest = min(who.services, key=lambda s: s.before + s.minutes + s.after)
    lunch, admin = rng.random(), rng.random()
    for number, period in enumerate(periods):
        stretches = free_stretches(period)
        if period.breaks and lunch < 0.1:
            first_start, first_end = stretches[0]
            cut = first_end - dt.timedelta(minutes=30)
            block(cut, first_end, rng.choice(LUNCH))
            stretches[0] = (first_start, cut)
        if number == len(periods) - 1 and admin < 0.25:
            last_start, last_end = stretches[-1]
            cut = last_end - dt.timedelta(minutes=rng.choice((30, 60)))
            block(cut, last_end, rng.choice(ADMIN))
            stretches[-1] = (last_start, cut)
        for cursor, end in stretches:
            while True:
                chosen = rng.choices(who.services, weights)[0]
                found = _fit(chosen, cursor, end, period.grid) or _fit(
                    shortest, cursor, end, period.grid
                )
                if found is None:
                    break
                draws = tuple(rng.random() for _ in range(DRAWS))
                key = f"{stem}/{found.start.astimezone(zone):%H%M}"
                candidates.append(Candidate(key, found.service, found.start, found.end,
                                            found.occupied, draws))  # fmt: skip
                cursor = found.occupied[1]
    return tuple(blocks), tuple(candidates)


def _returning(setting: Setting, who: Clinician, day: dt.date, key: str) -> str:
    """A follow-up's patient: someone this practitioner saw new two to ten weeks before."""
    rng = random.Random(f"{setting.seed}:returning:{key}")
    for _ in range(6):
        earlier = day - dt.timedelta(days=rng.randint(14, 70))
        closed = earlier in setting.closed_days
        _, times = day_plan(setting.seed, who, earlier, setting.zone, setting.step_minutes, closed)
        first_visits = [c for c in times if c.service.new_patient]
        if first_visits:
            return rng.choice(first_visits).key
    return key


def _channel(service: ServiceSpec, u: float) -> str:
    if not service.online:
        return PHONE if u < 0.5 else STAFF
    if service.new_patient:
        return ONLINE if u < 0.55 else PHONE if u < 0.93 else STAFF
    return STAFF if u < 0.6 else PHONE if u < 0.85 else ONLINE


def _lead(channel: str, u: float) -> dt.timedelta:
    if channel == STAFF:  # booked at the desk after the last visit
        return dt.timedelta(days=14 + 35 * u)
    mean = 8 if channel == ONLINE else 6
    return dt.timedelta(days=0.2 - mean * math.log(1 - u))


def _happened(setting: Setting, start: dt.datetime, end: dt.datetime, u: float,
              new_patient: bool) -> str:  # fmt: skip
    now = setting.now
    if end > now or (start.astimezone(setting.zone).date() == setting.today
                     and start > now - UNMARKED):  # fmt: skip
        return CONFIRMED
    return NO_SHOW if u < NO_SHOW_RATE[new_patient] else ATTENDED


def _appointments(setting: Setting, who: Clinician, day: dt.date, c: Candidate) -> list[Entry]:
    """What became of one booked time, as far as "now"."""
    d, now, s = c.draws, setting.now, c.service
    channel = _channel(s, d[5])
    created = c.start - _lead(channel, d[6])
    if created > now:  # still to come, so booked already
        created = now - dt.timedelta(hours=1 + 72 * d[6])
    patient = c.key if s.new_patient else _returning(setting, who, day, c.key)
    shares = channel == ONLINE and s.new_patient and d[9] < SHARE_RATE
    kept = Entry(c.key, who.slug, APPOINTMENT, c.start, c.end, *c.occupied, channel=channel,
                 created_at=created, service=s.slug, patient=patient,
                 shares_symptom_check=shares)  # fmt: skip
    if d[1] >= CANCEL_RATE:
        return [_with_status(kept, _happened(setting, c.start, c.end, d[4], s.new_patient))]
    window = dt.timedelta(hours=setting.late_cancel_hours)
    late = d[2] < LATE_SHARE or c.start - window <= created
    if late:
        cancelled = max(
            c.start - dt.timedelta(hours=1 + 22 * d[7]), created + dt.timedelta(minutes=10)
        )
    else:
        cancelled = created + (c.start - window - created) * d[7]
    if cancelled > now:  # the cancellation has not happened yet
        return [_with_status(kept, _happened(setting, c.start, c.end, d[4], s.new_patient))]
    reasons = REASONS_LATE if late else REASONS_EARLY
    gone = Entry(**{**kept.__dict__, "status": CANCELLED, "cancelled_at": cancelled,
                    "cancelled_by": "patient" if d[10] < 0.6 else "reception",
                    "cancel_reason": reasons[int(d[8] * len(reasons))]})  # fmt: skip
    rebooked_at = cancelled + (c.start - cancelled) * 0.2 * d[11]
    if d[3] >= (0.15 if late else 0.7) or rebooked_at > now:
        return [gone]
    status = _happened(setting, c.start, c.end, d[11], s.new_patient)
    someone = c.key + "r" if s.new_patient else _returning(setting, who, day, c.key + "r")
    again = Entry(c.key + "r", who.slug, APPOINTMENT, c.start, c.end, *c.occupied, status=status,
                  channel=PHONE if late or d[11] < 0.5 else ONLINE, created_at=rebooked_at,
                  service=s.slug, patient=someone)  # fmt: skip
    return [gone, again]


def _with_status(entry: Entry, status: str) -> Entry:
    return Entry(**{**entry.__dict__, "status": status})


def plan(setting: Setting, clinicians: Sequence[Clinician],
         skip: Collection[dt.date] = ()) -> list[Entry]:  # fmt: skip
    """Every entry from ``first_day`` to ``last_day``, in order of day and practitioner;
    none on the days in ``skip`` (days already written that nothing can change)."""
    out: list[Entry] = []
    day = setting.first_day - dt.timedelta(days=1)
    while day < setting.last_day:
        day += dt.timedelta(days=1)
        if day in skip:
            continue
        closed = day in setting.closed_days
        share = fill(setting, day)
        for who in clinicians:
            blocks, times = day_plan(setting.seed, who, day, setting.zone,
                                     setting.step_minutes, closed)  # fmt: skip
            for b in blocks:
                made = min(b.start - dt.timedelta(days=21), setting.now)
                out.append(Entry(**{**b.__dict__, "created_at": made}))
            for c in times:
                if c.draws[0] < share:
                    out.extend(_appointments(setting, who, day, c))
    return out
