from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "xinfang.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self):
        from xinfang.core.hooks import case_write_hook_register

        from .services import search_index_case

        case_write_hook_register(search_index_case)
