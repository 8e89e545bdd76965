"""Writes for booking. Every diary write goes through here, in one transaction.

No double bookings, by construction: on SQLite the transaction begins IMMEDIATE (the
write lock is taken before anything is read), so the availability check and the
insert cannot interleave with another writer's; on PostgreSQL the exclusion
constraint on the diary refuses an overlap that a concurrent transaction committed
between our check and our insert, and that refusal becomes "slot unavailable".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, OperationalError, connection, transaction

from stride import clock
from stride.booking import availability, emails, selectors, signals, snapshot
from stride.booking.models import (
    BookingDetails,
    BookingRules,
    DiaryEntry,
    ExtraManageToken,
    Patient,
    Reminder,
    Service,
)
from stride.booking.tokens import manage_url, new_reference, new_token, token_hash
from stride.core import scheduling
from stride.site.models import Practitioner

TOKEN_LIFETIME_AFTER = dt.timedelta(days=30)


class SlotUnavailable(Exception):
    """The time is not free now (taken, held, past, inside the notice, beyond the horizon)."""


class TooManyBookings(Exception):
    """The email already holds the clinic's cap of future bookings (checked only for a
    free time, inside the guarded write): the patient is asked to phone."""


class Busy(Exception):
    """The database stayed locked: answer 503 with Retry-After, never a 500."""


@contextmanager
def diary_write() -> Iterator[None]:
    """One transaction for a diary write, with the database's refusals in our words.

    PostgreSQL's exclusion constraint refusing an overlap (someone took the time
    between our check and our write) becomes SlotUnavailable; a lock that never came
    becomes Busy.
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if "diary_no_overlap" in str(error):
            raise SlotUnavailable from error
        raise
    except OperationalError as error:
        text = str(error).lower()
        if "locked" in text or "lock timeout" in text:
            raise Busy from error
        raise


@dataclass(frozen=True)
class PatientDetails:
    name: str
    email: str
    phone: str  # E.164
    date_of_birth: dt.date
    booked_by_name: str = ""
    booked_by_relationship: str = ""
    reason: str = ""
    assessment_summary: str = ""
    # The same answers as data, from the web journey only (the API takes the text).
    assessment_record: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Booked:
    entry: DiaryEntry
    manage_token: str

    @property
    def manage_url(self) -> str:
        return manage_url(self.manage_token)


def _offer_freed_time() -> None:
    """Once the change commits, the waitlist gets a chance at the time it freed (the
    waitlist listens for ``time_freed``: it builds on these services, not they on it)."""
    transaction.on_commit(lambda: signals.time_freed.send(sender=DiaryEntry), robust=True)


def release_expired_holds(now: dt.datetime) -> None:
    """A constraint cannot mention the time, so expired holds are released here."""
    DiaryEntry.objects.filter(
        kind=DiaryEntry.Kind.HOLD, status=DiaryEntry.Status.CONFIRMED, hold_expires_at__lte=now
    ).update(status=DiaryEntry.Status.CANCELLED, cancelled_at=now, cancelled_by="system",
             cancel_reason="hold expired")  # fmt: skip


def _strong_match(details: PatientDetails) -> Patient | None:
    """Same email, name and date of birth; never by email alone."""
    candidates = Patient.objects.filter(
        email__iexact=details.email, date_of_birth=details.date_of_birth
    )
    wanted = " ".join(details.name.lower().split())
    return next((p for p in candidates if " ".join(p.name.lower().split()) == wanted), None)


ANY_PRACTITIONER_ATTEMPTS = 3


def _new_patient(details: PatientDetails) -> Patient:
    """Someone we cannot match for certain is a new patient record; staff merge the
    records of one person (two emails, say) on the patient pages."""
    return Patient.objects.create(
        name=details.name, email=details.email, phone=details.phone,
        date_of_birth=details.date_of_birth,
    )  # fmt: skip


