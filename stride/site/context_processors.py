from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from stride.site import selectors


def clinic(request: HttpRequest) -> dict[str, Any]:
    """The clinic's details for every page's header and footer."""
    the_clinic = selectors.clinic_get()
    return {
        "clinic": the_clinic,
        "site_url": settings.SITE_URL,
        "canonical_url": settings.SITE_URL + request.path,
    }
