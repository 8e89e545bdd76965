"""The symptom check's anonymous daily counts, for reading only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stride.assessment.models import UsageCount


@admin.register(UsageCount)
class UsageCountAdmin(admin.ModelAdmin):
    list_display = ["day", "metric", "count"]
    list_filter = ["metric"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
