from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "xinfang.assessments"
    label = "assessments"
    verbose_name = "社会稳定风险评估"

    def ready(self) -> None:
        from . import workflow  # noqa: F401  registers the assessment workflow
