"""An Atom feed of new and updated articles; every URL built from SITE_URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from stride.library import selectors
from stride.library.models import Article
from stride.site import selectors as site_selectors


class ArticleFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return f"{site_selectors.clinic_get().name}: articles"

    def link(self) -> str:
        return settings.SITE_URL + "/conditions/"

    def subtitle(self) -> str:
        return "New and updated articles about foot and ankle conditions."

    def feed_url(self) -> str:
        return settings.SITE_URL + "/articles/feed.atom"

    def items(self) -> Any:
        return selectors.articles_recent()

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.summary

    def item_link(self, item: Article) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def item_pubdate(self, item: Article) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Article) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return item.author.name if item.author else None
