"""Rate limits kept in the shared cache, so every process counts together.

Fixed windows: a counter per (scope, who, window) that expires with its window. The
client IP is the one the configured number of trusted proxies saw (``TRUSTED_PROXIES``):
with none, the connection's address; with one (nginx in front), the last address in
``X-Forwarded-For``; never anything a client could choose for itself.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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
