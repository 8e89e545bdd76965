"""The clinic's duties for patient data: merge duplicates, export everything held about a
person (a subject access request), erase on request, and the retention rules that
``stride apply-retention`` applies every day.

Erasing keeps each appointment (when, with whom, which service, what happened) for the
clinic's totals, with nothing left that says who it was. Waitlist requests belong to a
patient when the email and the date of birth match one they booked with: never by
email alone, since families share an address.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet

from stride.booking import selectors as booking_selectors
from stride.booking import waitlist
from stride.booking.models import (
    BookingDetails,
    DiaryEntry,
    ExtraManageToken,
    Patient,
    WaitlistOffer,
    WaitlistRequest,
)
from stride.office.models import AuditEvent

ERASED_NAME = "Erased"
ERASED_EMAIL = "erased@erased.invalid"
ERASED_DATE_OF_BIRTH = dt.date(1900, 1, 1)
REVOKED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # manage links expired long ago
ACTIVE_WAITLIST = (WaitlistRequest.Status.WAITING, WaitlistRequest.Status.OFFERED)
WAITLIST_KEPT_AFTER_END = dt.timedelta(days=365)


def reference(patient: Patient | int) -> str:
    """The pseudonymous name the audit trail uses: never a name or an address."""
    return f"patient:{patient if isinstance(patient, int) else patient.pk}"


def patient_bookings(*, patient: Patient) -> QuerySet[BookingDetails]:
    return (
        BookingDetails.objects.filter(patient=patient)
        .select_related("entry__service", "entry__practitioner")
        .order_by("-entry__start")
    )


def patient_emails(*, patient: Patient) -> list[str]:
    """Every address the person has used, the record's own first (lower case, once each)."""
    found = [patient.email, *BookingDetails.objects.filter(patient=patient)
             .order_by("entry__start").values_list("email", flat=True)]  # fmt: skip
    return list(dict.fromkeys(e.strip().lower() for e in found if e))


def _same_person(emails: Iterable[str], births: Iterable[dt.date]) -> Q:
    by_email = Q(pk__in=[])
    for email in emails:
        by_email |= Q(email__iexact=email)
    return by_email & Q(date_of_birth__in=list(births))


def patient_waitlist(*, patient: Patient) -> QuerySet[WaitlistRequest]:
    births = {patient.date_of_birth} | set(
        BookingDetails.objects.filter(patient=patient).values_list("date_of_birth", flat=True)
    )
    return WaitlistRequest.objects.filter(
        _same_person(patient_emails(patient=patient), births)
    ).select_related("service", "practitioner")


def patient_upcoming(*, patient: Patient, now: dt.datetime) -> list[DiaryEntry]:
    """Confirmed appointments not yet over: erasing would leave the clinic unable to
    reach the person about them."""
    return list(
        DiaryEntry.objects.filter(
            details__patient=patient, kind=DiaryEntry.Kind.APPOINTMENT,
            status=DiaryEntry.Status.CONFIRMED, end__gt=now,
        ).select_related("service", "practitioner").order_by("start")
    )  # fmt: skip


# Merge ---------------------------------------------------------------------------------


def patient_merge(*, keep: Patient, drop: Patient, today: dt.date) -> int:
    """Move every booking of ``drop`` to ``keep`` and delete ``drop``; its details and
    notes go into ``keep``'s notes, so nothing is lost. Returns the bookings moved."""
    if keep.pk == drop.pk:
        raise ValueError("a record cannot be merged with itself")
    with transaction.atomic():
        # Lock both rows, lower id first so two merges of one pair cannot deadlock: a
        # merge or erase of either record running at the same moment waits for this one
        # and then finds the record gone, instead of writing to a deleted row.
        rows = Patient.objects.select_for_update().filter(pk__in=[keep.pk, drop.pk])
        locked = {p.pk: p for p in rows.order_by("pk")}
        if len(locked) != 2:
            raise Patient.DoesNotExist("one of the records was removed meanwhile")
        kept, dropped = locked[keep.pk], locked[drop.pk]
        moved = BookingDetails.objects.filter(patient=dropped).update(patient=kept)
        merged = (
            f"{_long(today)}: merged with a duplicate record ({reference(dropped)}): "
            f"{dropped.name}, {dropped.email}, {dropped.phone}, "
            f"born {_long(dropped.date_of_birth)}."
        )
        kept.notes = "\n\n".join(text for text in (kept.notes, merged, dropped.notes) if text)
        kept.save(update_fields=["notes"])
        dropped.delete()
    return moved


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def patient_notes_set(*, patient: Patient, notes: str, was: str) -> bool:
    """Save the notes unless someone changed them since ``was`` was read (then False)."""
    with transaction.atomic():
        current = Patient.objects.select_for_update().get(pk=patient.pk)
        if current.notes != was:
            return False
        current.notes = notes
        current.save(update_fields=["notes"])
    patient.notes = notes
    return True


