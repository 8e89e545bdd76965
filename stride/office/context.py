"""What every back-office page knows: the clinic, and the signed-in staff profile."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from stride.site import selectors as site_selectors


def page(request: HttpRequest, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "clinic": site_selectors.clinic_get(),
        "staff": getattr(request.user, "staff", None),
        "section": section,
        **extra,
    }
