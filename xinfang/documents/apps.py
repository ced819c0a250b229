from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "xinfang.documents"
    label = "documents"
    verbose_name = "文书"

    def ready(self):
        from xinfang.core.hooks import case_write_hook_register

        from .services import document_on_case_write

        case_write_hook_register(document_on_case_write)