# Export --------------------------------------------------------------------------------


def _when(value: dt.datetime | None, zone: Any) -> dt.datetime | None:
    return value.astimezone(zone) if value else None


def patient_export(*, patient: Patient, now: dt.datetime) -> dict[str, Any]:
    """Everything the clinic holds about the person, as given: plain data (dates and
    times in the clinic's zone) for the printable page and the JSON download."""
    zone = booking_selectors.clinic_zone()
    bookings = []
    for details in patient_bookings(patient=patient):
        entry = details.entry
        bookings.append({
            "reference": entry.reference, "service": entry.service.name if entry.service else "",
            "practitioner": entry.practitioner.name, "start": _when(entry.start, zone),
            "end": _when(entry.end, zone), "status": entry.get_status_display(),
            "booked_via": entry.get_channel_display(), "booked_at": _when(entry.created_at, zone),
            "cancelled_at": _when(entry.cancelled_at, zone),
            "cancel_reason": entry.cancel_reason,
            "details_as_given": {
                "name": details.name, "email": details.email, "phone": details.phone,
                "date_of_birth": details.date_of_birth,
                "booked_by_name": details.booked_by_name,
                "booked_by_relationship": details.booked_by_relationship,
                "reason": details.reason, "symptom_check_summary": details.assessment_summary,
                "symptom_check_answers": details.assessment_record,
            },
        })  # fmt: skip
    waiting = []
    for item in patient_waitlist(patient=patient).prefetch_related("offers"):
        waiting.append({
            "service": item.service.name,
            "practitioner": item.practitioner.name if item.practitioner else "Anyone",
            "earliest": item.earliest, "latest": item.latest,
            "name": item.name, "email": item.email, "phone": item.phone,
            "date_of_birth": item.date_of_birth,
            "status": item.get_status_display(), "joined_at": _when(item.created_at, zone),
            "ended_at": _when(item.ended_at, zone), "end_reason": item.end_reason,
            "offers": [{"start": _when(o.start, zone), "status": o.get_status_display()}
                       for o in item.offers.all()],
        })  # fmt: skip
    return {
        "exported_at": _when(now, zone),
        "patient": {
            "reference": reference(patient), "name": patient.name, "email": patient.email,
            "phone": patient.phone, "date_of_birth": patient.date_of_birth,
            "record_created_at": _when(patient.created_at, zone),
            "emails_used": patient_emails(patient=patient),
        },
        "admin_notes": patient.notes,
        "bookings": bookings,
        "waitlist_requests": waiting,
    }  # fmt: skip


# Erase ---------------------------------------------------------------------------------


class HasUpcomingBookings(Exception):
    def __init__(self, entries: list[DiaryEntry]) -> None:
        super().__init__(f"{len(entries)} upcoming booking(s)")
        self.entries = entries


def _unguessable() -> str:
    """A value in a token-hash column that no token hashes to."""
    return secrets.token_hex(32)


def _erase_details(details: QuerySet[BookingDetails]) -> int:
    count = 0
    for item in details.select_related("entry"):
        ExtraManageToken.objects.filter(details=item).delete()
        BookingDetails.objects.filter(pk=item.pk).update(
            patient=None, name=ERASED_NAME, email=ERASED_EMAIL, phone="",
            date_of_birth=ERASED_DATE_OF_BIRTH, booked_by_name="", booked_by_relationship="",
            reason="", assessment_summary="", assessment_record=None,
            manage_token_hash=_unguessable(),
            manage_token_expires_at=REVOKED_AT,
        )  # fmt: skip
        # The appointment stays for the clinic's totals; a reason given is the person's.
        DiaryEntry.objects.filter(pk=item.entry_id).update(cancel_reason="")
        count += 1
    return count


def _erase_waitlist(requests: QuerySet[WaitlistRequest]) -> int:
    count = 0
    for item in requests:
        if item.status in ACTIVE_WAITLIST:
            waitlist.leave(request_id=item.pk)  # withdraws an open offer, frees its time
        for offer in WaitlistOffer.objects.filter(request=item):
            WaitlistOffer.objects.filter(pk=offer.pk).update(token_hash=_unguessable())
        WaitlistRequest.objects.filter(pk=item.pk).update(
            name=ERASED_NAME, email=ERASED_EMAIL, phone="",
            date_of_birth=ERASED_DATE_OF_BIRTH, token_hash=_unguessable(),
        )  # fmt: skip
        count += 1
    return count


@dataclass(frozen=True)
class Erased:
    bookings: int
    waitlist_requests: int


