from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "stride.assessment"
    label = "assessment"
    verbose_name = "Symptom self-assessment"
