from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "xinfang.search"
    label = "search"
    verbose_name = "全文检索"
