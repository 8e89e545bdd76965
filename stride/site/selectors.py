"""Reads for the clinic website."""

from __future__ import annotations

from urllib.parse import quote_plus

from django.db.models import Prefetch, QuerySet

from stride import clock
from stride.core import hours
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


def practitioners_public() -> QuerySet[Practitioner]:
    return Practitioner.objects.filter(is_active=True).prefetch_related(
        "registrations", Prefetch("renditions", queryset=PhotoRendition.objects.order_by("width"))
    )


def practitioner_years(*, practitioner: Practitioner, clinic: Clinic) -> int:
    return practitioner.years_of_experience(clock.today(clinic.time_zone))
