from django.contrib import admin
from django.db.models import Count

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import ReceptionDay


@admin.register(ReceptionDay)
class ReceptionDayAdmin(AuditedAdmin, admin.ModelAdmin):
    """Cases themselves change only through the workflow, never in the admin."""

    list_display = ("date", "leader", "unit", "place", "topic", "case_count")
    list_filter = ("unit",)
    search_fields = ("place", "topic", "leader__username", "leader__display_name")
    date_hierarchy = "date"
    list_select_related = ("leader", "unit")
    autocomplete_fields = ("leader",)
    filter_horizontal = ("cases",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(case_total=Count("cases"))

    @admin.display(description="接待事项", ordering="case_total")
    def case_count(self, obj: ReceptionDay) -> str:
        return f"{obj.case_total} 件"
