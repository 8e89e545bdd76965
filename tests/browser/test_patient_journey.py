"""The whole patient journey in Chromium on a 360 x 640 phone, with JavaScript and
without: an article, the symptom check, booking with the shared summary, the emailed
link, a move to another day, and the practitioner's diary showing the booking at its
new time with the summary. Everything is found by role and accessible name; each step
is kept as a screenshot at 360 and 1280 px (in ``STRIDE_ARTIFACTS``/journey)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail

from stride.assessment.tests.test_questionnaire import DANCER
from stride.booking import selectors
from stride.booking.models import DiaryEntry
from stride.knowledge import assessment_kb
from tests.browser.forms import DEE, fill_patient
from tests.browser.test_office_pages import _sign_in
from tests.browser.test_questionnaire_pages import _answer, _click_and_wait

AXE = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
PHONE = {"width": 360, "height": 640}
ARTIFACTS = Path(os.environ.get("STRIDE_ARTIFACTS", "var/artifacts")) / "journey"
# A time button or link: "9am on Friday 5 June", "2:30pm on Monday 8 June".
A_TIME = re.compile(r"^(\d{1,2}(:\d\d)?(am|pm)|midday) on \w+day \d{1,2} \w+$")


def _step(page, name: str) -> None:
    """axe finds nothing, no sideways scrolling at 360 px, screenshots at both widths."""
    if page.context.scripts:
        results = Axe().run(page, options=AXE)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), name
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    mode = "js" if page.context.scripts else "nojs"
    page.screenshot(path=str(ARTIFACTS / f"{mode}-{name}-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / f"{mode}-{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_from_an_article_to_a_booking_moved_by_its_emailed_link_and_seen_in_the_diary(
    browser, site, scripts
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=scripts,
                                  has_touch=True)  # fmt: skip
    context.scripts = scripts
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # An article, then its symptom check.
    page.goto(site.url + "/conditions/posterior-ankle-impingement/")
    page.get_by_role("heading", level=1).wait_for()
    _step(page, "1-article")
    page.get_by_role("link", name="Check your symptoms").click()
    page.get_by_label("Age in years").fill("27")
    page.get_by_label("Female", exact=True).check()
    _step(page, "2-symptom-check-start")
    _click_and_wait(page, page.get_by_role("button", name="Start"))
    page.get_by_label(assessment_kb.wording()["loc.ankle_back"]["yes"]).check()
    _click_and_wait(page, page.get_by_role("button", name="Next"))
    _step(page, "3-symptom-check-question")
    _answer(page, DANCER, check_each=False)
    assert page.get_by_role("heading", name="Your results").is_visible()
    _step(page, "4-results")

    # Booking, with the summary shared.
    page.get_by_role("button", name="Book an appointment about this").click()
    page.get_by_role("button", name=A_TIME).first.wait_for()
    # A day some days ahead, so that the booking can still be moved online.
    month = page.get_by_role("table", name=re.compile(r"^\w+ 20\d\d"))
    later = month.get_by_role("button").nth(3)
    day_name = later.text_content().strip()
    later.click()
    page.get_by_role("heading", name=re.compile(rf"^\w+day {re.escape(day_name)}$")).wait_for()
    _step(page, "5-times")
    page.get_by_role("button", name=A_TIME).first.click()
    page.get_by_role("heading", name="Your details").wait_for()
    fill_patient(page, DEE)
    page.get_by_label("Share this summary with the practitioner").check()
    page.get_by_label(re.compile("I have read the")).check()
    _step(page, "6-details")
    page.get_by_role("button", name="Book this appointment").click()
    page.get_by_role("heading", name="Your appointment is booked").wait_for()
    _step(page, "7-booked")
    entry = DiaryEntry.objects.select_related("details").get(kind="appointment")
    first_start = entry.start
    assert entry.details.assessment_record  # shared as data for the practitioner's table

    # The emailed link, a day later on the same phone: open, then move.
    confirmation = [m for m in mail.outbox if "dee@example.org" in m.to][-1]
    found = re.search(r"https?://\S+/bookings/manage/\S+", str(confirmation.body))
    assert found, confirmation.body
    link = found.group(0)
    assert link.startswith(site.url)
    page.goto(link)
    _step(page, "8-emailed-link")
    page.get_by_role("button", name="Change or cancel this appointment").click()
    page.get_by_role("heading", name="Move it to another time").wait_for()
    _step(page, "9-manage")
    month = page.get_by_role("table", name=re.compile(r"^\w+ 20\d\d"))
    other_day = month.get_by_role("link").filter(has_not=page.locator("[aria-current]"))
    chosen = other_day.nth(1)
    day_name = chosen.text_content().strip()
    chosen.click()
    if scripts:
        page.wait_for_function("() => document.activeElement.id === 'picker-day'")
    page.get_by_role("heading", name=re.compile(rf"^\w+day {re.escape(day_name)}$")).wait_for()
    page.get_by_role("radio").first.check()
    _step(page, "10-new-time")
    page.get_by_role("button", name="Move my appointment").click()
    page.get_by_text("Your appointment has moved").wait_for()
    _step(page, "11-moved")
    entry.refresh_from_db()
    assert entry.start != first_start and entry.status == "confirmed"
    assert errors == []
    context.close()

    # The practitioner's diary at the new time, with the summary as a table.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    staff = desk.new_page()
    _sign_in(staff, site, "reception")
    local = entry.start.astimezone(selectors.clinic_zone())
    staff.goto(f"{site.url}/office/diary/?day={local.date().isoformat()}")
    # On the grid the appointment's link names its time and the patient, as text.
    booking = staff.get_by_role(
        "link", name=re.compile(rf"^{local:%H:%M}\u2013\d\d:\d\d Dee Dancer$")
    )
    booking.click()
    assert local.strftime("%H:%M") in staff.locator("main").inner_text()
    staff.get_by_role("heading", name="Symptom check summary").wait_for()
    table = staff.get_by_role("table", name=re.compile("Answers to the symptom check"))
    assert table.get_by_role("row").count() > 3
    staff.screenshot(path=str(ARTIFACTS / f"{'js' if scripts else 'nojs'}-12-diary-1280.png"),
                     full_page=True)  # fmt: skip
    desk.close()
