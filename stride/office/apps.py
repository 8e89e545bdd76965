from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "stride.office"
    label = "office"
    verbose_name = "Back office"

    def ready(self) -> None:
        # The system checks, and the audit of failed sign-ins, register themselves.
        from stride.office import checks, signin_guard  # noqa: F401
