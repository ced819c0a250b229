from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import ReceptionDay


@admin.register(ReceptionDay)
class ReceptionDayAdmin(AuditedAdmin, admin.ModelAdmin):
    """Cases themselves change only through the workflow, never in the admin."""

    list_display = ("date", "leader", "unit", "place", "topic")
    list_filter = ("unit",)
    filter_horizontal = ("cases",)
