from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin, admin.ModelAdmin):
    """For looking into what was sent; notifications are written by the workflow hook and the
    deadline sweep, not by hand."""

    list_display = ("created_at", "recipient", "kind", "case", "text", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("text", "case__number", "recipient__username", "recipient__display_name")
    date_hierarchy = "created_at"
    list_select_related = ("recipient", "case")
    readonly_fields = ("recipient", "case", "kind", "text", "due_date", "key", "created_at")
    raw_id_fields = ()

    def has_add_permission(self, request):
        return False
