"""平安创建: the targets a community is held to (无越级集体访、无较大以上安全生产事故、无民转刑案件
…). Each target is "this figure of the board is at most N in the period"; admins edit the
set (the defaults come from a data migration). The figures themselves are defined once, in
selectors.FIGURES: matters counted, never persons."""
from django.db import models


class Figure(models.TextChoices):
    """The board's figures (their definitions: selectors.FIGURES)."""

    PETITIONS = "petitions", "信访事项"
    SKIP_COLLECTIVE = "skip_collective", "越级集体访"
    DISPUTES_OPEN = "disputes_open", "未化解纠纷"
    POLICE_REFERRALS = "police_referrals", "报告公安的纠纷（民转刑风险）"
    ACCIDENTS = "accidents", "生产安全事故"
    ACCIDENTS_LARGE = "accidents_large", "较大以上事故"
    HAZARDS_OPEN = "hazards_open", "未销号隐患"
    HAZARDS_MAJOR_OPEN = "hazards_major_open", "未销号重大隐患"


class BoardTarget(models.Model):
    """One target status of the board: met when `figure` ≤ `max_count` for the period."""

    name = models.CharField("目标名称", max_length=40, unique=True, help_text="如：无越级集体访")
    figure = models.CharField("考核数字", max_length=20, choices=Figure.choices)
    max_count = models.PositiveIntegerField("允许上限", default=0, help_text="该数字不超过此数即达标；0 表示须为零")
    basis = models.CharField("依据", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "平安创建目标"
        verbose_name_plural = "平安创建目标"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def met_by(self, value: int) -> bool:
        return value <= self.max_count

    @property
    def rule_text(self) -> str:
        label = self.get_figure_display()
        return f"{label}为零" if self.max_count == 0 else f"{label}不超过{self.max_count}件"
