from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "xinfang.hazards"
    label = "hazards"
    verbose_name = "安全隐患"
