"""责任倒查与问责: a record, opened by a supervisor on a mishandled case, of what went wrong,
who answers for it (units; officials by name and post) and the measure decided.

The record is kept apart from the case: it never writes an Event on the case's timeline
(which handlers, reviewers and the petitioner's portal read); every read and write of it
is in the audit chain instead. See docs/accountability.md.
"""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case
from xinfang.orgs.models import Unit


class Ground(models.TextChoices):
    """Why a case calls for 责任倒查 (信访工作条例 Arts 44–46; 信访工作责任制实施办法)."""

    OVERDUE = "overdue", "超期办理（未在法定期限内受理、办理、答复）"
    SHIRKING = "shirking", "推诿扯皮（反复退回、转来转去）"
    OVERTURNED = "overturned", "处理意见被复查、复核撤销或变更"
    OTHER = "other", "其他失职失责情形"


# Short names for tables and figures.
GROUND_SHORT = {Ground.OVERDUE: "超期办理", Ground.SHIRKING: "推诿扯皮", Ground.OVERTURNED: "意见被撤销或变更",
                Ground.OTHER: "其他"}


class Measure(models.TextChoices):
    """The measures taken (信访工作条例 Arts 45–47; 信访工作责任制实施办法 Arts 11–13;
    中国共产党问责条例 Art 8), mildest first."""

    CRITICISM = "criticism", "批评教育、谈话提醒"
    CIRCULATED = "circulated", "通报批评"
    SELF_EXAMINATION = "self_examination", "责令作出书面检查"
    ADMONITION = "admonition", "诫勉"
    ORGANISATIONAL = "organisational", "组织处理（停职检查、调整职务、责令辞职、降职、免职等）"
    REFERRAL = "referral", "移送纪检监察机关依规依纪依法处理"


MEASURE_SHORT = {Measure.CRITICISM: "批评教育", Measure.CIRCULATED: "通报批评", Measure.SELF_EXAMINATION: "书面检查",
                 Measure.ADMONITION: "诫勉", Measure.ORGANISATIONAL: "组织处理", Measure.REFERRAL: "移送纪检监察"}


class Status(models.TextChoices):
    OPENED = "opened", "已立项，调查中"
    DECIDED = "decided", "已作出问责决定"
    CLOSED = "closed", "已落实，结案"


class AccountabilityRecord(models.Model):
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="accountability_records")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPENED)
    version = models.PositiveIntegerField(default=1)
    grounds = models.JSONField("问责事由", default=list)           # codes of Ground, at least one
    other_ground = models.CharField("其他事由", max_length=500, blank=True)
    finding = models.TextField("查明的事实")
    units = models.ManyToManyField(Unit, verbose_name="责任单位", related_name="accountability_records")
    opening_unit = models.ForeignKey(Unit, verbose_name="立项单位", on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="立项人", on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField("立项时间")
    measures = models.JSONField("问责方式", default=list)          # codes of Measure
    measure_note = models.TextField("处理意见", blank=True)
    decision_organ = models.CharField("决定机关", max_length=100, blank=True)
    decision_number = models.CharField("决定文号", max_length=60, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="结案人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    close_note = models.TextField("落实情况", blank=True)

    class Meta:
        verbose_name = "问责记录"
        verbose_name_plural = "问责记录"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["opened_at"], name="acct_opened_at"),
                   models.Index(fields=["status", "opened_at"], name="acct_status_opened")]

    def __str__(self) -> str:
        return f"问责记录 {self.pk}（{self.case.number}）"

    @property
    def ground_labels(self) -> list[str]:
        labels = [GROUND_SHORT.get(g, g) for g in self.grounds if g != Ground.OTHER]
        if Ground.OTHER in self.grounds:
            labels.append(f"其他：{self.other_ground}" if self.other_ground else "其他")
        return labels

    @property
    def measure_labels(self) -> list[str]:
        return [dict(Measure.choices).get(m, m) for m in self.measures]


class ResponsibleOfficial(models.Model):
    """An official held responsible: name and post, as the decision names them. These are
    the only persons a record names; nothing else is kept about them."""

    record = models.ForeignKey(AccountabilityRecord, on_delete=models.CASCADE, related_name="officials")
    name = models.CharField("姓名", max_length=40)
    post = models.CharField("职务", max_length=100)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["record_id", "order", "id"]
