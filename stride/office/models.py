"""Staff roles and the audit trail of staff access to patient data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from stride import clock
from stride.site.models import Practitioner


class StaffProfile(models.Model):
    """What a staff account may do. Every back-office page checks it."""

    class Role(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner (own diary and patients)"
        RECEPTION = "reception", "Reception (all diaries, bookings and patients)"
        CLINIC_ADMIN = "clinic_admin", "Clinic admin (everything, settings and staff)"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    practitioner = models.OneToOneField(
        Practitioner, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff",
        help_text="For a practitioner: whose diary and patients are theirs.",
    )  # fmt: skip
    is_demo = models.BooleanField(default=False, editable=False)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit trail is append-only")


class AuditEvent(models.Model):
    """One staff view or change of patient data: who, what, when, never the data itself.

    ``subject`` is a pseudonymous reference (``patient:42``, ``booking:17``), the actor
    is the staff account's id. Rows are never changed; they are removed only when older
    than ``AUDIT_RETENTION_YEARS``, by ``stride apply-retention``.
    """

    at = models.DateTimeField(default=clock.now, db_index=True)
    actor = models.PositiveIntegerField(help_text="Staff account id.")
    role = models.CharField(max_length=16)
    action = models.CharField(max_length=40)
    subject = models.CharField(max_length=40, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit trail is append-only")
