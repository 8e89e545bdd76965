"""The public site sets no cookie on any GET, and its forms are protected without one:
a signed, expiring token in the form and the browser's own word that the POST came
from this site (Sec-Fetch-Site, Origin)."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import Client

from stride.booking.models import DiaryEntry
from stride.web import formguard

pytestmark = pytest.mark.usefixtures("demo_clinic", "now")  # Mon 1 June 2026 09:30 BST

START = "2026-06-02T10:00:00+01:00"
DETAILS = "/book/follow-up/details/?start=2026-06-02T10:00:00%2B01:00&practitioner=tomasz-nowak"
FORM = {"start": START, "practitioner": "tomasz-nowak", "submission": "s-1",
        "name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
        "date_of_birth": "1990-12-10", "consent": "yes"}  # fmt: skip


def token_in(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "the form carries its token"
    return found.group(1)


@pytest.mark.parametrize(
    "url",
    ["/assessment/", "/assessment/?region=ankle", "/book/follow-up/", DETAILS,
     "/book/follow-up/waitlist/", "/", "/conditions/", "/search/?q=heel",
     "/bookings/manage/K7P-4QD/"],
)  # fmt: skip
def test_no_public_get_sets_a_cookie(url: str) -> None:
    response = Client(enforce_csrf_checks=True).get(url)
    assert response.status_code == 200
    assert not response.cookies, f"{url} set {list(response.cookies)}"


def test_a_form_posted_from_our_page_books(client: Client) -> None:
    browser = Client(enforce_csrf_checks=True)
    token = token_in(browser.get(DETAILS).content.decode())
    same_site = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    response = browser.post(DETAILS, {**FORM, "form_token": token}, headers=same_site)
    assert response.status_code == 302
    assert DiaryEntry.objects.filter(kind="appointment").count() == 1


@pytest.mark.parametrize(
    ("headers", "token"),
    [
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, "good"),
        ({"HTTP_ORIGIN": "https://evil.example"}, "good"),
        ({}, ""),
        ({}, "forged"),
        ({}, "expired"),
    ],
)
def test_a_forged_cross_site_or_stale_post_changes_nothing(headers, token, monkeypatch) -> None:
    browser = Client(enforce_csrf_checks=True)
    good = token_in(browser.get(DETAILS).content.decode())
    value = {"good": good, "": "", "forged": good[:-2] + "xx", "expired": good}[token]
    if token == "expired":
        monkeypatch.setattr(formguard, "MAX_AGE", -1)
    response = browser.post(DETAILS, {**FORM, "form_token": value}, **headers)
    assert response.status_code == 403
    assert "did not come from our website" in response.content.decode()
    assert DiaryEntry.objects.count() == 0


def test_the_symptom_check_posts_with_its_token_and_sets_no_cookie_until_advice() -> None:
    browser = Client(enforce_csrf_checks=True)
    token = token_in(browser.get("/assessment/").content.decode())
    started = browser.post("/assessment/", {"age": "30", "sex": "female", "region": "ankle",
                                            "form_token": token})  # fmt: skip
    assert started.status_code == 200
    assert not started.cookies
    assert browser.post("/assessment/", {"age": "30", "region": "ankle"}).status_code == 403


def test_tokens_are_signed_for_public_forms_only() -> None:
    other = signing.TimestampSigner(salt="something-else").sign("x")
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/assessment/", {"age": "30", "region": "ankle", "form_token": other})
    assert response.status_code == 403
