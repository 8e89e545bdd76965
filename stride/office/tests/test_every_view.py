"""Every back-office address is closed to strangers, to accounts without a staff role
and to staff who have not given their second factor (found by walking the URLconf, so
a new page cannot be added unguarded)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from stride.office.models import StaffProfile

OPEN = {"office/login/", "office/logout/", "office/two-factor/"}


def _routes(patterns, prefix: str = "") -> list[str]:
    out: list[str] = []
    for item in patterns:
        if isinstance(item, URLResolver):
            out += _routes(item.url_patterns, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            out.append(prefix + str(item.pattern))
    return out


def office_paths() -> list[str]:
    routes = [r for r in _routes(get_resolver().url_patterns) if r.startswith("office/")]
    paths = ["/" + re.sub(r"<int:\w+>", "1", r) for r in routes if r not in OPEN]
    return [re.sub(r"<(?:slug|str):\w+>", "x", p) for p in paths]


def test_there_are_office_pages_to_check():
    assert "/office/diary/" in office_paths() and len(office_paths()) >= 10


def _closed(response, to: str) -> bool:
    """Sent elsewhere, or refused the method outright (405 reveals nothing)."""
    if response.status_code == 405:
        return True
    return response.status_code == 302 and response["Location"].startswith(to)


@pytest.mark.parametrize("path", office_paths())
def test_strangers_are_sent_to_sign_in(client, db, path):
    for response in (client.get(path), client.post(path)):
        assert _closed(response, "/office/login/"), (path, response.status_code)


@pytest.mark.parametrize("path", office_paths())
def test_a_password_alone_is_not_enough(db, path):
    user = get_user_model().objects.create_user("half", "h@example.org", "a-long-password")
    StaffProfile.objects.create(user=user, role="clinic_admin")
    client = Client()
    client.force_login(user)  # no second factor
    for response in (client.get(path), client.post(path)):
        assert _closed(response, "/office/two-factor/"), (path, response.status_code)


@pytest.mark.parametrize("path", office_paths())
def test_an_account_without_a_staff_role_is_turned_away(db, path):
    user = get_user_model().objects.create_user("pat", "p@example.org", "a-long-password")
    client = Client()
    client.force_login(user)
    for response in (client.get(path), client.post(path)):
        assert _closed(response, "/office/login/"), (path, response.status_code)
