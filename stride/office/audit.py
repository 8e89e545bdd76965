"""Writing the audit trail: one row per staff view or change of patient data."""

from __future__ import annotations

from django.http import HttpRequest

from stride.office.models import AuditEvent


def record(request: HttpRequest, action: str, subject: str = "") -> None:
    profile = getattr(request.user, "staff", None)
    AuditEvent.objects.create(
        actor=request.user.pk or 0,
        role=profile.role if profile else "",
        action=action,
        subject=subject,
    )
