"""Anonymous usage counts: per day, how many started, finished, saw each red flag, booked.

Increment-only and aggregate: never a person's answers, never a finer time than the day.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, models, transaction
from django.db.models import F


class UsageCount(models.Model):
    day = models.DateField()
    metric = models.CharField(max_length=80)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "metric"]
        constraints = [models.UniqueConstraint(fields=["day", "metric"], name="usage_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}: {self.count}"


def count(metric: str, day: dt.date) -> None:
    """Add one, safely from many processes at once."""
    if UsageCount.objects.filter(day=day, metric=metric).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            UsageCount.objects.create(day=day, metric=metric, count=1)
    except IntegrityError:  # another process made the row first
        UsageCount.objects.filter(day=day, metric=metric).update(count=F("count") + 1)
