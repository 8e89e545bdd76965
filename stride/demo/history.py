"""A year of the demo clinic's history, and the next four weeks partly booked
(``stride demo_history``; ``make demo`` runs it after ``stride demo_load``).

The plan is ``stride.core.demo``'s, from a fixed seed, the clinic's rota and services and
"now" (the clock, so a pinned clock gives the same diary). This module only writes it:
each planned entry carries a key, stored in its calendar UID, so an entry written once is
never written again. Running it again therefore adds only what the plan has gained since
(the days that came into the four weeks ahead, and the ones nearer now and fuller) and
tells entries already written what has happened to them since (attended, cancelled).
Everything is written in one transaction, which ends with a check of the practitioners'
whole diaries: no overlaps and nothing outside working hours, or nothing is kept.
"""

from __future__ import annotations

import datetime as dt
import itertools
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, QuerySet

from stride import clock
from stride.booking import availability
from stride.booking.models import BookingRules, DiaryEntry, Service
from stride.booking.tokens import new_reference
from stride.core.demo import check, plan
from stride.core.demo.model import (
    ACTIVE,
    APPOINTMENT,
    CONFIRMED,
    Clinician,
    Entry,
    ServiceSpec,
    Setting,
)
from stride.demo import extras, patients
from stride.site.models import Clinic, Practitioner

SEED = 1402  # fixed: the same history for the same day, wherever it is loaded
DAYS_BEHIND = 365
DAYS_AHEAD = 27  # today and the next four weeks
UID_PREFIX = "demo-history:"
# How often each service is booked, relative to the others a practitioner offers.
WEIGHTS = {"initial-assessment": 4, "follow-up": 4, "gait-assessment": 2, "nail-care": 3,
           "nail-surgery": 1}  # fmt: skip


class DemoClinicMissing(Exception):
    """The demo clinic (``stride demo_load``) has to be built first."""


class OtherSeed(Exception):
    """The diary already holds the history of another seed: two would collide."""


@dataclass
class Loaded:
    written: int = 0
    updated: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    utilisation: float = 0.0
    patients: int = 0


def clinicians() -> tuple[Clinician, ...]:
    """The demo's practitioners as the plan reads them: rota, breaks and services."""
    people = list(Practitioner.objects.filter(is_active=True).order_by("order", "pk"))
    if not people:
        raise DemoClinicMissing("No practitioners: run `stride demo_load` first.")
    rota = availability.read_rota(ids=[p.pk for p in people])
    services = list(Service.objects.filter(is_active=True).prefetch_related("practitioners"))
    out: list[Clinician] = []
    for person in people:
        offered = tuple(
            ServiceSpec(s.slug, s.duration_minutes, s.buffer_before_minutes,
                        s.buffer_after_minutes, s.kind == Service.Kind.NEW_PATIENT,
                        s.bookable_online, WEIGHTS.get(s.slug, 1))
            for s in services if person in s.practitioners.all()
        )  # fmt: skip
        if offered and rota.periods.get(person.pk):
            out.append(Clinician(person.slug, rota.periods[person.pk],
                                 rota.breaks.get(person.pk, ()), offered, len(out)))  # fmt: skip
    return tuple(out)


def setting(*, seed: int, now: dt.datetime) -> Setting:
    zone = ZoneInfo(Clinic.objects.get().time_zone)
    today = now.astimezone(zone).date()
    first, last = today - dt.timedelta(days=DAYS_BEHIND), today + dt.timedelta(days=DAYS_AHEAD)
    rules = BookingRules.objects.get_or_create(pk=1)[0]
    closed = availability.bank_holidays(first_day=first, last_day=last) | extras.christmas_days(
        first, last
    )
    return Setting(seed, now, zone, first, last, frozenset(closed), rules.slot_step_minutes,
                   rules.late_cancel_hours)  # fmt: skip


