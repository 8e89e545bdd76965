"""The waitlist: first come, first offered; a held time nobody else can book; accepting
books through the guarded path; a missed offer goes to the next person."""

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.core import mail

from stride import clock
from stride.booking import selectors, services, waitlist
from stride.booking.models import DiaryEntry, Service, WaitlistOffer, WaitlistRequest
from stride.site.models import Practitioner

BST = dt.timezone(dt.timedelta(hours=1))
DAY = dt.date(2026, 6, 3)  # a Wednesday Tomasz works
TEN = dt.datetime(2026, 6, 3, 10, 0, tzinfo=BST)

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")


def _person(i: int, email: str | None = None) -> services.PatientDetails:
    return services.PatientDetails(
        name=f"Waiting Patient {i}", email=email or f"w{i}@example.org", phone="+447700900123",
        date_of_birth=dt.date(1970, 1, 1) + dt.timedelta(days=i),
    )  # fmt: skip


@pytest.fixture
def follow_up():
    return Service.objects.get(slug="follow-up")


@pytest.fixture
def tomasz():
    return Practitioner.objects.get(slug="tomasz-nowak")


@pytest.fixture
def full_day(follow_up, tomasz):
    """Tomasz's Wednesday taken: a booking at 10:00 and a staff block around it."""
    booked = services.booking_create(
        service=follow_up, practitioner=tomasz, start=TEN, details=_person(99, "booked@example.org")
    )
    day_start = dt.datetime.combine(DAY, dt.time(0), BST)
    services.block_create(practitioner=tomasz, start=day_start, end=booked.entry.occupied_start)
    services.block_create(practitioner=tomasz, start=booked.entry.occupied_end,
                          end=day_start + dt.timedelta(days=1))  # fmt: skip
    assert not _free(follow_up, tomasz)
    return booked.entry


def _free(service, person):
    return selectors.slots_available(service=service, first_day=DAY, last_day=DAY,
                                     practitioner=person)  # fmt: skip


def _join(i, service, person, email=None):
    return waitlist.join(service=service, practitioner=person, earliest=DAY, latest=DAY,
                         details=_person(i, email)).request  # fmt: skip


def _token(message) -> str:
    found = re.search(r"/waitlist/\?token=([A-Za-z0-9_-]+)", message.body)
    assert found, message.body
    return found.group(1)


def _cancel(entry, capture):
    with capture(execute=True):
        services.booking_cancel(entry=entry, actor="patient")


def test_a_cancelled_time_is_held_for_the_first_in_line_and_emailed(
    full_day, follow_up, tomasz, django_capture_on_commit_callbacks
):
    first = _join(1, follow_up, tomasz)
    _join(2, follow_up, tomasz)
    mail.outbox.clear()
    _cancel(full_day, django_capture_on_commit_callbacks)

    offer = WaitlistOffer.objects.get()
    assert offer.request == first and offer.start == TEN
    assert offer.hold.kind == DiaryEntry.Kind.HOLD and offer.hold.status == "confirmed"
    assert offer.expires_at == clock.now() + dt.timedelta(minutes=30)
    assert WaitlistRequest.objects.get(pk=first.pk).status == "offered"
    offers = [m for m in mail.outbox if m.to == ["w1@example.org"]]
    assert len(offers) == 1
    assert "Wednesday 3 June, 10am" in offers[0].subject and "held until 10am" in offers[0].subject
    assert not [m for m in mail.outbox if m.to == ["w2@example.org"]]
    # Held: nobody else is offered it or can book it.
    assert not _free(follow_up, tomasz)
    with pytest.raises(services.SlotUnavailable):
        services.booking_create(service=follow_up, practitioner=tomasz, start=TEN,
                                details=_person(3))  # fmt: skip


