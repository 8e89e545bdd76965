"""The demo clinic's services and rotas (fictional), safe to build again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from stride.booking.models import ConditionService, Service, WorkingBreak, WorkingPeriod
from stride.site.models import Practitioner

SERVICES: list[dict[str, Any]] = [
    {"slug": "initial-assessment", "name": "Initial assessment", "duration_minutes": 45,
     "price_pence": 7500, "buffer_after_minutes": 10, "kind": "new_patient",
     "description": "A first appointment: we listen, examine your feet and how you walk, "
     "explain what we find and agree a plan.", "who": ["amara-okafor", "tomasz-nowak"]},
    {"slug": "follow-up", "name": "Follow-up appointment", "duration_minutes": 30,
     "price_pence": 5500, "buffer_after_minutes": 5, "kind": "follow_up",
     "description": "A review of how you are getting on, for patients we have seen before.",
     "who": ["amara-okafor", "tomasz-nowak"]},
    {"slug": "gait-assessment", "name": "Running and walking (gait) assessment",
     "duration_minutes": 60, "price_pence": 9500, "buffer_after_minutes": 10,
     "kind": "new_patient", "description": "A detailed look at how you run or walk, with "
     "video, for sports injuries and long-standing pain.", "who": ["amara-okafor"]},
    {"slug": "nail-care", "name": "Routine nail and skin care", "duration_minutes": 30,
     "price_pence": 4500, "buffer_after_minutes": 5, "kind": "follow_up",
     "description": "Nail cutting and thinning, corns and hard skin.", "who": ["tomasz-nowak"]},
    {"slug": "nail-surgery", "name": "Ingrown toenail surgery", "duration_minutes": 60,
     "price_pence": 25000, "buffer_before_minutes": 10, "buffer_after_minutes": 15,
     "kind": "follow_up", "bookable_online": False,
     "description": "Removing part of the nail under local anaesthetic. We book this by "
     "phone after an assessment.", "who": ["tomasz-nowak"]},
]  # fmt: skip

SKIN_AND_NAILS = ("corns-and-calluses", "fungal-nail-infection", "verruca", "athletes-foot")

# practitioner -> (weekday, start, end); lunch 13:00-14:00 on full days.
ROTAS = {
    "amara-okafor": [(0, 9, 18), (1, 9, 18), (2, 9, 18), (3, 9, 18), (5, 9, 13)],
    "tomasz-nowak": [(1, 9, 17), (2, 9, 17), (3, 9, 17), (4, 9, 17)],
}


def build(today: dt.date) -> None:
    people = {p.slug: p for p in Practitioner.objects.all()}
    for order, spec in enumerate(SERVICES):
        values = {k: v for k, v in spec.items() if k not in {"slug", "who"}}
        values.setdefault("bookable_online", True)
        values["order"] = order
        service, created = Service.objects.get_or_create(slug=spec["slug"], defaults=values)
        if not created:
            changed = [k for k, v in values.items() if getattr(service, k) != v]
            for key in changed:
                setattr(service, key, values[key])
            if changed:
                service.save(update_fields=changed)
        wanted = {people[s].pk for s in spec["who"] if s in people}
        if set(service.practitioners.values_list("pk", flat=True)) != wanted:
            service.practitioners.set(wanted)
    # Tomasz starts Monday clinics from the first of next month (a new rota).
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    for slug, rota in ROTAS.items():
        person = people.get(slug)
        if person is None:
            continue
        periods: list[tuple[int, dt.time, dt.time, dt.date | None]] = [
            (d, dt.time(a), dt.time(b), None) for d, a, b in rota
        ]
        if slug == "tomasz-nowak":
            periods.append((0, dt.time(9), dt.time(17), next_month))
        for weekday, start, end, valid_from in periods:
            WorkingPeriod.objects.get_or_create(
                practitioner=person, weekday=weekday, start=start, end=end, valid_from=valid_from
            )
            if end.hour - start.hour > 5:
                WorkingBreak.objects.get_or_create(
                    practitioner=person, weekday=weekday, start=dt.time(13), end=dt.time(14),
                    valid_from=valid_from,
                )  # fmt: skip
    # What the symptom check suggests booking: skin and nail problems go to the
    # routine care clinic; everything else to a new-patient assessment (the default).
    care = Service.objects.filter(slug="nail-care").first()
    if care is not None:
        for condition in SKIN_AND_NAILS:
            ConditionService.objects.get_or_create(condition=condition,
                                                   defaults={"service": care})  # fmt: skip
