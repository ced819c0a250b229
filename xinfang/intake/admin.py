from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from xinfang.audit.admin_mixins import AuditedAdmin
from xinfang.core.errors import XinfangError

from .models import IntakeModel, RoutingRule
from .selectors import category_path_name, routing_rule_specificity
from .services import classifier_train_from_cases, intake_model_activate


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("category_display", "place_display", "responsible_unit", "action", "reason", "specificity_display",
                    "is_active")
    list_filter = ("is_active", "action", "category__level")
    search_fields = ("category__name", "place_unit__name", "responsible_unit__name", "reason")
    autocomplete_fields = ("category", "place_unit", "responsible_unit")
    list_select_related = ("category__parent__parent", "place_unit", "responsible_unit")
    fieldsets = ((None, {"fields": ("category", "place_unit", "responsible_unit", "action", "reason", "is_active"),
                         "description": "分类或发生地留空表示“任何”，选中的分类、单位都包含其下级。多条规则同时适用时，"
                                        "发生地最具体（层级最深）的规则优先，其次分类最具体的规则。"}),)

    @admin.display(description="分类", ordering="category__name")
    def category_display(self, obj: RoutingRule) -> str:
        return category_path_name(obj.category) if obj.category_id else "（任何分类）"

    @admin.display(description="发生地", ordering="place_unit__path")
    def place_display(self, obj: RoutingRule) -> str:
        return obj.place_unit.name if obj.place_unit_id else "（任何地点）"

    @admin.display(description="具体程度（地点层级, 分类层级）")
    def specificity_display(self, obj: RoutingRule) -> str:
        place, cat = routing_rule_specificity(obj)
        return f"{place if place >= 0 else '—'}, {cat or '—'}"


@admin.register(IntakeModel)
class IntakeModelAdmin(admin.ModelAdmin):
    """Models are made by training, not typed in: no add or edit, only choosing which is used."""

    change_list_template = "admin/intake/intakemodel/change_list.html"
    list_display = ("trained_at", "source", "sample_count", "heldout_macro_f1", "heldout_count", "is_active", "note",
                    "created_by")
    list_filter = ("source", "is_active")
    readonly_fields = [f.name for f in IntakeModel._meta.fields]
    actions = ["activate_selected", "use_default"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def get_urls(self):
        return [path("retrain/", self.admin_site.admin_view(require_POST(self.retrain_view)),
                     name="intake_intakemodel_retrain"), *super().get_urls()]

    def retrain_view(self, request):
        """用本系统已分类的事项重新训练并启用（按一级分类）."""
        if not self.has_view_permission(request) or not request.user.has_perm("intake.add_intakemodel"):
            messages.error(request, "没有训练分类模型的权限。")
        else:
            level = request.POST.get("level", "1")
            try:
                row = classifier_train_from_cases(actor=request.user, level=int(level) if level.isdigit() else 0)
            except XinfangError as exc:
                messages.error(request, exc.message)
            else:
                f1 = f"，留出集 macro-F1 {row.heldout_macro_f1:.3f}" if row.heldout_macro_f1 is not None else ""
                messages.success(request, f"已用 {row.sample_count} 条样本训练并启用新的分类模型{f1}。")
        return redirect(reverse("admin:intake_intakemodel_changelist"))

    @admin.action(description="启用所选模型（只能选一个）")
    def activate_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个模型启用。", level=messages.ERROR)
            return
        intake_model_activate(actor=request.user, model=queryset.get())
        self.message_user(request, "已启用所选模型，登记页面的分类建议即刻改用它。")

    @admin.action(description="停用自训练模型，改用默认模型")
    def use_default(self, request, queryset):
        intake_model_activate(actor=request.user, model=None)
        self.message_user(request, "已改用随产品提供的默认模型。")
