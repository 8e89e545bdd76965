from typing import Any

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "stride.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        # The snapshot's receivers: every process that can save a booking setting (the
        # web, the admin, the shell, a worker) must move the configuration's version.
        from stride.booking import signals, snapshot  # noqa: F401

        signals.time_freed.connect(_offer_to_the_waitlist, dispatch_uid="waitlist-offers")


def _offer_to_the_waitlist(sender: Any, **kwargs: Any) -> None:
    from stride.booking import waitlist

    waitlist.offer_free_times()