def _uid(entry: Entry, seed: int) -> str:
    return f"{UID_PREFIX}{seed}:{entry.key}"


@transaction.atomic
def load(*, seed: int = SEED, now: dt.datetime | None = None) -> Loaded:
    """Write the plan for ``now`` (the clock by default); see the module's docstring."""
    now = now or clock.now()
    who = clinicians()
    where = setting(seed=seed, now=now)
    mine = DiaryEntry.objects.filter(calendar_uid__startswith=f"{UID_PREFIX}{seed}:")
    ours = Q(calendar_uid__startswith=f"{UID_PREFIX}{seed}:")
    if DiaryEntry.objects.filter(calendar_uid__startswith=UID_PREFIX).exclude(ours).exists():
        raise OtherSeed("The demo already has the history of another seed: load another "
                        "seed into a new database.")  # fmt: skip
    planned = plan.plan(where, who, skip=_settled_days(where, mine))
    extras.closures_and_leave(where, who)
    ids = dict(
        Practitioner.objects.filter(slug__in=[c.slug for c in who]).values_list("slug", "pk")
    )
    have = {
        uid: (pk, status) for pk, uid, status in mine.values_list("pk", "calendar_uid", "status")
    }
    loaded = Loaded(updated=_catch_up(planned, have, seed))
    fresh = _clear_of_others(where, [e for e in planned if _uid(e, seed) not in have], ids)
    services = dict(Service.objects.values_list("slug", "pk"))
    taken = set(DiaryEntry.objects.exclude(reference=None).values_list("reference", flat=True))
    rows = []
    for e in fresh:
        reference = None
        if e.kind == APPOINTMENT:
            reference = new_reference()
            while reference in taken:
                reference = new_reference()
            taken.add(reference)
        rows.append(DiaryEntry(
            kind=e.kind, practitioner_id=ids[e.practitioner],
            service_id=services.get(e.service) if e.service else None, start=e.start, end=e.end,
            occupied_start=e.occupied_start, occupied_end=e.occupied_end, status=e.status,
            channel=e.channel, cancelled_at=e.cancelled_at, cancelled_by=e.cancelled_by,
            cancel_reason=e.cancel_reason, reference=reference, calendar_uid=_uid(e, seed),
            note=e.note, created_at=e.created_at or now,
        ))  # fmt: skip
    DiaryEntry.objects.bulk_create(rows, batch_size=500)
    made = {r.calendar_uid: r.pk for r in rows}
    if made and any(pk is None for pk in made.values()):  # backends without RETURNING
        made = dict(mine.filter(calendar_uid__in=list(made)).values_list("calendar_uid", "pk"))
    loaded.patients = patients.write_details(
        seed=seed, entries=[(made[_uid(e, seed)], e) for e in fresh if e.kind == APPOINTMENT]
    )
    loaded.written = len(rows)
    extras.waitlist(where)
    extras.symptom_check_counts(where)
    diary = _prove_sound(where, who, ids)
    kept = mine.filter(kind=DiaryEntry.Kind.APPOINTMENT).values_list("status", flat=True)
    loaded.by_status = Counter(kept)
    year = (where.first_day, where.today - dt.timedelta(days=1))
    loaded.utilisation = check.utilisation(diary, who, where.zone, where.step_minutes, *year,
                                           where.closed_days, seed)  # fmt: skip
    return loaded


def _settled_days(where: Setting, mine: QuerySet[DiaryEntry]) -> set[dt.date]:
    """Past days already written whose appointments have had their outcome (someone came
    or did not, and none is still waiting to be marked): planning them again could add
    nothing, so the plan leaves them out and a re-run is quick."""
    seen: set[dt.date] = set()
    waiting: set[dt.date] = set()
    rows = mine.filter(kind=DiaryEntry.Kind.APPOINTMENT).values_list("start", "status")
    for start, status in rows:
        day = start.astimezone(where.zone).date()
        if status in (DiaryEntry.Status.ATTENDED, DiaryEntry.Status.NO_SHOW):
            seen.add(day)
        elif status == CONFIRMED:
            waiting.add(day)
    return {d for d in seen - waiting if d < where.today}


