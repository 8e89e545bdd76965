"""Reads for the clinic website."""

from __future__ import annotations

from typing import cast
from urllib.parse import quote_plus

from django.db.models import Prefetch, QuerySet

from stride import clock
from stride.core import hours
from stride.site import signals
from stride.site.models import Clinic, OpeningHours, PhotoRendition, Practitioner


def clinic_get() -> Clinic:
    """The clinic; a migration creates it, so it is always there."""
    return Clinic.objects.get(pk=Clinic.SINGLETON_ID)


def opening_week(*, clinic: Clinic) -> list[hours.DayHours]:
    rows = OpeningHours.objects.filter(clinic=clinic)
    return hours.week(hours.Session(r.weekday, r.opens, r.closes) for r in rows)


def map_url(*, clinic: Clinic) -> str:
    if clinic.map_url:
        return clinic.map_url
    query = quote_plus(", ".join(clinic.address_lines))
    return f"https://www.openstreetmap.org/search?query={query}"


def treats_linked(*, clinic: Clinic) -> list[tuple[str, str | None]]:
    """The home page's "What we treat": (words, address of its article or None)."""
    lines = clinic.treat_lines
    if not lines:
        return []
    found: dict[str, str] = {}
    answers = signals.pages_for_treats.send(sender=Clinic, slugs=[slug for _, slug in lines])
    for _, pages in answers:
        found.update(cast(dict[str, str], pages))
    return [(words, found.get(slug)) for words, slug in lines]


def practitioners_public() -> QuerySet[Practitioner]:
    return Practitioner.objects.filter(is_active=True).prefetch_related(
        "registrations", Prefetch("renditions", queryset=PhotoRendition.objects.order_by("width"))
    )


def practitioner_years(*, practitioner: Practitioner, clinic: Clinic) -> int:
    return practitioner.years_of_experience(clock.today(clinic.time_zone))
