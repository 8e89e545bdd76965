"""Staff sign-in that a stranger cannot block, and that leaves a trail.

Failures are counted per username **and** address together (``AXES_LOCKOUT_PARAMETERS``):
five wrong passwords from a stranger's address lock that address out of that account,
while the member of staff still signs in from theirs. Each further lockout of the same
pair doubles the wait (``cool_off``), up to a day. Every failed sign-in and every
lockout is an audit event (the account's id when it exists, never what was typed), and
axes itself keeps only a keyed hash of the username (``username_key``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest

from stride.office.models import AuditEvent
from stride.web.ratelimit import client_ip, count_up

MAX_COOL_OFF = dt.timedelta(hours=24)
REMEMBER = 24 * 3600  # lockouts of one pair count towards a longer wait for a day


def _pair_key(username: str, address: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{username.lower()}|{address}".encode(),
                      hashlib.sha256).hexdigest()[:32]  # fmt: skip
    return f"stride:lockouts:{digest}"


def _username(request: HttpRequest | None, credentials: Any = None) -> str:
    if isinstance(credentials, dict) and credentials.get("username"):
        return str(credentials["username"]).strip()
    if request is not None and request.method == "POST":
        return str(request.POST.get("username", "")).strip()  # as the sign-in view reads it
    return ""


def username_key(request: HttpRequest | None, credentials: Any = None) -> str:
    """What django-axes keeps and locks on instead of the username typed (which may be a
    password typed in the wrong box): a keyed hash of it, trimmed and in lower case."""
    name = _username(request, credentials).lower()
    digest = hmac.new(settings.SECRET_KEY.encode(), f"signin|{name}".encode(), hashlib.sha256)
    return f"user-{digest.hexdigest()[:24]}"


def cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """The lockout's length: the base (``STAFF_LOCKOUT_MINUTES``), doubled for every
    earlier lockout of this username and address in the last day."""
    base = settings.STAFF_LOCKOUT_BASE
    if request is None:
        return base
    earlier = int(cache.get(_pair_key(_username(request), client_ip(request))) or 1) - 1
    return min(base * 2 ** min(earlier, 10), MAX_COOL_OFF)


def _account_id(username: str) -> int:
    user = get_user_model().objects.filter(username=username).only("pk").first()
    return int(user.pk) if user else 0


def _audit(account: int, action: str) -> None:
    subject = f"user:{account}" if account else "unknown account"
    AuditEvent.objects.create(actor=account, role="", action=action, subject=subject)


@receiver(user_login_failed)
def audit_failed_sign_in(sender: Any, credentials: Any = None, request: Any = None,
                         **kwargs: Any) -> None:  # fmt: skip
    account = _account_id(_username(request, credentials))
    _audit(account, "staff.sign_in_failed")


@receiver(user_locked_out)
def audit_lockout(sender: Any, request: Any = None, username: str | None = None,
                  ip_address: str | None = None, **kwargs: Any) -> None:  # fmt: skip
    """Audit a lockout and count it towards the next one's length: once per lockout,
    however many attempts are made while it lasts."""
    name = _username(request) if request is not None else (username or "").strip()
    key = _pair_key(name, ip_address or (client_ip(request) if request else ""))
    earlier = int(cache.get(key) or 0)
    length = min(settings.STAFF_LOCKOUT_BASE * 2 ** min(earlier, 10), MAX_COOL_OFF)
    if not cache.add(key + ":locked", 1, timeout=int(length.total_seconds())):
        return  # an attempt during this lockout: already counted and audited
    count_up(key, timeout=REMEMBER)
    account = _account_id(name)
    _audit(account, "staff.locked_out")
