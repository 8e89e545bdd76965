from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "stride.booking"
    label = "booking"
    verbose_name = "Booking"