def choose_practitioner(
    *, service: Service, practitioner: Practitioner | None, start: dt.datetime,
    staff: bool = False, current: snapshot.Config | None = None,
) -> Practitioner:  # fmt: skip
    """Who can take ``start`` now. Staff may book inside the minimum notice and beyond
    the online horizon, but never outside working hours or over another entry.

    The diary is always read afresh here. The rest (rotas, rules, who offers what)
    comes from the booking configuration snapshot when its token is still the current
    one, checked now, inside the guarded write (any change to those settings replaces
    the token, see ``snapshot.booking_config``); a service not booked online, or a
    staff booking, reads them afresh too.
    """
    config = current or snapshot.booking_config()
    offer = config.offers.get(service.slug)
    people = None
    if (
        offer is not None
        and offer.service.pk == service.pk
        and not staff
        and (current is not None or snapshot.is_current(config))
    ):
        people = offer.chosen(practitioner.slug if practitioner else "any")
    day = start.astimezone(config.zone).date()
    if people is None:
        inputs = selectors.availability_inputs(
            service=service, first_day=day, last_day=day, practitioner=practitioner
        )
        if staff:
            inputs = inputs.for_staff()
    else:
        lo, hi = availability.window(day, day, config.zone)
        now = clock.now()
        busy = selectors.busy_ranges(ids=[p.pk for p in people], lo=lo, hi=hi, now=now)
        inputs = config.inputs(service=service, people=people, first_day=day, last_day=day,
                               busy=busy, now=now)  # fmt: skip
    if practitioner is not None:
        if not inputs.bookable(start, practitioner.slug):
            raise SlotUnavailable
        return practitioner
    chosen = inputs.first_free(start)
    if chosen is None:
        raise SlotUnavailable
    return next((p for p in people or () if p.slug == chosen), None) or (
        Practitioner.objects.get(slug=chosen)
    )


def booking_create(
    *,
    service: Service,
    practitioner: Practitioner | None,
    start: dt.datetime,
    details: PatientDetails,
    channel: str = DiaryEntry.Channel.ONLINE,
    token: str | None = None,
    staff: bool = False,
    patient: Patient | None = None,
) -> Booked:
    """Book ``start`` for ``service`` with ``practitioner`` (None: the first free one),
    on ``patient``'s record when staff chose it (otherwise a strong match or a new one).

    Raises SlotUnavailable when the time cannot be booked now, Busy when the database
    stayed locked.

    For "the first free one", losing a race for a practitioner is not the end: on
    PostgreSQL two requests can both choose the same person, and the constraint refuses
    the second, which then looks again (the winner has committed) and takes the next
    free practitioner, if any. On SQLite the write lock already orders them.
    """
    attempts = ANY_PRACTITIONER_ATTEMPTS if practitioner is None else 1
    for attempt in range(1, attempts + 1):
        try:
            with diary_write():
                release_expired_holds(clock.now())
                return book_in_transaction(
                    service=service, practitioner=practitioner, start=start,
                    details=details, channel=channel, token=token, staff=staff,
                    patient=patient,
                )  # fmt: skip
        except SlotUnavailable:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


