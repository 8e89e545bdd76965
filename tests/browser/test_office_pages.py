"""The back office in Chromium: signing in with the second factor, and every diary
page accessible (axe) and usable with the keyboard, under the strict CSP."""

from __future__ import annotations

import datetime as dt

from axe_playwright_python.sync_playwright import Axe

from stride import clock
from stride.booking import services
from stride.booking.models import Service
from stride.office import demo
from stride.site.models import Practitioner

AXE = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}


def _sign_in(page, site, username: str = "reception") -> None:
    page.goto(site.url + "/office/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(demo.current_code(username))
    page.get_by_label("Code from your authenticator app").press("Enter")
    page.wait_for_url(site.url + "/office/diary/")


def _axe(page) -> None:
    results = Axe().run(page, options=AXE)
    assert results.violations_count == 0, results.generate_report()


def test_the_diary_pages_pass_axe_and_show_a_booking(page, site):
    start = clock.now() + dt.timedelta(days=1)
    day = start.date()
    slot = services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="amara-okafor"),
        start=start.replace(hour=10, minute=0, second=0, microsecond=0), staff=True,
        details=services.PatientDetails(name="Ada Patient", email="ada@example.org",
                                        phone="+447700900123", date_of_birth=dt.date(1980, 1, 1),
                                        assessment_summary="Self-assessment: heel."),
    ).entry  # fmt: skip
    _sign_in(page, site)
    _axe(page)
    for path in (f"/office/diary/?day={day}", f"/office/diary/week/?day={day}",
                 f"/office/entries/{slot.pk}/", f"/office/entries/{slot.pk}/cancel/",
                 f"/office/entries/{slot.pk}/move/", "/office/bookings/new/?service=follow-up"
                 f"&practitioner=amara-okafor&day={day}", "/office/blocks/new/",
                 "/office/waitlist/", "/office/reports/", "/office/patients/"):  # fmt: skip
        page.goto(site.url + path)
        _axe(page)
    page.goto(f"{site.url}/office/diary/?day={day}")
    assert page.get_by_role("link", name="Ada Patient").is_visible()
    page.get_by_text("Ada Patient (Amara Okafor)").click()  # the day's shared summaries
    assert page.get_by_text("Self-assessment: heel.").is_visible()
    page.watch.assert_clean()


def test_a_booking_is_cancelled_with_the_keyboard(page, site):
    start = (clock.now() + dt.timedelta(days=1)).replace(hour=11, minute=0, second=0,
                                                           microsecond=0)  # fmt: skip
    slot = services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="amara-okafor"), start=start, staff=True,
        details=services.PatientDetails(name="Ben Patient", email="ben@example.org",
                                        phone="+447700900123", date_of_birth=dt.date(1980, 1, 1)),
    ).entry  # fmt: skip
    _sign_in(page, site)
    page.goto(f"{site.url}/office/entries/{slot.pk}/cancel/")
    page.get_by_label("Booked in error").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Cancel the appointment").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Cancelled. The patient has been emailed.").wait_for()
    slot.refresh_from_db()
    assert slot.status == "cancelled"


def test_attendance_is_marked_in_place_from_the_days_list(page, site):
    start = clock.now().replace(hour=10, minute=0, second=0, microsecond=0)
    slot = services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="amara-okafor"), start=start, staff=True,
        details=services.PatientDetails(name="Cara Patient", email="cara@example.org",
                                        phone="+447700900123", date_of_birth=dt.date(1980, 1, 1)),
    ).entry  # fmt: skip
    with clock.pinned(start + dt.timedelta(minutes=40)):  # the appointment has started
        _sign_in(page, site)
        page.goto(f"{site.url}/office/diary/?day={start.date()}")
        before = page.url
        card = page.locator(f"#card-{slot.pk}")
        card.locator("button", has_text="Attended").click()
        card.locator("[aria-pressed=true]").wait_for()
        assert page.url == before  # swapped in place, no new page
        page.wait_for_function(
            "() => document.activeElement.getAttribute('aria-pressed') === 'true'", timeout=5000
        )
        slot.refresh_from_db()
        assert slot.status == "attended"
        _axe(page)
    page.watch.assert_clean()
