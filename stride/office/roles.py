"""Who may see what in the back office: one decorator on every view.

A staff member must be signed in with a second factor (django-otp) and have a staff
profile; a view names the roles it allows (the clinic admin may do everything). A
practitioner sees their own diary and their own patients only.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from stride.office.models import StaffProfile

Role = StaffProfile.Role
EVERYONE = (Role.PRACTITIONER, Role.RECEPTION, Role.CLINIC_ADMIN)
DESK = (Role.RECEPTION, Role.CLINIC_ADMIN)
ADMIN = (Role.CLINIC_ADMIN,)


def profile_of(request: HttpRequest) -> StaffProfile | None:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "staff", None)


def staff_only(*roles: str) -> Callable:
    """Allow signed-in, two-factor-verified staff with one of ``roles``."""
    allowed = set(roles or EVERYONE) | {Role.CLINIC_ADMIN}

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            profile = profile_of(request)
            verified = getattr(request.user, "is_verified", lambda: False)()
            if profile is None or not verified:
                if request.user.is_authenticated and profile is not None:
                    from django.shortcuts import redirect

                    return redirect("office:two_factor")
                return redirect_to_login(request.get_full_path())
            if profile.role not in allowed:
                raise PermissionDenied("not for your role")
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "no-store"
            response["X-Robots-Tag"] = "noindex"
            return response

        return wrapped

    return decorate


def sees_all(profile: StaffProfile) -> bool:
    return profile.role in DESK
