"""One booking policy for every channel a patient books through.

The API (``POST /api/bookings``), the web form (``/book/<service>/details/``) and
waitlist acceptance all book through ``book`` (the waitlist through the same guarded
write, ``services.book_in_transaction``); each channel only translates the ``Outcome``
into JSON or a page. In order:

1. the request as its schema checked it (``validation.BookingIn``: parsed by ninja for
   the API, through ``validation.parse`` for the web form): any problem is ``invalid``;
2. the service, the practitioner and the clinic's grid, notice and horizon;
3. the per-email hourly limit (``BOOKING_LIMIT_PER_EMAIL``, counted in the shared cache);
4. the guarded write (``services.booking_create``), which alone decides: a time that is
   not free is ``taken`` (with the nearest free times), whoever asks; only for a free
   time does it count the email's future bookings, atomically, against the clinic's
   cap (``not_bookable``: phone us); a database that stayed locked is ``busy``.

The per-address limit (``BOOKING_LIMIT_PER_IP``) is counted by each channel before it
reads the request, since a channel knows the address. Staff booking for a caller
(``stride.office.staff_booking``) is the documented exemption: it calls
``services.booking_create(staff=True)``, which skips the cap and may book inside the
notice and beyond the horizon, never over another entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings

from stride.booking import availability, selectors, services, snapshot, validation
from stride.booking.models import DiaryEntry, Service
from stride.core import scheduling
from stride.site import selectors as site_selectors
from stride.site.models import Practitioner
from stride.web import ratelimit

Kind = Literal["booked", "invalid", "rate_limited", "taken", "not_bookable", "busy"]


@dataclass
class Outcome:
    kind: Kind
    booked: services.Booked | None = None
    problems: list[validation.Problem] = field(default_factory=list)
    alternatives: list[scheduling.Slot] = field(default_factory=list)
    retry_after: int = 0
    phone: str = ""  # the clinic's number, for a refusal that says "call us"

    @property
    def message(self) -> str:
        """The words for a refusal that is not about one field."""
        if self.kind == "not_bookable":
            return not_bookable_message(self.phone)
        if self.kind == "taken":
            return "That time has just gone. Here are the nearest free times."
        if self.kind == "rate_limited":
            return "Too many attempts. Please try again later."
        if self.kind == "busy":
            return "We are busy. Please try again in a moment."
        return ""


def not_bookable_message(phone: str) -> str:
    # The same words whatever the reason: they never tell whether an email is at its cap.
    return f"We cannot take this booking online. Please call us on {phone}."


def email_rate_limited(email: str) -> int:
    """Count one attempt for this email; the seconds to wait when over the limit, else 0."""
    limited = ratelimit.hit("booking-email", email, limit=settings.BOOKING_LIMIT_PER_EMAIL,
                            window=3600)  # fmt: skip
    return limited.retry_after if limited else 0


def _resolve(parsed: validation.Request) -> tuple[Service | None, Practitioner | None]:
    """The service and practitioner asked for, and whether the time is on their grid,
    from the booking configuration snapshot (no query on the way to a booking)."""
    config = snapshot.booking_config()
    offer = config.offers.get(parsed.service) if parsed.service else None
    if parsed.service and offer is None:
        parsed.problems.append(
            ("service", "unknown_service", "No such service is bookable online.")
        )
    people = offer.chosen(parsed.practitioner) if offer else None
    person = None
    if parsed.practitioner != "any":
        person = people[0] if people else None
        known = person is not None or (offer is None and Practitioner.objects.filter(
            slug=parsed.practitioner, is_active=True).exists())  # fmt: skip
        if not known:
            parsed.problems.append(("practitioner", "unknown_practitioner",
                                    "That practitioner does not offer this service."))  # fmt: skip
    if offer and people and parsed.start and not config.on_grid(parsed.start, people):
        parsed.problems.append(("start", "off_grid", "Choose one of the times offered."))
    return (offer.service if offer else None), person


def already_taken(parsed: validation.Request) -> Outcome | None:
    """The outcome for a valid request for a time the diary already shows taken, or None.

    When many people go for one time, all but the first find it gone. They are answered
    here, from the configuration snapshot and one read of the diary, instead of queueing
    for the guarded write only to be refused. None (nothing counted, nothing written)
    when the request has a problem to report or the time may be free: ``book`` then
    checks it against the database in the guarded write, which alone decides.
    """
    config = snapshot.booking_config()
    offer = config.offers.get(parsed.service)
    if parsed.problems or parsed.start is None or parsed.details is None or offer is None:
        return None
    people = offer.chosen(parsed.practitioner)
    if not people or not config.on_grid(parsed.start, people):
        return None
    around = snapshot.diary_around(start=parsed.start, people=people, zone=config.zone)
    occupied = scheduling.occupied(parsed.start, availability.timing(offer.service))
    if not around.taken(occupied, people):
        return None
    if wait := email_rate_limited(parsed.details.email):  # as book() would count it
        return Outcome("rate_limited", retry_after=wait)
    person = people[0] if parsed.practitioner != "any" else None
    return Outcome("taken", alternatives=snapshot.alternatives_around(
        config=config, service=offer.service, practitioner=person, people=people,
        start=parsed.start, around=around,
    ))  # fmt: skip


def _alternatives(
    service: Service, person: Practitioner | None, start: dt.datetime
) -> list[scheduling.Slot]:
    """The nearest free times after the guarded write refused ``start``."""
    config = snapshot.booking_config()
    offer = config.offers.get(service.slug)
    people = offer.chosen(person.slug if person else "any") if offer else None
    if not people:  # the snapshot is older than this service or practitioner
        return selectors.alternatives(service=service, start=start, practitioner=person)
    around = snapshot.diary_around(start=start, people=people, zone=config.zone)
    return snapshot.alternatives_around(config=config, service=service, practitioner=person,
                                         people=people, start=start, around=around)  # fmt: skip


def practitioner_for_any(*, service: Service, start: dt.datetime) -> Practitioner | None:
    """Who a booking of ``start`` with "whoever is free first" would be with, were it
    made now (the guarded write chooses the same way, again, when it books), or None
    when nobody is free then."""
    try:
        return services.choose_practitioner(service=service, practitioner=None, start=start)
    except services.SlotUnavailable:
        return None


def book(
    parsed: validation.Request,
    *,
    channel: str = DiaryEntry.Channel.ONLINE,
    token: str | None = None,
) -> Outcome:
    """Apply the whole policy to a parsed request and book it if it passes."""
    if (fast := already_taken(parsed)) is not None:
        return fast
    service, person = _resolve(parsed)
    if parsed.details and (wait := email_rate_limited(parsed.details.email)):
        return Outcome("rate_limited", retry_after=wait)
    if parsed.problems or service is None or parsed.start is None or parsed.details is None:
        return Outcome("invalid", problems=parsed.problems)
    try:
        booked = services.booking_create(
            service=service, practitioner=person, start=parsed.start, details=parsed.details,
            channel=channel, token=token,
        )  # fmt: skip
    except services.SlotUnavailable:
        return Outcome("taken", alternatives=_alternatives(service, person, parsed.start))
    except services.TooManyBookings:
        return Outcome("not_bookable", phone=site_selectors.clinic_get().phone)
    except services.Busy:
        return Outcome("busy", retry_after=2)
    return Outcome("booked", booked=booked)