def test_accepting_books_the_time_and_ends_the_request(
    full_day, follow_up, tomasz, django_capture_on_commit_callbacks
):
    first = _join(1, follow_up, tomasz)
    _cancel(full_day, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booked = waitlist.accept(offer_id=offer.pk)
    entry = booked.entry
    assert (entry.kind, entry.start, entry.practitioner, entry.status) == (
        "appointment",
        TEN,
        tomasz,
        "confirmed",
    )
    assert entry.details.email == "w1@example.org"
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.booking == entry
    assert DiaryEntry.objects.get(pk=offer.hold_id).status == "cancelled"
    assert WaitlistRequest.objects.get(pk=first.pk).status == "booked"
    assert [m.to for m in mail.outbox] == [["w1@example.org"]]
    assert "booked" in mail.outbox[0].body
    with pytest.raises(waitlist.OfferGone):
        waitlist.accept(offer_id=offer.pk)
    assert DiaryEntry.objects.filter(kind="appointment", status="confirmed", start=TEN).count() == 1


def test_an_offer_that_runs_out_goes_to_the_next_person_and_not_back(
    full_day, follow_up, tomasz, django_capture_on_commit_callbacks, now
):
    first = _join(1, follow_up, tomasz)
    second = _join(2, follow_up, tomasz)
    _cancel(full_day, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    with clock.pinned(now + dt.timedelta(minutes=30)):
        with pytest.raises(waitlist.OfferGone):
            waitlist.accept(offer_id=offer.pk)  # changes nothing
        assert WaitlistOffer.objects.get(pk=offer.pk).status == "open"
        report = waitlist.offer_free_times()
    assert report.expired == 1 and len(report.offered) == 1
    assert WaitlistOffer.objects.get(pk=offer.pk).status == "expired"
    assert report.offered[0].request == second and report.offered[0].start == TEN
    first.refresh_from_db()
    assert (first.status, first.missed) == ("waiting", 1)


def test_a_declined_offer_keeps_the_place_and_passes_the_time_on(
    full_day, follow_up, tomasz, django_capture_on_commit_callbacks
):
    first = _join(1, follow_up, tomasz)
    second = _join(2, follow_up, tomasz)
    _cancel(full_day, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        waitlist.decline(offer_id=offer.pk)
    assert WaitlistOffer.objects.get(pk=offer.pk).status == "declined"
    assert WaitlistOffer.objects.get(status="open").request == second
    first.refresh_from_db()
    assert first.status == "waiting"


def test_after_three_offers_not_taken_the_request_ends_with_an_email(
    full_day, follow_up, tomasz, django_capture_on_commit_callbacks, now
):
    first = _join(1, follow_up, tomasz)
    first.missed = WaitlistRequest.MAX_MISSED - 1
    first.save()
    _cancel(full_day, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with (
        clock.pinned(now + dt.timedelta(hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = waitlist.offer_free_times()
    first.refresh_from_db()
    assert first.status == "ended" and first.end_reason == "offers not taken"
    assert report.ended == 1
    assert any("has ended" in m.subject for m in mail.outbox)


def test_leaving_withdraws_an_open_offer_and_frees_its_time(
    full_day, follow_up, tomasz, django_capture_on_commit_callbacks
):
    first = _join(1, follow_up, tomasz)
    _cancel(full_day, django_capture_on_commit_callbacks)
    waitlist.leave(request_id=first.pk)
    assert WaitlistRequest.objects.get(pk=first.pk).status == "left"
    assert WaitlistOffer.objects.get().status == "withdrawn"
    assert [s.start for s in _free(follow_up, tomasz)] == [TEN]


def test_only_times_the_person_could_still_book_when_the_hold_ends_are_offered(follow_up, now):
    # 09:30 now, 30 minutes' hold, 2 hours' notice: nothing before 12:00 today.
    today = now.date()
    request = waitlist.join(service=follow_up, practitioner=None, earliest=today,
                            latest=today, details=_person(1)).request  # fmt: skip
    report = waitlist.offer_free_times()
    assert report.offered, "Amara has free times this Monday"
    assert report.offered[0].request == request
    assert report.offered[0].start >= now + dt.timedelta(hours=2, minutes=30)


def test_requests_whose_dates_have_passed_end(follow_up, tomasz, now):
    request = _join(1, follow_up, tomasz)
    with clock.pinned(now + dt.timedelta(days=3)):
        report = waitlist.offer_free_times()
    request.refresh_from_db()
    assert (request.status, request.end_reason, report.ended) == ("ended", "dates passed", 1)


def test_an_offer_is_never_made_over_a_booking(full_day, follow_up, tomasz):
    request = _join(1, follow_up, tomasz)
    # The time is taken: asking to hold it anyway is refused and writes nothing.
    with pytest.raises(services.SlotUnavailable):
        waitlist.offer(request=request, start=TEN, practitioner="tomasz-nowak")
    assert not WaitlistOffer.objects.exists()
    assert WaitlistRequest.objects.get(pk=request.pk).status == "waiting"


# The web pages --------------------------------------------------------------------------

FORM = {
    "practitioner": "tomasz-nowak", "earliest": "2026-06-03", "latest": "2026-06-03",
    "name": "Grace Hopper", "email": "grace@example.org", "phone": "07700 900456",
    "date_of_birth": "1950-12-09", "consent": "yes",
}  # fmt: skip


def test_the_times_page_links_to_the_waitlist(client):
    html = client.get("/book/follow-up/").content.decode()
    assert "/book/follow-up/waitlist/?practitioner=any" in html


def test_joining_on_the_website_emails_a_link_to_the_place(
    client, full_day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/book/follow-up/waitlist/", FORM)
    assert response.status_code == 302 and response["Location"] == "/waitlist/joined/"
    assert "You are on the waitlist" in client.get(response["Location"]).content.decode()
    request = WaitlistRequest.objects.get()
    assert (request.email, request.phone, cast(Any, request.practitioner).slug) == (
        "grace@example.org",
        "+447700900456",
        "tomasz-nowak",
    )
    message = cast(Any, mail.outbox[-1])
    token = _token(message)
    assert token in str(message.alternatives[0][0])
    # Opening the link sets no cookie; its button makes a session and an address
    # without the token.
    opened = client.get("/waitlist/", {"token": token})
    assert opened.status_code == 200 and not opened.cookies
    assert "See or leave my place" in opened.content.decode()
    swap = client.post("/waitlist/", {"token": token})
    assert swap.status_code == 303 and token not in swap["Location"]
    page = client.get(swap["Location"])
    assert "Leave the waitlist" in page.content.decode()
    client.post(swap["Location"] + "leave")
    assert WaitlistRequest.objects.get().status == "left"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"earliest": "2026-05-31"}, "earliest", "today or a later date"),
        ({"latest": "2026-06-02"}, "latest", "on or after the first one"),
        ({"earliest": "2026-06-0x"}, "earliest", "such as"),
        ({"latest": "2026-12-31"}, "latest", "We book up to"),
        ({"email": "grace@"}, "email", "Enter an email address in the correct format"),
        ({"phone": "123"}, "phone", "UK phone number"),
        ({"consent": ""}, "consent", "privacy notice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_writes_nothing(
    client, full_day, change, field, words
):
    response = client.post("/book/follow-up/waitlist/", {**FORM, **change})
    assert response.status_code == 400
    html = response.content.decode()
    assert words in html
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|{field}-error', html)
    assert not WaitlistRequest.objects.exists()


def test_free_times_in_the_dates_are_offered_instead_of_waiting(client):
    response = client.post("/book/follow-up/waitlist/", FORM)
    assert response.status_code == 400
    html = response.content.decode()
    assert "no need to wait" in html and "/book/follow-up/details/?start=" in html
    assert not WaitlistRequest.objects.exists()


def test_open_requests_per_email_are_capped_with_generic_words(client, full_day, follow_up):
    for i in range(waitlist.MAX_OPEN_PER_EMAIL):
        _join(i, follow_up, None, email="grace@example.org")
    response = client.post("/book/follow-up/waitlist/", FORM)
    assert response.status_code == 400
    assert "cannot add this request online" in response.content.decode()
    assert WaitlistRequest.objects.count() == waitlist.MAX_OPEN_PER_EMAIL


def test_the_honeypot_writes_nothing(client, full_day):
    client.post("/book/follow-up/waitlist/", {**FORM, "website": "http://spam.example"})
    assert not WaitlistRequest.objects.exists()


def test_the_offer_link_leads_to_booking_the_time(
    client, full_day, follow_up, tomasz, django_capture_on_commit_callbacks
):
    _join(1, follow_up, tomasz)
    mail.outbox.clear()
    _cancel(full_day, django_capture_on_commit_callbacks)
    token = _token(next(m for m in mail.outbox if m.to == ["w1@example.org"]))
    opened = client.get("/waitlist/", {"token": token})
    assert opened.status_code == 200 and not opened.cookies
    assert opened["Referrer-Policy"] == "strict-origin"
    assert "Wednesday 3 June 2026 at 10am" in opened.content.decode()
    assert WaitlistOffer.objects.get().status == "open"  # opening it changes nothing
    swap = client.post("/waitlist/", {"token": token})
    assert swap.status_code == 303 and swap["Referrer-Policy"] == "no-referrer"
    page = client.get(swap["Location"])
    assert not page.cookies
    html = page.content.decode()
    assert "Wednesday 3 June 2026 at 10am" in html and "Book this time" in html
    assert page["Cache-Control"].count("no-store") == 1
    done = client.post(swap["Location"] + "accept")
    assert done.status_code == 302 and done["Location"].startswith("/book/done/")
    assert "booked" in client.get(done["Location"]).content.decode().lower()
    assert DiaryEntry.objects.filter(kind="appointment", status="confirmed", start=TEN).count() == 1


def test_waitlist_pages_need_the_session_and_a_good_token(client, full_day, follow_up, tomasz):
    _join(1, follow_up, tomasz)
    assert client.get("/waitlist/", {"token": "x" * 32}).status_code == 404
    assert client.post("/waitlist/", {"token": "x" * 32}).status_code == 404
    assert client.get("/waitlist/offer/1/").status_code == 404
    assert client.get("/waitlist/place/1/").status_code == 404
    assert client.post("/waitlist/place/1/leave").status_code == 404
    assert WaitlistRequest.objects.get().status == "waiting"


def test_the_command_reports_what_it_did(full_day, follow_up, tomasz, capsys):
    from django.core.management import call_command

    _join(1, follow_up, tomasz)
    services.booking_cancel(entry=full_day, actor="staff", staff=True)  # no on-commit here
    call_command("waitlist-offers")
    assert "1 offered" in capsys.readouterr().out
    assert WaitlistOffer.objects.get().start == TEN


def test_accepting_an_offer_keeps_to_the_cap_on_future_bookings(
    full_day, follow_up, tomasz, django_capture_on_commit_callbacks
):
    request = _join(1, follow_up, tomasz)
    for hour in (9, 10, 11):  # the cap (3) reached on Thursday with the waiting email
        services.booking_create(
            service=follow_up, practitioner=tomasz,
            start=dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(hour), BST),
            details=_person(1),
        )  # fmt: skip
    _cancel(full_day, django_capture_on_commit_callbacks)
    offer = WaitlistOffer.objects.get()
    with pytest.raises(services.TooManyBookings):
        waitlist.accept(offer_id=offer.pk)
    offer.refresh_from_db()
    assert offer.status == "open"  # nothing changed: the refusal rolled it all back
    assert WaitlistRequest.objects.get(pk=request.pk).status == "offered"
    assert not DiaryEntry.objects.filter(kind="appointment", status="confirmed", start=TEN).exists()
