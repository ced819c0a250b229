from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .calendar import calendar_cache_clear
from .models import CalendarDay, CalendarYear, Category, DeadlineRule


@admin.register(Category)
class CategoryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "parent", "level", "code", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("key", "label", "province", "length_days", "counting", "obligation", "max_extension_days",
                    "legal_source")
    list_filter = ("province", "counting", "obligation")


class CalendarEditMixin:
    """Holiday edits change every deadline computed afterwards: drop the cached calendar."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_cache_clear()


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin, CalendarEditMixin, admin.ModelAdmin):
    list_display = ("year", "complete", "source")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin, CalendarEditMixin, admin.ModelAdmin):
    list_display = ("date", "is_rest_day", "name")
    list_filter = ("is_rest_day",)
    date_hierarchy = "date"
