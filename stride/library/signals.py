"""Keep the search index in step with articles; give the home page its article links."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from stride.library import search, selectors
from stride.library.models import Article
from stride.site.signals import pages_for_treats


@receiver(post_save, sender=Article, dispatch_uid="library-index-article")
def index_saved(sender: Any, instance: Article, raw: bool = False, **kwargs: Any) -> None:
    search.index_article(instance)


@receiver(post_delete, sender=Article, dispatch_uid="library-unindex-article")
def unindex_deleted(sender: Any, instance: Article, **kwargs: Any) -> None:
    search.unindex_article(instance.pk)


@receiver(pages_for_treats, dispatch_uid="library-pages-for-treats")
def pages_for_treats_wanted(sender: Any, slugs: list[str], **kwargs: Any) -> dict[str, str]:
    return selectors.article_urls(slugs=slugs)
