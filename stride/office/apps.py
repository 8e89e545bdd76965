from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "stride.office"
    label = "office"
    verbose_name = "Back office"

    def ready(self) -> None:
        from stride.office import checks  # noqa: F401  (registers the system checks)
