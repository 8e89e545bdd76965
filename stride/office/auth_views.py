"""Staff sign-in: password and a second factor, every time.

The username and password go through Django's ``authenticate`` (django-axes counts the
failures and locks the username out); the code is a TOTP from an authenticator app or
one of the account's single-use recovery codes. An account with no authenticator yet is
signed in only as far as the page that sets one up.
"""

from __future__ import annotations

import base64
import io
import secrets
from typing import Any, cast
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stride.office import audit
from stride.web import ratelimit

RECOVERY_CODES = 10
WRONG = "The username, password or code is not right."


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/office/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/office/"
    return target


def _page(request: HttpRequest, template: str, context: dict[str, Any],
          status: int = 200) -> HttpResponse:  # fmt: skip
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any,
               **kwargs: Any) -> HttpResponse:  # fmt: skip
    return _page(request, "office/login.html", {
        "error": "Too many attempts. This account is locked for a while; try again later "
                 "or ask the clinic admin.", "next": _next(request),
    }, status=429)  # fmt: skip


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"next": _next(request), "error": ""}
    if request.method != "POST":
        return _page(request, "office/login.html", context)
    if ratelimit.hit("signin-ip", ratelimit.client_network(request),
                     limit=settings.STAFF_SIGNIN_LIMIT_PER_IP, window=3600):  # fmt: skip
        context["error"] = ("Too many sign-in attempts from this network. Please wait an "
                            "hour or ask the clinic admin.")  # fmt: skip
        return _page(request, "office/login.html", context, status=429)
    username = request.POST.get("username", "").strip()
    password = request.POST.get("password", "")
    code = "".join(request.POST.get("code", "").split())
    user = authenticate(request, username=username, password=password)
    profile = getattr(user, "staff", None) if user is not None else None
    if user is None or profile is None:
        context["error"] = WRONG
        return _page(request, "office/login.html", context, status=400)
    assert user is not None
    has_device = any(True for _ in devices_for_user(user, confirmed=True))
    if has_device:
        device = match_token(user, code) if code else None
        if device is None:
            # A wrong code counts towards the lockout like a wrong password.
            user_login_failed.send(sender=__name__, credentials={"username": username},
                                   request=request)  # fmt: skip
            context["error"] = WRONG
            return _page(request, "office/login.html", context, status=400)
        login(request, user)
        otp_login(request, device)
        audit.record(request, "staff.sign_in")
        return HttpResponseRedirect(_next(request))
    login(request, user)  # not verified: only the set-up page will let them in
    return redirect("office:two_factor")


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first sign-in), then show the recovery codes once."""
    user = request.user
    if not user.is_authenticated or getattr(user, "staff", None) is None:
        return redirect("office:login")
    if cast(Any, user).is_verified():
        return redirect("office:home")
    if any(True for _ in devices_for_user(user, confirmed=True)):
        logout(request)  # has an authenticator: sign in with it from the start
        return redirect("office:login")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    context: dict[str, Any] = {
        "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
        "qr": _qr_svg(device.config_url), "error": "",
    }  # fmt: skip
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        if code.isascii() and code.isdigit() and device.verify_token(code):
            device.confirmed = True
            device.save()
            static, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
            static.token_set.all().delete()
            codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
            for token in codes:
                StaticToken.objects.create(device=static, token=token)
            otp_login(request, device)
            audit.record(request, "staff.two_factor_set_up")
            return _page(request, "office/recovery_codes.html", {"codes": codes})
        context["error"] = "That code is not right. Check the time on your phone and try again."
        return _page(request, "office/two_factor.html", context, status=400)
    return _page(request, "office/two_factor.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request, "staff.sign_out")
    logout(request)
    return redirect("office:login")


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The Django admin signs in through the back office (password and second factor)."""
    target = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/admin/"
    return HttpResponseRedirect("/office/login/?" + urlencode({"next": target}))
