from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from stride.site import services
from stride.site.models import Clinic, OpeningHours, Practitioner, Registration

# Links typed without a scheme are https, as Django 6.0 will assume.
HTTPS_URLS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    inlines = [OpeningHoursInline]
    fieldsets = [
        (None, {"fields": ["name", "tagline", "treats"]}),
        ("Contact", {"fields": ["phone", "email"]}),
        (
            "Address",
            {"fields": ["address_line1", "address_line2", "town", "postcode", "map_url"]},
        ),
        ("Visiting", {"fields": ["accessibility_notes", "parking_notes"]}),
        (
            "Registration and settings",
            {"fields": ["registration_details", "ico_registration", "time_zone"]},
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Clinic.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RegistrationInline(admin.TabularInline):
    model = Registration
    formfield_overrides = HTTPS_URLS
    extra = 0


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "is_active", "order"]
    list_editable = ["is_active", "order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RegistrationInline]

    def save_model(self, request: HttpRequest, obj: Practitioner, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.practitioner_photo_renditions_refresh(practitioner=obj)
