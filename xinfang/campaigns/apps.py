from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "xinfang.campaigns"
    label = "campaigns"
    verbose_name = "专项行动"
