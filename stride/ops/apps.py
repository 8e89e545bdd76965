from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "stride.ops"
    label = "ops"
    verbose_name = "Operations"
