from django.apps import AppConfig


class EmergenciesConfig(AppConfig):
    name = "xinfang.emergencies"
    label = "emergencies"
    verbose_name = "突发事件信息报送"
