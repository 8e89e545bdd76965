"""Production will not run while the demo's staff accounts (published codes) exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


@register(deploy=True)
def demo_staff_absent(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.STRIDE_ENV != "production":
        return []
    from stride.office.models import StaffProfile

    try:
        names = list(
            StaffProfile.objects.filter(is_demo=True).values_list("user__username", flat=True)
        )
    except DatabaseError:
        return []  # no database yet: nothing to find
    if names:
        return [
            Error(
                f"Demo staff accounts exist: {', '.join(sorted(names))}.",
                hint="Delete them (stride shell, or the admin) before serving patients.",
                id="stride.E002",
            )
        ]
    return []


def refuse_demo_staff() -> None:
    """Called when the web server starts."""
    errors = demo_staff_absent(None)
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
