"""Finding a patient's record, and records that are likely the same person.

Reception searches before booking a caller, so a follow-up goes on the record the
person already has. Every detail given must match: the date of birth, a phone number or
email the person has used (on the record or any of its bookings), and the name within
one typo (``stride.core.names``, the same rule on every database). The database finds
the few candidates; the name rule decides among them:

- a date of birth, phone or email narrows to the records with them (indexed);
- a name narrows to the records that contain its words, or pieces of them that
  any spelling one typo away keeps whole (LIKE; on PostgreSQL ILIKE, which its
  trigram index, pg_trgm's GIN, can serve).

Among the names that pass, the closest come first: no typo before one, then by trigram
word similarity (PostgreSQL's pg_trgm in the query; on SQLite the same measure in
Python, ``textmatch.word_similarity``), then by name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet
from django.db.models.functions import Upper

from stride.booking.models import BookingDetails, Patient
from stride.core import names, textmatch

MAX_FOUND = 20


class Like(Lookup):
    """``name LIKE pattern``: ``%`` and ``_`` are wildcards (ILIKE on PostgreSQL, where
    the name's trigram index serves it; SQLite's LIKE ignores case too)."""

    lookup_name = "like"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


@dataclass(frozen=True)
class Wanted:
    """What reception asked for: the name as typed, the phone in E.164, the email."""

    name: str = ""
    date_of_birth: dt.date | None = None
    phone: str = ""
    email: str = ""

    def given(self) -> tuple[str, ...]:
        """The names of the details given."""
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


def _contains(text: str) -> Q:
    return Q(Like(F("name"), f"%{text}%"))


def _near(found: QuerySet[Patient], name: str) -> QuerySet[Patient]:
    """The records that could match the name typed with at most one typo: each of its
    two longest words (or a spelling of it one typo away: ``names.pieces``) is in the
    name, and one of them is there whole (only one word may have the typo). The name
    rule then decides among these few."""
    longest = sorted(names.words(name), key=len, reverse=True)[:2]
    near = Q()
    for word in longest:
        one_of = Q()
        for piece in names.pieces(word):  # none for a single letter: no narrowing
            one_of |= _contains(piece)
        near &= one_of
    if len(longest) == 2:
        near &= _contains(longest[0]) | _contains(longest[1])
    return found.filter(near)


def _alike(found: QuerySet[Patient], name: str) -> list[tuple[int, str, float]]:
    """Each candidate with how alike its name is to the name typed, by trigrams:
    PostgreSQL's pg_trgm word similarity, or the same worked out in Python
    (``textmatch.word_similarity``) on SQLite."""
    rows = found.order_by().values_list("pk", "name")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        alike = rows.annotate(alike=TrigramWordSimilarity(name, "name"))
        return list(alike.values_list("pk", "name", "alike"))
    return [(pk, full, textmatch.word_similarity(name, full)) for pk, full in rows]


def patients_find(*, patients: QuerySet[Patient], wanted: Wanted,
                  limit: int = MAX_FOUND) -> list[Patient]:  # fmt: skip
    """The records among ``patients`` matching everything given, best first: no typo
    before one, then the names most alike by trigrams, then by name; at most ``limit``
    (ask for one more to know that there are more)."""
    if not wanted.given():
        return []
    found = patients
    if wanted.date_of_birth is not None:
        found = found.filter(date_of_birth=wanted.date_of_birth)
    if wanted.phone:
        found = found.filter(pk__in=_used("phone", wanted.phone))
    if wanted.email:
        found = found.filter(pk__in=_used("upper", wanted.email.upper()))
    if not wanted.name:
        ranked = sorted((0, 0.0, name, pk) for pk, name in found.values_list("pk", "name"))
    else:
        ranked = sorted(
            (cost, -alike, name, pk)
            for pk, name, alike in _alike(_near(found, wanted.name), wanted.name)
            if (cost := names.typo_cost(wanted.name, name)) is not None
        )
    chosen = [row[-1] for row in ranked[:limit]]
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
