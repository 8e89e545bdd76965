"""The demo's patients and what they gave for each booking: a record per person (matched
again by email, date of birth and name, so loading twice makes no second record) and
the booking's details, a symptom check for those who shared one."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence

from django.db.models import OuterRef, Subquery

from stride.booking.models import BookingDetails, Patient
from stride.booking.services import TOKEN_LIFETIME_AFTER
from stride.booking.tokens import new_token, token_hash
from stride.core.demo import people
from stride.core.demo.model import Entry
from stride.demo.stories import shared_check


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def write_details(*, seed: int, entries: Sequence[tuple[int, Entry]]) -> int:
    """Details for each new appointment (by its diary entry's id), and any patient record
    still missing; returns how many records were made."""
    persons = {e.patient: people.person(seed, e.patient) for _, e in entries if e.patient}
    identity = {key: (p.email, p.date_of_birth, p.name) for key, p in persons.items()}
    emails = {email for email, _, _ in identity.values()}
    found = {(p.email, p.date_of_birth, p.name): p.pk
             for p in Patient.objects.filter(email__in=emails)}  # fmt: skip
    missing = {ident: persons[key] for key, ident in identity.items() if ident not in found}
    made = Patient.objects.bulk_create(
        [Patient(name=p.name, email=p.email, phone=p.phone, date_of_birth=p.date_of_birth,
                 notes=p.notes) for p in missing.values()], batch_size=500,
    )  # fmt: skip
    if any(p.pk is None for p in made):  # backends without RETURNING
        made = list(Patient.objects.filter(email__in={p.email for p in missing.values()}))
    found.update({(p.email, p.date_of_birth, p.name): p.pk for p in made})
    details = []
    for pk, e in entries:
        assert e.patient is not None and e.service is not None and e.created_at is not None
        person = persons[e.patient]
        summary, record = "", None
        if e.shares_symptom_check:
            answered = e.created_at.date()
            summary, record = shared_check(zlib.crc32(e.key.encode()),
                                           age=_age(person.date_of_birth, answered),
                                           answered_on=answered)  # fmt: skip
        details.append(BookingDetails(
            entry_id=pk, patient_id=found[identity[e.patient]], name=person.name,
            email=person.email, phone=person.phone, date_of_birth=person.date_of_birth,
            booked_by_name=person.booked_by_name,
            booked_by_relationship=person.booked_by_relationship,
            reason=people.reason(seed, e.key, e.service), assessment_summary=summary,
            assessment_record=record, manage_token_hash=token_hash(new_token()),
            manage_token_expires_at=e.end + TOKEN_LIFETIME_AFTER,
        ))  # fmt: skip
    BookingDetails.objects.bulk_create(details, batch_size=500)
    # A record is made with the person's first booking, not on the day the demo loads.
    first = (BookingDetails.objects.filter(patient=OuterRef("pk"))
             .order_by("entry__created_at").values("entry__created_at")[:1])  # fmt: skip
    Patient.objects.filter(pk__in=[p.pk for p in made]).update(created_at=Subquery(first))
    return len(made)
