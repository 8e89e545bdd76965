"""Playwright driving Debian's Chromium against a live Stride server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# fixtures make there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("STRIDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What a page did that it must not: CSP violations, errors, requests elsewhere."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        # A failed load is reported by on_response, which can tell the page from its parts.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def on_request(self, request) -> None:
        if not request.url.startswith("data:") and urlsplit(request.url).netloc != self.origin:
            self.foreign_requests.append(request.url)

    def on_response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_resources.append(f"{response.status} {response.url}")

    def assert_clean(self) -> None:
        assert self.console_errors == [], "console errors (CSP violations show here)"
        assert self.foreign_requests == [], "requests to another host"
        assert self.failed_resources == [], "resources that failed to load"


@pytest.fixture
def site(live_server, demo_clinic, settings):
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture
def page(browser, site) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    origin = urlsplit(site.url).netloc
    watch = Watch(origin=origin)
    pg.on("console", watch.on_console)
    pg.on("response", watch.on_response)
    pg.on("pageerror", lambda e: watch.console_errors.append(str(e)))
    pg.on("request", watch.on_request)
    pg.watch = watch
    yield pg
    context.close()