def _erase(patient: Patient) -> Erased:
    requests = patient_waitlist(patient=patient)
    waiting = _erase_waitlist(WaitlistRequest.objects.filter(pk__in=[r.pk for r in requests]))
    bookings = _erase_details(BookingDetails.objects.filter(patient=patient))
    patient.delete()
    return Erased(bookings=bookings, waitlist_requests=waiting)


def patient_erase(*, patient: Patient, now: dt.datetime) -> Erased:
    """Remove the person's data everywhere; refuse while a confirmed booking is ahead
    (cancel it first, so the person is told)."""
    with transaction.atomic():
        current = Patient.objects.select_for_update().get(pk=patient.pk)
        upcoming = patient_upcoming(patient=current, now=now)
        if upcoming:
            raise HasUpcomingBookings(upcoming)
        return _erase(current)


# Retention -----------------------------------------------------------------------------


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: the day after 28 February
        return dt.date(day.year + years, 3, 1)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def keep_until(*, born: dt.date, last_seen: dt.date, adult_years: int,
               child_until_age: int) -> dt.date:  # fmt: skip
    """The first day the person's data is no longer kept.

    Adults: ``adult_years`` after the last appointment. Children (under 18 when last
    seen): until their ``child_until_age`` birthday (one year later if they were 17),
    or ``adult_years`` after the last appointment, whichever is later.
    """
    after = _years_after(last_seen, adult_years)
    age = age_on(born, last_seen)
    if age >= 18:
        return after
    birthday = _years_after(born, child_until_age + 1 if age == 17 else child_until_age)
    return max(after, birthday)


@dataclass
class RetentionReport:
    patients: list[int] = field(default_factory=list)
    bookings: list[int] = field(default_factory=list)  # bookings with no patient record
    waitlist_requests: int = 0
    audit_events: int = 0


def retention_apply(*, now: dt.datetime, adult_years: int, child_until_age: int,
                    audit_years: int, dry_run: bool = False) -> RetentionReport:  # fmt: skip
    """Apply the retention rules; safe to run every day (what is gone is not found again)."""
    zone = booking_selectors.clinic_zone()
    today = now.astimezone(zone).date()

    def due(born: dt.date, last: dt.datetime) -> bool:
        last_seen = last.astimezone(zone).date()
        return today >= keep_until(born=born, last_seen=last_seen, adult_years=adult_years,
                                   child_until_age=child_until_age)  # fmt: skip

    def patient_due(patient: Patient) -> bool:
        bookings = BookingDetails.objects.filter(patient=patient)
        last = bookings.aggregate(last=Max("entry__start"))["last"] or patient.created_at
        return due(patient.date_of_birth, last) and not (
            patient_waitlist(patient=patient).filter(status__in=ACTIVE_WAITLIST).exists()
        )

    report = RetentionReport()
    report.patients = [p.pk for p in Patient.objects.order_by("pk") if patient_due(p)]
    # Bookings made before every booking had a patient record: the same person is the
    # same email and date of birth, and their last appointment is the one that counts.
    latest: dict[tuple[str, dt.date], dt.datetime] = {}
    rows = BookingDetails.objects.exclude(email=ERASED_EMAIL)
    for email, born, start in rows.values_list("email", "date_of_birth", "entry__start"):
        key = (email.lower(), born)
        latest[key] = max(start, latest.get(key, start))
    orphans = rows.filter(patient=None).values_list("pk", "email", "date_of_birth")
    report.bookings = [
        pk for pk, email, born in orphans if due(born, latest[(email.lower(), born)])
    ]
    ended = WaitlistRequest.objects.exclude(status__in=ACTIVE_WAITLIST).filter(
        Q(ended_at__lte=now - WAITLIST_KEPT_AFTER_END)
        | Q(ended_at=None, created_at__lte=now - WAITLIST_KEPT_AFTER_END)
    )
    old_audit = AuditEvent.objects.filter(at__lt=_years_after_moment(now, -audit_years))
    report.waitlist_requests = ended.count()
    report.audit_events = old_audit.count()
    if dry_run:
        return report
    with transaction.atomic():
        old_audit.delete()
        ended.delete()
        for pk in list(report.patients):
            # Checked again under a lock: a booking made since the list was drawn up
            # keeps the record.
            patient = Patient.objects.select_for_update().filter(pk=pk).first()
            if patient is None or not patient_due(patient):
                report.patients.remove(pk)
                continue
            _erase(patient)
            _system_audit("retention.erase", reference(pk))
        _erase_details(BookingDetails.objects.filter(pk__in=report.bookings, patient=None))
        for pk in report.bookings:
            _system_audit("retention.erase", f"booking-details:{pk}")
    return report


def _years_after_moment(moment: dt.datetime, years: int) -> dt.datetime:
    day = _years_after(moment.date(), years)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def _system_audit(action: str, subject: str) -> None:
    AuditEvent.objects.create(actor=0, role="system", action=action, subject=subject)
