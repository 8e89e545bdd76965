"""The booking page's picker in Chromium, with htmx and without JavaScript: choose a day
and a time and book, by role and accessible name; axe on every page; one day of the
busiest service fits 1,920 px on a 360 x 640 phone; screenshots at 360 and 1280 px are
kept for review (in ``STRIDE_ARTIFACTS``, default ``var/artifacts``)."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from stride.booking.models import DiaryEntry
from stride.booking.tests.test_manage_page import BODY as MANAGED
from stride.web import formguard
from tests.browser.conftest import Watch
from tests.browser.forms import fill_patient

AXE = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]}
PHONE = {"width": 360, "height": 640}
WIDE = {"width": 1280, "height": 900}
MAX_PHONE_HEIGHT = 1920
ARTIFACTS = Path(os.environ.get("STRIDE_ARTIFACTS", "var/artifacts")) / "booking"
SERVICE = "/book/initial-assessment/"  # the most times: two practitioners, 15-minute steps


def _axe(page) -> None:
    results = Axe().run(page, options=AXE)
    assert results.violations_count == 0, results.generate_report()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _new_page(browser, site, viewport: dict[str, int], *, scripts: bool = True):
    context = browser.new_context(
        viewport=viewport, java_script_enabled=scripts, is_mobile=viewport == PHONE,
        has_touch=viewport == PHONE,
    )  # fmt: skip
    page = context.new_page()
    page.watch = Watch(origin=urlsplit(site.url).netloc)  # as the ``page`` fixture does
    page.on("console", page.watch.on_console)
    page.on("response", page.watch.on_response)
    page.on("pageerror", lambda e: page.watch.console_errors.append(str(e)))
    page.on("request", page.watch.on_request)
    return context, page


def _fill_details_and_book(page) -> None:
    fill_patient(page)
    page.get_by_label("I have read the", exact=False).check()
    page.get_by_role("button", name="Book this appointment").click()
    page.get_by_role("heading", name="Your appointment is booked").wait_for()


def _wait_for_text(page, element_id: str, text: str) -> None:
    """Wait until the picker's month or day heading reads ``text`` (after a swap)."""
    page.wait_for_function(
        "([id, text]) => document.getElementById(id).textContent === text", arg=[element_id, text]
    )


def _busiest_day() -> str:
    """The June day with the most distinct start times for the initial assessment."""
    slots = Client().get("/api/slots", {"service": "initial-assessment", "from": "2026-06-01",
                                        "to": "2026-06-30"}).json()["slots"]  # fmt: skip
    starts = Counter(s["start"][:10] for s in {s["start"]: s for s in slots}.values())
    return starts.most_common(1)[0][0]


def test_without_javascript_a_day_and_a_time_are_links_to_book_by(browser, site):
    context, page = _new_page(browser, site, PHONE, scripts=False)
    page.goto(site.url + "/book/")
    page.get_by_role("link", name="Initial assessment").click()
    page.get_by_role("heading", name="Choose a time for initial assessment").wait_for()
    page.get_by_role("link", name="4 June", exact=True).click()
    page.wait_for_url("**/book/initial-assessment/?practitioner=any&day=2026-06-04")
    page.get_by_role("heading", name="Thursday 4 June").wait_for()
    assert page.get_by_role("link", name="4 June", exact=True).get_attribute("aria-current")
    assert page.get_by_text("7 June, no free times").count() == 1  # a Sunday: not a link
    page.get_by_role("link", name="Next month, July 2026").click()
    page.get_by_role("heading", name="July 2026").wait_for()
    page.get_by_role("link", name="Previous month, June 2026").click()
    page.get_by_role("link", name="4 June", exact=True).click()
    page.get_by_role("link", name="10am on Thursday 4 June").click()
    assert "at 10am (UK time) with Amara Okafor." in page.locator(".lede").inner_text()
    _fill_details_and_book(page)
    assert page.locator(".booking-summary").get_by_text("Amara Okafor").count() == 1
    page.watch.assert_clean()
    context.close()


