"""Articles, their images and the redirects from a clinic's old blog."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from stride import knowledge
from stride.core import markdown
from stride.site.models import Practitioner


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED)

    def review_overdue(self, today: dt.date) -> ArticleQuerySet:
        return self.filter(next_review_due__lt=today)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    condition = models.CharField(
        max_length=80,
        blank=True,
        help_text="The self-assessment condition this article explains. Its address is then "
        "/conditions/<condition>/.",
    )
    aka = models.TextField(
        "also known as", blank=True, help_text="Other names people search for, one a line."
    )
    summary = models.CharField(
        max_length=200, help_text="One or two sentences for search results and social cards."
    )
    body = models.TextField(
        help_text="Markdown. Sections are level-2 headings (## What it is, ## Who gets it, ...)."
    )
    region = models.CharField(max_length=20, choices=knowledge.region_choices)
    author = models.ForeignKey(
        Practitioner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer = models.ForeignKey(
        Practitioner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="clinical reviewer",
    )
    first_published = models.DateField(null=True, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    sources = models.TextField(blank=True, help_text="One citation a line.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        help_text="Shown first under 'More to explore'; the rest are chosen by region.",
    )
    hero_image = models.ImageField(upload_to="articles/", blank=True)
    hero_alt = models.CharField(
        "hero image description",
        max_length=250,
        blank=True,
        help_text="What the image shows; leave empty only if it is decoration.",
    )
    words = models.PositiveIntegerField(default=0, editable=False)
    knowledge_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition"], condition=~Q(condition=""), name="article_one_per_condition"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(
                    reviewer__isnull=False,
                    last_reviewed__isnull=False,
                    next_review_due__isnull=False,
                ),
                name="article_published_is_reviewed",
            ),
        ]
        indexes = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.words = markdown.render(self.body).words
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "words"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.condition:
            return reverse("library:condition", kwargs={"slug": self.condition})
        return reverse("library:article", kwargs={"slug": self.slug})

    @property
    def aka_list(self) -> list[str]:
        return [line.strip() for line in self.aka.splitlines() if line.strip()]

    @property
    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    @property
    def region_name(self) -> str:
        return dict(knowledge.region_choices()).get(self.region, self.region)

    @property
    def reading_minutes(self) -> int:
        return max(1, -(-self.words // 200))

    def review_overdue(self, today: dt.date) -> bool:
        return bool(self.next_review_due and self.next_review_due < today)

    def content_hash(self) -> str:
        """A fingerprint of what staff edit, to tell a loaded article from an edited one."""
        fields = [self.title, self.condition, self.aka, self.summary, self.body, self.region,
                  self.sources]  # fmt: skip
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.condition and self.condition not in knowledge.conditions():
            errors["condition"] = f"{self.condition!r} is not a condition in the knowledge data."
        if self.status == self.Status.PUBLISHED:
            if not self.reviewer_id:
                errors["reviewer"] = (
                    "A clinical reviewer must check an article before it is published."
                )
            if not self.last_reviewed:
                errors["last_reviewed"] = "Give the date it was last reviewed."
            if not self.next_review_due:
                errors["next_review_due"] = "Give the date its next review is due."
        if (
            self.last_reviewed
            and self.next_review_due
            and self.next_review_due <= self.last_reviewed
        ):
            errors["next_review_due"] = "The next review must be after the last review."
        if self.hero_image and not self.hero_alt.strip():
            errors["hero_alt"] = "Describe the image for people who cannot see it."
        if errors:
            raise ValidationError(errors)


class HeroRendition(models.Model):
    """A resized copy of an article's hero image, for ``srcset``."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    image = models.ImageField(upload_to="articles/renditions/")
    source = models.CharField(max_length=255)

    class Meta:
        ordering = ["width"]
        constraints = [
            models.UniqueConstraint(fields=["article", "width"], name="hero_rendition_unique_width")
        ]

    def __str__(self) -> str:
        return f"{self.article} at {self.width}px"


class Redirect(models.Model):
    """An old address (from the clinic's previous website) that now lives at an article."""

    old_path = models.CharField(
        max_length=500, unique=True, help_text="The path only, e.g. /2023/05/heel-pain/"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    wordpress_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.article}"
