"""The clinic admin sets each staff account's role here (and makes accounts in Users)."""

from __future__ import annotations

from django.contrib import admin

from stride.office.models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "practitioner", "is_demo"]
    list_filter = ["role"]
    readonly_fields = ["is_demo"]
    autocomplete_fields = ["user"]
