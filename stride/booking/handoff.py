"""From the self-assessment to booking: which service to suggest, and the summary the
person may choose to share (in words, and the same answers as data for the
practitioner's table), carried in a signed form field (never in the address, never
stored unless they book and agree)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core import signing

from stride.booking import selectors
from stride.booking.models import ConditionService, Service
from stride.core.assessment import shared

SALT = "stride.booking.handoff"
MAX_AGE_SECONDS = 3 * 60 * 60
BOOKABLE_LEVELS = ("appointment", "self_care")
BOOKABLE_DESTINATIONS = ("podiatry", "pharmacist", "self_care")


@dataclass(frozen=True)
class Handoff:
    service: str
    summary: str
    same_day: bool = False  # urgent advice: only today's times are offered
    # The same answers as data (stride.core.assessment.shared), or None.
    record: dict[str, Any] | None = field(default=None, compare=False)


def dumps(handoff: Handoff) -> str:
    return signing.dumps(
        {"service": handoff.service, "summary": handoff.summary, "same_day": handoff.same_day,
         "record": handoff.record},
        salt=SALT, compress=True,
    )  # fmt: skip


def loads(token: str) -> Handoff | None:
    """The hand-off, or None if it is missing, altered or old (booking goes on without it)."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        record = shared.from_data(data.get("record"))
        return Handoff(service=str(data["service"]), summary=str(data["summary"])[:4000],
                       same_day=bool(data.get("same_day")),
                       record=record.as_data() if record else None)  # fmt: skip
    except (signing.BadSignature, KeyError, TypeError, AttributeError):
        return None


def default_service() -> Service | None:
    online = selectors.services_online()
    return online.filter(kind=Service.Kind.NEW_PATIENT).first() or online.first()


def suggestion(
    *, level: str, destination: str, from_rule: bool, conditions: list[str]
) -> tuple[Service | None, bool, bool]:
    """(the service to suggest, whether to offer booking at all, today only).

    Booking is offered for appointment and self-care advice that points to us, a
    pharmacist or self-care (not to a GP), and for urgent advice that came from a
    condition the clinic sees the same day (never from a red-flag rule, and then for
    today only); never for emergency advice.
    """
    lead = conditions[0] if conditions else ""
    mapped = (
        ConditionService.objects.select_related("service")
        .filter(condition=lead, service__is_active=True, service__bookable_online=True)
        .first()
    )
    service = mapped.service if mapped else default_service()
    if level in BOOKABLE_LEVELS and destination in BOOKABLE_DESTINATIONS:
        return service, service is not None, False
    if level == "urgent" and not from_rule and mapped is not None and mapped.same_day:
        return service, True, True
    return service, False, False
