from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "stride.library"
    label = "library"
    verbose_name = "Condition library"

    def ready(self) -> None:
        from stride.library import signals  # noqa: F401
