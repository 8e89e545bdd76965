"""The patients pages in Chromium: axe on every page and state, and reception's whole
round (search, notes, export, merge, erase) with the keyboard alone."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe

from stride import clock
from stride.booking import services
from stride.booking.models import BookingDetails, Patient, Service
from stride.office import demo
from stride.site.models import Practitioner

pytestmark = pytest.mark.usefixtures("now")
BST = dt.timezone(dt.timedelta(hours=1))
RULES = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}


def _patient(name: str, email: str, start: dt.datetime, slug: str = "tomasz-nowak") -> Patient:
    patient = Patient.objects.create(name=name, email=email, phone="+447700900111",
                                     date_of_birth=dt.date(1990, 12, 10))  # fmt: skip
    with clock.pinned(start - dt.timedelta(days=1)):
        booked = services.booking_create(
            service=Service.objects.get(slug="follow-up"),
            practitioner=Practitioner.objects.get(slug=slug), start=start,
            details=services.PatientDetails(name=name, email=email, phone=patient.phone,
                                            date_of_birth=patient.date_of_birth,
                                            reason="Heel pain"),
        )  # fmt: skip
    details = BookingDetails.objects.get(entry=booked.entry)
    made = details.patient  # a record the booking may have made itself
    BookingDetails.objects.filter(pk=details.pk).update(patient=patient)
    if made is not None and made != patient and not made.bookings.exists():
        made.delete()
    return patient


def _sign_in(page, site) -> None:
    page.goto(site.url + "/office/login/?next=/office/patients/")
    page.get_by_label("Username").fill("reception")
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(demo.current_code("reception"))
    page.get_by_role("button", name="Sign in").press("Enter")
    page.wait_for_url(site.url + "/office/patients/")


def _axe(page) -> None:
    results = Axe().run(page, options=RULES)
    assert results.violations_count == 0, results.generate_report()


def test_reception_works_through_the_patients_pages_by_keyboard(page, site):
    ada = _patient("Ada Lovelace", "ada@example.org", dt.datetime(2026, 5, 20, 10, tzinfo=BST))
    again = _patient("Ada Lovelace", "ada.work@example.org",
                     dt.datetime(2026, 5, 21, 10, tzinfo=BST))  # fmt: skip
    _patient("Ben Nevis", "ben@example.org", dt.datetime(2026, 6, 2, 10, tzinfo=BST))
    _sign_in(page, site)
    _axe(page)

    page.get_by_label("Name, email, phone or date of birth").fill("31/02/1990")
    page.keyboard.press("Enter")
    page.get_by_text("There is no such date").wait_for()
    _axe(page)
    page.get_by_label("Name, email, phone or date of birth").fill("ada.work@example.org")
    page.keyboard.press("Enter")
    page.get_by_text("1 patient found.").wait_for()
    page.get_by_role("link", name="Ada Lovelace", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/office/patients/{again.pk}/")
    _axe(page)

    page.get_by_label("Notes for staff").fill("Prefers mornings")
    page.get_by_role("button", name="Save notes").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Notes saved.").wait_for()

    page.get_by_role("link", name="Everything we hold (printable)").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Bookings (1)").wait_for()
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    _axe(page)

    page.goto(f"{site.url}/office/patients/{again.pk}/merge/?q=Ada")
    _axe(page)
    page.get_by_role("link", name="Compare and merge").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Merge these two records?").wait_for()
    _axe(page)
    page.get_by_role("button", name="Merge the records").focus()
    page.keyboard.press("Enter")  # nothing chosen: the error, next to the choice
    page.locator("#keep-error").wait_for()
    _axe(page)
    page.get_by_role("radio", name=f"Keep patient:{ada.pk}").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Merge the records").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Records merged: 1 booking(s) moved").wait_for()
    assert page.url == f"{site.url}/office/patients/{ada.pk}/"
    assert BookingDetails.objects.filter(patient=ada).count() == 2

    page.get_by_role("link", name="Erase personal data").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Erase Ada Lovelace's personal data?").wait_for()
    _axe(page)
    page.get_by_role("button", name="Erase personal data").focus()
    page.keyboard.press("Enter")
    page.locator("#confirm-error").wait_for()
    _axe(page)
    page.get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Erase personal data").focus()
    page.keyboard.press("Enter")
    page.get_by_text(f"Personal data erased (patient:{ada.pk})").wait_for()
    assert not Patient.objects.filter(pk=ada.pk).exists()
    _axe(page)
    page.watch.assert_clean()


def test_erasing_someone_with_a_booking_ahead_says_what_to_do(page, site):
    ben = _patient("Ben Nevis", "ben@example.org", dt.datetime(2026, 6, 2, 10, tzinfo=BST))
    _sign_in(page, site)
    page.goto(f"{site.url}/office/patients/{ben.pk}/erase/")
    page.get_by_text("Not erased: Ben Nevis has 1 booking still to come.").wait_for()
    assert page.get_by_role("button", name="Erase personal data").count() == 0
    _axe(page)
    page.watch.assert_clean()
