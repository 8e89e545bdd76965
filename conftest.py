"""Fixtures shared by every test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from stride import clock

# A Monday in summer time, mid-morning in London.
PINNED_NOW = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    """The clock, pinned for the duration of the test."""
    with clock.pinned(PINNED_NOW) as moment:
        yield moment


@pytest.fixture
def demo_clinic(db: None, now: dt.datetime):
    """The demo clinic, built with the clock pinned."""
    from stride.site import demo

    return demo.build()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters and cached pages never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
