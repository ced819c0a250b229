from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import ScreeningCadence, ScreeningReport


@admin.register(ScreeningCadence)
class ScreeningCadenceAdmin(AuditedAdmin, admin.ModelAdmin):
    """排查周期: configuration per unit level (村/社区 weekly, 街道/部门 half-monthly, 区 monthly)."""

    list_display = ("level", "cadence", "grace_days", "effective_from", "is_active")
    list_editable = ("cadence", "grace_days", "is_active")


@admin.register(ScreeningReport)
class ScreeningReportAdmin(admin.ModelAdmin):
    """Reports are filed through the service (it checks period, unit and disputes): read-only here."""

    list_display = ("unit", "period_start", "period_end", "none_found", "filed_by", "filed_on")
    list_filter = ("cadence", "none_found")
    list_select_related = ("unit", "filed_by")
    date_hierarchy = "period_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