def _catch_up(planned: list[Entry], have: dict[str, tuple[int, str]], seed: int) -> int:
    """Tell entries written on an earlier day what has happened since: a booking still
    to come then may have been attended, missed or cancelled by now."""
    changed = []
    for e in planned:
        pk, status = have.get(_uid(e, seed), (None, ""))
        if pk is not None and status == CONFIRMED and e.status != CONFIRMED:
            changed.append(DiaryEntry(
                pk=pk, status=e.status, cancelled_at=e.cancelled_at,
                cancelled_by=e.cancelled_by, cancel_reason=e.cancel_reason,
            ))  # fmt: skip
    fields = ["status", "cancelled_at", "cancelled_by", "cancel_reason"]
    DiaryEntry.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def _clear_of_others(where: Setting, fresh: list[Entry], ids: dict[str, int]) -> list[Entry]:
    """The new entries that take no time someone else's entry already takes (staff and
    visitors may have booked in the demo since it was loaded)."""
    lo = dt.datetime.combine(where.first_day, dt.time(), where.zone)
    hi = dt.datetime.combine(where.last_day + dt.timedelta(days=1), dt.time(), where.zone)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    rows = DiaryEntry.objects.filter(
        practitioner_id__in=ids.values(), status__in=ACTIVE, occupied_end__gt=lo,
        occupied_start__lt=hi,
    ).values_list("practitioner_id", "occupied_start", "occupied_end")  # fmt: skip
    for pk, start, end in rows:
        busy.setdefault(pk, []).append((start, end))
    starts: dict[int, list[dt.datetime]] = {}
    reach: dict[int, list[dt.datetime]] = {}  # the latest end among the spans so far
    for pk, spans in busy.items():
        spans.sort()
        starts[pk] = [s for s, _ in spans]
        reach[pk] = list(itertools.accumulate((f for _, f in spans), max))
    out = []
    for e in fresh:
        pk = ids[e.practitioner]
        at = bisect_left(starts.get(pk, []), e.occupied_end)  # spans starting before it ends
        clash = at > 0 and reach[pk][at - 1] > e.occupied_start
        if e.status in ACTIVE and clash:
            continue
        out.append(e)
    return out


class UnsoundDiary(Exception):
    """The diary has an overlap or an entry outside working hours: nothing is kept."""


def _prove_sound(where: Setting, who: tuple[Clinician, ...], ids: dict[str, int]) -> list[Entry]:
    """Every practitioner's whole diary in the window, read back: no overlaps, and
    nothing the demo wrote outside working hours (``stride.core.demo.check``). Returns
    the diary read."""
    slugs = {pk: slug for slug, pk in ids.items()}
    lo = dt.datetime.combine(where.first_day, dt.time(), where.zone)
    hi = dt.datetime.combine(where.last_day + dt.timedelta(days=1), dt.time(), where.zone)
    rows = DiaryEntry.objects.filter(practitioner_id__in=slugs, start__gte=lo, start__lt=hi)
    entries = [
        Entry(uid or f"entry {pk}", slugs[person], kind, start, end, o_start, o_end, status)
        for pk, uid, person, kind, start, end, o_start, o_end, status in rows.values_list(
            "pk", "calendar_uid", "practitioner_id", "kind", "start", "end", "occupied_start",
            "occupied_end", "status")
    ]  # fmt: skip
    # Staff may block time outside working hours; what the demo wrote never is.
    ours = [e for e in entries if e.key.startswith(UID_PREFIX)]
    found = check.overlaps(entries) + check.outside_hours(ours, who, where.zone, where.step_minutes)
    if found:
        raise UnsoundDiary(
            "; ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
        )
    return entries
