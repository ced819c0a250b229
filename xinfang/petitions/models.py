"""信访事项: the petition-specific part of a Case (信访工作条例 2022)."""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case
from xinfang.orgs.models import Unit


class Channel(models.TextChoices):
    """条例 Art 17: web, letter, phone, fax, visit; plus matters assigned from above."""

    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    WEB = "web", "网上"
    PHONE = "phone", "电话"
    FAX = "fax", "传真"
    HIGHER = "higher", "上级交办"


class ClaimType(models.TextChoices):
    """条例 Arts 28–31."""

    SUGGESTION = "suggestion", "建议意见类"
    ACCUSATION = "accusation", "检举控告类"
    REQUEST = "request", "申诉求决类"


class ReceptionLevel(models.TextChoices):
    DISTRICT = "district", "区/县级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"


class DeclineChannel(models.TextChoices):
    """Where a declined matter belongs (诉访分离, 条例 Art 31)."""

    LITIGATION = "litigation", "诉讼"
    ARBITRATION = "arbitration", "仲裁"
    RECONSIDERATION = "reconsideration", "行政复议"
    DISCIPLINE = "discipline", "纪检监察"
    CONCLUDED = "concluded", "已终结，不再受理"


class Decision(models.TextChoices):
    """条例 Art 32."""

    SUPPORT = "support", "支持"
    EXPLAIN = "explain", "解释说明"
    REJECT = "reject", "不予支持"


class ReviewDecision(models.TextChoices):
    UPHOLD = "uphold", "维持原处理意见"
    REVISE = "revise", "撤销或变更原处理意见"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class OnSpotOccasion(models.TextChoices):
    """Where a matter was resolved in the one step of 现场办结."""

    WINDOW = "window", "接待窗口当场办结"
    FIELD = "field", "实地走访现场办结"


class Acknowledgement(models.TextChoices):
    """How the petitioner acknowledged an on-the-spot resolution."""

    SIGNED = "signed", "信访人签字确认"
    ORAL = "oral", "信访人当场确认"
    PHONE = "phone", "电话确认"


class Petition(models.Model):
    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="petition")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    claim_type = models.CharField("诉求类型", max_length=12, choices=ClaimType.choices)
    person_count = models.PositiveIntegerField("人数", default=1)
    is_collective = models.BooleanField("集体访", default=False)
    reception_level = models.CharField("接待层级", max_length=10, choices=ReceptionLevel.choices,
                                       default=ReceptionLevel.DISTRICT)
    is_skip_level = models.BooleanField("越级", default=False)
    is_first = models.BooleanField("初信初访", default=True)
    handling_unit = models.ForeignKey(Unit, verbose_name="承办单位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    review_unit = models.ForeignKey(Unit, verbose_name="复查机关", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    rereview_unit = models.ForeignKey(Unit, verbose_name="复核机关", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    decline_channel = models.CharField("不予受理去向", max_length=20, choices=DeclineChannel.choices, blank=True)
    decline_reason = models.TextField("不予受理理由", blank=True)
    extension_days = models.PositiveSmallIntegerField("已批准延期（日）", default=0)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_comment = models.TextField("评价意见", blank=True)
    rated_stage = models.CharField(max_length=12, blank=True)
    # 现场办结 (one-step resolution): set only by the workflow's resolve_on_spot step.
    resolved_on_spot = models.BooleanField("现场办结", default=False)
    on_spot_occasion = models.CharField("办结场合", max_length=10, choices=OnSpotOccasion.choices, blank=True)
    on_spot_outcome = models.TextField("办理情况", blank=True)
    on_spot_acknowledgement = models.CharField("信访人确认方式", max_length=10, choices=Acknowledgement.choices,
                                               blank=True)

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"


class Petitioner(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petitioners")
    name = models.CharField("姓名", max_length=40)
    id_number = models.CharField("身份证号", max_length=18, blank=True, db_index=True)
    phone = models.CharField("电话", max_length=20, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    is_representative = models.BooleanField("代表", default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case_id", "order"]
        indexes = [models.Index(fields=["name", "phone"], name="petitioner_name_phone")]


class AnswerStage(models.TextChoices):
    ANSWER = "answer", "处理意见"
    REVIEW = "review", "复查意见"
    REREVIEW = "rereview", "复核意见"


class Answer(models.Model):
    """A written answer at one stage, with its review history (submitted, returned, approved)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="answers")
    stage = models.CharField(max_length=10, choices=AnswerStage.choices)
    decision = models.CharField("结论", max_length=12)
    facts = models.TextField("事实与理由")
    legal_basis = models.TextField("依据")
    text = models.TextField("答复正文", blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    status = models.CharField(max_length=10, default="pending")  # pending / returned / approved
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["case_id", "submitted_at", "id"]

    def get_decision_label(self) -> str:
        choices = Decision if self.stage == AnswerStage.ANSWER else ReviewDecision
        return dict(choices.choices).get(self.decision, self.decision)


class ReceptionDay(models.Model):
    """领导接访日: a leader receives the public on a set day."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接访领导", on_delete=models.PROTECT,
                               related_name="reception_days")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    topic = models.CharField("主题", max_length=100, blank=True)
    cases = models.ManyToManyField(Case, verbose_name="接待事项", blank=True, related_name="reception_days")

    class Meta:
        verbose_name = "领导接访日"
        verbose_name_plural = "领导接访日"
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["leader", "date"], name="receptionday_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.leader}"
