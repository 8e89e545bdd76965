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
def build_demo():
    """``stride.demo.build``, for tests that build the demo clinic themselves (apps
    below ``stride.demo`` in the layers may not import it)."""
    from stride import demo

    return demo.build


@pytest.fixture
def demo_clinic(db: None, now: dt.datetime, build_demo):
    """The demo clinic, built with the clock pinned."""
    return build_demo()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters and cached pages never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_login(db: None):
    """Make a client signed in as staff with a verified second factor:
    ``staff_login("reception")``, ``staff_login("practitioner", practitioner=p)``."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_static.models import StaticDevice

    from stride.office.models import StaffProfile

    made = iter(range(1, 1000))

    def make(role: str = "reception", practitioner=None, username: str | None = None):
        name = username or f"{role}-{next(made)}"
        admin = role == StaffProfile.Role.CLINIC_ADMIN
        user = get_user_model().objects.create_user(
            name, f"{name}@example.org", "a-long-test-password", is_staff=admin,
            is_superuser=admin,
        )  # fmt: skip
        StaffProfile.objects.create(user=user, role=role, practitioner=practitioner)
        device = StaticDevice.objects.create(user=user, name="test")
        client = Client()
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def admin_client(staff_login):
    """The clinic admin, signed in with a second factor (the admin demands one)."""
    return staff_login("clinic_admin", username="clinic-admin")