def test_with_javascript_a_day_swaps_the_times_in_place_and_focus_follows(browser, site):
    context, page = _new_page(browser, site, PHONE)
    page.goto(site.url + SERVICE)
    page.wait_for_function("() => document.querySelector('#picker a.day[hx-get]')")
    _axe(page)
    page.evaluate("window.stayed = true")  # gone if the page reloads
    page.get_by_role("link", name="4 June", exact=True).click()
    page.wait_for_function("() => document.activeElement.id === 'picker-day'")
    assert page.evaluate("window.stayed") is True
    assert page.url.endswith("/book/initial-assessment/?practitioner=any&day=2026-06-04")
    assert page.locator("#picker-day").inner_text() == "Thursday 4 June"
    assert page.locator("#picker-status").text_content().startswith("Thursday 4 June: ")
    _axe(page)
    # By keyboard: Enter on a day, then Tab reaches that day's first time.
    page.get_by_role("link", name="5 June", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'picker-day'")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "9am on Friday 5 June"
    # A month on and back: focus stays on the month control that was used.
    page.get_by_role("link", name="Next month, July 2026").click()
    _wait_for_text(page, "picker-month", "July 2026")
    page.wait_for_function("() => document.activeElement.dataset.picker === 'following'")
    assert page.locator("#picker-status").text_content().startswith("July 2026, ")
    page.get_by_role("link", name="Previous month, June 2026").click()
    _wait_for_text(page, "picker-month", "June 2026")
    page.get_by_role("link", name="4 June", exact=True).click()
    _wait_for_text(page, "picker-day", "Thursday 4 June")
    assert page.evaluate("window.stayed") is True
    page.get_by_role("link", name="10am on Thursday 4 June").click()
    page.get_by_role("heading", name="Your details").wait_for()
    assert "with Amara Okafor" in page.locator(".lede").inner_text()
    _fill_details_and_book(page)
    page.watch.assert_clean()
    context.close()


def test_a_failed_swap_falls_back_to_following_the_link(browser, site):
    context, page = _new_page(browser, site, WIDE)
    page.goto(site.url + SERVICE)
    page.wait_for_function("() => document.querySelector('#picker a.day[hx-get]')")
    page.route("**day=2026-06-04", lambda route: route.fulfill(status=500, body="Error")
               if route.request.headers.get("hx-request") else route.continue_())  # fmt: skip
    page.get_by_role("link", name="4 June", exact=True).click()
    page.wait_for_url("**day=2026-06-04")
    page.get_by_role("heading", name="Thursday 4 June").wait_for()
    context.close()


def test_one_day_of_the_busiest_service_fits_a_phone_and_is_kept_as_screenshots(browser, site):
    day = _busiest_day()
    heights = {}
    for name, viewport in (("360", PHONE), ("1280", WIDE)):
        context, page = _new_page(browser, site, viewport)
        page.goto(f"{site.url}{SERVICE}?practitioner=any&day={day}")
        page.wait_for_function("() => document.querySelector('#picker a.day[hx-get]')")
        _axe(page)
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        heights[name] = page.evaluate("document.documentElement.scrollHeight")
        _shot(page, f"1-times-{name}")
        page.locator("a.slot").first.click()
        page.get_by_role("heading", name="Your details").wait_for()
        _axe(page)
        _shot(page, f"2-details-{name}")
        _fill_details_and_book(page)
        _axe(page)
        _shot(page, f"3-done-{name}")
        page.watch.assert_clean()
        context.close()
    (ARTIFACTS / "heights.txt").write_text(f"{SERVICE}?practitioner=any&day={day}: {heights}\n")
    assert heights["360"] <= MAX_PHONE_HEIGHT, heights


def test_from_the_symptom_check_the_posted_picker_swaps_days_too(browser, site):
    from stride.booking import handoff

    carried = handoff.dumps(handoff.Handoff(service="initial-assessment", summary="Age 40."))
    context, page = _new_page(browser, site, WIDE)
    page.goto(site.url + "/book/")
    page.evaluate(
        """([action, token, carried]) => {
            const form = document.createElement("form");
            form.method = "post"; form.action = action;
            for (const [name, value] of [["form_token", token], ["handoff", carried]]) {
                const input = document.createElement("input");
                input.type = "hidden"; input.name = name; input.value = value;
                form.append(input);
            }
            document.body.append(form); form.submit();
        }""",
        [SERVICE, formguard.new_token(), carried],
    )
    page.wait_for_function("() => document.querySelector('#picker button.day[hx-post]')")
    _axe(page)
    page.evaluate("window.stayed = true")
    page.get_by_role("button", name="5 June", exact=True).click()
    page.wait_for_function("() => document.activeElement.id === 'picker-day'")
    assert page.locator("#picker-day").inner_text() == "Friday 5 June"
    assert page.evaluate("window.stayed") is True
    page.get_by_role("button", name="9am on Friday 5 June").click()
    page.get_by_role("heading", name="Your details").wait_for()
    assert page.get_by_label("Share this summary with the practitioner").count() == 1
    page.watch.assert_clean()
    context.close()


def test_the_manage_page_moves_a_booking_weeks_ahead_with_the_same_picker(browser, page, site):
    body = {**MANAGED, "start": "2026-06-03T10:00:00+01:00"}
    booked = Client().post("/api/bookings", data=json.dumps(body),
                           content_type="application/json").json()  # fmt: skip
    link = booked["manage_url"].replace("http://127.0.0.1:8000", site.url)
    context, phone = _new_page(browser, site, PHONE)
    phone.goto(link)
    phone.get_by_role("button", name="Change or cancel this appointment").click()
    phone.get_by_role("heading", name="Wednesday 3 June").wait_for()
    _axe(phone)
    _shot(phone, "4-manage-360")
    context.close()
    page.goto(link)
    page.get_by_role("button", name="Change or cancel this appointment").click()
    page.get_by_role("heading", name="Wednesday 3 June").wait_for()
    page.wait_for_function("() => document.querySelector('#picker a.day[hx-get]')")
    page.get_by_role("link", name="Next month, July 2026").click()
    _wait_for_text(page, "picker-month", "July 2026")
    page.get_by_role("link", name="16 July", exact=True).click()
    page.wait_for_function("() => document.activeElement.id === 'picker-day'")
    page.get_by_role("radio", name="9am").check()
    _axe(page)
    _shot(page, "4-manage-1280")
    page.get_by_role("button", name="Move my appointment").click()
    page.get_by_text("Your appointment has moved").wait_for()
    assert DiaryEntry.objects.get().start.isoformat() == "2026-07-16T08:00:00+00:00"
    page.watch.assert_clean()
