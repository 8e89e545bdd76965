"""Reads for the condition library."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from stride import knowledge
from stride.library.models import Article

RELATED_LIMIT = 4


@dataclass(frozen=True)
class RegionGroup:
    region: knowledge.Region
    articles: list[Article]


def _public() -> QuerySet[Article]:
    return Article.objects.published().select_related("author", "reviewer")


def article_for_condition(*, slug: str) -> Article:
    return get_object_or_404(_public().prefetch_related("renditions"), condition=slug)


def article_by_slug(*, slug: str) -> Article:
    return get_object_or_404(
        _public().prefetch_related("renditions").filter(condition=""), slug=slug
    )


def articles_by_region(*, region: str | None = None) -> list[RegionGroup]:
    """Published articles grouped by region, in the knowledge data's region order."""
    articles = Article.objects.published().only("title", "slug", "condition", "summary", "region")
    if region:
        articles = articles.filter(region=region)
    by_region: dict[str, list[Article]] = {}
    for article in articles.order_by("title"):
        by_region.setdefault(article.region, []).append(article)
    return [
        RegionGroup(region=r, articles=by_region[r.slug])
        for r in knowledge.regions()
        if r.slug in by_region
    ]


def related_articles(*, article: Article, limit: int = RELATED_LIMIT) -> list[Article]:
    """Staff's picks first, then others in the same region, never the article itself."""
    picks = list(article.related.published().exclude(pk=article.pk).order_by("title"))
    chosen = picks[:limit]
    if len(chosen) < limit:
        more = (
            Article.objects.published()
            .filter(region=article.region)
            .exclude(pk__in=[article.pk, *[a.pk for a in chosen]])
            .order_by("title")[: limit - len(chosen)]
        )
        chosen.extend(more)
    return chosen


def articles_overdue(*, today: dt.date) -> QuerySet[Article]:
    return Article.objects.review_overdue(today).order_by("next_review_due")


def articles_recent(*, limit: int = 20) -> QuerySet[Article]:
    return _public().order_by("-updated_at")[:limit]
