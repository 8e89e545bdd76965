from typing import Any

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "stride.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        from stride.booking import signals

        signals.time_freed.connect(_offer_to_the_waitlist, dispatch_uid="waitlist-offers")


def _offer_to_the_waitlist(sender: Any, **kwargs: Any) -> None:
    from stride.booking import waitlist

    waitlist.offer_free_times()
