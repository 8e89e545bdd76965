"""Old blog addresses answer 301 to the article that replaced them.

``/?p=123`` (WordPress's own short links) is answered as the request arrives, before
any page cache could serve the home page for it; every other old path only when
Stride has no page of its own there (a 404), so Stride's routes always win.
Redirects lead only to published articles.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from stride.library.models import Article, Redirect


def _target(redirect: Redirect | None) -> HttpResponse | None:
    if redirect is None or redirect.article.status != Article.Status.PUBLISHED:
        return None
    return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())


def wordpress_id(request: HttpRequest) -> int | None:
    for key in ("p", "page_id"):
        value = request.GET.get(key, "")
        if value.isascii() and value.isdigit() and len(value) < 10:  # "²" is a digit too
            return int(value)
    return None


def legacy_redirects(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method in {"GET", "HEAD"}:
            post_id = wordpress_id(request)
            if post_id is not None:
                found = (
                    Redirect.objects.select_related("article").filter(wordpress_id=post_id).first()
                )
                if (answer := _target(found)) is not None:
                    return answer
        response = get_response(request)
        if response.status_code == 404 and request.method in {"GET", "HEAD"}:
            path = request.path
            candidates = {path, path.rstrip("/") + "/", path.rstrip("/") or "/"}
            found = (
                Redirect.objects.select_related("article").filter(old_path__in=candidates).first()
            )
            if (answer := _target(found)) is not None:
                return answer
        return response

    return middleware
