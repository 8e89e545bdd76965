"""Booking references and manage tokens: made, hashed and turned into links here only."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse

REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY3479"  # no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B


def manage_url(token: str) -> str:
    """The patient's private link: it shows the appointment, and its button makes a
    short session (decision 6)."""
    return f"{settings.SITE_URL}/bookings/manage/?token={token}"


def new_token() -> str:
    """A manage or waitlist token: 192 random bits, sent once and stored only as a hash."""
    return secrets.token_urlsafe(24)


def manage_page_url(reference: str) -> str:
    """The manage page's address with no token in it, for places others may see (a
    calendar event). Without the session the private link makes, it explains how to get
    back in and sends the link again."""
    return settings.SITE_URL + reverse("booking:manage", args=[reference])


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{chars[:3]}-{chars[3:]}"


def token_hash(token: str) -> str:
    """What the database keeps of a manage token: never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()
