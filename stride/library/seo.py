"""sitemap.xml and robots.txt, with every address built from SITE_URL."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from stride.library.models import Article
from stride.site import selectors as site_selectors
from stride.site.pagecache import public_page


@require_safe
@public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    base = settings.SITE_URL
    clinic = site_selectors.clinic_get()
    pages = [
        (base + reverse(name), clinic.updated_at.date())
        for name in (
            "site:home",
            "site:practitioners",
            "site:contact",
            "booking:start",
            "site:privacy",
            "site:accessibility",
            "library:index",
        )
    ]
    pages += [
        (base + p.get_absolute_url(), clinic.updated_at.date())
        for p in site_selectors.practitioners_public()
    ]
    pages += [
        (base + a.get_absolute_url(), a.updated_at.date())
        for a in Article.objects.published().order_by("title")
    ]
    xml = render_to_string("library/sitemap.xml", {"pages": pages})
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


@require_safe
@public_page
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
