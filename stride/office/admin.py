"""The clinic admin sets each staff account's role here (and makes accounts in Users)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from stride.office import audit
from stride.office.models import StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "practitioner", "is_demo"]
    list_filter = ["role"]
    readonly_fields = ["is_demo"]
    autocomplete_fields = ["user"]


class _AuditedViews:
    """Every look at a staff member's second-factor settings is an audit event (the
    keys and recovery codes themselves are hidden: ``OTP_ADMIN_HIDE_SENSITIVE_DATA``)."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        audit.record(request, "staff.two_factor_viewed", "list")
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict[str, object] | None = None) -> HttpResponse:  # fmt: skip
        audit.record(request, "staff.two_factor_viewed", f"device:{object_id}"[:40])
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


class AuditedTOTPDeviceAdmin(_AuditedViews, TOTPDeviceAdmin):
    pass


class AuditedStaticDeviceAdmin(_AuditedViews, StaticDeviceAdmin):
    pass


for _model, _admin in (
    (TOTPDevice, AuditedTOTPDeviceAdmin),
    (StaticDevice, AuditedStaticDeviceAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