def book_in_transaction(
    *,
    service: Service,
    practitioner: Practitioner | None,
    start: dt.datetime,
    details: PatientDetails,
    channel: str = DiaryEntry.Channel.ONLINE,
    token: str | None = None,
    staff: bool = False,
    patient: Patient | None = None,
) -> Booked:
    """The guarded write itself; the caller holds ``diary_write()`` (waitlist acceptance
    frees its hold and books in the same transaction)."""
    start = start.astimezone(dt.UTC)  # lengths are real time, also across a clock change
    config = snapshot.booking_config()
    current = config if snapshot.is_current(config) else None
    person = choose_practitioner(
        service=service, practitioner=practitioner, start=start, staff=staff, current=current
    )
    if not staff:  # staff booking for a caller is exempt from the patients' cap
        _within_cap(details.email, (current.rules if current else selectors.rules_get()))
    occupied = scheduling.occupied(start, availability.timing(service))
    entry = DiaryEntry.objects.create(
        kind=DiaryEntry.Kind.APPOINTMENT,
        practitioner=person,
        service=service,
        start=start,
        end=start + service.duration,
        occupied_start=occupied[0],
        occupied_end=occupied[1],
        channel=channel,
        reference=new_reference(),
        calendar_uid=f"{secrets.token_hex(16)}@stride",
    )
    token = token or new_token()
    if patient is not None:
        # The record chosen may have been merged or erased since the page showed it:
        # lock it (an erasure or merge deleting it waits for this booking) or, if it is
        # gone, book as if none had been chosen.
        patient = Patient.objects.select_for_update().filter(pk=patient.pk).first()
    BookingDetails.objects.create(
        entry=entry,
        patient=patient or _strong_match(details) or _new_patient(details),
        name=details.name,
        email=details.email,
        phone=details.phone,
        date_of_birth=details.date_of_birth,
        booked_by_name=details.booked_by_name,
        booked_by_relationship=details.booked_by_relationship,
        reason=details.reason,
        assessment_summary=details.assessment_summary,
        assessment_record=details.assessment_record,
        manage_token_hash=token_hash(token),
        manage_token_expires_at=entry.end + TOKEN_LIFETIME_AFTER,
    )
    emails.send_confirmation(entry=entry, manage_url=manage_url(token))
    return Booked(entry=entry, manage_token=token)


def _within_cap(email: str, rules: BookingRules) -> None:
    """Refuse a booking that would take this email past the cap on future bookings.

    Counted inside the guarded write, so two requests for one email cannot both pass:
    SQLite's write lock already orders them; on PostgreSQL a transaction lock on the
    email (``pg_advisory_xact_lock``) makes the second wait for the first to commit.
    """
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(email.strip().upper().encode()).digest()[:8],
                             "big", signed=True)  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    if selectors.future_bookings(email=email) >= rules.max_future_bookings_per_email:
        raise TooManyBookings


def block_create(
    *, practitioner: Practitioner, start: dt.datetime, end: dt.datetime, note: str = ""
) -> DiaryEntry:
    """Block out a practitioner's time (a meeting, a home visit). Never over a booking."""
    if end <= start:
        raise ValueError("a block must end after it starts")
    with diary_write():
        release_expired_holds(clock.now())
        clash = DiaryEntry.objects.filter(
            practitioner=practitioner, status=DiaryEntry.Status.CONFIRMED,
            occupied_start__lt=end, occupied_end__gt=start,
        ).exists()  # fmt: skip
        if clash:
            raise SlotUnavailable
        return DiaryEntry.objects.create(
            kind=DiaryEntry.Kind.BLOCK, practitioner=practitioner, start=start, end=end,
            occupied_start=start, occupied_end=end, channel=DiaryEntry.Channel.STAFF,
            note=note,
        )  # fmt: skip


class LateCancellation(Exception):
    """Inside the clinic's late-cancellation window: the patient must phone."""


def _late(entry: DiaryEntry, now: dt.datetime) -> bool:
    return now >= selectors.online_changes_until(entry=entry)


def can_change(entry: DiaryEntry) -> bool:
    now = clock.now()
    return (
        entry.status == DiaryEntry.Status.CONFIRMED and entry.start > now and not _late(entry, now)
    )


class Conflict(Exception):
    """The booking changed since it was shown (its version moved on): nothing was done."""


def expect_version(current: DiaryEntry, version: int | None) -> None:
    if version is not None and current.version != version:
        raise Conflict


