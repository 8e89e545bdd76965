"""Public pages of the condition library: same for every visitor, no cookies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from stride import clock, knowledge
from stride.core import markdown
from stride.library import search as search_service
from stride.library import selectors
from stride.library.models import Article
from stride.site import selectors as site_selectors
from stride.site.pagecache import public_page

CTA_AFTER_SECTION = 4  # the booking prompt sits after "Symptoms", then again at the end


def share_links(*, url: str, title: str) -> list[tuple[str, str]]:
    """Plain links to share a page: no third-party script runs on our page."""
    text = f"{title}: {url}"
    return [
        ("Email", "mailto:?" + urlencode({"subject": title, "body": text}, quote_via=quote)),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text}, quote_via=quote)),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
    ]


def assessment_url(region: str) -> str | None:
    """The self-assessment, started in this region, once the assessment exists."""
    try:
        return reverse("assessment:start") + "?" + urlencode({"region": region})
    except NoReverseMatch:
        return None


def json_ld(article: Article, url: str, clinic_name: str) -> str:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": article.title,
        "headline": article.title,
        "description": article.summary,
        "inLanguage": "en-GB",
        "publisher": {
            "@type": "MedicalClinic",
            "name": clinic_name,
            "url": settings.SITE_URL + "/",
        },
    }
    if article.condition:
        condition = knowledge.conditions().get(article.condition, {})
        data["about"] = {
            "@type": "MedicalCondition",
            "name": condition.get("name", article.title),
            "alternateName": article.aka_list,
        }
    if article.last_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
    if article.first_published:
        data["datePublished"] = article.first_published.isoformat()
    data["dateModified"] = article.updated_at.date().isoformat()
    if article.reviewer:
        data["reviewedBy"] = {"@type": "Person", "name": article.reviewer.name,
                              "jobTitle": article.reviewer.role}  # fmt: skip
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author.name}
    # Escape "<" so the JSON can never close the script element it sits in.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def article_page(request: HttpRequest, article: Article, *, preview: bool = False) -> HttpResponse:
    clinic = site_selectors.clinic_get()
    rendered = markdown.render(article.body)
    url = settings.SITE_URL + article.get_absolute_url()
    sections = list(rendered.sections)
    context = {
        "clinic": clinic,
        "article": article,
        "intro": rendered.intro,
        "sections_before": sections[:CTA_AFTER_SECTION],
        "sections_after": sections[CTA_AFTER_SECTION:],
        "reading_minutes": rendered.reading_minutes,
        "related": selectors.related_articles(article=article),
        "share": share_links(url=url, title=article.title),
        "share_url": url,
        "assessment_url": assessment_url(article.region),
        "json_ld": json_ld(article, url, clinic.name),
        "region_url": reverse("library:index") + f"#{article.region}",
        "renditions": list(article.renditions.all()),
        "review_overdue": article.review_overdue(clock.today(clinic.time_zone)),
        "preview": preview,
    }
    response = render(request, "library/article.html", context)
    if preview:
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@public_page
def condition(request: HttpRequest, slug: str) -> HttpResponse:
    return article_page(request, selectors.article_for_condition(slug=slug))


@require_safe
@public_page
def article(request: HttpRequest, slug: str) -> HttpResponse:
    return article_page(request, selectors.article_by_slug(slug=slug))


@require_safe
@public_page
def index(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or None
    if region and region not in dict(knowledge.region_choices()):
        raise Http404("no such region")
    return render(
        request,
        "library/index.html",
        {"groups": selectors.articles_by_region(region=region), "region": region},
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = search_service.clean_query(request.GET.get("q", ""))
    hits = search_service.search(query) if query else []
    return render(
        request,
        "library/search.html",
        {"query": query, "hits": hits, "groups": [] if hits else selectors.articles_by_region()},
    )
