"""The page cache in front of Django: compressed bytes, versioned, careful what it serves."""

import gzip
from wsgiref.util import setup_testing_defaults

import brotli  # type: ignore[import-untyped]
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from stride.library.models import Article, Redirect
from stride.site import pagecache
from stride.site.models import Clinic

pytestmark = pytest.mark.usefixtures("demo_clinic")


class CountingApp:
    def __init__(self):
        self.app = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def request(cache, path="/", *, method="GET", query="", accept="", host="127.0.0.1", **extra):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
               "HTTP_HOST": host, "HTTP_ACCEPT_ENCODING": accept, **extra}  # fmt: skip
    setup_testing_defaults(environ)
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"], out["headers"] = status, dict(headers)

    body = b"".join(cache(environ, start_response))
    return out["status"], out["headers"], body


@pytest.fixture
def cache():
    # As Django's test client does: keep the test's connection (and transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield pagecache.PageCache(CountingApp(), version_ttl=0)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_second_request_is_answered_from_the_cache(cache):
    first = request(cache, "/conditions/gout/")
    second = request(cache, "/conditions/gout/")
    assert cache.app.calls == 1
    assert first[0] == second[0] == "200 OK"
    assert first[2] == second[2]
    assert b"Gout" in second[2]
    assert "Content-Security-Policy" in second[1]
    assert pagecache.MARK not in second[1]
    assert "public" in second[1]["Cache-Control"]


def test_it_serves_brotli_gzip_or_plain_as_asked(cache):
    _, plain_headers, plain = request(cache, "/")
    _, gz_headers, gz = request(cache, "/", accept="gzip, deflate")
    _, br_headers, br = request(cache, "/", accept="gzip, deflate, br")
    _, none_headers, _ = request(cache, "/", accept="br;q=0, gzip;q=0")
    assert gzip.decompress(gz) == plain == brotli.decompress(br)
    assert gz_headers["Content-Encoding"] == "gzip"
    assert br_headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in plain_headers
    assert "Content-Encoding" not in none_headers
    assert br_headers["Vary"] == "Accept-Encoding"
    assert int(br_headers["Content-Length"]) == len(br) < len(gz) < len(plain)
    assert cache.app.calls == 1


def test_a_matching_etag_gets_304(cache):
    _, headers, _ = request(cache, "/contact/", accept="gzip")
    status, _, body = request(cache, "/contact/", accept="gzip", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304")
    assert body == b""
    assert headers["Last-Modified"].endswith("GMT")


def test_an_edit_makes_every_page_again(cache):
    request(cache, "/")
    clinic = Clinic.objects.get()
    clinic.tagline = "Freshly edited tagline."
    clinic.save()
    _, _, body = request(cache, "/")
    assert b"Freshly edited tagline." in body
    assert cache.app.calls == 2


def test_an_article_edit_changes_the_version(cache):
    before = pagecache.read_version()
    article = Article.objects.get(slug="gout")
    article.summary = "Changed."
    article.save()
    assert pagecache.read_version() == before + 1


@pytest.mark.parametrize("path", ["/search/", "/healthz", "/admin/login/", "/no-such-page/"])
def test_pages_not_marked_public_are_never_cached(cache, path):
    request(cache, path, query="q=heel" if path == "/search/" else "")
    request(cache, path, query="q=heel" if path == "/search/" else "")
    assert cache.app.calls == 2


def test_query_strings_bypass_the_cache_but_tracking_tags_do_not(cache):
    request(cache, "/conditions/")
    request(cache, "/conditions/", query="region=heel")
    assert cache.app.calls == 2
    request(cache, "/conditions/", query="utm_source=newsletter&fbclid=abc")
    assert cache.app.calls == 2


def test_old_blog_links_are_redirected_before_the_cache(cache):
    Redirect.objects.create(
        old_path="/old-gout-post/", article=Article.objects.get(slug="gout"), wordpress_id=42
    )
    request(cache, "/")
    status, headers, _ = request(cache, "/", query="p=42")
    assert status.startswith("301")
    assert headers["Location"] == "/conditions/gout/"


def test_posts_and_unknown_hosts_go_to_django(cache):
    status, _, _ = request(cache, "/", method="POST")
    assert status.startswith("403")  # Django's CSRF check answered
    status, _, _ = request(cache, "/", host="evil.example")
    assert status.startswith("400")
    assert len(cache.entries) == 0


def test_plain_http_is_not_served_when_https_is_required(settings):
    settings.SECURE_SSL_REDIRECT = True
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache = pagecache.PageCache(CountingApp(), version_ttl=0)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    status, headers, _ = request(cache, "/")
    assert status.startswith("301")
    assert headers["Location"].startswith("https://")
    assert len(cache.entries) == 0


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [("", "identity"), ("gzip", "gzip"), ("br, gzip", "br"), ("*", "br"),
     ("gzip;q=1.0, br;q=0", "gzip"), ("identity", "identity"), ("gzip;q=bad", "identity")],
)  # fmt: skip
def test_it_reads_accept_encoding(accept, chosen):
    assert pagecache.choose_encoding(accept) == chosen
