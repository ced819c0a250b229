from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    label = "notifications"
    verbose_name = "站内通知"

    def ready(self):
        from xinfang.core.hooks import case_write_hook_register

        from .services import notifications_for_case_write

        case_write_hook_register(notifications_for_case_write)
