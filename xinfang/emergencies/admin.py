from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import FirstReportRule


@admin.register(FirstReportRule)
class FirstReportRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    """首报时限: an edit applies to events registered afterwards (each event keeps the
    limit it was registered with)."""

    list_display = ("grade", "type_display", "hours", "legal_source")
    list_filter = ("grade",)
    ordering = ("grade", "event_type")

    @admin.display(description="事件类型", ordering="event_type")
    def type_display(self, obj: FirstReportRule) -> str:
        return obj.get_event_type_display() if obj.event_type else "各类（通用）"
