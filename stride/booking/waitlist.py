"""The waitlist: people waiting for a time are offered one, in the order they asked.

A patient asks for a service (perhaps one practitioner) between two dates, when no time
in those dates is free. Whenever a time frees (a cancellation, a booking moved, an offer
declined or run out) and every few minutes from ``stride waitlist-offers``, the first
waiting person whose dates and choices fit the earliest free time is offered it: the time
is held for them (a hold in the diary, written through the same guarded path as a
booking, so nobody else can book it meanwhile) for the clinic's hold time, and an email
gives them a private link to take it or let it go. Accepting frees the hold and books
the time in one transaction. When the hold runs out, the time goes to the next person;
the one who missed it keeps their place, but is not offered that time again, and after
``WaitlistRequest.MAX_MISSED`` offers not taken their request ends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from stride import clock
from stride.booking import availability, emails, selectors, services, tokens
from stride.booking.models import DiaryEntry, Service, WaitlistOffer, WaitlistRequest
from stride.core import scheduling
from stride.site.models import Practitioner

MAX_OPEN_PER_EMAIL = 3
MAX_DAYS = 92
RUN_LIMIT = 500  # requests looked at in one run, oldest first

Status = WaitlistRequest.Status


class OfferGone(Exception):
    """The offer was already taken, let go, withdrawn or has run out."""


@dataclass(frozen=True)
class Joined:
    request: WaitlistRequest
    token: str


@dataclass
class RunReport:
    offered: list[WaitlistOffer] = field(default_factory=list)
    expired: int = 0
    ended: int = 0


def link_url(token: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/waitlist/?token={token}"


def free_times(
    *, service: Service, practitioner: Practitioner | None, earliest: dt.date, latest: dt.date
) -> list[scheduling.Slot]:
    """Times that could be booked now between the two dates (no need to wait for those)."""
    return selectors.slots_available(
        service=service, first_day=earliest, last_day=latest, practitioner=practitioner
    )


def open_requests(*, email: str) -> int:
    return WaitlistRequest.objects.filter(
        email__iexact=email, status__in=[Status.WAITING, Status.OFFERED]
    ).count()


def join(
    *,
    service: Service,
    practitioner: Practitioner | None,
    earliest: dt.date,
    latest: dt.date,
    details: services.PatientDetails,
) -> Joined:
    """Put someone on the waitlist (the caller has checked the dates and details)."""
    token = tokens.new_token()
    with transaction.atomic():
        request = WaitlistRequest.objects.create(
            service=service, practitioner=practitioner, earliest=earliest, latest=latest,
            name=details.name, email=details.email, phone=details.phone,
            date_of_birth=details.date_of_birth, token_hash=services.token_hash(token),
        )  # fmt: skip
        emails.send_message(kind="waitlist_joined", to=request.email, context={
            "request": request, "link": link_url(token),
        })  # fmt: skip
    return Joined(request=request, token=token)


def _earliest_start(now: dt.datetime) -> dt.datetime:
    """An offer must still be bookable when its hold runs out."""
    rules = selectors.rules_get()
    return now + dt.timedelta(minutes=rules.hold_minutes + rules.minimum_notice_minutes)


def _first_fit(request: WaitlistRequest, now: dt.datetime) -> scheduling.Slot | None:
    zone = selectors.clinic_zone()
    today = now.astimezone(zone).date()
    first = max(request.earliest, today)
    last = min(request.latest, today + dt.timedelta(days=selectors.rules_get().horizon_days))
    if first > last:
        return None
    offers = request.offers.select_related("practitioner")
    already = {(o.start, o.practitioner.slug) for o in offers}
    soonest = _earliest_start(now)
    for slot in free_times(service=request.service, practitioner=request.practitioner,
                           earliest=first, latest=last):  # fmt: skip
        if slot.start >= soonest and (slot.start, slot.practitioner) not in already:
            return slot
    return None


def offer(*, request: WaitlistRequest, start: dt.datetime, practitioner: str) -> WaitlistOffer:
    """Hold ``start`` for ``request`` and email the offer.

    The hold is a diary entry written like a booking (the IMMEDIATE transaction on
    SQLite, the exclusion constraint on PostgreSQL), so it cannot overlap a booking
    made at the same moment. Raises SlotUnavailable if the time has gone and OfferGone
    if the request is no longer waiting.
    """
    token = tokens.new_token()
    with services.diary_write():
        now = clock.now()
        services.release_expired_holds(now)
        current = WaitlistRequest.objects.select_for_update().get(pk=request.pk)
        if current.status != Status.WAITING:
            raise OfferGone
        service = current.service
        person = services.choose_practitioner(
            service=service, practitioner=Practitioner.objects.get(slug=practitioner),
            start=start,
        )  # fmt: skip
        occupied = scheduling.occupied(start, availability.timing(service))
        expires = now + dt.timedelta(minutes=selectors.rules_get().hold_minutes)
        hold = DiaryEntry.objects.create(
            kind=DiaryEntry.Kind.HOLD, practitioner=person, service=service, start=start,
            end=start.astimezone(dt.UTC) + service.duration, occupied_start=occupied[0],
            occupied_end=occupied[1], hold_expires_at=expires, channel=DiaryEntry.Channel.ONLINE,
            note="Held for a waitlist offer",
        )  # fmt: skip
        made = WaitlistOffer.objects.create(
            request=current, hold=hold, start=start, practitioner=person,
            token_hash=services.token_hash(token), expires_at=expires,
        )  # fmt: skip
        current.status = Status.OFFERED
        current.save(update_fields=["status"])
        zone = selectors.clinic_zone()
        emails.send_message(kind="waitlist_offer", to=current.email, context={
            "request": current, "offer": made, "link": link_url(token),
            "start": start.astimezone(zone), "expires": expires.astimezone(zone),
        })  # fmt: skip
    return made


def _close_offer(offer: WaitlistOffer, status: str, now: dt.datetime) -> None:
    """Inside diary_write: end an open offer and free its hold."""
    offer.status = status
    offer.answered_at = now
    offer.save(update_fields=["status", "answered_at"])
    DiaryEntry.objects.filter(pk=offer.hold_id, status=DiaryEntry.Status.CONFIRMED).update(
        status=DiaryEntry.Status.CANCELLED, cancelled_at=now, cancelled_by="waitlist",
        cancel_reason=f"offer {status}",
    )  # fmt: skip


def _back_in_line(request: WaitlistRequest, now: dt.datetime) -> bool:
    """After an offer not taken: wait again, or end after too many. True if it ended."""
    request.missed += 1
    if request.missed >= WaitlistRequest.MAX_MISSED:
        _end(request, now, "offers not taken")
        return True
    request.status = Status.WAITING
    request.save(update_fields=["missed", "status"])
    return False


def _end(request: WaitlistRequest, now: dt.datetime, reason: str) -> None:
    request.status = Status.ENDED
    request.ended_at = now
    request.end_reason = reason
    request.save(update_fields=["missed", "status", "ended_at", "end_reason"])
    emails.send_message(kind="waitlist_ended", to=request.email, context={
        "request": request, "reason": reason,
    })  # fmt: skip


def _expire(now: dt.datetime, report: RunReport) -> None:
    with services.diary_write():
        due = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("request")
            .filter(status=WaitlistOffer.Status.OPEN, expires_at__lte=now)
        )
        for item in due:
            _close_offer(item, WaitlistOffer.Status.EXPIRED, now)
            report.expired += 1
            if _back_in_line(item.request, now):
                report.ended += 1
        zone = selectors.clinic_zone()
        passed = WaitlistRequest.objects.select_for_update().filter(
            status=Status.WAITING, latest__lt=now.astimezone(zone).date()
        )
        for request in passed:
            _end(request, now, "dates passed")
            report.ended += 1


def offer_free_times() -> RunReport:
    """Expire offers that ran out, then offer free times to those waiting, in order.

    Safe to run at any moment and from several places at once: every offer is written
    through the guarded path and a request holds one open offer at most.
    """
    report = RunReport()
    _expire(clock.now(), report)
    waiting = WaitlistRequest.objects.filter(status=Status.WAITING).select_related(
        "service", "practitioner"
    )[:RUN_LIMIT]
    for request in waiting:
        if not request.service.is_active or not request.service.bookable_online:
            continue
        slot = _first_fit(request, clock.now())
        if slot is None:
            continue
        try:
            report.offered.append(
                offer(request=request, start=slot.start, practitioner=slot.practitioner)
            )
        except (services.SlotUnavailable, services.Busy, OfferGone):
            continue  # taken meanwhile, or the request changed: the next run tries again
    return report


def accept(*, offer_id: int) -> services.Booked:
    """Book the held time for the person it was offered to (one transaction)."""
    with services.diary_write():
        now = clock.now()
        current = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("request", "hold__service", "practitioner")
            .get(pk=offer_id)
        )
        if current.status != WaitlistOffer.Status.OPEN or current.expires_at <= now:
            raise OfferGone
        request = current.request
        service = current.hold.service
        assert service is not None
        _close_offer(current, WaitlistOffer.Status.ACCEPTED, now)
        booked = services.book_in_transaction(
            service=service, practitioner=current.practitioner, start=current.start,
            details=services.PatientDetails(
                name=request.name, email=request.email, phone=request.phone,
                date_of_birth=request.date_of_birth, reason="Booked from the waitlist",
            ),
        )  # fmt: skip
        current.booking = booked.entry
        current.save(update_fields=["booking"])
        request.status = Status.BOOKED
        request.ended_at = now
        request.end_reason = "booked"
        request.save(update_fields=["status", "ended_at", "end_reason"])
    return booked


def decline(*, offer_id: int) -> None:
    """Let the offered time go (keeping the place in line); the next person may have it."""
    with services.diary_write():
        now = clock.now()
        current = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("request")
            .get(pk=offer_id)
        )
        if current.status != WaitlistOffer.Status.OPEN:
            raise OfferGone
        _close_offer(current, WaitlistOffer.Status.DECLINED, now)
        _back_in_line(current.request, now)
    transaction.on_commit(offer_free_times, robust=True)


def leave(*, request_id: int) -> None:
    """Take someone off the waitlist; an open offer is withdrawn and its time freed."""
    with services.diary_write():
        now = clock.now()
        current = WaitlistRequest.objects.select_for_update().get(pk=request_id)
        if current.status not in (Status.WAITING, Status.OFFERED):
            return
        for item in current.offers.select_for_update().filter(status=WaitlistOffer.Status.OPEN):
            _close_offer(item, WaitlistOffer.Status.WITHDRAWN, now)
        current.status = Status.LEFT
        current.ended_at = now
        current.end_reason = "left"
        current.save(update_fields=["status", "ended_at", "end_reason"])
    transaction.on_commit(offer_free_times, robust=True)
