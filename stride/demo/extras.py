"""What the demo history needs beside the diary: the Christmas closure, the practitioners'
leave weeks, a waitlist and the symptom check's daily counts. Each is matched by what it
is (its dates, its email, its day) so loading again adds nothing twice."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from stride.assessment.models import UsageCount
from stride.booking.models import ClinicClosure, Service, TimeOff, WaitlistRequest
from stride.booking.tokens import new_token, token_hash
from stride.core.demo import people
from stride.core.demo.days import leave
from stride.core.demo.model import Clinician, Setting
from stride.site.models import Practitioner

RED_FLAGS = ("ottawa-cannot-bear-weight", "ottawa-bone-tender-after-injury",
             "fall-onto-heel-bruised-or-swollen")  # fmt: skip


def _christmas(year: int) -> tuple[dt.date, dt.date]:
    """Closed from Christmas Eve to New Year's Day, both included."""
    return dt.date(year, 12, 24), dt.date(year + 1, 1, 1)


def christmas_days(first: dt.date, last: dt.date) -> set[dt.date]:
    out: set[dt.date] = set()
    for year in range(first.year - 1, last.year + 1):
        start, end = _christmas(year)
        out.update(start + dt.timedelta(days=k) for k in range((end - start).days + 1))
    return {d for d in out if first <= d <= last}


def closures_and_leave(where: Setting, who: Sequence[Clinician]) -> None:
    def instant(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), where.zone)

    for year in range(where.first_day.year - 1, where.last_day.year + 1):
        start, end = _christmas(year)
        if start <= where.last_day and end >= where.first_day:
            ClinicClosure.objects.get_or_create(
                start=instant(start), end=instant(end + dt.timedelta(days=1)),
                defaults={"note": "Christmas and New Year"},
            )  # fmt: skip
    ids = dict(Practitioner.objects.values_list("slug", "pk"))
    for c in who:
        for year in range(where.first_day.year, where.last_day.year + 1):
            mondays = leave(where.seed, c.slug, year, c.turn).week_starts()
            for monday in mondays:
                if monday - dt.timedelta(days=7) in mondays:
                    continue  # part of the week before's leave
                weeks = 1
                while monday + dt.timedelta(weeks=weeks) in mondays:
                    weeks += 1
                end = monday + dt.timedelta(weeks=weeks)
                if monday <= where.last_day and end > where.first_day:
                    TimeOff.objects.get_or_create(practitioner_id=ids[c.slug],
                                                  start=instant(monday), end=instant(end),
                                                  defaults={"note": "Annual leave"})  # fmt: skip


def waitlist(where: Setting) -> None:
    """Six people waiting for an earlier time and two who have left the list."""
    services = list(Service.objects.filter(bookable_online=True, is_active=True))
    staff = list(Practitioner.objects.filter(is_active=True).order_by("order"))
    if not services:
        return
    rng = random.Random(f"{where.seed}:waitlist")
    have = set(WaitlistRequest.objects.values_list("email", flat=True))
    for number in range(8):
        person = people.person(where.seed, f"waitlist/20260101/{number}")
        asked = where.now - dt.timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 9))
        earliest = where.today + dt.timedelta(days=rng.randint(0, 3))
        latest = earliest + dt.timedelta(days=rng.choice((14, 21, 28, 42)))
        service = services[rng.randrange(len(services))]
        practitioner = rng.choice([None, None, *service.practitioners.all()])
        if person.email in have:
            continue
        ended = number >= 6
        WaitlistRequest.objects.create(
            service=service, practitioner=practitioner if practitioner in staff else None,
            earliest=earliest, latest=latest, name=person.name, email=person.email,
            phone=person.phone, date_of_birth=person.date_of_birth,
            token_hash=token_hash(new_token()), created_at=asked,
            status=WaitlistRequest.Status.LEFT if ended else WaitlistRequest.Status.WAITING,
            ended_at=asked + dt.timedelta(days=3) if ended else None,
            end_reason="left: found a time elsewhere" if ended else "",
        )  # fmt: skip


def symptom_check_counts(where: Setting) -> None:
    """A year of the symptom check's anonymous daily counts: more on weekdays and in
    January, a red flag now and then."""
    rows = []
    day = where.first_day
    while day <= where.today:
        rng = random.Random(f"{where.seed}:usage:{day.isoformat()}")
        started = int(rng.randint(14, 34) * (0.7 if day.weekday() >= 5 else 1.0)
                      * (1.3 if day.month == 1 else 1.0))  # fmt: skip
        finished = max(0, started - rng.randint(2, 8))
        counts = {"started": started, "finished": finished,
                  "booked": min(finished, rng.randint(1, 5)),
                  f"red_flag:{rng.choice(RED_FLAGS)}": rng.choice((0, 0, 0, 1, 1, 2))}  # fmt: skip
        rows += [UsageCount(day=day, metric=m, count=n) for m, n in counts.items() if n]
        day += dt.timedelta(days=1)
    UsageCount.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
