from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "xinfang.assessments"
    label = "assessments"
    verbose_name = "社会稳定风险评估"
