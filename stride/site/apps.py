from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "stride.site"
    label = "site"
    verbose_name = "Clinic website"

    def ready(self) -> None:
        from stride.site import checks, signals

        del checks  # registered on import
        signals.connect_public_models()
