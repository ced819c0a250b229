from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin, admin.ModelAdmin):
    """Tokens are issued with `xinfang token USER`; the admin lists and revokes (deletes) them."""

    list_display = ("user", "name", "created", "last_used")
    search_fields = ("user__username", "name")
    readonly_fields = ("user", "name", "created", "last_used")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
