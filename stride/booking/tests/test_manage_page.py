"""The emailed manage link: opening it sets no cookie; its button turns the token into a
session and an address without it; that address, without the session, explains how to
get back in and sends the link again on request."""

import json
import re

import pytest
from django.core import mail
from django.test import Client

from stride.booking.models import DiaryEntry, ExtraManageToken

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")

BODY = {
    "service": "follow-up", "practitioner": "tomasz-nowak", "start": "2026-06-03T10:00:00+01:00",
    "patient": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
                "date_of_birth": "1990-12-10"},
    "consent": True,
}  # fmt: skip
SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}


@pytest.fixture
def booked(client):
    return client.post("/api/bookings", data=json.dumps(BODY),
                       content_type="application/json").json()  # fmt: skip


def path_of(url: str) -> str:
    return url.split("8000", 1)[1]


def form_token(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "the page has a protected form"
    return found.group(1)


def form_fields(html: str) -> dict[str, str]:
    """What a form behind the session carries: the form token and the session's secret."""
    found = re.search(r'name="session_check" value="([^"]+)"', html)
    assert found, "the form carries the session's own secret"
    return {"form_token": form_token(html), "session_check": found.group(1)}


def open_link(browser: Client, url: str) -> str:
    """Open the emailed link and press its button, as a patient does: the page's URL."""
    page = browser.get(path_of(url))
    assert page.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode())
    assert token
    fields = {"token": token.group(1), "form_token": form_token(page.content.decode())}
    pressed = browser.post("/bookings/manage/", fields, headers=SAME_SITE)
    assert pressed.status_code == 303
    return pressed["Location"]


def test_opening_the_link_shows_the_booking_and_sets_no_cookie(booked):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path_of(booked["manage_url"]))
    assert page.status_code == 200
    assert not page.cookies, "a GET (also a mail scanner's) sets no cookie"
    html = page.content.decode()
    assert "Wednesday 3 June 2026 at 10am" in html
    assert "Change or cancel this appointment" in html
    assert page["Referrer-Policy"] == "strict-origin"
    assert "no-store" in page["Cache-Control"]
    assert DiaryEntry.objects.get().status == "confirmed"  # nothing changed


def test_the_button_swaps_the_token_for_a_session_and_an_address_without_it(booked):
    browser = Client(enforce_csrf_checks=True)
    location = open_link(browser, booked["manage_url"])
    assert location == f"/bookings/manage/{booked['reference']}/"
    assert booked["manage_token"] not in location
    page = browser.get(location)
    assert page.status_code == 200
    assert not page.cookies, "the manage page itself sets no cookie"
    html = page.content.decode()
    assert "Move my appointment" in html
    assert booked["manage_token"] not in html
    assert page["Referrer-Policy"] == "same-origin"


def test_the_link_keeps_working_after_the_session_has_ended(booked):
    browser = Client(enforce_csrf_checks=True)
    open_link(browser, booked["manage_url"])
    browser.cookies.clear()  # the session has ended (or another device), the link has not
    page = browser.get(f"/bookings/manage/{booked['reference']}/")
    assert "open the link in your confirmation or reminder email" in page.content.decode()
    assert open_link(Client(), booked["manage_url"]) == f"/bookings/manage/{booked['reference']}/"


def test_a_wrong_token_explains_and_offers_to_resend(client, booked):
    response = client.get("/bookings/manage/", {"token": "x" * 32})
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert "Send me the link" in response.content.decode()
    posted = client.post("/bookings/manage/", {"token": "x" * 32})
    assert posted.status_code == 404
    assert not posted.cookies


def test_the_address_without_a_link_says_how_to_get_in(client):
    response = client.get("/bookings/manage/")
    assert response.status_code == 200 and not response.cookies
    html = response.content.decode()
    assert "This link does not work" not in html and "Send me the link" in html


def test_a_bookmark_without_a_session_explains_how_to_get_back_in(booked):
    page = Client(enforce_csrf_checks=True).get(f"/bookings/manage/{booked['reference']}/")
    assert page.status_code == 200
    assert not page.cookies
    html = page.content.decode()
    assert "open the link in your confirmation or reminder email" in html
    assert f'value="{booked["reference"]}"' in html  # the reference, filled in
    assert "Wednesday" not in html  # nothing about the booking without the link


