"""The manage page in a real browser: accessible, no CSP errors, usable by keyboard."""

import datetime as dt
import json
import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.test import Client
from icalendar import Calendar  # type: ignore[import-untyped]

from stride import clock
from stride.booking.models import DiaryEntry
from tests.browser.forms import fill_patient

AXE = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
ARTIFACTS = Path(os.environ.get("STRIDE_ARTIFACTS", "var/artifacts")) / "booking"

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
    fill_patient(page)
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


def _book_on_the_website(page, site) -> DiaryEntry:
    # A day some days ahead, so the booking is still open to changes online.
    first = (clock.now() + dt.timedelta(days=4)).date()
    last = first + dt.timedelta(days=14)
    asked = {"service": "follow-up", "from": first.isoformat(), "to": last.isoformat()}
    slots = Client().get("/api/slots", asked).json()["slots"]
    page.goto(site.url + f"/book/follow-up/?day={slots[0]['start'][:10]}")
    page.locator("#picker a.slot").first.click()
    fill_patient(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Book this appointment").click()
    page.get_by_role("heading", name="Your appointment is booked").wait_for()
    return DiaryEntry.objects.get(kind="appointment")


def _keep(page, name: str, width: int) -> None:
    """No sideways scrolling at this width, and a screenshot kept for review."""
    page.set_viewport_size({"width": width, "height": 800})
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{name} scrolls sideways at {width}px"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def test_the_confirmation_page_adds_the_appointment_to_a_calendar(page, site):
    entry = _book_on_the_website(page, site)
    results = Axe().run(page, options=AXE)
    assert results.violations_count == 0, results.generate_report()
    assert "ada@example.com" in page.locator("main .lede").inner_text()
    assert "move or cancel online until" in page.locator("main").inner_text()
    assert page.get_by_role("heading", name="Add it to your calendar").is_visible()
    for name, site_address in (("Google Calendar", "https://calendar.google.com/"),
                               ("Outlook.com", "https://outlook.live.com/")):  # fmt: skip
        link = page.get_by_role("link", name=name)
        assert (link.get_attribute("href") or "").startswith(site_address)
        assert link.get_attribute("rel") == "noopener noreferrer"
    _keep(page, "done", 1280)
    _keep(page, "done", 360)
    with page.expect_download() as started:
        page.get_by_role("link", name="Calendar file (.ics)").click()
    download = started.value
    assert download.suggested_filename == "appointment.ics"
    event = next(iter(Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")))
    assert event["dtstart"].dt == entry.start
    assert str(event["uid"]) == entry.calendar_uid
    page.watch.assert_clean()  # nothing was asked of Google or Outlook


def test_the_confirmation_email_reads_on_a_phone_and_fetches_nothing(browser, site, page):
    _book_on_the_website(page, site)
    (message,) = [m for m in mail.outbox if m.subject.startswith("Your appointment at")]
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "confirmation-email.html").write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 360, "height": 640})
    reader = context.new_page()
    fetched: list[str] = []
    reader.on("request", lambda request: fetched.append(request.url))
    reader.set_content(html)
    assert fetched == [], "an email that fetches something tells the sender it was read"
    assert reader.get_by_role("heading", name="Your appointment is booked").is_visible()
    results = Axe().run(reader, options=AXE)
    assert results.violations_count == 0, results.generate_report()
    wide = reader.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, "the email scrolls sideways on a phone"
    reader.screenshot(path=str(ARTIFACTS / "confirmation-email-360.png"), full_page=True)
    context.close()


def test_the_home_page_links_what_we_treat_to_the_articles(page, site):
    page.goto(site.url + "/")
    results = Axe().run(page, options=AXE)
    assert results.violations_count == 0, results.generate_report()
    treats = page.get_by_role("region", name="What we treat")
    assert treats.get_by_role("link").count() == 8
    _keep(page, "home", 1280)
    _keep(page, "home", 360)
    treats.get_by_role("link", name="Bunions and stiff big toes").click()
    page.get_by_role("heading", level=1, name="Bunion (hallux valgus)").wait_for()
    page.watch.assert_clean()
