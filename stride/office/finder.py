"""Finding a patient's record, and records that are likely the same person.

Reception searches before booking a caller, so a follow-up goes on the record the
person already has. Every detail given must match: the date of birth, a phone number or
email the person has used (on the record or any of its bookings), and the name within
one typo (``stride.core.names``, the same rule on every database). The database finds
the candidates quickly; the name rule decides:

- given a date of birth, phone or email, the candidates are the records with them
  (indexed, a handful of rows);
- given only a name, PostgreSQL finds the names alike by trigrams (pg_trgm, a GIN
  index); SQLite reads the names of the records the staff member may see and
  matches them in Python, about a millisecond per thousand records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import Upper

from stride.booking.models import BookingDetails, Patient
from stride.core import names

MAX_FOUND = 20
# PostgreSQL's word similarity above which a name is a candidate: low enough that one
# typo in a short name still makes it one (0.6, pg_trgm's default, misses "Lea" for
# "Lee"); the name rule then decides.
TRIGRAM_THRESHOLD = 0.3


@dataclass(frozen=True)
class Wanted:
    """What reception asked for: the name as typed, the phone in E.164, the email."""

    name: str = ""
    date_of_birth: dt.date | None = None
    phone: str = ""
    email: str = ""

    def given(self) -> tuple[str, ...]:
        """The details given, by name (for the page and the audit trail, never the values)."""
        fields = ("name", "date_of_birth", "phone", "email")
        return tuple(f for f in fields if getattr(self, f))


def _used(field: str, value: str) -> set[int]:
    """Records with ``value`` as their ``field`` (``phone``, or ``upper``: the email in
    capitals), on the record or on any of its bookings: two indexed lookups."""
    on_record = Patient.objects.alias(upper=Upper("email")).filter(**{field: value})
    on_bookings = BookingDetails.objects.alias(upper=Upper("email")).filter(
        **{field: value, "patient__isnull": False}
    )
    return set(on_record.values_list("pk", flat=True)) | set(
        on_bookings.values_list("patient_id", flat=True)
    )


def _alike_by_trigrams(found: QuerySet[Patient], name: str) -> QuerySet[Patient]:
    with connection.cursor() as cursor:  # this transaction only (see patients_find)
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(TRIGRAM_THRESHOLD)],
        )
    return found.filter(name__trigram_word_similar=name)


def patients_find(*, patients: QuerySet[Patient], wanted: Wanted,
                  limit: int = MAX_FOUND) -> list[Patient]:  # fmt: skip
    """The records among ``patients`` matching everything given, best first (no typo
    before one typo, then by name); at most ``limit`` (ask for one more to know that
    there are more)."""
    if not wanted.given():
        return []
    found = patients
    if wanted.date_of_birth is not None:
        found = found.filter(date_of_birth=wanted.date_of_birth)
    if wanted.phone:
        found = found.filter(pk__in=_used("phone", wanted.phone))
    if wanted.email:
        found = found.filter(pk__in=_used("upper", wanted.email.upper()))
    with transaction.atomic():
        if wanted.name and wanted.given() == ("name",) and connection.vendor == "postgresql":
            found = _alike_by_trigrams(found, wanted.name)
        rows = list(found.values_list("pk", "name"))
    if wanted.name:
        costs = {pk: names.typo_cost(wanted.name, name) for pk, name in rows}
        ranked = sorted((cost, name, pk) for pk, name in rows if (cost := costs[pk]) is not None)
    else:
        ranked = sorted((0, name, pk) for pk, name in rows)
    chosen = [pk for _cost, _name, pk in ranked[:limit]]
    by_pk = Patient.objects.in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


@dataclass(frozen=True)
class Duplicate:
    """Another record likely to be the same person, and what they share besides the
    date of birth: ``phone``, ``email``, and ``name`` (the same) or ``name_typo``
    (one typo apart)."""

    patient: Patient
    shared: tuple[str, ...]


def shared_details(a: Patient, b: Patient) -> tuple[str, ...]:
    """What makes two records likely one person: the same date of birth, and the same
    phone or email, or names within one typo. Nothing if they are not."""
    if a.pk == b.pk or a.date_of_birth != b.date_of_birth:
        return ()
    same = {
        "phone": a.phone == b.phone,
        "email": a.email.casefold() == b.email.casefold(),
        "name": names.words(a.name) == names.words(b.name),
    }
    if not same["name"] and names.same_name(a.name, b.name):
        return (*(k for k, v in same.items() if v), "name_typo")
    return tuple(k for k, v in same.items() if v)


def likely_duplicate(a: Patient, b: Patient) -> bool:
    return bool(shared_details(a, b))


def duplicates_among(*, patients: QuerySet[Patient],
                     shown: Iterable[Patient]) -> dict[int, list[Duplicate]]:  # fmt: skip
    """For each record in ``shown``, the records in ``patients`` that are likely the
    same person (one indexed query on the dates of birth, however many are shown)."""
    shown = list(shown)
    born: dict[dt.date, list[Patient]] = defaultdict(list)
    days = {p.date_of_birth for p in shown}
    for other in patients.filter(date_of_birth__in=days).only("name", "email", "phone",
                                                                "date_of_birth"):  # fmt: skip
        born[other.date_of_birth].append(other)
    out = {}
    for patient in shown:
        alike = [Duplicate(o, shared) for o in born[patient.date_of_birth]
                 if (shared := shared_details(patient, o))]  # fmt: skip
        if alike:
            out[patient.pk] = sorted(alike, key=lambda d: (d.patient.name, d.patient.pk))
    return out


def duplicates_of(*, patients: QuerySet[Patient], patient: Patient) -> list[Duplicate]:
    return duplicates_among(patients=patients, shown=[patient]).get(patient.pk, [])
