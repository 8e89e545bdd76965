"""The symptom check's pages as a patient in pain meets them on a phone, and on a desk:
the foot diagram (with and without JavaScript), the progress bar, one action in each
advice card, calm forms, and the practitioner's table of the shared answers. axe on
each page, a clean console, and screenshots at 360 and 1280 px for review (in
``STRIDE_ARTIFACTS``/questionnaire)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from stride import clock
from stride.assessment.tests.test_questionnaire import DANCER
from stride.booking import services
from stride.booking.models import Service
from stride.knowledge import assessment_kb
from stride.site.models import Practitioner
from tests.browser.conftest import Watch
from tests.browser.test_office_pages import _sign_in
from tests.browser.test_questionnaire_pages import (
    ARTIFACTS,
    AXE,
    _click_and_wait,
    _finding_for,
    _heading,
)

WIDTHS = {360: {"width": 360, "height": 640}, 1280: {"width": 1280, "height": 900}}
WORDS = assessment_kb.wording()


def _open(browser, site, width: int, *, scripts: bool = True):
    context = browser.new_context(viewport=WIDTHS[width], java_script_enabled=scripts,
                                  is_mobile=width < 600, has_touch=width < 600)  # fmt: skip
    context.scripts = scripts
    page = context.new_page()
    page.watch = Watch(origin=urlsplit(site.url).netloc)
    page.on("console", page.watch.on_console)
    page.on("response", page.watch.on_response)
    page.on("pageerror", lambda e: page.watch.console_errors.append(str(e)))
    page.on("request", page.watch.on_request)
    return page


def _shot(page, name: str) -> None:
    """axe finds nothing, nothing scrolls sideways, and a screenshot is kept."""
    page.mouse.move(0, 0)  # no button caught hovered
    results = Axe().run(page, options=AXE)
    assert results.violations_count == 0, results.generate_report()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _to_where(page, site, *, region: str, age: str) -> None:
    page.goto(f"{site.url}/assessment/?region={region}")
    page.get_by_label("Age in years").fill(age)
    page.get_by_label("Female", exact=True).check()
    _click_and_wait(page, page.get_by_role("button", name="Start"))
    assert "where exactly" in _heading(page)


def _progress(page) -> tuple[int, str]:
    bar = page.get_by_role("progressbar")
    return int(bar.get_attribute("value") or 0), bar.get_attribute("aria-valuetext") or ""


def _answer_to_results(page, answers: dict[str, bool], shot: str = "") -> list[int]:
    """Answer every question (not sure when the answers are silent); the bar on each.
    ``shot``: the name to keep a question page under, once the bar is about halfway."""
    bars: list[int] = []
    for _ in range(45):
        if _heading(page) == "Your results":
            return bars
        bars.append(_progress(page)[0])
        if shot and bars[-1] >= 40:
            assert _progress(page)[1] in ("About halfway", "More than halfway")
            _shot(page, shot)
            shot = ""
        value = answers.get(_finding_for(_heading(page)))
        label = "Not sure" if value is None else ("Yes" if value else "No")
        _click_and_wait(page, page.get_by_role("button", name=label, exact=True))
    raise AssertionError("the questionnaire did not finish")


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


@pytest.mark.parametrize("width", [360, 1280])
def test_a_dancer_taps_the_foot_sees_the_bar_grow_and_books_from_the_card(browser, site,
                                                                          width):  # fmt: skip
    page = _open(browser, site, width)
    _to_where(page, site, region="ankle", age="27")
    pin = page.get_by_role("button", name="Back of the ankle, deep")
    box = _box(pin)
    assert box["width"] >= 44 and box["height"] >= 44
    place = page.get_by_label(WORDS["loc.ankle_back"]["yes"])
    pin.click()  # ticks in place: no new page
    assert place.is_checked() and pin.get_attribute("aria-pressed") == "true"
    assert "where exactly" in _heading(page)
    page.get_by_role("button", name="Front of the ankle").click()
    page.get_by_role("button", name="Front of the ankle").click()  # and untick
    assert not page.get_by_label(WORDS["loc.ankle_front"]["yes"]).is_checked()
    assert page.locator(".fd-patch.is-chosen").count() == 1
    _shot(page, f"where-{width}")
    _click_and_wait(page, page.get_by_role("button", name="Next"))
    assert _progress(page) == (0, "Just started")
    assert page.get_by_role("progressbar", name="How far you are: Just started").is_visible()
    bars = _answer_to_results(page, DANCER, shot=f"question-{width}")
    assert bars == sorted(bars) and max(bars) <= 95, bars
    assert bars[-1] >= 50
    card = page.locator("section.advice")
    assert card.get_by_role("heading", name="Book an appointment", exact=True).is_visible()
    book = card.get_by_role("button", name="Book an appointment about this")
    if width == 360:  # on a phone, in the first screen, a whole line wide
        assert _box(book)["y"] + _box(book)["height"] <= WIDTHS[360]["height"]
        assert _box(book)["width"] >= _box(card)["width"] - 2 * 24
    _shot(page, f"results-{width}")
    book.click()
    page.locator("button[name=pick]").first.wait_for()
    page.watch.assert_clean()
    page.context.close()


@pytest.mark.parametrize(("width", "scripts"), [(360, True), (1280, True), (360, False)])
def test_a_cold_pale_foot_gets_one_big_call_999_button(browser, site, width, scripts):
    page = _open(browser, site, width, scripts=scripts)
    _to_where(page, site, region="leg", age="81")
    if scripts:
        page.get_by_role("button", name="Calf").click()
    else:
        page.get_by_label(WORDS["loc.calf"]["yes"]).check()
    assert page.get_by_label(WORDS["loc.calf"]["yes"]).is_checked()
    _click_and_wait(page, page.get_by_role("button", name="Next"))
    _click_and_wait(page, page.get_by_role("button", name="Yes", exact=True))
    if scripts:  # the footer's reminder steps aside once htmx has settled the new step
        page.wait_for_function("() => document.querySelector('.emergency-note') === null"
                               " || document.querySelector('.emergency-note').hidden")  # fmt: skip
    # Once on the whole page: not in the text under the button, nor in the footer.
    said = page.get_by_text(re.compile("call 999", re.IGNORECASE))
    assert [t.inner_text() for t in said.all() if t.is_visible()] == ["Call 999 now"]
    call = page.get_by_role("link", name="Call 999")
    assert call.get_attribute("href") == "tel:999"
    assert page.get_by_role("heading", name="Call 999 now").is_visible()
    card = _box(page.locator("section.advice"))
    button = _box(call)
    assert button["height"] >= 44 and button["width"] >= card["width"] - 2 * 24
    if width == 360:
        assert button["y"] + button["height"] <= WIDTHS[360]["height"]  # no scrolling
    if scripts:  # axe runs in the page
        _shot(page, f"red-flag-{width}")
    page.watch.assert_clean()
    page.context.close()


def test_the_foot_diagram_works_without_javascript(browser, site):
    page = _open(browser, site, 360, scripts=False)
    page.goto(f"{site.url}/assessment/?region=heel")
    page.get_by_label("Age in years").fill("45")
    page.get_by_label("Female", exact=True).check()
    page.get_by_role("button", name="Start").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Under the heel").click()
    assert page.url.endswith("#foot-diagram")  # back where they tapped
    assert page.get_by_label(WORDS["loc.heel_bottom"]["yes"]).is_checked()
    assert page.get_by_role("button", name="Under the heel").get_attribute("aria-pressed") == (
        "true"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Next").click()
    assert _heading(page) == WORDS["red.cold_pale_foot"]["question"]
    assert page.get_by_role("progressbar").is_visible()
    page.watch.assert_clean()
    page.context.close()


def test_options_line_up_with_their_words_and_hints_are_calm(browser, site):
    page = _open(browser, site, 360)
    _to_where(page, site, region="ankle", age="27")
    measures = page.evaluate("""() => [...document.querySelectorAll('.choice')].map(c => {
        const box = c.querySelector('input').getBoundingClientRect();
        const words = c.querySelector('span');
        const range = document.createRange(); range.selectNodeContents(words);
        const line = range.getClientRects()[0];
        const hint = c.querySelector('.hint');
        return {box: box.top + box.height / 2, line: line.top + line.height / 2,
                left: words.getBoundingClientRect().left,
                hint: hint ? getComputedStyle(hint).fontWeight : '400',
                label: getComputedStyle(c).fontWeight};
    })""")
    assert measures
    for m in measures:
        assert abs(m["box"] - m["line"]) <= 3, m  # the box sits on the first line
        assert m["hint"] == "400" and m["label"] == "400", m
    assert len({round(m["left"]) for m in measures}) == 1  # every option's words line up
    page.watch.assert_clean()
    page.context.close()


def test_the_practitioner_reads_the_shared_answers_as_a_table(page, site):
    start = (clock.now() + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0,
                                                           microsecond=0)  # fmt: skip
    rows = [{"finding": "loc.heel_bottom", "answer": "yes", "red_flag": False},
            {"finding": "red.cold_pale_foot", "answer": "no", "red_flag": True},
            {"finding": "red.fever_or_unwell", "answer": "not_sure", "red_flag": True},
            {"finding": "agg.first_steps", "answer": "yes", "red_flag": False}]  # fmt: skip
    entry = services.booking_create(
        service=Service.objects.get(slug="follow-up"),
        practitioner=Practitioner.objects.get(slug="amara-okafor"), start=start, staff=True,
        details=services.PatientDetails(
            name="Ada Patient", email="ada@example.org", phone="+447700900123",
            date_of_birth=dt.date(1980, 1, 1), assessment_summary="Self-assessment: heel.",
            assessment_record={"knowledge_version": "2026.12.0", "answered_on": "2026-06-01",
                               "region": "heel", "advice": "self_care", "answers": rows},
        ),
    ).entry  # fmt: skip
    _sign_in(page, site)
    page.goto(f"{site.url}/office/entries/{entry.pk}/")
    table = page.get_by_role("table", name=re.compile("Answers to the symptom check"))
    questions = table.locator("tbody th").all_inner_texts()
    assert questions[0] == "Warning sign " + WORDS["red.fever_or_unwell"]["question"]
    assert questions[1:3] == [WORDS["loc.heel_bottom"]["question"],
                              WORDS["agg.first_steps"]["question"]]  # fmt: skip
    assert table.locator("tbody td").all_inner_texts() == ["Not sure", "Yes", "Yes", "No"]
    _shot(page, "office-shared-answers-1280")
    page.watch.assert_clean()