def booking_cancel(
    *, entry: DiaryEntry, actor: str, reason: str = "", staff: bool = False,
    expected_version: int | None = None,
) -> DiaryEntry:  # fmt: skip
    """Cancel a confirmed booking. Patients cannot inside the late window; staff can."""
    with diary_write():
        # Re-read inside the transaction (the write lock on SQLite, a row lock on
        # PostgreSQL) so a concurrent cancel or reschedule is seen, not overwritten.
        current = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
        expect_version(current, expected_version)
        now = clock.now()
        if current.status != DiaryEntry.Status.CONFIRMED:
            return current
        if not staff and _late(current, now):
            raise LateCancellation
        current.status = DiaryEntry.Status.CANCELLED
        current.cancelled_at = now
        current.cancelled_by = actor
        current.cancel_reason = reason[:500]
        current.version += 1
        current.calendar_sequence += 1
        current.save()
        if hasattr(current, "details"):
            emails.send_cancelled(entry=current)
        _offer_freed_time()
        return current


def booking_reschedule(
    *, entry: DiaryEntry, start: dt.datetime, practitioner: Practitioner | None = None,
    staff: bool = False, expected_version: int | None = None,
) -> DiaryEntry:  # fmt: skip
    """Move a booking in one transaction; reference, token and calendar UID stay.
    Staff may move it inside the late window and the minimum notice."""
    start = start.astimezone(dt.UTC)  # lengths are real time, also across a clock change
    with diary_write():
        current = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
        expect_version(current, expected_version)
        now = clock.now()
        if current.status != DiaryEntry.Status.CONFIRMED or (not staff and _late(current, now)):
            raise LateCancellation
        assert current.service is not None
        # Free its own time first, so the new time may overlap the old one.
        DiaryEntry.objects.filter(pk=current.pk).update(status=DiaryEntry.Status.CANCELLED)
        release_expired_holds(now)
        person = choose_practitioner(
            service=current.service, practitioner=practitioner, start=start, staff=staff
        )
        occupied = scheduling.occupied(start, availability.timing(current.service))
        current.practitioner = person
        current.start = start
        current.end = start + current.service.duration
        current.occupied_start, current.occupied_end = occupied
        current.status = DiaryEntry.Status.CONFIRMED
        current.version += 1
        current.calendar_sequence += 1
        current.save()
        if hasattr(current, "details"):
            # The links live 30 days after the (new) appointment; reminders re-arm.
            expires = current.end + TOKEN_LIFETIME_AFTER
            BookingDetails.objects.filter(entry=current).update(manage_token_expires_at=expires)
            ExtraManageToken.objects.filter(details__entry=current).update(expires_at=expires)
            Reminder.objects.filter(entry=current).delete()
            emails.send_rescheduled(entry=current)
        _offer_freed_time()
        return current


def taken_meanwhile(entry: DiaryEntry) -> bool:
    """A cancelled entry's time now overlaps another confirmed one (so it cannot come back)."""
    return DiaryEntry.objects.filter(
        practitioner_id=entry.practitioner_id, status=DiaryEntry.Status.CONFIRMED,
        occupied_start__lt=entry.occupied_end, occupied_end__gt=entry.occupied_start,
    ).exclude(pk=entry.pk).exists()  # fmt: skip


def booking_reinstate(
    *, entry: DiaryEntry, actor: str, expected_version: int | None = None
) -> DiaryEntry:
    """Undo a cancellation while the time is still free (the guarded path: never over
    another entry), and tell the patient."""
    with diary_write():
        current = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
        expect_version(current, expected_version)
        if current.status != DiaryEntry.Status.CANCELLED or current.kind != "appointment":
            raise ValueError("only a cancelled appointment can be reinstated")
        if current.start <= clock.now():
            raise SlotUnavailable
        release_expired_holds(clock.now())
        if taken_meanwhile(current):
            raise SlotUnavailable
        current.status = DiaryEntry.Status.CONFIRMED
        current.cancelled_at = None
        current.cancel_reason = f"reinstated by {actor}"[:500]
        current.version += 1
        current.calendar_sequence += 1
        current.save()
        if hasattr(current, "details"):
            emails.send_reinstated(entry=current)
        return current
