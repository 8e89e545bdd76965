"""After ``migrate``, make the database cache table if the cache uses one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate, dispatch_uid="stride-create-cache-table")
def create_cache_table(sender: Any, **kwargs: Any) -> None:
    if sender.label != "site":
        return
    if any(str(c["BACKEND"]).endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)
