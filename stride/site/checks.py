"""System checks that ``stride check --deploy`` runs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from stride import config
from stride.web import health

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "stride-demo"  # noqa: S105 (published on purpose; the deploy check refuses it)


@register(deploy=True)
def demo_users_absent(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The demo's admin account has a published password: production must not have it."""
    if settings.STRIDE_ENV != "production":
        return []
    from django.contrib.auth import get_user_model

    try:
        user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    except DatabaseError:
        return []  # no database yet: nothing to find
    if user is not None and user.check_password(DEMO_PASSWORD):
        return [
            Error(
                "The demo admin account (published password) exists.",
                hint=f"Delete the user {DEMO_USERNAME!r} or change its password.",
                id="stride.E001",
            )
        ]
    return []


# `stride doctor` reports these itself, with its own wording and fix.
DOCTOR_OWN = {"stride.E010", "stride.E011", "stride.W010"}


@register(deploy=True)
def database_reachable(app_configs: Any, **kwargs: Any) -> list[Error]:
    problem = health.database_problem()
    if problem:
        hint = "Check DATABASE_URL and that the database server runs; `stride doctor` says more."
        return [Error(f"The database cannot be reached: {problem}", hint=hint, id="stride.E010")]
    return []


@register(deploy=True)
def cache_usable(app_configs: Any, **kwargs: Any) -> list[Error]:
    problem = health.cache_problem()
    if problem:
        hint = "Check CACHE_URL and that its server runs; for db:// run `stride migrate` first."
        return [Error(f"The cache does not work: {problem}", hint=hint, id="stride.E011")]
    return []


@register(deploy=True)
def site_url_allowed(app_configs: Any, **kwargs: Any) -> list[Warning]:
    problem = config.site_url_host_problem(settings.SITE_URL, settings.ALLOWED_HOSTS)
    if problem:
        return [Warning(problem, hint="Add it to ALLOWED_HOSTS.", id="stride.W010")]
    return []


def refuse_demo_admin() -> None:
    """Called when the web server starts: production will not serve with the demo admin."""
    errors = demo_users_absent(None)
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
