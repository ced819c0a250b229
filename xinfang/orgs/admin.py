from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import Role, Unit, User


@admin.register(Unit)
class UnitAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("tree_name", "short_code", "level", "division_code", "parent", "user_count", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "short_code", "division_code")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)
    ordering = ("path",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_total=Count("users"))

    @admin.display(description="名称", ordering="path")
    def tree_name(self, obj: Unit) -> str:
        # Indented by depth, so the list reads as the tree it is.
        return "\u3000" * obj.depth + obj.name

    @admin.display(description="用户数", ordering="user_total")
    def user_count(self, obj: Unit) -> int:
        return obj.user_total


@admin.register(Role)
class RoleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "code", "sees_personal_data", "user_count")
    list_filter = ("sees_personal_data",)
    search_fields = ("name", "code")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_total=Count("users"))

    @admin.display(description="用户数", ordering="user_total")
    def user_count(self, obj: Role) -> int:
        return obj.user_total


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "unit", "role_names", "data_scope", "is_active", "last_login")
    list_filter = ("roles", "data_scope", "unit__level", "is_active", "is_staff")
    search_fields = ("username", "display_name", "unit__name")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    filter_horizontal = ("roles", "groups", "user_permissions")
    fieldsets = BaseUserAdmin.fieldsets + (("信访平台", {"fields": ("display_name", "unit", "roles", "data_scope", "mobile")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("信访平台", {"fields": ("display_name", "unit", "roles", "data_scope", "mobile")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="角色")
    def role_names(self, obj: User) -> str:
        return "、".join(r.name for r in obj.roles.all()) or "—"
