"""More races on both databases: a waitlist hold against public bookings, a reschedule
against new bookings, and an acceptance against the hold running out."""

import datetime as dt

import pytest

from stride import clock
from stride.booking import services, waitlist
from stride.booking.models import DiaryEntry, Service, WaitlistOffer, WaitlistRequest
from stride.booking.tests.test_races import NOW, SLOT, _details, _race
from stride.site.models import Practitioner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def clinic(build_demo):
    with clock.pinned(NOW):
        build_demo()


@pytest.fixture
def service():
    return Service.objects.get(slug="follow-up")


@pytest.fixture
def tomasz():
    return Practitioner.objects.get(slug="tomasz-nowak")


def _confirmed_at_slot(person):
    return list(
        DiaryEntry.objects.filter(
            practitioner=person, status="confirmed", occupied_start__lt=SLOT + dt.timedelta(
                minutes=30), occupied_end__gt=SLOT,
        )
    )  # fmt: skip


def test_a_waitlist_hold_and_public_bookings_racing_give_the_time_once(clinic, service, tomasz):
    with clock.pinned(NOW):
        request = waitlist.join(
            service=service, practitioner=tomasz, earliest=SLOT.date(), latest=SLOT.date(),
            details=_details(500),
        ).request  # fmt: skip

    def attempt(i: int) -> None:
        if i == 0:
            waitlist.offer(request=request, start=SLOT, practitioner=tomasz.slug)
        else:
            services.booking_create(service=service, practitioner=tomasz, start=SLOT,
                                    details=_details(i))  # fmt: skip

    outcomes = _race(30, attempt)
    assert outcomes.count("booked") == 1, outcomes  # "booked": the call that won, either kind
    assert outcomes.count("unavailable") == 29, outcomes
    winners = _confirmed_at_slot(tomasz)
    assert len(winners) == 1
    held = WaitlistOffer.objects.filter(status="open").count()
    assert held == (1 if winners[0].kind == "hold" else 0)
    expected = "offered" if held else "waiting"
    assert WaitlistRequest.objects.get(pk=request.pk).status == expected


def test_a_reschedule_and_new_bookings_racing_give_the_time_once_and_lose_nothing(
    clinic, service, tomasz
):
    with clock.pinned(NOW):
        moving = services.booking_create(
            service=service, practitioner=tomasz, start=SLOT + dt.timedelta(hours=4),
            details=_details(900),
        ).entry  # fmt: skip

    def attempt(i: int) -> None:
        if i == 0:
            services.booking_reschedule(entry=moving, start=SLOT, practitioner=tomasz)
        else:
            services.booking_create(service=service, practitioner=tomasz, start=SLOT,
                                    details=_details(i))  # fmt: skip

    outcomes = _race(50, attempt)
    assert outcomes.count("booked") == 1, outcomes
    assert outcomes.count("unavailable") == 49, outcomes
    assert len(_confirmed_at_slot(tomasz)) == 1
    moving.refresh_from_db()
    # Either it moved, or it is still confirmed at its old time: never lost.
    assert moving.status == "confirmed"
    assert moving.start in (SLOT, SLOT + dt.timedelta(hours=4))
    moved = moving.start == SLOT
    assert DiaryEntry.objects.filter(status="confirmed").count() == (1 if moved else 2)


def test_a_storm_of_accepts_and_a_decline_settle_the_offer_once(clinic, service, tomasz):
    with clock.pinned(NOW):
        request = waitlist.join(
            service=service, practitioner=tomasz, earliest=SLOT.date(), latest=SLOT.date(),
            details=_details(500),
        ).request  # fmt: skip
        offer = waitlist.offer(request=request, start=SLOT, practitioner=tomasz.slug)
    won: list[str] = []

    def attempt(i: int) -> None:
        try:
            if i == 0:
                waitlist.decline(offer_id=offer.pk)
                won.append("declined")
            else:  # a double (or tenfold) click on "Book this time"
                waitlist.accept(offer_id=offer.pk)
                won.append("accepted")
        except waitlist.OfferGone:
            raise services.SlotUnavailable from None

    outcomes = _race(12, attempt)
    assert len(won) == 1, (won, outcomes)
    assert outcomes.count("unavailable") == 11, outcomes
    offer.refresh_from_db()
    assert offer.status == won[0]
    appointments = DiaryEntry.objects.filter(kind="appointment", status="confirmed", start=SLOT)
    assert appointments.count() == (1 if won == ["accepted"] else 0)
    # The offered time is no longer held (a decline may pass another time on to them).
    assert not DiaryEntry.objects.filter(kind="hold", status="confirmed", start=SLOT).exists()
