from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from stride.site import selectors


def clinic(request: HttpRequest) -> dict[str, Any]:
    """The clinic's details for every page's header and footer.

    Lazy, so a view that passes ``clinic`` itself costs no second query.
    """
    return {
        "clinic": SimpleLazyObject(selectors.clinic_get),
        "site_url": settings.SITE_URL,
        "canonical_url": settings.SITE_URL + request.path,
    }
