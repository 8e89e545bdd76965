"""Writes for the condition library."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from stride import knowledge
from stride.core.images import resized
from stride.library import search
from stride.library.models import Article, HeroRendition
from stride.site.models import Practitioner

HERO_WIDTHS = (480, 800, 1200)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.kept_edits)} left alone (edited by staff)"
        )


def _values(starter: knowledge.StarterArticle, people: dict[str, Practitioner]) -> dict:
    return {
        "title": starter.title,
        "condition": starter.condition,
        "aka": "\n".join(starter.aka),
        "summary": starter.summary.strip(),
        "body": starter.body,
        "region": starter.region,
        "sources": "\n".join(starter.sources),
        "author": people.get(starter.author),
        "reviewer": people.get(starter.reviewer),
        "first_published": starter.first_published,
        "last_reviewed": starter.last_reviewed,
        "next_review_due": starter.next_review_due,
    }


@transaction.atomic
def library_load(*, publish: bool) -> LoadReport:
    """Load the starter articles; idempotent, and never overwrites a staff edit.

    An article is published only when ``publish`` is set and its reviewer is one of
    this clinic's practitioners; otherwise it stays a draft for the clinic to review.
    """
    report = LoadReport()
    people = {p.slug: p for p in Practitioner.objects.all()}
    starters = knowledge.starter_articles()
    for starter in starters:
        values = _values(starter, people)
        article = Article.objects.filter(slug=starter.slug).first()
        if article is None:
            article = Article(slug=starter.slug, **values)
            reviewed = values["reviewer"] is not None
            article.status = (
                Article.Status.PUBLISHED if publish and reviewed else Article.Status.DRAFT
            )
            article.knowledge_hash = article.content_hash()
            article.save()
            report.created.append(starter.slug)
            continue
        if article.content_hash() != article.knowledge_hash:
            report.kept_edits.append(starter.slug)
            continue
        changed = [k for k, v in values.items() if getattr(article, k) != v]
        if not changed:
            report.unchanged.append(starter.slug)
            continue
        for key in changed:
            setattr(article, key, values[key])
        article.knowledge_hash = article.content_hash()
        article.save()
        report.updated.append(starter.slug)
    by_slug = {a.slug: a for a in Article.objects.filter(slug__in=[s.slug for s in starters])}
    for starter in starters:
        if starter.slug in report.created:
            wanted = [by_slug[s] for s in starter.related if s in by_slug]
            by_slug[starter.slug].related.set(wanted)
    return report


@transaction.atomic
def article_hero_renditions_refresh(*, article: Article) -> list[HeroRendition]:
    """Make the resized copies of an article's hero image, unless they are up to date."""
    current = list(article.renditions.all())
    source = article.hero_image.name if article.hero_image else ""
    if current and all(r.source == source for r in current):
        return current
    for old in current:
        old.image.delete(save=False)
        old.delete()
    if not source:
        return []
    with article.hero_image.open("rb") as fh:
        data = fh.read()
    made = []
    for width, (height, jpeg) in resized(data, HERO_WIDTHS).items():
        rendition = HeroRendition(article=article, width=width, height=height, source=source)
        rendition.image.save(f"{article.slug}-{width}.jpg", ContentFile(jpeg), save=False)
        rendition.save()
        made.append(rendition)
    return made


def search_index_rebuild() -> int:
    return search.rebuild_index()
