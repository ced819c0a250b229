"""Intake configuration: which category model is in use, and the routing table.

The suggestions these feed are advice at registration: a person decides (信访工作条例
第二十二条: the 信访部门 registers and routes each matter itself)."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class ModelSource(models.TextChoices):
    PUBLIC = "public", "公开数据（默认模型）"
    CASES = "cases", "本系统已登记事项"
    FILE = "file", "外部训练文件"


class IntakeModel(models.Model):
    """A trained category model. At most one is active; the registration page uses it, and
    with none active the default model shipped with the product."""

    path = models.CharField("模型文件", max_length=500, help_text="相对 DATA_DIR 或绝对路径")
    source = models.CharField("训练来源", max_length=10, choices=ModelSource.choices)
    trained_at = models.DateTimeField("训练时间")
    sample_count = models.PositiveIntegerField("训练样本数")
    heldout_count = models.PositiveIntegerField("留出样本数", default=0)
    heldout_macro_f1 = models.FloatField("留出集 macro-F1", null=True, blank=True)
    labels = models.JSONField("分类标签", default=list)
    is_active = models.BooleanField("当前使用", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="训练人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "分类模型"
        verbose_name_plural = "分类模型"
        ordering = ["-trained_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                               name="intake_model_one_active")]

    def __str__(self) -> str:
        f1 = f"，macro-F1 {self.heldout_macro_f1:.3f}" if self.heldout_macro_f1 is not None else ""
        return f"{self.get_source_display()} {self.trained_at:%Y-%m-%d %H:%M}（{self.sample_count} 条{f1}）"


class RouteAction(models.TextChoices):
    ASSIGN = "assign", "交办"
    TRANSFER = "transfer", "转送"


class RoutingRule(models.Model):
    """Category × place → responsible unit, as admins set it. Empty category or place means
    any; a category matches its whole subtree, a place unit its whole subtree. The most
    specific matching rule wins: the deepest place first, then the deepest category
    (信访工作条例第二十二条: 属地管理、分级负责，谁主管、谁负责)."""

    category = models.ForeignKey("core.Category", verbose_name="分类", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="routing_rules",
                                 help_text="留空表示任何分类；选中某分类时包含其下级分类")
    place_unit = models.ForeignKey("orgs.Unit", verbose_name="发生地", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="routing_rules_by_place",
                                   help_text="留空表示任何地点；选中某单位时包含其下级单位")
    responsible_unit = models.ForeignKey("orgs.Unit", verbose_name="责任单位", on_delete=models.PROTECT,
                                         related_name="routing_rules_responsible")
    action = models.CharField("办理方式", max_length=10, choices=RouteAction.choices, default=RouteAction.ASSIGN)
    reason = models.CharField("理由/依据", max_length=300, blank=True,
                              help_text="向登记员显示，例如“物业纠纷属地街道先行调处（《物业管理条例》）”")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "交办规则"
        verbose_name_plural = "交办规则"
        ordering = ["category_id", "place_unit_id", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "place_unit", "responsible_unit"],
                                               name="routing_rule_unique")]

    def __str__(self) -> str:
        cat = self.category.name if self.category_id else "任何分类"
        place = self.place_unit.name if self.place_unit_id else "任何地点"
        return f"{cat} × {place} → {self.responsible_unit.name}"
