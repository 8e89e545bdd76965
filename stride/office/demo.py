"""The demo clinic's staff: one of each role, each with a published password and a
known authenticator key, so anyone can try the back office. Production refuses to run
while any of them exists (``is_demo``)."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from stride.office.models import StaffProfile
from stride.site.models import Practitioner

PASSWORD = "stride-demo"  # noqa: S105 (published on purpose; production refuses demo staff)
STAFF = [
    # username, full name, role, practitioner
    ("admin", "Clinic Admin", StaffProfile.Role.CLINIC_ADMIN, None),
    ("reception", "Rosa Reception", StaffProfile.Role.RECEPTION, None),
    ("amara", "Amara Okafor", StaffProfile.Role.PRACTITIONER, "amara-okafor"),
    ("tomasz", "Tomasz Nowak", StaffProfile.Role.PRACTITIONER, "tomasz-nowak"),
]


def demo_key(username: str) -> str:
    """A fixed key per demo account (hex), so the demo's codes can be worked out."""
    return hashlib.sha1(f"stride-demo-{username}".encode(), usedforsecurity=False).hexdigest()


def current_code(username: str) -> str:
    device = TOTPDevice.objects.get(user__username=username, name="Demo authenticator")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def build() -> None:
    users = get_user_model()
    for username, full_name, role, slug in STAFF:
        first, _, last = full_name.partition(" ")
        user = users.objects.filter(username=username).first()
        if user is None:
            user = users.objects.create_user(
                username, f"{username}@larkfield-clinic.example", PASSWORD,
                first_name=first, last_name=last,
                is_staff=role == StaffProfile.Role.CLINIC_ADMIN,
                is_superuser=role == StaffProfile.Role.CLINIC_ADMIN,
            )  # fmt: skip
        person = Practitioner.objects.filter(slug=slug).first() if slug else None
        StaffProfile.objects.update_or_create(
            user=user, defaults={"role": role, "practitioner": person, "is_demo": True}
        )
        TOTPDevice.objects.update_or_create(
            user=user, name="Demo authenticator",
            defaults={"key": demo_key(username), "confirmed": True},
        )  # fmt: skip
