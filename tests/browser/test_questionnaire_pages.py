"""The symptom check in Chromium: on a phone, with htmx and without JavaScript, by
keyboard alone; axe on every step, no sideways scrolling at 360x640, and a screenshot
of each step kept for review (in ``STRIDE_ARTIFACTS``, default ``var/artifacts``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from stride.assessment.tests.test_questionnaire import DANCER
from stride.booking.models import BookingDetails
from stride.knowledge import assessment_kb
from tests.browser.forms import DEE, fill_patient

AXE = {"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
PHONE = {"width": 360, "height": 640}
ARTIFACTS = Path(os.environ.get("STRIDE_ARTIFACTS", "var/artifacts")) / "questionnaire"


def _finding_for(question: str) -> str:
    for finding, words in assessment_kb.wording().items():
        if words["question"] == question.strip():
            return finding
    raise AssertionError(f"no finding asks {question!r}")


def _heading(page) -> str:
    return page.locator("#step-heading").inner_text().strip()


def _check(page, name: str) -> None:
    """axe finds nothing, nothing scrolls sideways, and a screenshot is kept."""
    if not getattr(page.context, "scripts", True):
        return  # axe runs in the page: the JavaScript runs check the same pages
    results = Axe().run(page, options=AXE)
    assert results.violations_count == 0, results.generate_report()
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{name}: the page scrolls sideways"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _click_and_wait(page, button) -> None:
    """Click, then wait until the step has changed (in place with htmx, or a new page)."""
    if not getattr(page.context, "scripts", True):
        with page.expect_navigation():
            button.click()
        return
    # Click once htmx has taken the step's forms over (the script loads deferred).
    page.wait_for_function(
        "() => !document.querySelector('#questionnaire form[data-step-form]:not([hx-post])')"
    )
    page.evaluate("document.getElementById('questionnaire').dataset.seen = '1'")
    button.click()
    page.wait_for_function(
        "() => { const q = document.getElementById('questionnaire'); return q && !q.dataset.seen; }"
    )


def _start(page, site, *, age: str, sex: str, region: str | None, places: list[str]) -> None:
    if region:
        page.locator(f"input[name=region][value={region}]").check()
    page.get_by_label("Age in years").fill(age)
    page.get_by_label(sex, exact=True).check()
    _check(page, "1-start")
    _click_and_wait(page, page.get_by_role("button", name="Start"))
    assert "where exactly" in _heading(page)
    for statement in places:
        page.get_by_label(statement).check()
    _check(page, "2-where")
    _click_and_wait(page, page.get_by_role("button", name="Next"))


def _answer(page, answers: dict[str, bool], *, check_each: bool) -> list[str]:
    asked: list[str] = []
    for n in range(45):
        if _heading(page) == "Your results":
            return asked
        finding = _finding_for(_heading(page))
        asked.append(finding)
        value = answers.get(finding)
        label = "Not sure" if value is None else ("Yes" if value else "No")
        if check_each and n < 3:
            _check(page, f"3-question-{n + 1}")
        _click_and_wait(page, page.get_by_role("button", name=label, exact=True))
    raise AssertionError("the questionnaire did not finish")


def test_a_dancer_finds_posterior_ankle_impingement_and_books_it(browser, site):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.scripts = True
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site.url + "/conditions/posterior-ankle-impingement/")
    page.get_by_role("link", name="Check your symptoms").click()
    assert page.locator("input[name=region][value=ankle]").is_checked()  # its region
    where = assessment_kb.wording()["loc.ankle_back"]["yes"]
    _start(page, site, age="27", sex="Female", region=None, places=[where])
    # With JavaScript the steps swap in place and focus goes to the new question.
    page.wait_for_function("() => document.activeElement.id === 'step-heading'", timeout=5000)
    assert page.evaluate("document.getElementById('step-announcer').textContent") == _heading(page)
    _answer(page, DANCER, check_each=True)
    first = page.locator(".likely > li h3").first.inner_text()
    assert first.startswith("Posterior ankle impingement")
    assert page.get_by_role("heading", name="Book an appointment", exact=True).is_visible()
    _check(page, "4-results")
    page.get_by_role("button", name="Book an appointment about this").click()
    page.locator("button[name=pick]").first.click()
    fill_patient(page, DEE)
    page.get_by_label("Share this summary with the practitioner").check()
    page.get_by_label(re.compile("I have read the")).check()
    _check(page, "5-booking-details")
    page.get_by_role("button", name="Book this appointment").click()
    page.get_by_role("heading", name="Your appointment is booked").wait_for()
    assert "Posterior ankle impingement" in BookingDetails.objects.get().assessment_summary
    assert errors == []
    context.close()


def test_a_cold_pale_foot_gets_emergency_advice_straight_away(browser, site):
    context = browser.new_context(viewport=PHONE)
    context.scripts = True
    page = context.new_page()
    page.goto(site.url + "/assessment/")
    calf = assessment_kb.wording()["loc.calf"]["yes"]
    _start(page, site, age="81", sex="Female", region="leg", places=[calf])
    assert _heading(page) == assessment_kb.wording()["red.cold_pale_foot"]["question"]
    _click_and_wait(page, page.get_by_role("button", name="Yes", exact=True))
    assert page.get_by_role("heading", name="Call 999 now").is_visible()
    assert page.get_by_role("link", name="Call 999").get_attribute("href") == "tel:999"
    _check(page, "6-emergency")
    context.close()


def test_the_symptom_check_works_without_javascript(browser, site):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    context.scripts = False
    page = context.new_page()
    page.goto(site.url + "/assessment/?region=ankle")
    where = assessment_kb.wording()["loc.ankle_back"]["yes"]
    _start(page, site, age="27", sex="Female", region=None, places=[where])
    _answer(page, DANCER, check_each=False)
    first = page.locator(".likely > li h3").first.inner_text()
    assert first.startswith("Posterior ankle impingement")
    # Without JavaScript there is no print button, only the hint to use the browser's.
    assert page.get_by_text("use your browser's Print or Save option").is_visible()
    context.close()


def test_the_symptom_check_works_with_the_keyboard_alone(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.url + "/assessment/")

    def tab_to(selector: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    def submit_and_wait(button: str) -> None:
        """Enter on the step's button once htmx has taken the form over; then wait for
        the next step to replace this one in place."""
        page.wait_for_function(
            "() => document.querySelector('#questionnaire form[data-step-form][hx-post]')"
        )
        heading = page.evaluate("document.getElementById('step-heading').innerText")
        tab_to(button)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "h => document.getElementById('step-heading')"
            " && document.getElementById('step-heading').innerText !== h",
            arg=heading,
        )

    tab_to("#age")
    page.keyboard.type("45")
    tab_to("input[name=sex]")
    page.keyboard.press("Space")  # the first option, female
    tab_to("input[name=region]")
    page.keyboard.press("ArrowDown")  # the second region, heel
    assert page.evaluate("document.querySelector('input[name=region]:checked').value") == "heel"
    submit_and_wait("button[type=submit]")
    assert "where exactly" in page.evaluate("document.getElementById('step-heading').innerText")
    tab_to("input[name=place]")
    page.keyboard.press("Space")
    submit_and_wait("button[type=submit]")
    for _ in range(3):
        submit_and_wait("button[value=no]")
    page.wait_for_function("() => document.activeElement.id === 'step-heading'", timeout=5000)
    context.close()


def test_a_failed_step_keeps_the_page_and_says_what_to_do(browser, site):
    context = browser.new_context(viewport=PHONE)
    context.scripts = True
    page = context.new_page()
    page.goto(site.url + "/assessment/?region=ankle")
    where = assessment_kb.wording()["loc.ankle_back"]["yes"]
    _start(page, site, age="27", sex="Female", region=None, places=[where])
    page.route("**/assessment/step", lambda route: route.fulfill(status=500, body="Error"))
    page.get_by_role("button", name="Yes", exact=True).click()
    page.get_by_role("alert").wait_for()
    assert "something went wrong" in page.get_by_role("alert").inner_text()
    assert "call 999" in page.get_by_role("alert").inner_text()
    assert _heading(page) == assessment_kb.wording()["red.cold_pale_foot"]["question"]
    context.close()
