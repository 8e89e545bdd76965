"""After ``migrate``, make the database cache table if the cache uses one; raise the
content version whenever something a public page shows changes; and ask the apps above
for the pages the home page links to."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import Signal, receiver

from stride.site import pagecache

# Sent by the home page with ``slugs``, what its "What we treat" lines name; a receiver
# answers ``{slug: address}`` for those it has a page for (the library, its published
# articles). The site sits below the library and never imports it.
pages_for_treats = Signal()

# Models whose rows appear on public pages.
PUBLIC_MODELS = (
    "site.Clinic",
    "site.OpeningHours",
    "site.Practitioner",
    "site.Registration",
    "site.PhotoRendition",
    "library.Article",
    "library.HeroRendition",
)


@receiver(post_migrate, dispatch_uid="stride-create-cache-table")
def create_cache_table(sender: Any, **kwargs: Any) -> None:
    if sender.label != "site":
        return
    if any(str(c["BACKEND"]).endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


def _changed(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        pagecache.content_changed()


def connect_public_models() -> None:
    for label in PUBLIC_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(_changed, sender=model, dispatch_uid=f"content-changed-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"content-changed-del-{label}")
