from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "xinfang.disputes"
    label = "disputes"
    verbose_name = "矛盾纠纷"

    def ready(self) -> None:
        from . import workflow  # noqa: F401  registers the dispute workflow
