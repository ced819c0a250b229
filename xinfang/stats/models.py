"""Unit assessment (考核): which indicators count, with what weight, per scheme. Units are
scored and ranked — never people."""
from django.db import models


class AssessmentScheme(models.Model):
    name = models.CharField("方案名称", max_length=60, unique=True)
    note = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssessmentWeight(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, verbose_name="方案", on_delete=models.CASCADE, related_name="weights")
    indicator = models.CharField("指标", max_length=40, help_text="指标代码，见 docs/statistics.md")
    weight = models.PositiveSmallIntegerField("权重")
    higher_is_better = models.BooleanField("越高越好", default=True,
                                           help_text="不勾选：越低越好（如不满意率、重复信访占比），得分为 100 减去该比例")

    class Meta:
        verbose_name = "考核指标权重"
        verbose_name_plural = "考核指标权重"
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="assessment_weight_unique")]

    def __str__(self) -> str:
        return f"{self.indicator} × {self.weight}"
