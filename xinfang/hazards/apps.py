from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "xinfang.hazards"
    label = "hazards"
    verbose_name = "安全隐患"

    def ready(self) -> None:
        from . import workflow  # noqa: F401  registers the hazard workflow
