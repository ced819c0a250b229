from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "xinfang.intake"
    label = "intake"
    verbose_name = "智能受理"
