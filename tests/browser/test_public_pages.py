"""Every public page in a real browser: accessibility, CSP, keyboard, phone screen, zoom."""

import pytest
from axe_playwright_python.sync_playwright import Axe

PUBLIC_PAGES = [
    "/",
    "/practitioners/",
    "/practitioners/amara-okafor/",
    "/practitioners/tomasz-nowak/",
    "/contact/",
    "/book/",
    "/privacy/",
    "/accessibility/",
    "/no-such-page/",
    "/conditions/",
    "/conditions/posterior-ankle-impingement/",
    "/conditions/ankle-sprain/",
    "/search/?q=heel+spur",
    "/search/?q=zzzz",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations_and_no_csp_errors(page, site, path):
    response = page.goto(site.url + path)
    assert response is not None
    assert response.status == (404 if path == "/no-such-page/" else 200)
    assert page.locator("h1").count() == 1
    results = Axe().run(
        page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]}
    )
    assert results.violations_count == 0, results.generate_report()
    page.watch.assert_clean()


def test_book_and_call_are_on_the_first_phone_screen(browser, site):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(site.url + "/")
    for name in ("Book an appointment", "Call us"):
        link = page.get_by_role("link", name=name).first
        box = link.bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= 640, f"{name} is below the first screen"
        assert box["x"] + box["width"] <= 360
    assert page.get_by_role("link", name="Call us").first.get_attribute("href").startswith("tel:")
    context.close()


@pytest.mark.parametrize("path", ["/", "/practitioners/amara-okafor/", "/contact/", "/privacy/"])
def test_pages_reflow_at_400_percent_zoom_without_sideways_scrolling(browser, site, path):
    # 400% zoom of a 1280px-wide window leaves 320 CSS pixels, as WCAG 1.4.10 says.
    context = browser.new_context(viewport={"width": 320, "height": 256})
    page = context.new_page()
    page.goto(site.url + path)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    context.close()


def test_the_site_can_be_walked_with_the_keyboard_alone(page, site):
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).top") != "-64px"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Tab through the whole home page: every link is reached, each visibly focused.
    page.goto(site.url + "/")
    links = page.evaluate(
        "[...document.querySelectorAll('a[href], input, button, select, textarea')].length"
    )
    seen = []
    for _ in range(links + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const el = document.activeElement; const s = getComputedStyle(el);
            const r = el.getBoundingClientRect();
            return {tag: el.tagName, href: el.getAttribute('href'), outline: s.outlineStyle,
                    shadow: s.boxShadow, w: r.width, h: r.height}; }"""
        )
        if info["tag"] == "BODY":
            break
        assert info["outline"] != "none" or info["shadow"] != "none", (
            f"{info['href']} has no focus style"
        )
        assert info["w"] * info["h"] > 0, f"{info['href']} is focused but invisible"
        seen.append(info["href"])
    assert "/practitioners/" in seen
    assert "/book/" in seen
    assert "/privacy/" in seen
    assert len(seen) == links

    # Follow links with Enter only: home -> team -> a practitioner.
    page.goto(site.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Our team").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/practitioners/")
    page.get_by_role("link", name="Amara Okafor").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/practitioners/amara-okafor/")
    assert page.get_by_role("heading", level=1).inner_text() == "Amara Okafor"
    page.watch.assert_clean()


def test_pages_work_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + "/")
    page.get_by_role("link", name="Contact").first.click()
    page.wait_for_url("**/contact/")
    assert "Opening hours" in page.content()
    context.close()


def test_photos_load_from_the_site_itself(page, site):
    page.goto(site.url + "/practitioners/amara-okafor/")
    image = page.get_by_role("img", name="Amara Okafor, smiling, with short dark hair.")
    image.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
    page.watch.assert_clean()


def test_the_csp_watch_does_catch_a_violation(page, site):
    """Guards the guard: an inline script under our policy must show up as an error."""
    policy = page.goto(site.url + "/").headers["content-security-policy"]
    page.route(
        site.url + "/canary",
        lambda route: route.fulfill(
            status=200,
            headers={"content-type": "text/html", "content-security-policy": policy},
            body="<!doctype html><title>x</title><script>document.title='ran'</script>"
            "<img src='https://example.org/pixel.gif' alt=''>",
        ),
    )
    page.goto(site.url + "/canary")
    assert page.title() == "x", "the inline script must not run"
    assert any("Content Security Policy" in e for e in page.watch.console_errors)
