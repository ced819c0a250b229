"""专项行动: a time-boxed campaign (专项行动, 安全生产大检查, 百案大会战, 百日攻坚) over a scope
of units, kinds of matter and categories, with numeric targets and the cases enrolled in it.

Progress against the targets is never stored: it is computed from the cases and records
(measures.py) whenever it is shown. The rows here are what people decide: the campaign, its
targets, and which cases were enrolled (and withdrawn) by whom and when.
"""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case, Category
from xinfang.orgs.models import Unit


class CampaignType(models.TextChoices):
    SPECIAL = "special", "专项行动"
    SAFETY_CHECK = "safety_check", "安全生产大检查"
    HUNDRED_CASES = "hundred_cases", "百案大会战"
    HUNDRED_DAYS = "hundred_days", "百日攻坚"
    OTHER = "other", "其他"


class EnrolRule(models.TextChoices):
    """How a case came into the campaign (shown in the ledger, kept for the record)."""

    MANUAL = "manual", "逐件列入"
    BACKLOG = "backlog", "积案：开始日前收到、至今未办结"
    OPEN = "open", "范围内全部未办结案件"
    IN_PERIOD = "in_period", "期间内收到的案件"


class Campaign(models.Model):
    name = models.CharField("名称", max_length=40)
    type = models.CharField("类型", max_length=20, choices=CampaignType.choices)
    organising_unit = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT,
                                        related_name="campaigns_organised")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    scope_unit = models.ForeignKey(Unit, verbose_name="范围（单位及其下级）", on_delete=models.PROTECT,
                                   related_name="+")
    kinds = models.JSONField("案件类别", default=list, help_text="petition / dispute / hazard / assessment")
    categories = models.ManyToManyField(Category, verbose_name="分类（可选）", blank=True, related_name="+")
    description = models.TextField("工作要求", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """One target: a measure (measures.MEASURES) and the number to reach in the period."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField("指标", max_length=30)
    number = models.PositiveIntegerField("目标数")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "measure"], name="campaign_target_unique")]


class Enrolment(models.Model):
    """A case in a campaign's ledger. Withdrawing keeps the row (who, when, why); the same
    case may be enrolled again later, as a new row."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="enrolments")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="campaign_enrolments")
    rule = models.CharField("列入方式", max_length=12, choices=EnrolRule.choices, default=EnrolRule.MANUAL)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField("列入时间")
    withdrawn_at = models.DateTimeField("退出时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdraw_reason = models.CharField("退出理由", max_length=500, blank=True)

    class Meta:
        verbose_name = "专项行动列入案件"
        verbose_name_plural = "专项行动列入案件"
        ordering = ["campaign_id", "enrolled_at", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], condition=models.Q(withdrawn_at__isnull=True),
                                               name="enrolment_one_active")]
        indexes = [models.Index(fields=["case", "withdrawn_at"], name="enrolment_case_active")]
