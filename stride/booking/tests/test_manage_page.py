"""The emailed manage link: the token becomes a session, then the page works without it."""

import json

import pytest

from stride.booking.models import DiaryEntry

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")

BODY = {
    "service": "follow-up", "practitioner": "tomasz-nowak", "start": "2026-06-03T10:00:00+01:00",
    "patient": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
                "date_of_birth": "1990-12-10"},
    "consent": True,
}  # fmt: skip


@pytest.fixture
def booked(client):
    return client.post("/api/bookings", data=json.dumps(BODY),
                       content_type="application/json").json()  # fmt: skip


def test_the_link_swaps_the_token_for_a_session_and_an_address_without_it(client, booked):
    response = client.get(booked["manage_url"].split("8000", 1)[1])
    assert response.status_code == 302
    assert response["Location"] == f"/bookings/manage/{booked['reference']}/"
    assert booked["manage_token"] not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wednesday 3 June 2026 at 10:00" in html
    assert booked["manage_token"] not in html
    assert page["Referrer-Policy"] == "same-origin"


def test_a_wrong_token_or_no_session_is_404(client, booked):
    assert client.get("/bookings/manage/", {"token": "x" * 32}).status_code == 404
    assert client.get(f"/bookings/manage/{booked['reference']}/").status_code == 404


def test_the_page_moves_and_cancels_the_booking(client, booked):
    client.get(booked["manage_url"].split("8000", 1)[1])
    url = f"/bookings/manage/{booked['reference']}/"
    html = client.get(url).content.decode()
    assert 'value="2026-06-03T11:00:00+01:00"' in html
    response = client.post(url + "reschedule", {"start": "2026-06-03T11:00:00+01:00"})
    assert response.status_code == 302
    assert DiaryEntry.objects.get().start.isoformat() == "2026-06-03T10:00:00+00:00"
    assert "has moved" in client.get(url).content.decode()
    client.post(url + "cancel")
    assert DiaryEntry.objects.get().status == "cancelled"


def test_forms_on_the_page_need_the_csrf_token(booked):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.get(booked["manage_url"].split("8000", 1)[1])
    response = strict.post(f"/bookings/manage/{booked['reference']}/cancel")
    assert response.status_code == 403
    assert DiaryEntry.objects.get().status == "confirmed"
