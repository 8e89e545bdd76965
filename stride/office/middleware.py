"""Staff sessions end after ``STAFF_IDLE_MINUTES`` without a request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SEEN_KEY = "stride_staff_seen"
STAFF_PATHS = ("/office/", "/admin/")


def idle_timeout(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        # Only staff pages look at the session: public pages must not touch it (they
        # set no cookie and are cached for everyone).
        if not request.path.startswith(STAFF_PATHS):
            return get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            seen = request.session.get(SEEN_KEY)
            if isinstance(seen, int | float) and now - seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
            else:
                request.session[SEEN_KEY] = now
        return get_response(request)

    return middleware
