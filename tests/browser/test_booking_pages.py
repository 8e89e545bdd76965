"""The manage page in a real browser: accessible, no CSP errors, usable by keyboard."""

import datetime as dt
import json

from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from stride import clock

BODY = {
    "service": "follow-up", "practitioner": "tomasz-nowak",
    "patient": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "07700 900123",
                "date_of_birth": "1990-12-10"},
    "consent": True,
}  # fmt: skip


def test_the_manage_page_is_accessible_and_moves_a_booking_by_keyboard(page, site):
    day = (clock.now() + dt.timedelta(days=3)).date().isoformat()
    start = (
        Client()
        .get(
            "/api/slots",
            {"service": "follow-up", "practitioner": "tomasz-nowak", "from": day, "to": day},
        )
        .json()["slots"][0]["start"]
    )
    booked = Client().post("/api/bookings", data=json.dumps({**BODY, "start": start}),
                           content_type="application/json").json()  # fmt: skip
    link = booked["manage_url"].replace("http://127.0.0.1:8000", site.url)
    page.goto(link)
    assert not page.context.cookies(), "opening the emailed link sets no cookie"
    page.get_by_role("heading", name="Your appointment").wait_for()
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("button", name="Change or cancel this appointment").click()
    page.get_by_role("button", name="Move my appointment").wait_for()
    assert page.url.endswith(f"/bookings/manage/{booked['reference']}/")
    assert booked["manage_token"] not in page.url
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("radio").first.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Move my appointment").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Your appointment has moved").wait_for()
    page.watch.assert_clean()


def test_a_bookmarked_manage_page_without_a_session_sends_the_link_again(page, site):
    page.goto(site.url + "/bookings/manage/K7P-4QD/")
    page.get_by_role("heading", name="Your appointment").wait_for()
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    assert results.violations_count == 0, results.generate_report()
    assert page.get_by_label("Booking reference").input_value() == "K7P-4QD"
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send me the link").click()
    page.get_by_role(
        "link", name="Enter an email address in the correct format, like name@example.com"
    ).click()  # the summary's link goes to the field
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_role("button", name="Send me the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert not page.context.cookies()
    page.watch.assert_clean()


def test_booking_online_works_without_javascript_and_passes_axe(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/book/")
    page.get_by_role("link", name="Follow-up appointment").click()
    page.get_by_role("heading", level=1).wait_for()
    page.get_by_role("link", name="Earliest:").click()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("UK phone number").fill("07700 900123")
    page.get_by_label("Date of birth").fill("1990-12-10")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Book this appointment").click()
    page.get_by_role("heading", name="Your appointment is booked").wait_for()
    context.close()


def test_the_booking_pages_pass_axe(page, site):
    for path in ("/book/", "/book/follow-up/"):
        page.goto(site.url + path)
        results = Axe().run(
            page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
        )
        assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Earliest:").click()
    page.get_by_role("button", name="Book this appointment").click()  # empty: errors shown
    page.get_by_role("alert").wait_for()
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    assert results.violations_count == 0, results.generate_report()
    page.watch.assert_clean()
