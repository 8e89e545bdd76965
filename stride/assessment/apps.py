from typing import Any

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "stride.assessment"
    label = "assessment"
    verbose_name = "Symptom self-assessment"

    def ready(self) -> None:
        from stride.booking.signals import booked_from_assessment

        booked_from_assessment.connect(_count_booked, dispatch_uid="assessment-funnel-booked")


def _count_booked(sender: Any, day: Any, **kwargs: Any) -> None:
    """The funnel's last step: a booking made from a self-assessment (a daily count)."""
    from stride.assessment.models import count

    count("booked", day)
