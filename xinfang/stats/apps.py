from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "xinfang.stats"
    label = "stats"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from xinfang.core.hooks import case_write_hook_register

        from .facts import case_fact_on_write
        case_write_hook_register(case_fact_on_write)
