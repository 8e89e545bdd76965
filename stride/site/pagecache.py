"""A page cache of already-compressed public pages, in front of Django.

Public pages are the same for every visitor, so each process keeps the bytes of
each page, compressed once with gzip and brotli, keyed by path and by the content
version that every process reads from the database (at most every
``PAGE_CACHE_VERSION_TTL`` seconds). An edit to anything a public page shows raises
the version, so every process makes its pages again.

It wraps the WSGI application, so a hit is answered before any middleware runs. It
serves only what a view marked with :func:`public_page`: status 200, no cookie.
It steps aside for anything else: other methods, query strings other than tracking
tags (``?p=123`` old blog links go on to their redirect), plain HTTP when HTTPS is
required, and hosts not in ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import formatdate
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

import brotli  # type: ignore[import-untyped]
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host
from django.utils.cache import patch_cache_control

log = logging.getLogger(__name__)

MARK = "X-Stride-Page-Cache"
TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "mc_", "ref")
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view's successful responses as the same for everyone: cacheable anywhere."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
            response[MARK] = "1"
        return response

    return wrapper


def content_changed() -> None:
    """Raise the content version (in the caller's transaction)."""
    from django.db.models import F

    from stride.site.models import ContentVersion

    updated = ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        ContentVersion.objects.create(pk=1, version=2)
    transaction.on_commit(_forget_version)


_listeners: list[Callable[[], None]] = []


def _forget_version() -> None:
    for listener in _listeners:
        listener()


def read_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM site_contentversion WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 1


@dataclass(frozen=True)
class Entry:
    status: str
    headers: list[tuple[str, str]]
    bodies: dict[str, bytes]  # "identity", "gzip", "br"
    etag: str
    last_modified: str


def choose_encoding(accept: str) -> str:
    """br, then gzip, then identity, honouring q=0."""
    offered: dict[str, float] = {}
    for part in accept.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[name.strip()] = q
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", 0.0)) > 0:
            return name
    return "identity"


def _only_tracking(query: str) -> bool:
    pairs = parse_qsl(query, keep_blank_values=True)
    return all(key.startswith(TRACKING_PREFIXES) for key, _ in pairs)


class PageCache:
    def __init__(
        self,
        app: WSGIApp,
        *,
        max_entries: int = 512,
        version_ttl: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.max_entries = max_entries
        self.version_ttl = settings.PAGE_CACHE_VERSION_TTL if version_ttl is None else version_ttl
        self.monotonic = monotonic
        self.entries: OrderedDict[tuple[str, int], Entry] = OrderedDict()
        self.lock = threading.Lock()
        self._version = 0
        self._checked = -1e9
        _listeners.append(self.forget_version)

    def forget_version(self) -> None:
        self._checked = -1e9

    def version(self) -> int:
        now = self.monotonic()
        if now - self._checked >= self.version_ttl:
            self._version = read_version()
            self._checked = now
        return self._version

    def _cacheable_request(self, environ: dict[str, Any]) -> bool:
        if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
            return False
        query = environ.get("QUERY_STRING", "")
        if query and not _only_tracking(query):
            return False
        if getattr(settings, "SECURE_SSL_REDIRECT", False):
            header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
            secure = environ.get("wsgi.url_scheme") == "https" or (
                header is not None and environ.get(header[0]) == header[1]
            )
            if not secure:
                return False
        host = environ.get("HTTP_HOST", "")
        domain, _ = split_domain_port(host)
        return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self._cacheable_request(environ):
            return self.app(environ, start_response)
        try:
            version = self.version()
        except DatabaseError:
            log.warning("page cache: content version unreadable", exc_info=True)
            connection.close()
            return self.app(environ, start_response)
        key = (environ.get("PATH_INFO", "/"), version)
        entry = self.entries.get(key)
        if entry is None:
            captured: dict[str, Any] = {}

            def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                captured["status"], captured["headers"] = status, headers
                return lambda data: None

            result = self.app(environ, capture)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
            entry = self._entry(captured["status"], captured["headers"], body)
            if entry is None:
                headers = [(k, v) for k, v in captured["headers"] if k != MARK]
                start_response(captured["status"], headers)
                return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
            with self.lock:
                self.entries[key] = entry
                while len(self.entries) > self.max_entries:
                    self.entries.popitem(last=False)
        return self._serve(entry, environ, start_response)

    def _entry(self, status: str, headers: list[tuple[str, str]], body: bytes) -> Entry | None:
        names = {k.lower() for k, _ in headers}
        if not status.startswith("200") or MARK.lower() not in names or "set-cookie" in names:
            return None
        kept = [
            (k, v)
            for k, v in headers
            if k.lower() not in {MARK.lower(), "content-length", "etag", "last-modified", "vary"}
        ]
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        return Entry(
            status=status,
            headers=kept,
            bodies={
                "identity": body,
                "gzip": gzip.compress(body, 9, mtime=0),
                "br": brotli.compress(body, quality=11),
            },
            etag=digest,
            last_modified=formatdate(usegmt=True),
        )

    def _serve(
        self, entry: Entry, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        encoding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        body = entry.bodies[encoding]
        etag = f'"{entry.etag}-{encoding}"'
        headers = [*entry.headers, ("ETag", etag), ("Last-Modified", entry.last_modified),
                   ("Vary", "Accept-Encoding")]  # fmt: skip
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", headers)
            return []
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        start_response(entry.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
