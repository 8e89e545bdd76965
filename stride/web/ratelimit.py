"""Rate limits kept in the shared cache, so every process counts together.

Fixed windows: a counter per (scope, who, window) that expires with its window. The
client IP is the one the configured number of trusted proxies saw (``TRUSTED_PROXIES``):
with none, the connection's address; with one (nginx in front), the last address in
``X-Forwarded-For``; never anything a client could choose for itself.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from stride.web.errors import errors

Run = Callable[..., HttpResponseBase]  # ninja's Operation.run


def client_ip(request: HttpRequest) -> str:
    trusted = settings.TRUSTED_PROXIES
    if trusted <= 0:
        return str(request.META.get("REMOTE_ADDR", ""))
    chain = [
        p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
    ]
    if len(chain) >= trusted:
        return chain[-trusted]
    return str(request.META.get("REMOTE_ADDR", ""))


def network(address: str) -> str:
    """The address a limit counts: an IPv6 address by its /64 (one household or phone
    has the whole /64, so counting single addresses would count nothing), an IPv4
    address as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_network(request: HttpRequest) -> str:
    """``network`` of ``client_ip``: what a per-address limit should count."""
    return network(client_ip(request))


@dataclass(frozen=True)
class Limited:
    retry_after: int


def count_up(key: str, *, timeout: int) -> int:
    """Add one to the counter at ``key`` (made at 1 when missing), which lasts
    ``timeout`` seconds from now; the new count."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1
    # The database cache's incr re-saves the entry with the default timeout (five
    # minutes): give it back its own.
    cache.touch(key, timeout)
    return count


def hit(scope: str, who: str, *, limit: int, window: int) -> Limited | None:
    """Count one request; a Limited when this one is over the limit."""
    now = int(time.time())
    bucket = now // window
    # Keyed with the secret key: the cache never holds an address or an email, nor a
    # plain hash of one that could be matched against a list.
    digest = hmac.new(settings.SECRET_KEY.encode(), who.lower().encode(),
                      hashlib.sha256).hexdigest()[:32]  # fmt: skip
    key = f"stride:rl:{scope}:{digest}:{bucket}"
    count = count_up(key, timeout=window - now % window + 5)
    if count > limit:
        return Limited(retry_after=window - now % window)
    return None


def per_address(
    scope: str, *, setting: str, message: str, field: str | None = "", window: int = 3600
) -> Callable[[Run], Run]:
    """A decorator for an API operation (apply it with ninja's ``decorate_view``, which wraps
    the whole operation, before ninja reads the body): every request counts against
    ``settings.<setting>`` per client address, a malformed one too; over the limit, a 429
    with ``Retry-After``."""

    def decorate(run: Run) -> Run:
        @functools.wraps(run)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            over = hit(scope, client_network(request), limit=getattr(settings, setting),
                       window=window)  # fmt: skip
            if over:
                return errors(429, (field, "rate_limited", message),
                              Retry_After=str(over.retry_after))  # fmt: skip
            return run(request, *args, **kwargs)

        return limited

    return decorate
