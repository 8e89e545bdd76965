"""Who an email to a patient is from: the configured address under the clinic's name."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from django.conf import settings


def sender(clinic_name: str) -> str:
    """The configured address under the clinic's name, as a patient's inbox lists it
    ("Larkfield Foot & Ankle Clinic <bookings@...>"), not the software's."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((" ".join(clinic_name.split()), address))
