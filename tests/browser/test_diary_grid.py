"""The diary's time grid in Chromium at 1280 px, with the clock pinned: a free time
clicked to book a caller there, an appointment moved by choosing a time on the grid,
arrival before the start and attendance after it, axe clean, and screenshots of the day,
week, booking and entry pages kept (in ``STRIDE_ARTIFACTS``/office)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from stride import clock
from stride.booking import services
from stride.booking.models import DiaryEntry, Service
from stride.site.models import Practitioner
from tests.browser.forms import fill_date_of_birth
from tests.browser.test_office_pages import _sign_in

AXE = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
ARTIFACTS = Path(os.environ.get("STRIDE_ARTIFACTS", "var/artifacts")) / "office"
BST = dt.timezone(dt.timedelta(hours=1))


def _book(hour: int, name: str, *, day: int = 1, summary: str = "") -> DiaryEntry:
    return services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="amara-okafor"), staff=True,
        start=dt.datetime(2026, 6, day, hour, 0, tzinfo=BST),
        details=services.PatientDetails(name=name, email="pat@example.org", phone="+447700900123",
                                        date_of_birth=dt.date(1970, 3, 4),
                                        assessment_summary=summary),
    ).entry  # fmt: skip


def _check(page, name: str) -> None:
    results = Axe().run(page, options=AXE)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-1280.png"), full_page=True)


def test_the_day_grid_books_moves_and_marks_with_the_keyboard_and_mouse(page, site):
    with clock.pinned(dt.datetime(2026, 6, 1, 8, 0, tzinfo=BST)):
        _book(9, "Early Patient", summary="Self-assessment: heel pain.")  # started at 09:30
    later = _book(11, "Later Patient")
    services.block_create(
        practitioner=Practitioner.objects.get(slug="tomasz-nowak"),
        start=dt.datetime(2026, 6, 1, 12, 0, tzinfo=BST),
        end=dt.datetime(2026, 6, 1, 13, 0, tzinfo=BST),
        note="Team meeting",
    )
    _sign_in(page, site)
    page.wait_for_function("() => document.querySelector('a[data-diary-nav][hx-get]')")
    grid = page.get_by_role("table", name=re.compile("^Diary for Monday 1 June 2026"))
    assert grid.get_by_role("rowheader", name="09:00").is_visible()
    assert grid.get_by_role("link", name=re.compile("Early Patient")).is_visible()
    assert grid.get_by_text("Blocked: Team meeting").is_visible()
    _check(page, "diary-day")

    # Arrival before the start; attendance once started.
    early = page.locator(".g-item", has=page.get_by_role("link", name=re.compile("Early Patient")))
    assert early.get_by_role("button", name=re.compile("^Did not attend")).count() == 1
    assert early.get_by_role("button", name=re.compile("^Arrived")).count() == 0
    late = page.locator(".g-item", has=page.get_by_role("link", name=re.compile("Later Patient")))
    assert late.get_by_role("button", name=re.compile("^Attended")).count() == 0
    late.get_by_role("button", name=re.compile("^Arrived")).click()
    page.locator(".g-item", has_text="Arrived 09:30").wait_for()
    early.get_by_role("button", name=re.compile("^Attended")).click()
    page.locator(".g-item [aria-pressed=true]", has_text="Attended").wait_for()
    assert DiaryEntry.objects.get(details__name="Early Patient").status == "attended"

    # The next day in place, then a free time clicked to book a caller there.
    page.get_by_role("link", name="Next day").click()
    page.get_by_role("heading", level=1, name="Tuesday 2 June 2026").wait_for()
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")  # once settled
    assert "day=2026-06-02" in page.url
    page.get_by_role("link", name="Book a caller at 14:00, Amara Okafor").click()
    page.get_by_role("heading", name="Who is the patient?").wait_for()
    page.get_by_label("Name").fill("Carol Caller")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Service").select_option("follow-up")
    page.get_by_role("button", name="Show free times").click()
    assert page.get_by_role("radio", name="14:00").is_checked()
    assert page.get_by_label("Patient's full name").input_value() == "Carol Caller"
    page.get_by_label("Email").fill("carol@example.org")
    page.get_by_label("UK phone number").fill("07700 900789")
    fill_date_of_birth(page, "5", "5", "1955")
    _check(page, "booking-new")
    page.get_by_role("button", name=re.compile("^Book")).last.click()
    page.get_by_role("heading", level=1, name="Carol Caller").wait_for()
    _check(page, "entry")

    # Move an appointment by choosing a new time on the same grid.
    page.goto(f"{site.url}/office/entries/{later.pk}/move/?day=2026-06-01")
    page.get_by_role("button", name="Move to 15:00, Amara Okafor").click()
    page.get_by_role("heading", level=1, name="Later Patient").wait_for()
    later.refresh_from_db()
    assert later.start == dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.UTC)

    page.goto(f"{site.url}/office/diary/week/?day=2026-06-01&practitioner=amara-okafor")
    week = page.get_by_role("table", name=re.compile("Amara Okafor, week of 1 June 2026"))
    assert week.get_by_role("columnheader", name=re.compile("Tue 2 Jun")).is_visible()
    assert week.get_by_role("link", name=re.compile("Carol Caller")).is_visible()
    _check(page, "diary-week")
    page.watch.assert_clean()
