from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .calendar import calendar_cache_clear
from .models import CalendarDay, CalendarYear, Category, DeadlineRule


@admin.register(Category)
class CategoryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "path_display", "level_display", "code", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "code", "parent__name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent", "parent__parent")
    ordering = ("level", "parent__name", "name")

    @admin.display(description="所属路径")
    def path_display(self, obj: Category) -> str:
        return obj.full_name

    @admin.display(description="层级", ordering="level")
    def level_display(self, obj: Category) -> str:
        return f"{obj.level} 级"


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("label", "key", "province_display", "length_days", "counting", "obligation", "max_extension_days",
                    "legal_source")
    list_filter = ("province", "counting", "obligation")
    search_fields = ("key", "label", "legal_source")
    ordering = ("key", "province")

    @admin.display(description="适用范围", ordering="province")
    def province_display(self, obj: DeadlineRule) -> str:
        return obj.province or "全国"


class CalendarEditMixin:
    """Holiday edits change every deadline computed afterwards: drop the cached calendar."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_cache_clear()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        calendar_cache_clear()


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin, CalendarEditMixin, admin.ModelAdmin):
    list_display = ("year", "complete", "source")
    list_filter = ("complete",)
    ordering = ("-year",)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin, CalendarEditMixin, admin.ModelAdmin):
    list_display = ("date", "weekday", "is_rest_day", "name")
    list_filter = ("is_rest_day",)
    search_fields = ("name",)
    date_hierarchy = "date"

    @admin.display(description="星期", ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]
