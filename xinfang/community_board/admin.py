from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import BoardTarget


@admin.register(BoardTarget)
class BoardTargetAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "figure", "max_count", "order", "is_active", "basis")
    list_editable = ("order", "is_active")
    list_filter = ("is_active", "figure")
    ordering = ("order", "id")