def test_the_page_moves_and_cancels_the_booking(booked):
    browser = Client(enforce_csrf_checks=True)
    url = open_link(browser, booked["manage_url"])
    html = browser.get(url).content.decode()
    assert 'value="2026-06-03T11:00:00+01:00"' in html
    response = browser.post(url + "reschedule", {"start": "2026-06-03T11:00:00+01:00",
                            **form_fields(html)}, headers=SAME_SITE)  # fmt: skip
    assert response.status_code == 303
    assert DiaryEntry.objects.get().start.isoformat() == "2026-06-03T10:00:00+00:00"
    after = browser.get(response["Location"])
    assert "has moved" in after.content.decode()
    assert not after.cookies
    # The new time for the patient's calendar: the file updates the event already there.
    assert "Update your calendar" in after.content.decode()
    ics = browser.get(url + "appointment.ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"DTSTART:20260603T100000Z" in ics.content and b"SEQUENCE:1" in ics.content
    assert Client().get(url + "appointment.ics").status_code == 404  # only with the session
    # One tap never cancels: the first post asks, the confirmation's own post cancels.
    asked = browser.post(url + "cancel", form_fields(after.content.decode()), headers=SAME_SITE)
    assert asked.status_code == 200 and DiaryEntry.objects.get().status == "confirmed"
    question = asked.content.decode()
    assert "Are you sure you want to cancel your appointment?" in question
    assert "No, keep my appointment" in question
    browser.post(url + "cancel", {**form_fields(question), "confirm": "yes"}, headers=SAME_SITE)
    assert DiaryEntry.objects.get().status == "cancelled"


def test_moving_offers_the_whole_horizon_with_the_booking_page_picker(booked):
    browser = Client(enforce_csrf_checks=True)
    url = open_link(browser, booked["manage_url"])
    html = browser.get(url).content.decode()
    assert re.search(r'<h3 id="picker-day" [^>]*>Wednesday 3 June</h3>', html)  # its own day
    assert 'value="2026-06-03T10:00:00+01:00"' not in html  # not its own time
    assert '<a href="?month=2026-07" class="month-step"' in html
    late = browser.get(url, {"day": "2026-08-20"}).content.decode()  # 11 weeks on
    assert 'name="start" value="2026-08-20T09:00:00+01:00"' in late
    assert '<a href="?day=2026-08-20" class="day" data-picker="day" aria-current="true">' in late
    assert "Next month" not in late and "Previous month, July 2026" in late
    assert "Move my appointment" in late
    moved = browser.post(url + "reschedule", {"start": "2026-08-20T09:00:00+01:00",
                         **form_fields(late)}, headers=SAME_SITE)  # fmt: skip
    assert moved["Location"].endswith("?result=moved")
    assert DiaryEntry.objects.get().start.isoformat() == "2026-08-20T08:00:00+00:00"


def test_htmx_gets_the_managed_picker_alone(booked):
    browser = Client()
    url = open_link(browser, booked["manage_url"])
    part = browser.get(url, {"day": "2026-06-04"}, headers={"HX-Request": "true"})
    html = part.content.decode()
    assert html.lstrip().startswith('<div id="picker"') and "<html" not in html
    assert 'name="start" value="2026-06-04T09:00:00+01:00"' in html
    assert "Move my appointment" in html
    assert "no-store" in part["Cache-Control"]


def test_forms_on_the_page_refuse_a_post_from_elsewhere(booked):
    browser = Client(enforce_csrf_checks=True)
    url = open_link(browser, booked["manage_url"])
    fields = form_fields(browser.get(url).content.decode())
    cross = browser.post(url + "cancel", fields, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    assert browser.post(url + "cancel").status_code == 403  # no form token
    # A form token anyone can fetch from a public page is not enough: the form must
    # carry this session's own secret.
    public = form_token(Client().get("/bookings/manage/AAA-AAA/").content.decode())
    borrowed = browser.post(url + "cancel", {"form_token": public}, headers=SAME_SITE)
    assert borrowed.status_code == 403
    wrong = {**fields, "session_check": "x" * 22}
    assert browser.post(url + "cancel", wrong, headers=SAME_SITE).status_code == 403
    assert DiaryEntry.objects.get().status == "confirmed"
    confirmed = {**fields, "confirm": "yes"}
    assert browser.post(url + "cancel", confirmed, headers=SAME_SITE).status_code == 303
    assert DiaryEntry.objects.get().status == "cancelled"


def test_an_ended_session_says_so_on_the_way_back_in(booked):
    page = Client().get(f"/bookings/manage/{booked['reference']}/", {"result": "signed_out"})
    assert "this page closes after an hour" in page.content.decode()


def test_an_unknown_result_code_in_the_address_says_nothing(booked):
    browser = Client()
    url = open_link(browser, booked["manage_url"])
    html = browser.get(url, {"result": "<script>x</script>"}).content.decode()
    assert "<script>x" not in html and "message-" not in html


@pytest.fixture
def resend(client: Client, django_capture_on_commit_callbacks):
    """Ask for the link again (emails go after the transaction commits)."""

    def ask(reference: str, email: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/bookings/manage/resend/", {"reference": reference,
                                                             "email": email})  # fmt: skip

    return ask


def test_the_link_is_sent_again_to_the_booking_address_only(resend, booked):
    mail.outbox.clear()
    response = resend(booked["reference"].lower().replace("-", " "), "ADA@Example.com")
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ada@example.com"]
    assert booked["reference"] in sent.subject
    link = re.search(r"http://\S+/bookings/manage/\?token=\S+", str(sent.body))
    assert link and booked["manage_token"] not in link.group(0)
    assert ExtraManageToken.objects.count() == 1
    assert open_link(Client(), link.group(0)) == f"/bookings/manage/{booked['reference']}/"


def test_a_resend_answers_the_same_whether_or_not_it_matches(resend, booked):
    mail.outbox.clear()
    matched = resend(booked["reference"], "ada@example.com").content.decode()
    wrong_email = resend(booked["reference"], "eve@example.com").content.decode()
    wrong_ref = resend("AAA-AAA", "ada@example.com").content.decode()
    assert matched.replace(booked["reference"], "X") == wrong_email.replace(
        booked["reference"], "X") == wrong_ref.replace("AAA-AAA", "X")  # fmt: skip
    assert len(mail.outbox) == 1


def test_a_resend_with_bad_input_says_what_to_fix_and_sends_nothing(resend, booked):
    mail.outbox.clear()
    response = resend("not a reference", "not-an-email")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#reference"' in html and 'href="#email"' in html
    assert "like name@example.com" in html
    assert not mail.outbox


def test_a_booking_gets_at_most_three_links_an_hour_and_strangers_cannot_lock_it(resend, booked):
    mail.outbox.clear()
    for _ in range(10):  # a stranger's wrong guesses
        assert resend(booked["reference"], "eve@example.com").status_code == 200
    answers = [resend(booked["reference"], "ada@example.com").status_code for _ in range(5)]
    assert answers == [200] * 5  # the same answer, but no more than three emails
    assert len(mail.outbox) == 3
    for _ in range(5):
        resend(booked["reference"], "eve@example.com")
    assert resend(booked["reference"], "ada@example.com").status_code == 429  # the 21st


def test_the_link_is_looked_up_and_sent_only_after_the_answer_has_gone(rf, booked):
    from stride.booking import linkpages

    request = rf.post("/bookings/manage/resend/",
                      {"reference": booked["reference"], "email": "ada@example.com"})  # fmt: skip
    request._dont_enforce_csrf_checks = True
    response = linkpages.resend(request)
    assert response.status_code == 200
    assert not ExtraManageToken.objects.exists()  # nothing looked up or sent yet
    from django.core.signals import request_finished
    from django.db import close_old_connections

    request_finished.disconnect(close_old_connections)  # as Django's test client does
    try:
        response.close()  # the server has sent it
    finally:
        request_finished.connect(close_old_connections)
    assert ExtraManageToken.objects.count() == 1


def test_a_cancelled_booking_gets_no_new_link(resend, booked):
    DiaryEntry.objects.update(status="cancelled")
    mail.outbox.clear()
    assert resend(booked["reference"], "ada@example.com").status_code == 200
    assert not mail.outbox
