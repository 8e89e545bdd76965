"""Staff set up services, rotas, closures and rules here. Patient data is not in the
admin: it waits for the back office with two-factor login."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from stride.booking.models import (
    BankHolidayOpening,
    BookingRules,
    ClinicClosure,
    ConditionService,
    Service,
    TimeOff,
    WorkingBreak,
    WorkingPeriod,
)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "duration_minutes",
        "price_pence",
        "kind",
        "bookable_online",
        "is_active",
    ]
    list_filter = ["kind", "bookable_online", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["practitioners"]


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "weekday", "start", "end", "valid_from", "valid_until"]
    list_filter = ["practitioner", "weekday"]


@admin.register(WorkingBreak)
class WorkingBreakAdmin(WorkingPeriodAdmin):
    pass


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "start", "end", "note"]
    list_filter = ["practitioner"]


@admin.register(ClinicClosure)
class ClinicClosureAdmin(admin.ModelAdmin):
    list_display = ["start", "end", "note"]


@admin.register(BankHolidayOpening)
class BankHolidayOpeningAdmin(admin.ModelAdmin):
    list_display = ["date"]


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not BookingRules.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConditionService)
class ConditionServiceAdmin(admin.ModelAdmin):
    """What the symptom check suggests booking for each condition (else a new-patient
    service), and which urgent conditions the clinic sees the same day."""

    list_display = ["condition", "service", "same_day"]
    list_filter = ["same_day", "service"]
