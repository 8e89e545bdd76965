"""Reads for the condition library."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from stride import knowledge
from stride.knowledge import assessment_kb
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


def article_urls(*, slugs: Iterable[str]) -> dict[str, str]:
    """The address of the published article each slug names, as its condition or, failing
    that, its own slug; slugs that name none are left out."""
    wanted = set(slugs)
    found: dict[str, str] = {}
    articles = Article.objects.published().filter(Q(condition__in=wanted) | Q(slug__in=wanted))
    by_condition = sorted(
        articles.only("slug", "condition"), key=lambda a: a.condition not in wanted
    )
    for article in by_condition:
        for key in (article.condition, article.slug):
            if key in wanted:
                found.setdefault(key, article.get_absolute_url())
    return found


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


@cache
def _telling_findings() -> dict[str, frozenset[str]]:
    """Condition -> the findings that point to it (likelihood ratio at least 1.5)."""
    kb = assessment_kb.knowledge_base()
    strong = math.log(1.5)
    return {
        c.slug: frozenset(f for f, lik in c.findings.items() if lik.log_lr_yes >= strong)
        for c in kb.conditions
    }


def _likeness(a: Article, b: Article) -> float:
    """How alike two articles are: the findings their conditions share, and the region."""
    same_region = 0.25 if a.region == b.region else 0.0
    if not (a.condition and b.condition):
        return same_region
    telling = _telling_findings()
    fa, fb = telling.get(a.condition, frozenset()), telling.get(b.condition, frozenset())
    shared = len(fa & fb) / min(len(fa), len(fb)) if fa and fb else 0.0
    return shared + same_region


def related_articles(*, article: Article, limit: int = RELATED_LIMIT) -> list[Article]:
    """Staff's picks first, then the articles most alike by shared findings and region."""
    picks = list(article.related.published().exclude(pk=article.pk).order_by("title"))
    chosen = picks[:limit]
    if len(chosen) < limit:
        others = Article.objects.published().exclude(pk__in=[article.pk, *[a.pk for a in chosen]])
        others = others.only("title", "slug", "condition", "summary", "region")
        ranked = sorted(others, key=lambda other: (-_likeness(article, other), other.title))
        chosen.extend(a for a in ranked[: limit - len(chosen)] if _likeness(article, a) > 0)
    return chosen


def articles_overdue(*, today: dt.date) -> QuerySet[Article]:
    return Article.objects.review_overdue(today).order_by("next_review_due")


def articles_recent(*, limit: int = 20) -> QuerySet[Article]:
    return _public().order_by("-updated_at")[:limit]
