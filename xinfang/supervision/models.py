"""督办 on any case, and the record of the daily jobs the scheduler has started."""
from django.conf import settings
from django.db import models

from xinfang.core.models import Case
from xinfang.orgs.models import Unit


class SupervisionLevel(models.TextChoices):
    SUPERVISE = "supervise", "督办"
    LISTED = "listed", "挂牌督办"


class Supervision(models.Model):
    """A case put under supervision: by whom, what is demanded and by when. Lifted only when
    the case closes or the supervising side lifts it with a reason."""
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.CASCADE, related_name="supervisions")
    level = models.CharField("督办级别", max_length=12, choices=SupervisionLevel.choices)
    supervising_unit = models.ForeignKey(Unit, verbose_name="督办单位", on_delete=models.PROTECT, related_name="+")
    demand = models.TextField("督办要求")
    due_date = models.DateField("办结时限")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField("督办时间")
    reminders = models.PositiveIntegerField("催办次数", default=0)
    reports = models.PositiveIntegerField("进展报告次数", default=0)
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="解除人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    lifted_reason = models.TextField("解除理由", blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["lifted_at", "due_date"], name="supervision_active_due")]
        constraints = [models.UniqueConstraint(fields=["case"], condition=models.Q(lifted_at__isnull=True),
                                               name="supervision_one_active_per_case")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.case.number}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class ScheduledRun(models.Model):
    """One row per daily job and day: whoever inserts it first runs the job, so two workers
    (or a restarted one) never start the same day's job twice."""
    job = models.CharField(max_length=40)
    day = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "定时任务记录"
        verbose_name_plural = "定时任务记录"
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="scheduledrun_unique")]


from .circular_models import *  # noqa: E402,F401,F403  (circulars: 通报)
