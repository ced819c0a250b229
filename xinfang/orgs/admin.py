from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Role, Unit, User


@admin.register(Unit)
class UnitAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "short_code", "level", "division_code", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "short_code", "division_code")
    autocomplete_fields = ("parent",)


@admin.register(Role)
class RoleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "code", "sees_personal_data")


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "unit", "data_scope", "is_active")
    list_filter = ("roles", "data_scope", "is_active")
    search_fields = ("username", "display_name", "unit__name")
    autocomplete_fields = ("unit",)
    filter_horizontal = ("roles", "groups", "user_permissions")
    fieldsets = BaseUserAdmin.fieldsets + (("信访平台", {"fields": ("display_name", "unit", "roles", "data_scope")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("信访平台", {"fields": ("display_name", "unit", "roles", "data_scope")}),)
