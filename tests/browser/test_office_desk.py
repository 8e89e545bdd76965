"""Reception at the front desk in Chromium: a caller found by a misheard name and
booked on their record, with and without JavaScript; three records of one person flagged on the
patient page and in the list. Axe on every page and state."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from stride.booking.models import BookingDetails, Patient
from stride.office import demo

pytestmark = pytest.mark.usefixtures("now")
RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}


def _margaret(email: str = "margaret@example.org", phone: str = "+447700900456",
              name: str = "Margaret Ellis") -> Patient:  # fmt: skip
    return Patient.objects.create(name=name, email=email, phone=phone,
                                  date_of_birth=dt.date(1950, 3, 3))  # fmt: skip


def _sign_in(page, site) -> None:
    page.goto(site.url + "/office/login/")
    page.get_by_label("Username").fill("reception")
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(demo.current_code("reception"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site.url + "/office/diary/")


def _axe(page) -> None:
    results = Axe().run(page, options=RULES)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_a_caller_is_found_by_a_misheard_name_and_booked_on_their_record(browser, site,
                                                                          scripts):  # fmt: skip
    margaret = _margaret()
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=scripts)  # fmt: skip
    page = context.new_page()
    check = _axe if scripts else (lambda page: None)  # axe runs as a script
    _sign_in(page, site)
    page.get_by_role("link", name="Book for a caller").click()
    page.get_by_role("heading", name="Who is the patient?").wait_for()
    assert page.get_by_role("link", name="New patient").count() == 0  # not before a search
    page.get_by_label("Name").fill("Margret Ellis")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row", name="Margaret Ellis")
    assert "07700 900456" in row.inner_text()
    assert page.get_by_role("link", name="New patient").is_visible()
    check(page)
    row.get_by_role("link", name="Book for this patient").click()
    page.get_by_text("Booking for Margaret Ellis").wait_for()
    page.get_by_label("Service").select_option("follow-up")
    page.get_by_label("With").select_option("amara-okafor")
    page.get_by_label("Day").fill("2026-06-02")
    page.get_by_role("button", name="Show free times").click()
    assert page.get_by_label("Patient's full name").input_value() == "Margaret Ellis"
    assert page.get_by_label("UK phone number").input_value() == "07700 900456"
    assert page.get_by_label("Year").input_value() == "1950"
    check(page)
    page.get_by_label("10:00").check()
    page.get_by_role("button", name="Book and email the patient").click()
    page.get_by_text("The patient has been emailed a confirmation.").wait_for()
    booked = BookingDetails.objects.get(entry__start__date=dt.date(2026, 6, 2),
                                        name="Margaret Ellis")  # fmt: skip
    assert booked.patient_id == margaret.pk
    assert Patient.objects.filter(name="Margaret Ellis").count() == 1
    context.close()


def test_three_records_of_one_person_are_flagged_on_the_patient_page_and_list(page, site):
    first = _margaret()
    _margaret(email="m.ellis@example.org")
    _margaret(name="Margret Ellis", phone="+447700900000")
    _sign_in(page, site)
    page.goto(f"{site.url}/office/patients/?q=ellis")
    assert page.get_by_text("Likely duplicate", exact=True).count() == 3
    _axe(page)
    page.goto(f"{site.url}/office/patients/{first.pk}/")
    warning = page.get_by_role("region", name="Likely duplicate record")
    assert warning.is_visible()
    assert warning.get_by_role("link", name="Compare and merge").count() == 2
    _axe(page)
    warning.get_by_role("link", name="Compare and merge").first.click()
    page.get_by_role("heading", name="Merge").first.wait_for()
    _axe(page)
    page.watch.assert_clean()
