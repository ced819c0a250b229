"""联席会议 / 会商 / 听证协调会: a meeting of several units on hard cases. Each case on its
agenda gets a decision and a follow-up (交办事项) assigned to a unit with a deadline; the
follow-up is tracked to done, and being overdue is a query on its date.

The meeting's minutes (会议纪要) are generated from these rows and kept as files."""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case
from xinfang.orgs.models import Unit


class MeetingKind(models.TextChoices):
    JOINT = "joint", "联席会议"
    CONSULT = "consult", "会商"
    HEARING = "hearing", "听证协调会"


def minutes_file_path(instance: "Meeting", filename: str) -> str:
    return f"meetings/{instance.date.year}/{instance.convening_unit.short_code}/{filename}"


class Meeting(models.Model):
    kind = models.CharField("会议类型", max_length=10, choices=MeetingKind.choices)
    date = models.DateField("会议日期")
    convening_unit = models.ForeignKey(Unit, verbose_name="召集单位", on_delete=models.PROTECT,
                                       related_name="meetings_convened")
    attending_units = models.ManyToManyField(Unit, verbose_name="参会单位", related_name="meetings_attended")
    place = models.CharField("地点", max_length=100)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="主持人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    chair_name = models.CharField("主持人姓名", max_length=40)
    topic = models.CharField("议题", max_length=200)
    year = models.PositiveSmallIntegerField("年份")
    seq = models.PositiveIntegerField("期数", help_text="召集单位当年第几期会议纪要")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    minutes_docx = models.FileField("会议纪要（Word）", upload_to=minutes_file_path, max_length=200, blank=True)
    minutes_pdf = models.FileField("会议纪要（PDF）", upload_to=minutes_file_path, max_length=200, blank=True)
    minutes_at = models.DateTimeField("纪要生成时间", null=True, blank=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["convening_unit", "year", "seq"], name="meeting_unique_seq")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"


class AgendaItem(models.Model):
    """One case on the agenda, its decision and its follow-up (交办事项)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meeting_items")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField("议题说明", max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    decision = models.TextField("会议决定", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    followup_unit = models.ForeignKey(Unit, verbose_name="落实单位", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="meeting_followups")
    followup_handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="meeting_followups")
    followup_due = models.DateField("办结期限", null=True, blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    done_note = models.TextField("办结情况", blank=True)

    class Meta:
        verbose_name = "会议议题"
        verbose_name_plural = "会议议题"
        ordering = ["meeting_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="agenda_unique_case")]
        indexes = [models.Index(fields=["followup_unit", "done_at", "followup_due"], name="agenda_followup_open")]

    @property
    def decided(self) -> bool:
        return self.decided_at is not None
