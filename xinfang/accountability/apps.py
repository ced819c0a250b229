from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "xinfang.accountability"
    label = "accountability"
    verbose_name = "责任倒查与问责"
